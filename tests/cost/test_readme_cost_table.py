"""The README's cost table is the estimate of the shipped stacks, row for row."""

from __future__ import annotations

from pathlib import Path

from skyfleet.analysis.cost import estimate_plan
from skyfleet.commands.cost import markdown_table

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _table() -> list[str]:
    section = README.split("## Cost and budgets\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ")]


def test_the_readme_cost_table_matches_the_estimate_of_every_shipped_stack(preview_all):
    rows = _table()
    stacks = [row.split("|")[1].strip() for row in rows[2:]]
    assert sorted(stacks) == preview_all.stacks()
    expected = markdown_table({s: estimate_plan(preview_all.plan(s)).to_json() for s in stacks})
    assert rows == expected.splitlines()
