"""`skyfleet diff` carries the cost change of each stack (before -> after, and the lines that
changed) into its table, its JSON and the PR comment's Markdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from components.cluster.aws.prices import PRICES
from components.cluster.pricing import HOURS_PER_MONTH
from skyfleet.analysis.diff import Snapshot, diff_snapshots, format_markdown, format_table, read_configs, to_json

PROJECT = Path(__file__).resolve().parents[2]



@pytest.fixture(scope="module")
def one_more_node(preview_all, tmp_path_factory):
    """The shipped stacks as base; as head, aws-dev with its general pool's maxSize 5 -> 6."""
    head = tmp_path_factory.mktemp("head")
    shutil.copytree(preview_all.out, head, dirs_exist_ok=True)
    plan_path = head / "aws-dev" / "plan.json"
    plan = json.loads(plan_path.read_text())
    for resource in plan["resources"]:
        if resource["type"] == "aws:eks/nodeGroup:NodeGroup" and resource["name"].endswith("general"):
            resource["inputs"]["scalingConfig"]["maxSize"] = 6
    plan_path.write_text(json.dumps(plan))
    configs = read_configs(PROJECT)
    return diff_snapshots(Snapshot(preview_all.out, configs), Snapshot(head, configs))


def test_the_changed_stack_reports_its_cost_before_and_after_and_the_line_that_moved(one_more_node):
    cost = one_more_node["aws-dev"].cost
    node = PRICES.get("ec2-instance", "m7i.xlarge", "us-east-1").usd * HOURS_PER_MONTH
    disk = PRICES.get("ebs-volume", "gp3", "us-east-1").usd * 100
    assert cost["deltaMaxUsd"] == round(node + disk, 2)
    assert cost["after"]["maxUsd"] == pytest.approx(cost["before"]["maxUsd"] + node + disk, abs=0.01)
    assert cost["after"]["minUsd"] == cost["before"]["minUsd"]
    assert [(line["before"], line["after"]) for line in cost["lines"]] == [
        ("node disks general: 1..5 x 100 GiB gp3", "node disks general: 1..6 x 100 GiB gp3"),
        ("node pool general: 1..5 x m7i.xlarge", "node pool general: 1..6 x m7i.xlarge"),
    ]


def test_stacks_whose_cost_did_not_move_carry_no_cost_change(one_more_node):
    assert [name for name, d in one_more_node.items() if d.cost] == ["aws-dev"]


def test_the_pr_comment_and_the_json_carry_the_cost_change(one_more_node):
    markdown = format_markdown(one_more_node)
    assert "### Cost change per month (estimate)" in markdown
    # before: aws-dev's estimate (README, Cost); after: one more m7i.xlarge and its 100 GiB gp3 disk.
    row = next(line for line in markdown.splitlines() if line.startswith("| `aws-dev` | $387.35 .. $1,171.19 |"))
    assert row.endswith("| +$155.17 |") and "$1,326.3" in row
    assert to_json(one_more_node)["stacks"]["aws-dev"]["cost"]["deltaMaxUsd"] == 155.17
    assert "cost per month: $387.35 .. $1,171.19 -> $387.35 .. $1,326.3" in format_table(one_more_node)
