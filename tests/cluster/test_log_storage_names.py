"""components/cluster/*/log_storage.py and components.names: the physical names of log stores."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from components.cluster.aws.iam import role_name_prefix
from components.cluster.aws.log_storage import s3_bucket_prefix
from components.cluster.azure.cloud import azure_storage_account_name
from components.cluster.gcp.log_storage import gcs_bucket_name
from components.names import name_fragment
from skyfleet.preview import clouds  # noqa: F401 - registers the rules the names must pass
from skyfleet.preview.cloud_rules import check, plan_of

EKS_NAMES = st.from_regex(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}", fullmatch=True)
GKE_NAMES = st.from_regex(r"[a-z]([-a-z0-9]{0,38}[a-z0-9])?", fullmatch=True)


def _refusals(type_: str, state: dict) -> list[str]:
    entry = {"urn": f"urn:pulumi:t::p::{type_}::x", "type": type_, "name": "x", "inputs": {}, "state": state}
    return [v.rule for v in check(plan_of([entry]))]


@given(EKS_NAMES)
def test_every_eks_cluster_name_gives_a_bucket_prefix_s3_accepts(cluster: str) -> None:
    prefix = s3_bucket_prefix(cluster)
    # The provider appends 26 characters (a timestamp and a counter).
    assert _refusals("aws:s3/bucket:Bucket", {"bucket": prefix + "2026010100000000000000abcd"}) == []
    assert len(prefix) <= 37


@given(EKS_NAMES)
def test_every_eks_cluster_name_gives_iam_role_names_iam_accepts(cluster: str) -> None:
    name = role_name_prefix(f"{cluster}-cluster-autoscaler") + "2026010100000000000000abcd"
    assert _refusals("aws:iam/role:Role", {"name": name}) == []


@given(GKE_NAMES)
def test_every_gke_cluster_name_gives_a_bucket_name_cloud_storage_accepts(cluster: str) -> None:
    assert _refusals("gcp:storage/bucket:Bucket", {"name": gcs_bucket_name(cluster, "my-project")}) == []


def test_a_gke_cluster_named_after_google_still_gets_a_valid_bucket_name() -> None:
    name = gcs_bucket_name("google-logs", "my-project")
    assert "google" not in name and not name.startswith("goog")


def test_the_bucket_name_is_the_same_in_every_preview_and_differs_per_project() -> None:
    assert gcs_bucket_name("dev", "p1") == gcs_bucket_name("dev", "p1") != gcs_bucket_name("dev", "p2")


def test_the_longest_aks_cluster_name_gives_a_storage_account_name_azure_accepts() -> None:
    name = azure_storage_account_name("Skyfleet-Dev-" + "z" * 50, "a1b2c3")
    assert _refusals("azure-native:storage:StorageAccount", {"name": name}) == []


def test_a_cut_name_keeps_a_hash_of_the_whole_so_long_names_stay_apart() -> None:
    a, b = name_fragment("x" * 40 + "-east", 31), name_fragment("x" * 40 + "-west", 31)
    assert len(a) == len(b) == 31 and a != b
    assert name_fragment("Skyfleet_Dev", 31) == "skyfleet-dev"
