"""components/cluster/kubeconfig.py: one builder; each cloud's credential plugin (its cloud.py)."""

from __future__ import annotations

import base64

import yaml

from components.cluster import kubeconfig
from components.cluster.aws.cloud import aws_exec
from components.cluster.azure.cloud import AKS_AAD_SERVER_ID, aks_exec
from components.cluster.gcp.cloud import gke_exec


def _render(credential: kubeconfig.ExecCredential) -> dict:
    text = kubeconfig.render_kubeconfig(
        name="main", server="https://k8s.example", certificate_authority_data="Q0E=",
        credential=credential,
    )
    return yaml.safe_load(text)


def test_the_cluster_entry_holds_only_server_and_ca() -> None:
    document = _render(gke_exec())
    assert document["clusters"] == [
        {"name": "main", "cluster": {"server": "https://k8s.example",
                                     "certificate-authority-data": "Q0E="}}
    ]
    assert document["current-context"] == "main"


def test_changing_the_credential_plugin_leaves_the_cluster_entry_unchanged() -> None:
    aws = _render(aws_exec("main", "us-east-1"))
    aks = _render(aks_exec())
    assert aws["clusters"] == aks["clusters"] and aws["users"] != aks["users"]


def test_no_static_credential_is_ever_written() -> None:
    for credential in (aws_exec("m", "r"), gke_exec(),
                       aks_exec()):
        user = _render(credential)["users"][0]["user"]
        assert set(user) == {"exec"}


def test_aws_runs_eks_get_token_for_the_cluster_and_region() -> None:
    spec = _render(aws_exec("main", "eu-west-1"))["users"][0]["user"]["exec"]
    assert spec["command"] == "aws"
    assert spec["args"][:6] == ["eks", "get-token", "--cluster-name", "main", "--region",
                                "eu-west-1"]


def test_gke_passes_cluster_info_to_its_plugin() -> None:
    spec = _render(gke_exec())["users"][0]["user"]["exec"]
    assert (spec["command"], spec["provideClusterInfo"]) == ("gke-gcloud-auth-plugin", True)


def test_aks_runs_kubelogin_for_the_aks_server_application() -> None:
    spec = _render(aks_exec("workloadidentity"))["users"][0]["user"]["exec"]
    assert spec["command"] == "kubelogin"
    assert spec["args"] == ["get-token", "--login", "workloadidentity", "--server-id",
                            AKS_AAD_SERVER_ID]


def test_cluster_entry_reads_server_and_ca_from_a_base64_kubeconfig() -> None:
    text = kubeconfig.render_kubeconfig(
        name="x", server="https://aks.example:443", certificate_authority_data="Q0E=",
        credential=aks_exec(),
    )
    encoded = base64.b64encode(text.encode()).decode()
    assert kubeconfig.cluster_entry(encoded) == ("https://aks.example:443", "Q0E=")
