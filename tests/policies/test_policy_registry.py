"""The pack's shape: names, descriptions, levels and config schemas of every policy."""

from __future__ import annotations

import re

import pytest
from pulumi_policy import EnforcementLevel, Policy

from policies.registry import POLICIES

KEBAB_CASE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_the_pack_has_at_least_thirty_policies() -> None:
    assert len(POLICIES) >= 30


def test_policy_names_are_unique() -> None:
    names = [p.name for p in POLICIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_policy_metadata(policy: Policy) -> None:
    assert KEBAB_CASE.match(policy.name)
    assert "\n" not in policy.description and policy.description.endswith(".")
    assert policy.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY)


@pytest.mark.parametrize(
    "policy", [p for p in POLICIES if p.config_schema], ids=lambda p: p.name
)
def test_every_setting_documents_type_default_and_meaning(policy: Policy) -> None:
    assert policy.config_schema is not None
    for name, schema in policy.config_schema.properties.items():
        assert {"type", "default", "description"} <= set(schema), name
