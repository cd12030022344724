"""Runs Prometheus' own `promtool` (Debian package `prometheus`, installed by `.ci/run`).

Outside CI a missing promtool skips the test with the install command; in CI (`CI` set) it fails,
so the real engine always judges the rules there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} not found: apt-get install {package}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def check_rules(groups: dict[str, Any], workdir: Path) -> subprocess.CompletedProcess[str]:
    rules = workdir / "rules.yaml"
    rules.write_text(yaml.safe_dump(groups, sort_keys=False))
    return run([tool("promtool", "prometheus"), "check", "rules", str(rules)], workdir)


def unit_test_rules(
    groups: dict[str, Any], tests: list[dict[str, Any]], workdir: Path
) -> subprocess.CompletedProcess[str]:
    """`promtool test rules` of `groups` against unit tests in promtool's own format."""
    (workdir / "rules.yaml").write_text(yaml.safe_dump(groups, sort_keys=False))
    spec = {"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": tests}
    (workdir / "tests.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return run([tool("promtool", "prometheus"), "test", "rules", "tests.yaml"], workdir)

