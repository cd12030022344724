"""`skyfleet rollback --stack S --to REF [--yes]`: the stack's service definitions of an earlier
commit, previewed through the same waves and policy pack, deployed only with `--yes` (a live
`pulumi preview --diff`, then `pulumi up` if it passed; the work is in `analysis.rollback`). A
stop-gap: commit the revert to main before the next deploy. Exit status: 0 fine, 2 refused (the
error names the rule), else the preview's status (3: a mandatory policy) or 1 when the live
preview or `pulumi up` failed."""

from __future__ import annotations

import argparse
from pathlib import Path

from skyfleet.analysis.rollback import main_rollback

NAME = "rollback"
HELP = "preview (and with --yes deploy) a stack's services as they were at an earlier commit"
EXAMPLES = (
    "skyfleet rollback --stack aws-prod --to HEAD~1",
    "skyfleet rollback --stack aws-prod --to 1a2b3c4 --yes --stack-name acme/aws-prod",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="the stack (stacks/Pulumi.<stack>.yaml)")
    parser.add_argument("--to", required=True, dest="ref", metavar="REF",
                        help="the earlier commit whose service definitions to deploy")
    parser.add_argument("--yes", action="store_true",
                        help="deploy: `pulumi preview --diff` of the live stack, then `pulumi up` if it passed")
    parser.add_argument("--stack-name", help="the stack's name for `pulumi up` if it differs (Pulumi Cloud: ORG/STACK)")


def run(args: argparse.Namespace, project: Path) -> int:
    return main_rollback(project, args.stack, args.ref, yes=args.yes, stack_name=args.stack_name)
