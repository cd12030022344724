"""Fixtures of the whole-stack tests: plans of the session preview, and the few extra runs.

The session preview (`preview_all`, tests/conftest.py) runs once. The handful of tests that need
another process (a second `preview --all`, a failing project, one interpreter per stack for the
import check, `skyfleet graph`) get it from `jobs`: each such process is started when the session
starts, only if a selected test asks for it, so it runs while the session preview does instead
of after it (docs/stack_tests.md: the whole directory stays well under 90 seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from stack_plans import BROKEN_STACK, CLOUD_SDK_PREFIXES, GOOD_STACK_IN_COPY, GRAPH_STACK, PROJECT, STACKS

from skyfleet.analysis.graph import ResourceGraph

CLOUD_SDKS = tuple(sorted(CLOUD_SDK_PREFIXES.values()))
# Runs one stack's program (nothing written) and prints the cloud SDK modules it imported.
LEAN_IMPORTS = f"""
import json, sys
from pathlib import Path
from skyfleet.preview.runner import run_stack
run_stack(Path(sys.argv[1]), sys.argv[2])
print(json.dumps(sorted(m for m in sys.modules if m.startswith({CLOUD_SDKS!r}))))
"""
JOB_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Finished:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return f"$ {' '.join(self.argv)}\n(exit {self.returncode})\n{self.stdout}\n{self.stderr}"


class Jobs:
    """Subprocesses started early, each in its own process group, output kept in files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._started: dict[str, tuple[list[str], subprocess.Popen[bytes]]] = {}

    def start(self, key: str, argv: list[str], cwd: Path) -> None:
        with (self.root / f"{key}.out").open("wb") as out, (self.root / f"{key}.err").open("wb") as err:
            proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        self._started[key] = (argv, proc)

    def result(self, key: str) -> Finished:
        argv, proc = self._started[key]
        proc.wait(JOB_TIMEOUT_SECONDS)
        return Finished(argv, proc.returncode, self._read(key, "out"), self._read(key, "err"))

    def _read(self, key: str, stream: str) -> str:
        return (self.root / f"{key}.{stream}").read_text()

    def stop(self) -> None:
        """Ends what is still running (nothing waited for it: its tests failed or stopped early)."""
        for _, proc in self._started.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _skyfleet(*args: str) -> list[str]:
    return [sys.executable, "-m", "skyfleet", *args]


def broken_project(root: Path) -> Path:
    """A copy of the project with two stacks: `local` as shipped, and one with an invalid cloud.

    The code is linked, not copied: the preview runs the project's own program on the copy."""
    root.mkdir(parents=True)
    for package in ("components", "skyfleet", "policies"):
        (root / package).symlink_to(PROJECT / package, target_is_directory=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT / name, root / name)
    (root / "stacks").mkdir()
    for name in ("workloads.yaml", f"Pulumi.{GOOD_STACK_IN_COPY}.yaml"):
        shutil.copy(PROJECT / "stacks" / name, root / "stacks" / name)
    document = yaml.safe_load((PROJECT / "stacks" / f"Pulumi.{GOOD_STACK_IN_COPY}.yaml").read_text())
    for cluster in document["config"]["skyfleet:clusters"].values():
        cluster["cloud"] = "mars"
    (root / "stacks" / f"Pulumi.{BROKEN_STACK}.yaml").write_text(yaml.safe_dump(document))
    return root


@pytest.fixture(scope="session", autouse=True)
def jobs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jobs]:
    wanted = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    root = tmp_path_factory.mktemp("jobs")
    started = Jobs(root)
    if "second_preview" in wanted:
        started.start("second-preview", _skyfleet("preview", "--all", "--out", str(root / "second")), PROJECT)
    if "failing_preview" in wanted:
        project = broken_project(root / "broken-project")
        started.start("failing-preview", _skyfleet("preview", "--all", "--out", str(root / "failing")), project)
    if "graph_run" in wanted:
        argv = _skyfleet("graph", "--stack", GRAPH_STACK, "--out", str(root / "graph"))
        started.start("graph", argv, PROJECT)
    if "lean_imports" in wanted:
        for stack in STACKS:
            started.start(f"imports-{stack}", [sys.executable, "-c", LEAN_IMPORTS, str(PROJECT), stack], PROJECT)
    yield started
    started.stop()


@dataclass(frozen=True)
class JobOutput:
    run: Finished
    out: Path


@pytest.fixture(scope="session")
def second_preview(jobs: Jobs) -> JobOutput:
    """A second `preview --all` of the shipped stacks, into another folder."""
    return JobOutput(jobs.result("second-preview"), jobs.root / "second")


@pytest.fixture(scope="session")
def failing_preview(jobs: Jobs) -> JobOutput:
    """`preview --all` of a project copy where stack `broken` has an invalid cloud."""
    return JobOutput(jobs.result("failing-preview"), jobs.root / "failing")


@pytest.fixture(scope="session")
def graph_run(jobs: Jobs) -> JobOutput:
    """`skyfleet graph --stack aws-dev --out <dir>`; it writes to <dir>/aws-dev/."""
    return JobOutput(jobs.result("graph"), jobs.root / "graph" / GRAPH_STACK)


@pytest.fixture(scope="session")
def lean_imports(jobs: Jobs) -> dict[str, list[str]]:
    """Stack -> the cloud SDK modules its program imported, each stack in a fresh interpreter."""
    result = {}
    for stack in STACKS:
        run = jobs.result(f"imports-{stack}")
        assert run.returncode == 0, run.describe()
        result[stack] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="session")
def plans(preview_all: Any) -> dict[str, dict[str, Any]]:
    """Stack -> its plan.json from the session preview."""
    return {stack: preview_all.plan(stack) for stack in STACKS}


@pytest.fixture(scope="session")
def graphs(plans: dict[str, dict[str, Any]]) -> dict[str, ResourceGraph]:
    """Stack -> the wait-for graph of its plan (built once: its relations are cached)."""
    return {stack: ResourceGraph(plan) for stack, plan in plans.items()}
