"""components/names.py: the name rules every layer shares."""

from __future__ import annotations

import pytest

from components import names
from components.cluster.azure.cloud import azure_key_vault_name
from components.cluster.clouds import cloud_spec
from components.cluster.gcp.cloud import gcp_service_account_id
from components.errors import Problems


@pytest.mark.parametrize("value", ["a", "web-1", "0abc", "a" * 63])
def test_dns1123_label_accepts(value: str) -> None:
    assert names.is_dns1123_label(value)


@pytest.mark.parametrize("value", ["", "-a", "a-", "A", "a_b", "a.b", "a" * 64])
def test_dns1123_label_rejects(value: str) -> None:
    assert not names.is_dns1123_label(value)


def test_dns1123_subdomain_allows_dots_up_to_253() -> None:
    assert names.is_dns1123_subdomain("app.example.com")
    assert not names.is_dns1123_subdomain("app..example")
    assert not names.is_dns1123_subdomain("a" * 254)


def test_dns1035_label_must_start_with_a_letter() -> None:
    assert names.is_dns1035_label("web")
    assert not names.is_dns1035_label("1web")


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("app", True),
        ("app.kubernetes.io/name", True),
        ("skyfleet.io/pool", True),
        ("a/b/c", False),
        ("Bad_Prefix/name", False),
        ("/name", False),
        ("name-", False),
    ],
)
def test_label_key(key: str, ok: bool) -> None:
    assert names.is_label_key(key) is ok


def test_label_value_may_be_empty_but_not_end_in_a_symbol() -> None:
    assert names.is_label_value("")
    assert names.is_label_value("v1.2_3")
    assert not names.is_label_value("v1-")


def test_check_records_path_value_and_rule() -> None:
    problems = Problems()
    assert not names.check_dns1123_label(problems, "services.api.name", "Api")
    [problem] = problems.found
    assert (problem.path, problem.value) == ("services.api.name", "Api")
    assert "DNS-1123 label" in problem.rule


def test_check_labels_names_the_offending_key() -> None:
    problems = Problems()
    names.check_labels(problems, "labels", {"good": "yes", "bad key": "x"})
    assert [p.path for p in problems.found] == ["labels.bad key"]


@pytest.mark.parametrize(
    ("cloud", "name", "ok"),
    [
        ("aws", "Prod_Cluster-1", True),
        ("aws", "_x", False),
        ("aws", "a" * 101, False),
        ("gcp", "prod-1", True),
        ("gcp", "Prod", False),
        ("gcp", "a" * 41, False),
        ("azure", "Prod_1", True),
        ("azure", "prod-", False),
        ("azure", "a" * 64, False),
    ],
)
def test_cluster_name_rules_per_cloud(cloud: str, name: str, ok: bool) -> None:
    assert cloud_spec(cloud).cluster_name.check(Problems(), "clusters.x", name) is ok


@pytest.mark.parametrize(
    ("cloud", "name", "ok"),
    [
        ("aws", "general-purpose", True),
        ("gcp", "1pool", False),
        ("gcp", "a" * 41, False),
        ("azure", "general", True),
        ("azure", "generalpurpose", False),
        ("azure", "gen-1", False),
    ],
)
def test_pool_name_rules_per_cloud(cloud: str, name: str, ok: bool) -> None:
    rule = cloud_spec(cloud).pool_name
    assert (names.is_dns1123_label(name) and rule.check(Problems(), "p", name)) is ok


def test_gcp_service_account_id_fits_the_rules() -> None:
    long_id = gcp_service_account_id("a-very-long-cluster-name-indeed", "external-dns")
    assert 6 <= len(long_id) <= 30 and long_id[0].isalpha() and long_id[-1].isalnum()
    assert gcp_service_account_id("main", "nodes") == "main-nodes"
    assert len(gcp_service_account_id("a", "b")) >= 6


def test_key_vault_name_is_at_most_24_characters() -> None:
    name = azure_key_vault_name("a-very-long-cluster-name", "abc123")
    assert len(name) <= 24 and name.startswith("kv-") and name.endswith("-abc123")
