"""A throw-away copy of the project's stacks, edited one value at a time and previewed in-process.

`run_stack` reads the project (`Pulumi.yaml`), `stacks/Pulumi.<stack>.yaml` and
`stacks/workloads.yaml` from the directory it is given and runs its `__main__.py`, so a test
copies those into a temporary directory, edits the YAML there and runs the real config path (the
stack program, under the preview's mocks) against it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.errors import ValidationError
from skyfleet.preview.runner import Plan, PreviewError, run_stack

PROJECT = Path(__file__).resolve().parents[2]
STACKS = PROJECT / "stacks"
DEV_STACKS = ("aws-dev", "gcp-dev", "azure-dev")
PROD_STACKS = ("aws-prod", "gcp-prod", "azure-prod")

Edit = Callable[[dict[str, Any]], None]


def copy_project(dest: Path) -> Path:
    shutil.copytree(STACKS, dest / "stacks")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT / name, dest / name)
    return dest


def _edit_yaml(path: Path, section: str, edits: Sequence[Edit]) -> None:
    document = yaml.safe_load(path.read_text())
    for edit in edits:
        edit(document[section])
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def edit_stack(project: Path, stack: str, *edits: Edit) -> None:
    """Applies `edits` to the stack file's `config:` mapping (keys like "skyfleet:clusters")."""
    _edit_yaml(project / "stacks" / f"Pulumi.{stack}.yaml", "config", edits)


def edit_workloads(project: Path, *edits: Edit) -> None:
    """Applies `edits` to `stacks/workloads.yaml`'s `services:` mapping."""
    _edit_yaml(project / "stacks" / "workloads.yaml", "services", edits)


def _parent(root: dict[str, Any], keys: Sequence[Hashable]) -> dict[Any, Any]:
    node: Any = root
    for key in keys:
        node = node.setdefault(key, {})
    return node  # type: ignore[no-any-return]


def put(*path: Hashable, value: Any) -> Edit:
    """Sets the value at `path` (intermediate mappings are created)."""

    def edit(root: dict[str, Any]) -> None:
        _parent(root, path[:-1])[path[-1]] = value

    return edit


def rename(*path: Hashable, to: Hashable) -> Edit:
    """Renames the key at `path`, keeping its value."""

    def edit(root: dict[str, Any]) -> None:
        parent = _parent(root, path[:-1])
        parent[to] = parent.pop(path[-1])

    return edit


def drop(*path: Hashable) -> Edit:
    def edit(root: dict[str, Any]) -> None:
        del _parent(root, path[:-1])[path[-1]]

    return edit


def preview(project: Path, stack: str, deployed: Plan | None = None) -> Plan:
    """The stack's plan; `deployed`: what an earlier `pulumi up` left (invokes read it)."""
    plan, _ = run_stack(project, stack, deployed=deployed)
    return plan


def preview_error(project: Path, stack: str) -> PreviewError:
    with pytest.raises(PreviewError) as raised:
        run_stack(project, stack)
    return raised.value


def validation_error(project: Path, stack: str) -> ValidationError:
    error = preview_error(project, stack)
    assert isinstance(error.cause, ValidationError), f"expected a ValidationError, got {error!r}"
    return error.cause
