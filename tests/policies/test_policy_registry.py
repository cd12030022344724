"""The pack's shape: names, descriptions, levels and config schemas of every policy, and the
docs table that maps each one (and each Pod Security and CIS control) to what enforces it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pulumi_policy import EnforcementLevel, Policy

from components.platform.ingress import IngressController
from policies import pss
from policies.exposure import INGRESS_CONTROLLER_TYPE
from policies.registry import POLICIES

KEBAB_CASE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "policies.md"


def test_the_pack_has_at_least_seventy_policies() -> None:
    assert len(POLICIES) >= 70


def test_policy_names_are_unique() -> None:
    names = [p.name for p in POLICIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_policy_metadata(policy: Policy) -> None:
    assert KEBAB_CASE.match(policy.name)
    assert "\n" not in policy.description and policy.description.endswith(".")
    assert policy.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY)


def test_every_pod_security_control_is_mandatory() -> None:
    assert {p.enforcement_level for p in pss.POLICIES} == {EnforcementLevel.MANDATORY}


@pytest.mark.parametrize(
    "policy", [p for p in POLICIES if p.config_schema], ids=lambda p: p.name
)
def test_every_setting_documents_type_default_and_meaning(policy: Policy) -> None:
    assert policy.config_schema is not None
    for name, schema in policy.config_schema.properties.items():
        assert {"type", "default", "description"} <= set(schema), name


def test_docs_list_every_policy_with_its_level() -> None:
    section = DOCS.read_text().split("\n## All policies\n", 1)[1].split("\n## ", 1)[0]
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `([a-z0-9-]+)` \|[^|]*\| (mandatory|advisory) \|", section, re.M)
    }
    expected = {p.name: p.enforcement_level.value for p in POLICIES if p.enforcement_level}
    assert rows == expected


def test_the_pod_security_table_maps_every_control_to_its_policy() -> None:
    section = DOCS.read_text().split("\n## Pod Security Standards\n", 1)[1].split("\n## ", 1)[0]
    controls = re.findall(r"^\| (baseline|restricted) \| [^|]+ \|.*\| `([a-z0-9-]+)`", section, re.M)
    assert {policy for _, policy in controls} == {p.name for p in pss.POLICIES}
    assert len(controls) == 19  # 12 baseline, 7 restricted controls (v1.35 page)


def test_the_cis_tables_name_only_policies_that_exist() -> None:
    section = DOCS.read_text().split("\n## CIS cluster controls\n", 1)[1].split("\n## ", 1)[0]
    prefixes = "eks|gke|aks|ec2|rbac|ingress|gateway|httproute|service|no|images"
    named = set(re.findall(rf"`((?:{prefixes})-[a-z0-9-]+)`", section))
    assert named and named <= {p.name for p in POLICIES}


def test_the_load_balancer_exemption_names_the_ingress_controller_component() -> None:
    # The pack cannot import the project (it is published on its own), so the type token is
    # written twice; this keeps the two in step.
    assert INGRESS_CONTROLLER_TYPE == IngressController.TYPE


def test_docs_and_readme_state_the_number_of_policies() -> None:
    readme = DOCS.parents[1] / "README.md"
    assert f"with {len(POLICIES)} policies" in DOCS.read_text()
    assert f"pack with {len(POLICIES)} policies" in readme.read_text()
