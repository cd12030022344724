"""Shared fixtures: the offline preview of every shipped stack, run once per test session."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PreviewRun:
    out: Path
    stdout: str
    stderr: str
    returncode: int

    def stacks(self) -> list[str]:
        return sorted(p.name for p in self.out.iterdir() if (p / "plan.json").is_file())

    def plan(self, stack: str) -> dict[str, Any]:
        return json.loads((self.out / stack / "plan.json").read_text())


def run_preview_all(out: Path) -> PreviewRun:
    proc = subprocess.run(
        [sys.executable, "-m", "skyfleet", "preview", "--all", "--out", str(out)],
        cwd=PROJECT, capture_output=True, text=True, check=False,
    )
    return PreviewRun(out, proc.stdout, proc.stderr, proc.returncode)


@pytest.fixture(scope="session")
def preview_all(tmp_path_factory: pytest.TempPathFactory) -> PreviewRun:
    """`skyfleet preview --all` of the shipped stacks (what `make preview` runs)."""
    run = run_preview_all(tmp_path_factory.mktemp("preview-all"))
    assert run.returncode == 0, run.stdout + run.stderr
    return run
