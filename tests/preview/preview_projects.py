"""Throw-away Pulumi projects for the preview's tests: a Pulumi.yaml, a `__main__.py`, stack files.

Each lives in a temporary folder, outside the repository's `stacks/`: what a user writes.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from skyfleet.commands.preview import preview_one

REPO = Path(__file__).resolve().parents[2]


def copy_shipped_project(dest: Path) -> Path:
    """The repository's own project (Pulumi.yaml, __main__.py, stacks/), its code left in place."""
    shutil.copytree(REPO / "stacks", dest / "stacks")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, dest / name)
    return dest


def write_project(
    root: Path,
    code: str,
    *,
    name: str = "shop",
    config: dict[str, Any] | None = None,
    stacks: dict[str, dict[str, Any]] | None = None,
    **project: Any,
) -> Path:
    """`root/Pulumi.yaml` (`name`, python runtime, the `config:` block, any other `project` key),
    `root/__main__.py` (`code`, dedented; or the file `main` names) and one `Pulumi.<stack>.yaml` per entry of `stacks`
    (default: `dev` with no config), in `root/<stackConfigDir>` if given."""
    root.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {"name": name, "runtime": "python", **project}
    if config is not None:
        document["config"] = config
    (root / "Pulumi.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    program_dir = root / str(project.get("main", "."))
    if program_dir.suffix != ".py":
        program_dir.mkdir(parents=True, exist_ok=True)
        (program_dir / "__main__.py").write_text(textwrap.dedent(code))
    else:
        program_dir.parent.mkdir(parents=True, exist_ok=True)
        program_dir.write_text(textwrap.dedent(code))
    stack_dir = root / str(project.get("stackConfigDir", "."))
    stack_dir.mkdir(parents=True, exist_ok=True)
    for stack, values in (stacks if stacks is not None else {"dev": {}}).items():
        (stack_dir / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": values}, sort_keys=False))
    return root


@dataclass(frozen=True)
class Previewed:
    code: int
    stdout: str
    stderr: str


def preview(project: Path, stack: str, out: Path, **kwargs: Any) -> Previewed:
    """`skyfleet preview --project PROJECT --stack STACK --out OUT`, in this process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = preview_one(project, stack, out, **kwargs)
    return Previewed(code, stdout.getvalue(), stderr.getvalue())


def tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` (hidden ones included) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
