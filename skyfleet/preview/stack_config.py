"""Loads a stack's config file exactly as the Pulumi CLI hands it to a Python program.

Pulumi reads `Pulumi.<stack>.yaml` from the project's `stackConfigDir` (`stacks/` here), puts bare
keys in the project's namespace, applies the project's `config:` block (defaults, required keys,
types: `resolve_config`), passes scalars as strings and structured values as JSON, and
decrypts `secure:` values, marking the key secret. Offline there is no key to decrypt with, so a
secure value becomes a stable placeholder that is still marked secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.config_reader import unknown_key_rule
from components.errors import Problems
from components.yaml_input import load_yaml, require_mapping

from .emulators import digest
from .project import Project, ProjectError, load_project, value_has_type

PROJECT = "skyfleet"
# The keys of a Pulumi stack settings file (pulumi/pulumi sdk/go/common/workspace/project.go,
# `ProjectStack`): anything else is a typo Pulumi would ignore.
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


@dataclass(frozen=True)
class StackConfig:
    stack: str
    path: Path
    values: dict[str, str]  # "namespace:key" -> the string Pulumi passes to the program
    secret_keys: frozenset[str]
    raw: dict[str, Any]  # "namespace:key" -> the YAML value, placeholders in place of secrets


def secure_placeholder(key: str, ciphertext: str) -> str:
    """The stand-in for an encrypted value: stable, unmistakable, never the real secret."""
    return f"preview-secret-{digest(key, str(ciphertext), size=12)}"


def config_path(project_dir: Path, stack: str) -> Path:
    return load_project(project_dir).stack_file(stack)


def list_stacks(project_dir: Path) -> list[str]:
    return load_project(project_dir).stacks()


def load_stack_config(project_dir: Path, stack: str, project: str | None = None) -> StackConfig:
    """The stack file's `config:` as the CLI passes it (before the project's config block)."""
    project = project or load_project(project_dir).name
    path = config_path(project_dir, stack)
    if not path.is_file():
        known = ", ".join(list_stacks(project_dir)) or "none"
        raise FileNotFoundError(f"no config file for stack {stack!r} at {path} (stacks: {known})")
    source = f"stacks/{path.name}"
    document = require_mapping(load_yaml(path, source), "a mapping with a `config:` section")
    problems = Problems(prefix=f"{source}: ")
    for key in document:
        if key not in STACK_FILE_KEYS:
            problems.add(str(key), document[key], unknown_key_rule(str(key), STACK_FILE_KEYS))
    config = document.get("config")
    if "config" not in document:
        problems.add("config", None, "is missing: a stack file keeps its settings under `config:`")
    elif not isinstance(config, dict):
        problems.add("config", config, "must be a mapping of keys (skyfleet:clusters, ...) to values")
    else:
        for key in config:
            problems.check(isinstance(key, str) and key != "", f"config.{key}", key,
                           "a config key must be a name such as skyfleet:clusters")
    problems.raise_if_any()
    assert isinstance(config, dict)
    values: dict[str, str] = {}
    raw: dict[str, Any] = {}
    secret_keys: set[str] = set()
    for key, value in config.items():
        full_key = key if ":" in key else f"{project}:{key}"
        plain, is_secret = _decrypt(full_key, value)
        if is_secret:
            secret_keys.add(full_key)
        raw[full_key] = plain
        values[full_key] = plain if isinstance(plain, str) else _to_config_string(plain)
    return StackConfig(stack, path, values, frozenset(secret_keys), raw)


def _to_config_string(value: Any) -> str:
    """Scalars as the CLI prints them (`true`, `3`), structured values as compact JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"))


def _decrypt(key: str, value: Any, path: str = "") -> tuple[Any, bool]:
    """Replaces every `{secure: ...}` (at any depth) with its placeholder; reports if any was."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return secure_placeholder(f"{key}{path}", value["secure"]), True
        found = False
        out: dict[str, Any] = {}
        for k, v in value.items():
            out[k], secret = _decrypt(key, v, f"{path}.{k}")
            found = found or secret
        return out, found
    if isinstance(value, list):
        items = [_decrypt(key, v, f"{path}[{i}]") for i, v in enumerate(value)]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """`--config key=value` pairs (as `pulumi preview --config` takes them): key -> string."""
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ProjectError(f"--config {pair!r}: expected key=value, e.g. --config aws:region=us-west-2")
        found[key] = value
    return found


def resolve_config(
    project: Project, config: StackConfig, overrides: dict[str, str] | None = None
) -> StackConfig:
    """The config the program receives: the stack file, then `--config` values, then the project's
    declared defaults and values for keys the stack leaves unset; checked as `pulumi` checks it
    (pkg/workspace/config.go `mergeConfig`, `validateStackConfigValue`), with its wording."""
    values, raw = dict(config.values), dict(config.raw)
    for key, value in (overrides or {}).items():
        full = project.full_key(key)
        values[full] = raw[full] = value
    missing: list[str] = []
    for full, declared in sorted(project.config.items()):
        if full in values:
            continue
        given = declared.default if declared.default is not None else declared.value
        if given is None:
            if project.owns(full):
                missing.append(declared.written)
            continue
        raw[full] = given
        values[full] = given if isinstance(given, str) else _to_config_string(given)
    if missing:
        keys = _format_missing(sorted(missing))
        plural = "values" if len(missing) > 1 else "value"
        raise ProjectError(f"Stack '{config.stack}' is missing configuration {plural} {keys}")
    for full, declared in sorted(project.config.items()):
        if not project.owns(full) or declared.type is None or full not in values:
            continue
        if declared.secret and full not in config.secret_keys:
            raise ProjectError(f"Stack '{config.stack}' with configuration key '{declared.written}' must be "
                               "encrypted as it's secret")
        # A structured value is checked as JSON, a scalar as the string the CLI passes.
        content = raw[full] if isinstance(raw[full], (dict, list)) else values[full]
        if not value_has_type(declared.type, declared.items, content):
            raise ProjectError(f"Stack '{config.stack}' with configuration key '{declared.written}' must be of "
                               f"type '{declared.type_name}'")
    return StackConfig(config.stack, config.path, values, config.secret_keys, raw)


def _format_missing(keys: list[str]) -> str:
    """`'a'`, `'a' and 'b'`, `'a', 'b' and 'c'` (config.go `formatMissingKeys`)."""
    quoted = [f"'{k}'" for k in keys]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" and {quoted[-1]}"

