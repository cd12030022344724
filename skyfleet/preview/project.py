"""A Pulumi project as the engine reads it: `Pulumi.yaml`, the stack files, the config block.

What is read, and where Pulumi defines it (pulumi/pulumi at 1b59498):
- `name`, `runtime`, `main`, `stackConfigDir` and `config` (sdk/go/common/workspace/project.go,
  `Project`); the project file is found by searching upwards from the folder given, as the CLI
  does (`workspace.DetectProjectPathFrom`).
- `main`: a path relative to the project folder; a folder runs its `__main__.py`, with that folder
  as the working directory, a file runs with its own folder as the working directory
  (pkg/engine/project.go, `getPwdMain`).
- the stack file is `Pulumi.<stack>.yaml` in `stackConfigDir` (default: the project folder).
- the project `config:` block (project.go `ProjectConfigType`, `RewriteShorthandConfigValues`,
  `Validate`; pkg/workspace/config.go `mergeConfig`): a bare key or `<project>:key` declares the
  project's own config, with an optional `type` (string, integer, boolean, array with `items`,
  object), `default` and `secret`; another namespace's key (`aws:region`) may only set a `value`.
  A scalar or list written alone is the default (own key) or the value (other namespace). A
  declared own key without a default must be set by the stack; a typed key's stack value must
  have that type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_FILE = "Pulumi.yaml"
CONFIG_TYPES = ("string", "integer", "boolean", "array", "object")
_INTEGER = re.compile(r"[+-]?[0-9]+")  # what Go's strconv.Atoi accepts


class ProjectError(ValueError):
    """Pulumi.yaml, a stack file or the stack's config is not what the engine accepts; the
    message is the engine's where it has one."""


@dataclass(frozen=True)
class ConfigDeclaration:
    """One key of the project's `config:` block (keys are full: `<namespace>:<key>`)."""

    key: str
    written: str  # the key as Pulumi.yaml spells it (bare for the project's own): messages use it
    type: str | None = None
    items: Mapping[str, Any] | None = None
    default: Any = None
    value: Any = None
    secret: bool = False

    @property
    def type_name(self) -> str:
        """`array<string>` for an array of strings, as Pulumi names it (`InferFullTypeName`)."""
        return _full_type_name(self.type or "", self.items)


@dataclass(frozen=True)
class Project:
    root: Path  # the folder holding Pulumi.yaml
    name: str
    runtime: str
    main: Path  # the file or folder the language host runs
    stack_config_dir: Path
    config: Mapping[str, ConfigDeclaration] = field(default_factory=dict)

    @property
    def pwd(self) -> Path:
        """The program's working directory (`getPwdMain`)."""
        return self.main if self.main.is_dir() else self.main.parent

    @property
    def entry_point(self) -> Path:
        """The Python file that runs: `main` itself, or a folder's `__main__.py`."""
        return self.main / "__main__.py" if self.main.is_dir() else self.main

    def stack_file(self, stack: str) -> Path:
        # An org-qualified stack (`acme/shop/dev`) keeps its config in Pulumi.dev.yaml.
        return self.stack_config_dir / f"Pulumi.{stack.rsplit('/', 1)[-1]}.yaml"

    def stacks(self) -> list[str]:
        prefix, suffix = "Pulumi.", ".yaml"
        return sorted(
            p.name[len(prefix) : -len(suffix)]
            for p in self.stack_config_dir.glob("Pulumi.*.yaml")
            if p.name != PROJECT_FILE
        )

    def full_key(self, key: str) -> str:
        return key if ":" in key else f"{self.name}:{key}"

    def owns(self, full_key: str) -> bool:
        return full_key.split(":", 1)[0] == self.name


def find_project_file(start: Path) -> Path:
    """`start/Pulumi.yaml`, or the nearest one above it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    raise ProjectError(f"no {PROJECT_FILE} project file found (searching upwards from {start})")


def load_project(start: Path) -> Project:
    path = find_project_file(start)
    document = yaml.safe_load(path.read_text()) or {}
    if not isinstance(document, dict):
        raise ProjectError(f"{path}: must be a mapping with at least `name` and `runtime`")
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ProjectError(f"{path}: project is missing a 'name' attribute")
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ProjectError(f"{path}: runtime {runtime_name!r}: the offline preview runs Python programs only")
    root = path.parent
    config_block = document.get("config")
    stack_dir = document.get("stackConfigDir")
    if isinstance(config_block, str):  # the old spelling of stackConfigDir (RewriteConfigPathIntoStackConfigDir)
        if stack_dir is not None:
            raise ProjectError(f"{path}: Should not use both config and stackConfigDir to define the stack "
                               "directory. Use only stackConfigDir instead.")
        stack_dir, config_block = config_block, None
    main = _main_path(path, root, document.get("main"))
    declarations = _declarations(path, name, config_block or {})
    return Project(root, name, "python", main, root / (stack_dir or "."), declarations)


def _main_path(path: Path, root: Path, main: Any) -> Path:
    if main in (None, ""):
        return root
    if not isinstance(main, str):
        raise ProjectError(f"{path}: main: {main!r}: must be a path relative to the project folder")
    resolved = (root / main).resolve() if not Path(main).is_absolute() else Path(main)
    if not resolved.exists():
        raise ProjectError(f"{path}: project 'main' could not be read: {resolved}: no such file or folder")
    return resolved


def _declarations(path: Path, project: str, block: Any) -> dict[str, ConfigDeclaration]:
    if not isinstance(block, dict):
        raise ProjectError(f"{path}: config: must be a mapping of keys to declarations")
    found: dict[str, ConfigDeclaration] = {}
    for key, spec in block.items():
        full = key if ":" in key else f"{project}:{key}"
        own = full.split(":", 1)[0] == project
        if not isinstance(spec, dict):  # shorthand: a default for an own key, a value otherwise
            spec = {"default": spec} if own else {"value": spec}
        declaration = ConfigDeclaration(
            key=full, written=key, type=spec.get("type"), items=spec.get("items"), default=spec.get("default"),
            value=spec.get("value"), secret=bool(spec.get("secret", False)),
        )
        _check_declaration(path, key, own, declaration)
        found[full] = declaration
    return found


def _check_declaration(path: Path, key: str, own: bool, d: ConfigDeclaration) -> None:
    """The checks of `Project.Validate`, with its wording."""
    if d.default is not None and d.value is not None:
        raise ProjectError(f"{path}: project config '{key}' cannot have both a 'default' and 'value' attribute")
    if not own:
        if d.type is not None:
            raise ProjectError(f"{path}: Configuration key '{key}' is not namespaced by the project and "
                               "should not define a type")
        if d.default is not None:
            raise ProjectError(f"{path}: Configuration key '{key}' is not namespaced by the project and should "
                               "not define a default value. Did you mean to use the 'value' attribute instead "
                               "of 'default'?")
        if d.value is None:
            raise ProjectError(f"{path}: Configuration key '{key}' is namespaced and must provide an attribute "
                               "'value'")
        return
    if d.type is not None and d.type not in CONFIG_TYPES:
        raise ProjectError(f"{path}: config key '{key}': type {d.type!r}: must be one of {', '.join(CONFIG_TYPES)}")
    if d.type == "array" and d.items is None:
        raise ProjectError(f"{path}: The configuration key '{key}' declares an array but does not specify the "
                           "underlying type via the 'items' attribute")
    if d.type is not None and d.default is not None and not value_has_type(d.type, d.items, d.default):
        raise ProjectError(f"{path}: The default value specified for configuration key '{key}' is not of the "
                           f"expected type '{d.type_name}'")


def value_has_type(type_name: str, items: Mapping[str, Any] | None, value: Any) -> bool:
    """`ValidateConfigValue`: strings that read as the type count (stack scalars are strings)."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int) or (isinstance(value, float) and value == int(value)):
            return True
        return isinstance(value, str) and _INTEGER.fullmatch(value) is not None
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_name == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or items is None:
        return False
    return all(value_has_type(str(items.get("type", "")), items.get("items"), item) for item in value)


def _full_type_name(type_name: str, items: Mapping[str, Any] | None) -> str:
    if items is not None:
        return f"array<{_full_type_name(str(items.get('type', '')), items.get('items'))}>"
    return type_name
