"""`skyfleet deploy-order --history FILE`: refuse a deploy older than the stack's last one (the
work is in `analysis.deploy_order`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from skyfleet.analysis.deploy_order import main_deploy_order

NAME = "deploy-order"
HELP = "refuse to deploy a commit older than the one the stack last deployed"
# history.json: `pulumi stack history --stack aws-prod --json > history.json`
EXAMPLES = ("skyfleet deploy-order --history history.json",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", type=Path, required=True, help="`pulumi stack history --json` of the stack")


def run(args: argparse.Namespace, project: Path) -> int:
    return main_deploy_order(project, args.history)
