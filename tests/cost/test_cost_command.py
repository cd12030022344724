"""`skyfleet cost`: the estimate of a stack previewed on the spot, or read from a preview's output."""

from __future__ import annotations

import json
from pathlib import Path

from skyfleet.cli import main

PROJECT = Path(__file__).resolve().parents[2]


def test_cost_of_one_stack_previews_it_and_prints_every_line_with_its_price_row(tmp_path, capsys):
    out = tmp_path / "cost.json"
    assert main(["--project", str(PROJECT), "cost", "--stack", "aws-dev", "--prices", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    cost = json.loads(out.read_text())["aws-dev"]
    head = f"aws-dev: ${cost['minUsd']:,.2f} .. ${cost['maxUsd']:,.2f} per month (USD, 730 h a month)"
    assert printed.startswith(head)
    assert "aws:ec2-instance/m7i.xlarge@us-east-1 = $0.2016/hour" in printed
    assert "| aws-dev | $387.35 | $1,171.19 |" in printed


def test_cost_from_a_preview_output_reads_its_summaries(preview_all, tmp_path, capsys):
    table = tmp_path / "summary.md"
    assert main(["--project", str(PROJECT), "cost", "--all", "--from", str(preview_all.out),
                 "--markdown", str(table)]) == 0
    written = table.read_text()
    assert written.startswith("### Monthly cost estimate\n")
    for stack in preview_all.stacks():
        cost = json.loads((preview_all.out / stack / "summary.json").read_text())["cost"]
        assert f"| {stack} | ${cost['minUsd']:,.2f} | ${cost['maxUsd']:,.2f} |" in written
