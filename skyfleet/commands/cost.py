"""`skyfleet cost --stack NAME | --all`: the monthly cost estimate of stacks, line by line.

With `--from DIR` it reads the estimates a `skyfleet preview` wrote (`DIR/<stack>/summary.json`)
instead of previewing again; `--json FILE` writes them, `--markdown FILE` appends a table (for a
job summary), `--prices` lists every price row an estimate line points at.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

NAME = "cost"
HELP = "the monthly cost estimate of a stack, per cluster and line, from the price tables"
EXAMPLES = (
    "skyfleet cost --stack aws-prod",
    "skyfleet cost --all --markdown $GITHUB_STEP_SUMMARY",
    "skyfleet cost --all --from out --json cost.json",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="one stack")
    which.add_argument("--all", action="store_true", help="every stack in stacks/")
    parser.add_argument("--from", dest="from_dir", type=Path,
                        help="read the estimates a `skyfleet preview --out DIR` wrote instead of previewing")
    parser.add_argument("--json", dest="json_out", type=Path, help="write the estimates as JSON here")
    parser.add_argument("--markdown", dest="markdown_out", type=Path,
                        help="append a Markdown table here (e.g. $GITHUB_STEP_SUMMARY)")
    parser.add_argument("--prices", action="store_true", help="also list the price rows the lines use")


def run(args: argparse.Namespace, project: Path) -> int:
    from skyfleet.preview.stack_config import list_stacks

    stacks = list_stacks(project) if args.all else [args.stack]
    try:
        costs = _read(args.from_dir, stacks) if args.from_dir else _preview(project, stacks)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for stack in stacks:
        print(format_cost(stack, costs[stack], prices=args.prices))
        print()
    print(markdown_table(costs))
    if args.json_out:
        args.json_out.write_text(json.dumps(costs, indent=2, sort_keys=True) + "\n")
    if args.markdown_out:
        with args.markdown_out.open("a") as handle:
            handle.write("### Monthly cost estimate\n\n" + markdown_table(costs) + "\n")
    return 0


def _read(out_dir: Path, stacks: Sequence[str]) -> dict[str, dict[str, Any]]:
    costs = {}
    for stack in stacks:
        path = out_dir / stack / "summary.json"
        summary = json.loads(path.read_text())
        if "cost" not in summary:
            raise ValueError(f"{path} has no cost section: preview the stack again")
        costs[stack] = summary["cost"]
    return costs


def _preview(project: Path, stacks: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Previews the stacks (as `skyfleet preview` does) into a scratch folder and reads their costs."""
    from skyfleet.commands.preview import preview_all, preview_one

    with tempfile.TemporaryDirectory(prefix="skyfleet-cost-") as scratch:
        out = Path(scratch)
        code = preview_one(project, stacks[0], out, quiet=True) if len(stacks) == 1 else preview_all(project, out)[0]
        if code not in (0, 3):
            raise ValueError(f"the preview failed (exit {code}); run `skyfleet preview` to see why")
        return _read(out, stacks)


def format_cost(stack: str, cost: Mapping[str, Any], *, prices: bool = False) -> str:
    """The estimate of one stack (a summary.json cost section) as text."""
    from skyfleet.analysis.cost import usd

    lines = [f"{stack}: {usd(cost['minUsd'])} .. {usd(cost['maxUsd'])} per month ({cost['currency']}, "
             f"{cost['hoursPerMonth']} h a month)"]
    for line in cost["lines"]:
        amount = (f"{usd(line['minUsd'])} .. {usd(line['maxUsd'])}" if line["status"] == "priced"
                  else "unknown")
        lines.append(f"  {line['cluster']:<16} {line['item']:<56} {amount:>24}  [{line['basis']}]")
        if prices:
            unit = "unknown" if line["unitUsd"] is None else f"${line['unitUsd']:g}/{line['unit']}"
            lines.append(f"  {'':<16}   {line['price']} = {unit}  {line['source']}")
    if cost["unknownLines"]:
        lines.append(f"  {cost['unknownLines']} line(s) unknown (no readable price): not in the totals")
    lines.append("  not estimated: " + "; ".join(cost["notEstimated"]))
    return "\n".join(lines)


def markdown_table(costs: Mapping[str, Mapping[str, Any]]) -> str:
    """Stack, min, max and biggest line of each estimate: the README's table, the job summary."""
    from skyfleet.analysis.cost import usd

    rows = ["| stack | min / month | max / month | biggest line | its price row | lines unknown |",
            "| --- | ---: | ---: | --- | --- | ---: |"]
    for stack, cost in costs.items():
        price = f"`{cost['biggestLinePrice']}`" if cost.get("biggestLinePrice") else "-"
        rows.append(f"| {stack} | {usd(cost['minUsd'])} | {usd(cost['maxUsd'])} | "
                    f"{cost['biggestLine'] or '-'} | {price} | {cost['unknownLines']} |")
    return "\n".join(rows)
