"""`skyfleet policy --stack NAME`: the policy pack against one stack, without the engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skyfleet.analysis.policy_eval import evaluate_plan, format_violations
from skyfleet.preview.runner import PreviewError, report_failure, run_stack

NAME = "policy"
HELP = "evaluate the policy pack against a stack, offline"
EXAMPLES = ("skyfleet policy --stack aws-prod",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="the stack to check")


def run(args: argparse.Namespace, project: Path) -> int:
    return main_policy(project, args.stack)


def main_policy(project_dir: Path, stack: str) -> int:
    from skyfleet.stack.gitops import with_git_objects
    from skyfleet.stack.program import collecting_fleets

    try:
        with collecting_fleets() as fleets:
            plan, config = run_stack(project_dir, stack)
    except (PreviewError, FileNotFoundError, ValueError) as exc:
        return report_failure(stack, exc)
    # With `delivery: argocd`, the objects Argo CD applies from Git are judged as well.
    judged = with_git_objects(plan.to_json(), fleets[0].git_objects) if len(fleets) == 1 else plan.to_json()
    try:
        violations = evaluate_plan(judged, config.raw.get("skyfleet:policyConfig") or {})
    except ValueError as exc:  # an unknown policy, setting or level in skyfleet:policyConfig
        print(f"error: stack {stack}: skyfleet:policyConfig: {exc}", file=sys.stderr)
        return 1
    print(f"stack {stack}:")
    print(format_violations(violations))
    return 3 if any(v.level == "mandatory" for v in violations) else 0
