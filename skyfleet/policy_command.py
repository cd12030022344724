"""`skyfleet policy --stack NAME`: the policy pack against one stack, without the engine."""

from __future__ import annotations

import sys
from pathlib import Path

from skyfleet.policy_eval import evaluate_plan, format_violations
from skyfleet.preview.runner import PreviewError, run_stack


def main_policy(project_dir: Path, stack: str) -> int:
    try:
        plan, config = run_stack(project_dir, stack)
    except (PreviewError, FileNotFoundError, ValueError) as exc:
        print(f"error: stack {stack}: {exc}", file=sys.stderr)
        return 1
    try:
        violations = evaluate_plan(plan.to_json(), config.raw.get("skyfleet:policyConfig") or {})
    except ValueError as exc:  # an unknown policy, setting or level in skyfleet:policyConfig
        print(f"error: stack {stack}: skyfleet:policyConfig: {exc}", file=sys.stderr)
        return 1
    print(f"stack {stack}:")
    print(format_violations(violations))
    return 3 if any(v.level == "mandatory" for v in violations) else 0
