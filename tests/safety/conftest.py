"""A second preview of every shipped stack, made in this process, next to the session's `preview --all`.

`preview_one` is what each `preview --all` child process runs; here it runs in-process, so the
tests also get each stack's `Plan` (with the values only the program sees: generated passwords,
kubeconfigs) and everything the preview printed. Shared by the secrets and idempotence tests.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from skyfleet.commands import preview as command
from skyfleet.preview import runner
from skyfleet.preview.runner import Plan
from skyfleet.preview.stack_config import StackConfig, list_stacks

from .project import PROJECT


@dataclass(frozen=True)
class InProcessPreview:
    out: Path
    stdout: str
    codes: dict[str, int]
    plans: dict[str, Plan]
    configs: dict[str, StackConfig]


@pytest.fixture(scope="session")
def inprocess_preview(tmp_path_factory: pytest.TempPathFactory) -> InProcessPreview:
    out = tmp_path_factory.mktemp("preview-inprocess")
    plans: dict[str, Plan] = {}
    configs: dict[str, StackConfig] = {}

    def capturing_run_stack(
        project_dir: Path, stack: str, overrides: dict[str, str] | None = None
    ) -> tuple[Plan, StackConfig]:
        plan, config = runner.run_stack(project_dir, stack, overrides)
        plans[stack], configs[stack] = plan, config
        return plan, config

    printed = io.StringIO()
    codes: dict[str, int] = {}
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setattr(command, "run_stack", capturing_run_stack)
        for stack in list_stacks(PROJECT):
            codes[stack] = command.preview_one(PROJECT, stack, out, quiet=False)
    return InProcessPreview(out, printed.getvalue(), codes, plans, configs)
