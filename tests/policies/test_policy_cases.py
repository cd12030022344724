"""Every policy against its violating and compliant inputs, through `evaluate_plan`, which
calls the registered policies the way the engine does."""

from __future__ import annotations

import pytest
from policy_cases import CASES
from policy_testing import SECURE_BASELINES, Case, plan, resource

from policies.registry import POLICIES
from skyfleet.analysis.policy_eval import Violation, evaluate_plan


def _violations_of(case: Case) -> list[Violation]:
    found = evaluate_plan(plan(*case.resources), case.config)
    return [v for v in found if v.policy == case.policy]


@pytest.mark.parametrize("case", [c for c in CASES if c.violates], ids=lambda c: c.id)
def test_violating_input_is_reported(case: Case) -> None:
    found = _violations_of(case)

    assert found, f"{case.policy} did not flag {case.id}"
    urns = {r["urn"] for r in case.resources}
    for violation in found:
        assert violation.urn in urns
        assert " Fix: " in violation.message, "every message carries a remediation hint"
        assert case.expect in violation.message


@pytest.mark.parametrize("case", [c for c in CASES if not c.violates], ids=lambda c: c.id)
def test_compliant_input_passes(case: Case) -> None:
    assert _violations_of(case) == []


def test_every_policy_has_a_violating_and_a_compliant_case() -> None:
    covered = {(c.policy, c.violates) for c in CASES}
    missing = [
        f"{p.name} ({'violating' if violates else 'compliant'})"
        for p in POLICIES
        for violates in (True, False)
        if (p.name, violates) not in covered
    ]
    assert missing == []


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_secure_baselines_pass_every_policy() -> None:
    # The cases above change one field of these baselines: that is what makes each case
    # isolate one rule. Together they form a stack, so the Deployment has its PDB.
    baselines = [resource(type_token, props) for type_token, props in SECURE_BASELINES.items()]
    assert evaluate_plan(plan(*baselines)) == []
