"""Every preview carries its cost: a `cost` section in summary.json (the estimate of the stack's
plan) and a USD/month cell in the table across stacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skyfleet.analysis.cost import estimate_plan, summary_cell
from skyfleet.preview.stack_config import list_stacks

STACKS = list_stacks(Path(__file__).resolve().parents[2])


@pytest.mark.parametrize("stack", STACKS)
def test_summary_json_holds_the_estimate_of_the_stacks_plan(preview_all, stack):
    summary = json.loads((preview_all.out / stack / "summary.json").read_text())
    assert summary["cost"] == estimate_plan(preview_all.plan(stack)).to_json()
    assert summary["cost"]["hoursPerMonth"] == 730
    assert any("data transfer" in item for item in summary["cost"]["notEstimated"])


@pytest.mark.parametrize("stack", STACKS)
def test_the_table_across_stacks_shows_each_stacks_cost(preview_all, stack):
    summary = json.loads((preview_all.out / stack / "summary.json").read_text())
    row = next(line for line in preview_all.stdout.splitlines() if line.startswith(f"{stack} "))
    assert row.endswith(summary_cell(summary["cost"]))
