"""`skyfleet graph --stack NAME`: the deploy graph of one stack and its critical path."""

from __future__ import annotations

import sys
from pathlib import Path

from skyfleet.graph import format_report, write_graph
from skyfleet.preview.runner import PreviewError, run_stack


def main_graph(project_dir: Path, stack: str, out_dir: Path) -> int:
    try:
        plan, _ = run_stack(project_dir, stack)
    except (PreviewError, FileNotFoundError, ValueError) as exc:
        print(f"error: stack {stack}: {exc}", file=sys.stderr)
        return 1
    report = write_graph(plan.to_json(), out_dir / stack)
    print(format_report(report))
    return 0
