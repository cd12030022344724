"""The `skyfleet` command: offline preview, policy, parity, diff and graph of the stacks, and the
Argo CD manifests of a `delivery: argocd` stack (render). Each subcommand is one module of
`skyfleet.commands`."""

from __future__ import annotations

import argparse
from pathlib import Path

from skyfleet.commands import COMMANDS


def _global_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """Options every subcommand accepts, before or after its name (`skyfleet --project X preview`
    and `skyfleet preview --project X`). After the name the default is SUPPRESS, so an option
    given before the name is not overwritten by the subcommand's default."""
    parser.add_argument("--project", type=Path, default=default,
                        help="the project folder, with Pulumi.yaml (default: .)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skyfleet", description=__doc__)
    _global_options(parser, default=None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        examples = "\n".join(f"  {line}" for line in command.EXAMPLES)
        child = sub.add_parser(
            command.NAME, help=command.HELP, description=command.__doc__,
            epilog=f"examples:\n{examples}", formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _global_options(child, default=argparse.SUPPRESS)
        command.add_arguments(child)
        child.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project: Path = (args.project or Path.cwd()).resolve()
    return int(args.run(args, project))
