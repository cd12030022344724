"""The same config gives the same preview, byte for byte: a plan that changes by itself would make
every `skyfleet diff` report changes nobody made, and CI deploy stacks nobody touched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from skyfleet.preview.runner import run_stack

from .conftest import InProcessPreview
from .project import DEV_STACKS, PROJECT


def _plan_text(stack: str) -> str:
    plan, _ = run_stack(PROJECT, stack)
    return json.dumps(plan.to_json(), indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_running_a_stack_twice_in_one_process_gives_the_same_plan(
    stack: str, preview_all: Any, inprocess_preview: InProcessPreview
) -> None:
    first, second = _plan_text(stack), _plan_text(stack)
    assert first == second
    # ... and the same bytes as both full previews wrote.
    assert first == (preview_all.out / stack / "plan.json").read_text()
    assert first == (inprocess_preview.out / stack / "plan.json").read_text()


def test_two_full_previews_write_identical_trees(preview_all: Any, inprocess_preview: InProcessPreview) -> None:
    """`preview --all` (one child process per stack) and a second preview of every stack (all in
    this process, one after another): `diff -r` finds nothing, so neither process boundaries nor a
    previous stack in the same interpreter change a single byte."""
    assert set(inprocess_preview.codes.values()) == {0}, inprocess_preview.codes
    assert preview_all.stacks() == sorted(inprocess_preview.plans)
    if shutil.which("diff") is None:
        pytest.skip("diff(1) is not installed")
    done = subprocess.run(["diff", "-r", str(preview_all.out), str(inprocess_preview.out)],
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout[:4000]
