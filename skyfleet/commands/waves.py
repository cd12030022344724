"""`skyfleet waves`: the order in which CI deploys the stacks, from each stack's `skyfleet:wave`
(the work is in `analysis.stack_waves`). Exit status: 0 fine, 2 a stack's wave is invalid or the
waves break a rule, 6 the deploy workflow's wave jobs do not match the stacks' waves."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from skyfleet.analysis.diff import matrix_entry, read_configs
from skyfleet.analysis.stack_waves import deploy_jobs_problems, format_waves, plan_stack_waves, stack_wave
from skyfleet.stack.deployer import deployer_of

NAME = "waves"
HELP = "the stacks' deploy waves (skyfleet:wave); check the deploy workflow against them"
EXAMPLES = (
    "skyfleet waves",
    "skyfleet waves --check-workflow .github/workflows/deploy.yml",
    "skyfleet waves --json waves.json",
)
INVALID, WORKFLOW_STALE = 2, 6


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", type=Path, dest="json_out",
                        help="write the waves and each stack's CI entry (environment, clouds, runner, wave) here")
    parser.add_argument("--check-workflow", type=Path, metavar="DEPLOY_YML",
                        help="fail unless this workflow has one ordered job per wave (wave-1, wave-2, ...)")


def run(args: argparse.Namespace, project: Path) -> int:
    configs = read_configs(project)
    waves, problems = plan_stack_waves(configs)
    if problems:
        print(f"error: invalid waves ({len(problems.found)} problems):", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in problems.found), file=sys.stderr)
        return INVALID
    print(format_waves(waves))
    if args.json_out is not None:
        stacks = {}
        for name, config in configs.items():
            entry = matrix_entry(name, config)
            wave = stack_wave(config, entry["environment"])
            stacks[name] = entry | {"wave": wave, "githubEnvironment": waves[wave - 1].github_environment,
                                    "ci": deployer_of(config).ci}
        document = {"waves": [{"number": w.number, "environment": w.environment,
                               "githubEnvironment": w.github_environment, "stacks": list(w.stacks)} for w in waves],
                    "stacks": stacks}
        args.json_out.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    if args.check_workflow is not None:
        workflow = args.check_workflow if args.check_workflow.is_absolute() else project / args.check_workflow
        jobs = (yaml.safe_load(workflow.read_text()) or {}).get("jobs") or {}
        stale = deploy_jobs_problems(waves, jobs)
        if stale:
            print(f"error: {workflow.name} does not deploy the stacks' waves (docs/gitops.md, \"Waves across "
                  "stacks\"):", file=sys.stderr)
            print("\n".join(f"  - {workflow.name}: {line}" for line in stale), file=sys.stderr)
            return WORKFLOW_STALE
        print(f"{workflow.name}: one job per wave, in order")
    return 0
