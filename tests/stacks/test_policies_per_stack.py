"""Every shipped stack passes the policy pack: no mandatory violation, offline or in policy.txt."""

from __future__ import annotations

import re

import pytest
from stack_plans import PROJECT, STACKS

from skyfleet.analysis.policy_eval import evaluate_plan
from skyfleet.preview.stack_config import load_stack_config


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_has_no_mandatory_policy_violation(plans, stack):
    config = load_stack_config(PROJECT, stack).raw.get("skyfleet:policyConfig") or {}
    mandatory = [v for v in evaluate_plan(plans[stack], config) if v.level == "mandatory"]
    assert mandatory == []


@pytest.mark.parametrize("stack", STACKS)
def test_policy_txt_reports_no_mandatory_violation(preview_all, stack):
    text = (preview_all.out / stack / "policy.txt").read_text()
    summary = re.search(r"^\d+ violation\(s\): 0 mandatory, \d+ advisory$", text, re.M)
    assert summary or text == "No policy violations.\n", text
    assert not re.search(r"^mandatory\s", text, re.M), text
