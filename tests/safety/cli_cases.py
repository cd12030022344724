"""Bad files through the `skyfleet` command: a case edits the TEXT of a shipped file, runs
`skyfleet preview --stack S` (the CLI's `main`, in this process) and reads what it printed.

Editing text rather than parsed YAML is what lets a case write what a user can write and a YAML
dumper cannot: an unclosed bracket, a tab, a duplicate key, bytes that are not UTF-8.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from skyfleet import cli

from .project import copy_project

TextEdit = Callable[[bytes], bytes]
WORKLOADS = "stacks/workloads.yaml"


def stack_file(stack: str) -> str:
    return f"stacks/Pulumi.{stack}.yaml"


def replace(old: str, new: str, count: int = 1) -> TextEdit:
    """Replaces the first `count` occurrences of `old`, which must be in the file."""

    def edit(text: bytes) -> bytes:
        assert old.encode() in text, f"{old!r} is not in the file"
        return text.replace(old.encode(), new.encode(), count)

    return edit


def after(anchor: str, lines: str) -> TextEdit:
    """Inserts `lines` right after the line that contains `anchor`."""

    def edit(text: bytes) -> bytes:
        at = text.index(anchor.encode())
        end = text.index(b"\n", at) + 1
        return text[:end] + lines.encode() + text[end:]

    return edit


def whole(content: bytes | str) -> TextEdit:
    """The file becomes `content`."""
    data = content.encode() if isinstance(content, str) else content
    return lambda _: data


def append(lines: str) -> TextEdit:
    return lambda text: text + lines.encode()


@dataclass(frozen=True)
class Expect:
    file: str
    where: str  # the field path ("skyfleet:clusters.x.nodePools") or "line:column"
    rule: str  # a part of the rule's sentence

    @property
    def location(self) -> str:
        sep = ":" if re.fullmatch(r"\d+:\d+", self.where) else ": "
        return f"{self.file}{sep}{self.where}" if self.where else self.file


def in_stack(stack: str, path: str, rule: str) -> Expect:
    """A problem at `skyfleet:<path>` of the stack file."""
    return Expect(stack_file(stack), f"skyfleet:{path}", rule)


def stack_key(stack: str, path: str, rule: str) -> Expect:
    """A problem at `path` of the stack file itself (`config`, a top-level key)."""
    return Expect(stack_file(stack), path, rule)


def in_workloads(path: str, rule: str) -> Expect:
    """A problem at `path` of the workloads file (`services.api.replicas`)."""
    return Expect(WORKLOADS, path, rule)


def at(file: str, line: int, column: int, rule: str) -> Expect:
    """A problem at a line and column of `file` (a file that cannot be read as YAML)."""
    return Expect(file, f"{line}:{column}", rule)


def whole_file(file: str, rule: str) -> Expect:
    """A problem with `file` as a whole (empty, too big)."""
    return Expect(file, "", rule)


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # the class of mistake (issue 17's list), for the count per class
    stack: str
    expect: Sequence[Expect]
    stack_edits: Sequence[TextEdit] = field(default_factory=tuple)
    workloads_edits: Sequence[TextEdit] = field(default_factory=tuple)
    hidden: Sequence[str] = ()  # text that must never be printed (a secret)


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    problems: list[str]  # the "  - " lines of the error
    written: bool  # anything under out/<stack>/


def apply_edits(project: Path, case: Case) -> None:
    for relative, edits in ((stack_file(case.stack), case.stack_edits), (WORKLOADS, case.workloads_edits)):
        path = project / relative
        data = path.read_bytes()
        for edit in edits:
            data = edit(data)
        path.write_bytes(data)


def run_cli(project: Path, stack: str) -> Run:
    out = project / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["--project", str(project), "preview", "--stack", stack, "--out", str(out), "--quiet"])
    problems = [line[4:] for line in stderr.getvalue().splitlines() if line.startswith("  - ")]
    written = (out / stack).exists() and any((out / stack).iterdir())
    return Run(code, stdout.getvalue(), stderr.getvalue(), problems, written)


def run_case(tmp_path: Path, case: Case) -> Run:
    project = copy_project(tmp_path)
    apply_edits(project, case)
    return run_cli(project, case.stack)


def check_run(case: Case, run: Run) -> None:
    report = f"exit {run.code}\n{run.stderr}"
    assert run.code == 2, f"{case.id}: expected exit 2 (invalid input)\n{report}"
    assert "Traceback" not in run.stderr, report
    assert not run.written, f"{case.id}: something was written for the stack\n{report}"
    for expect in case.expect:
        ok = [line for line in run.problems
              if line.startswith(f"{expect.location}: ") or line == expect.location]
        assert ok, f"{case.id}: no problem at {expect.location!r}\n{report}"
        said = any(expect.rule in line for line in ok)
        assert said, f"{case.id}: {expect.rule!r} not said at {expect.location}\n{report}"
    assert len(run.problems) == len(case.expect), f"{case.id}: other problems too\n{report}"
    for text in case.hidden:
        assert text not in run.stderr + run.stdout, f"{case.id}: {text!r} was printed"


def yaml_text(value: object) -> str:
    """`value` as flow-style YAML on one line (for edits that write a small mapping)."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
