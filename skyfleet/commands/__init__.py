"""One module per `skyfleet` subcommand, each of the same shape:

    NAME: str                 the subcommand (`skyfleet NAME ...`)
    HELP: str                 one line for `skyfleet --help`
    EXAMPLES: tuple[str, ...] command lines shown at the end of `skyfleet NAME --help`
    add_arguments(parser)     declares the subcommand's own options
    run(args, project) -> int does it; `project` is the resolved `--project` folder

`skyfleet.cli` builds the parser from `COMMANDS`; a new command is one module plus one entry here.
"""

from __future__ import annotations

from . import cost, deploy_order, diff, graph, parity, policy, preview, render, rollback, waves

COMMANDS = (preview, policy, parity, diff, cost, graph, render, deploy_order, rollback, waves)
