"""`skyfleet diff --base REF`: which stacks a change touches (the work is in `analysis.diff`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from skyfleet.analysis.diff import main_diff

NAME = "diff"
HELP = "which stacks change between a git ref and the working tree"
EXAMPLES = (
    "skyfleet diff --base origin/main",
    "skyfleet diff --base HEAD~1 --json changed.json --summary \"$GITHUB_STEP_SUMMARY\"",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", required=True, help="git ref to compare with")
    parser.add_argument("--json", type=Path, dest="json_out", help="write the result as JSON here")
    parser.add_argument("--summary", type=Path, dest="summary_out",
                        help="append a Markdown table here (e.g. $GITHUB_STEP_SUMMARY)")
    parser.add_argument("--head-out", type=Path, dest="head_out",
                        help="reuse this `preview --all` output of the working tree")
    parser.add_argument("--allow-cluster-replacement", action="store_true",
                        help="in CI, do not fail when a cluster would be replaced or deleted")


def run(args: argparse.Namespace, project: Path) -> int:
    return int(main_diff(
        args.base, project, args.json_out,
        summary_out=args.summary_out and args.summary_out.resolve(),
        head_out=args.head_out and args.head_out.resolve(),
        allow_cluster_replacement=args.allow_cluster_replacement,
    ))
