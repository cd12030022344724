"""`skyfleet parity [STACKS...]`: workload manifests compared across stacks and clusters."""

from __future__ import annotations

import argparse
from pathlib import Path

from skyfleet.analysis.parity import main_parity
from skyfleet.preview.stack_config import list_stacks

NAME = "parity"
HELP = "compare workload manifests across stacks and clusters"
EXAMPLES = ("skyfleet parity --out out", "skyfleet parity aws-dev gcp-dev --out out")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stacks", nargs="*", help="stacks to compare (default: all)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="preview output folder (default: out/)")


def run(args: argparse.Namespace, project: Path) -> int:
    return int(main_parity(args.out, args.stacks or list_stacks(project)))
