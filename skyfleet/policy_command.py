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
    violations = evaluate_plan(plan.to_json(), config.raw.get("skyfleet:policyConfig") or {})
    mandatory = [v for v in violations if v.level == "mandatory"]
    print(format_violations(violations) if violations else f"stack {stack}: no policy violations")
    print(f"stack {stack}: {len(mandatory)} mandatory, {len(violations) - len(mandatory)} advisory")
    return 3 if mandatory else 0
