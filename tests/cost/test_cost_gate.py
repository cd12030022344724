"""The review gate (policies/cost.py): a stack whose estimated maximum exceeds its budget fails the
preview's policy step, naming its three biggest cost lines; one within its budget passes."""

from __future__ import annotations

import json
from pathlib import Path

from safety.project import copy_project, edit_stack, put

from skyfleet.commands.preview import preview_one

MANDATORY = put("skyfleet:policyConfig", value={"cost-within-budget": "mandatory"})
# aws-dev's three biggest lines at maxSize (README, Cost): both node pools and the control plane.
DRIVERS = ("1. node pool general: 1..5 x m7i.xlarge (skyfleet-dev): up to $735.84",
           "2. node pool system: 1..3 x m7i.large (skyfleet-dev): up to $220.75",
           "3. EKS control plane (standard support) (skyfleet-dev): up to $73.00")


def _preview(tmp_path: Path, *edits) -> tuple[int, str, dict]:
    project = copy_project(tmp_path / "project")
    edit_stack(project, "aws-dev", *edits)
    out = tmp_path / "out"
    out.mkdir()
    code = preview_one(project, "aws-dev", out, quiet=True)
    summary = json.loads((out / "aws-dev" / "summary.json").read_text())
    return code, (out / "aws-dev" / "policy.txt").read_text(), summary


def test_a_stack_over_its_budget_fails_the_policy_step_naming_the_three_cost_drivers(tmp_path):
    code, policy, summary = _preview(tmp_path, put("skyfleet:budget", "amount", value=500), MANDATORY)
    assert code == 3
    line = next(line for line in policy.splitlines() if "cost-within-budget" in line)
    assert line.startswith("mandatory")
    assert "the estimated maximum monthly cost $1,171.19 exceeds the budget of $500.00" in line
    for driver in DRIVERS:
        assert driver in line
    assert summary["exitCode"] == 3


def test_a_stack_within_its_budget_passes_the_gate(tmp_path):
    code, policy, _ = _preview(tmp_path, put("skyfleet:budget", "amount", value=1200), MANDATORY)
    assert code == 0
    assert "cost-within-budget" not in policy


def test_the_gate_is_advisory_unless_configured_mandatory(tmp_path):
    code, policy, _ = _preview(tmp_path, put("skyfleet:budget", "amount", value=500))
    assert code == 0
    assert any(line.startswith("advisory") and "cost-within-budget" in line for line in policy.splitlines())
