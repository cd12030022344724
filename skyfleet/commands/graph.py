"""`skyfleet graph --stack NAME` (or `--plan FILE`): the deploy graph of one stack and its
critical path."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from skyfleet.analysis.graph import format_report, write_graph
from skyfleet.preview.runner import PreviewError, report_failure, run_stack

NAME = "graph"
HELP = "the deploy graph of a stack, and its critical path"
EXAMPLES = (
    "skyfleet graph --stack aws-dev --out out",
    "skyfleet graph --plan out/aws-dev/plan.json --out graph-out",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="preview this stack, then graph it")
    which.add_argument("--plan", type=Path, help="graph a plan.json that `skyfleet preview` wrote")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="output folder (default: out/; with --stack, out/<stack>/)")


def run(args: argparse.Namespace, project: Path) -> int:
    if args.plan is not None:
        return graph_plan_file(args.plan, args.out)
    return main_graph(project, args.stack, args.out)


def main_graph(project_dir: Path, stack: str, out_dir: Path) -> int:
    from skyfleet.analysis.waves import stack_waves

    try:
        plan, config = run_stack(project_dir, stack)
    except (PreviewError, FileNotFoundError, ValueError) as exc:
        return report_failure(stack, exc)
    report = write_graph(plan.to_json(), out_dir / stack, waves=stack_waves(config.raw))
    print(format_report(report))
    return 0


def graph_plan_file(plan_path: Path, out_dir: Path) -> int:
    try:
        plan = json.loads(plan_path.read_text())
        report = write_graph(plan, out_dir)
    except (OSError, ValueError) as exc:
        print(f"error: {plan_path}: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(format_report(report))
    return 0
