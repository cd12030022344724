"""Runs a project's program under Pulumi's mocks and returns what `pulumi up` would create.

`run_stack` does what `pulumi preview` does before the engine sees a resource: it reads the
project (`project.py`), merges and checks the stack's config (`stack_config.py`), and runs the
project's `main` as the Python language host runs it (pulumi/pulumi
sdk/python/cmd/pulumi-language-python-exec: `runpy.run_path(main, run_name="__main__")` with the
program's folder as the working directory). The monitor refuses what the engine refuses
(`monitor.py`); a transformation refuses what the SDK would silently get wrong (`refusals.py`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import runpy
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.errors import Problem, ValidationError

from . import (
    cloud_rules,
    clouds,  # noqa: F401 - registers each cloud's emulators and rules (clouds/<cloud>*.py)
    emulators,
    platform_emulators,  # noqa: F401 - registers the platform layer's emulators
    rollouts,  # noqa: F401 - registers the Deployment emulator (a canary that never rolls out)
    wire,
)
from .monitor import PreviewMocks, Recorded, RecordingMonitor
from .project import Project, ProjectError, load_project
from .refusals import EngineRefusal, refuse_foreign_providers
from .stack_config import PROJECT, StackConfig, load_stack_config, resolve_config

Program = Callable[[], None]


@dataclass
class Plan:
    """Everything one stack's program registered, in the shape plan.json is written in."""

    stack: str
    project: str
    resources: list[Recorded]
    outputs: dict[str, Any]  # wire form: secrets keep their markers

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "project": self.project,
            "resources": [_resource_json(r) for r in sorted(self.resources, key=lambda r: r.urn)],
            "outputs": wire.redact(self.outputs),
        }

    def by_type(self, type_token: str) -> list[Recorded]:
        return [r for r in self.resources if r.type == type_token]


def _resource_json(r: Recorded) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "parent": r.parent,
        "dependencies": r.dependencies,
        "propertyDependencies": r.property_dependencies,
        "provider": r.provider,
        "custom": r.custom,
        "protect": r.protect,
        "inputs": wire.redact(r.inputs),
    }
    if r.custom and r.id:
        entry["id"] = r.id  # what the engine compares an `import` id with
    if r.options:
        entry["options"] = wire.redact(r.options)
    if r.outputs is not None:
        entry["outputs"] = wire.redact(r.outputs)
    return entry


class PreviewError(RuntimeError):
    """The program failed: carries the stack name so a multi-stack run says which one.

    `recorded` holds what the program had registered before it failed: what `pulumi up` would
    already have started to create. Validation errors must leave it empty.
    """

    def __init__(
        self, stack: str, cause: BaseException, recorded: list[Recorded] | None = None, where: str = ""
    ) -> None:
        self.stack = stack
        self.cause = cause
        self.recorded = list(recorded or [])
        self.where = where  # "file:line" in the user's program, when the exception came from there
        at = f"\n  at {where}" if where else ""
        # The engine's refusals are worded by the engine; anything else says what was raised.
        kind = "" if isinstance(cause, EngineRefusal) else f"{type(cause).__name__}: "
        super().__init__(f"stack {stack}: {kind}{cause}{at}")


def main_program(project: Project) -> Program:
    """The project's `main`, run as the language host runs it."""
    entry = project.entry_point
    if not entry.is_file():
        # The language host's wording (pulumi-language-python-exec).
        raise ProjectError(f"unable to find main python program `__main__.py` in `{project.main}`")

    def program() -> None:
        argv = sys.argv
        sys.argv = [str(project.main)]
        try:
            runpy.run_path(str(project.main), run_name="__main__")
        finally:
            sys.argv = argv

    return program


def _library_dirs() -> tuple[str, ...]:
    """Pulumi's and Skyfleet's own packages: not the user's program."""
    import components
    import skyfleet

    return tuple(
        os.path.join(os.path.dirname(os.path.abspath(str(m.__file__))), "")
        for m in (pulumi, components, skyfleet)
    )


def _user_frame(exc: BaseException, pwd: Path) -> str:
    """`file:line` of the innermost frame in the program's folder, outside the libraries."""
    libraries = _library_dirs()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        filename = os.path.abspath(frame.filename)
        path = Path(filename)
        if path.is_relative_to(pwd) and not filename.startswith(libraries) and "site-packages" not in path.parts:
            return f"{path.relative_to(pwd)}:{frame.lineno}"
    return ""


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    """Pulumi runs a program from the project directory; relative paths in it resolve there."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# Objects the cyclic collector lets accumulate before a young-generation pass (Python's default
# is 700). The SDK allocates Outputs, futures and tasks by the million, most of them still alive
# when a pass runs; at the default, collection was about half of a large program's CPU time
# (benchmarks/, docs/benchmarks.md). Reference counting still frees everything acyclic at once.
_YOUNG_THRESHOLD = 50_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], _YOUNG_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run_program(
    program: Program,
    *,
    stack: str = "test",
    project: str = PROJECT,
    config: dict[str, str] | None = None,
    secret_keys: list[str] | None = None,
    pwd: Path | None = None,
    check_cloud: bool = True,
    deployed: Plan | None = None,
) -> Plan:
    """Runs `program` under the preview's mocks with the given config ("ns:key" -> string);
    `pwd`: the program's folder, to point an exception at its line; `deployed`: the plan an
    earlier `pulumi up` applied, which invokes that read the live cloud see (none: an empty cloud).

    With `check_cloud` (the default) the finished plan is judged by the cloud rules
    (cloud_rules.py) and a refusal raises, as `pulumi up` would fail; False only for programs
    that are not a deployment (a trial of constructors, one resource in isolation)."""
    pulumi_settings.ROOT.set(None)
    preview_mocks = PreviewMocks()
    monitor = RecordingMonitor(preview_mocks)
    pulumi.runtime.set_mocks(preview_mocks, project=project, stack=stack, preview=True, monitor=monitor)
    pulumi.runtime.register_stack_transformation(refuse_foreign_providers)
    set_all_config(dict(config or {}), list(secret_keys or []))
    settings = pulumi_settings.SETTINGS
    settings.rpc_manager.clear()
    settings.outputs.clear()
    try:
        with _fewer_collections(), emulators.deployed_cloud(deployed_state(deployed)):
            _sync_await(run_pulumi_func(program))
            outputs = _sync_await(_stack_outputs())
    except BaseException as exc:
        where = _user_frame(exc, pwd) if pwd is not None else ""
        raise PreviewError(stack, exc, list(monitor.recorded.values()), where) from exc
    recorded = list(monitor.recorded.values())
    refused = cloud_rules.check(rules_plan(recorded)) if check_cloud else []
    if refused:
        raise PreviewError(stack, cloud_rules.CloudRuleError(refused), recorded)
    return Plan(stack, project, recorded, outputs)


def deployed_state(plan: Plan | None) -> emulators.Deployed | None:
    """What `plan` left in the cloud once applied: each resource's state in plain form."""
    if plan is None:
        return None
    return emulators.deployed_from(
        [(r.type, wire.normalise_numbers(wire.reveal(r.state))) for r in plan.resources if r.custom]
    )


def rules_plan(recorded: list[Recorded]) -> cloud_rules.Plan:
    """What the cloud rules judge: each registration with its inputs and computed state in plain
    form (a rule must see the real value, not "[secret]")."""
    return cloud_rules.plan_of(
        {
            "urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent, "custom": r.custom,
            "dependencies": r.dependencies, "propertyDependencies": r.property_dependencies,
            "provider": r.provider, "inputs": wire.reveal(r.inputs), "state": wire.reveal(r.state),
            "id": r.id, "options": r.options,
        }
        for r in recorded
    )


async def _stack_outputs() -> dict[str, Any]:
    root = pulumi_settings.get_root_resource()
    exported: dict[str, Any] = getattr(root, "outputs", {}) or {}
    result: dict[str, Any] = {}
    for key in sorted(exported):
        output = pulumi.Output.from_input(exported[key])
        value = await output.future()
        secret = await output.is_secret()
        plain = wire.normalise_numbers(_plain(value))
        result[key] = wire.secret(plain) if secret else plain
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, pulumi.Resource):
        return getattr(value, "_name", str(value))
    return value


def _workloads_file_problems(project_dir: Path) -> list[Problem]:
    from components.workload.parse import EXPECTED
    from components.yaml_input import load_yaml, require_mapping

    path = project_dir / "stacks" / "workloads.yaml"
    if not path.is_file():
        return []
    try:
        require_mapping(load_yaml(path, "stacks/workloads.yaml"), EXPECTED)
    except ValidationError as exc:
        return exc.problems
    return []


# Exit statuses of every command that runs a stack: 1 the program failed, 2 the input is invalid
# (nothing was run or registered), 3 mandatory policy violations.
INPUT_ERROR = 2


def report_failure(stack: str, exc: BaseException) -> int:
    """Prints why `stack` could not be run and returns the exit status: 2 when the project's or
    the stack's files are at fault (a `ValidationError` from reading them or from the program's
    checks, a missing or mistyped config key, no such stack or project), 1 when the program
    failed."""
    from pulumi.config import ConfigMissingError, ConfigTypeError

    cause = exc.cause if isinstance(exc, PreviewError) else exc
    if isinstance(cause, ValidationError):
        print(f"error: stack {stack}: {cause}", file=sys.stderr)
        return INPUT_ERROR
    print(f"error: {exc}" if isinstance(exc, PreviewError) else f"error: stack {stack}: {exc}", file=sys.stderr)
    invalid = (ProjectError, ConfigMissingError, ConfigTypeError, FileNotFoundError)
    return INPUT_ERROR if isinstance(cause, invalid) else 1


def run_stack(
    project_dir: Path, stack: str, overrides: dict[str, str] | None = None,
    *, deployed: Plan | None = None,
) -> tuple[Plan, StackConfig]:
    """Runs the project's `main` (Pulumi.yaml in `project_dir` or above) against the stack's
    config, `overrides` (`--config key=value`) applied on top; `deployed` as in `run_program`."""
    project = load_project(project_dir)
    try:
        loaded = load_stack_config(project.root, stack, project.name)
    except ValidationError as exc:
        # The program cannot run, but a broken workloads file is still news in the same run.
        raise ValidationError(exc.problems + _workloads_file_problems(project.root)) from None
    config = resolve_config(project, loaded, overrides)
    program = main_program(project)
    with _working_directory(project.pwd):
        plan = run_program(
            program,
            stack=stack,
            project=project.name,
            config=config.values,
            secret_keys=sorted(config.secret_keys),
            pwd=project.pwd,
            deployed=deployed,
        )
    return plan, config
