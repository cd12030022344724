"""Loads a stack's config file exactly as the Pulumi CLI hands it to a Python program.

Pulumi reads `stacks/Pulumi.<stack>.yaml` (the project sets `stackConfigDir: stacks`), puts bare
keys in the project's namespace, passes scalars as strings and structured values as JSON, and
decrypts `secure:` values, marking the key secret. Offline there is no key to decrypt with, so a
secure value becomes a stable placeholder that is still marked secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.errors import Problems

from .emulators import digest

PROJECT = "skyfleet"


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
    return project_dir / "stacks" / f"Pulumi.{stack}.yaml"


def list_stacks(project_dir: Path) -> list[str]:
    prefix, suffix = "Pulumi.", ".yaml"
    return sorted(
        p.name[len(prefix) : -len(suffix)] for p in (project_dir / "stacks").glob("Pulumi.*.yaml")
    )


def load_stack_config(project_dir: Path, stack: str, project: str = PROJECT) -> StackConfig:
    path = config_path(project_dir, stack)
    if not path.is_file():
        known = ", ".join(list_stacks(project_dir)) or "none"
        raise FileNotFoundError(f"no config file for stack {stack!r} at {path} (stacks: {known})")
    document = yaml.safe_load(path.read_text()) or {}
    problems = Problems()
    config = document.get("config") or {}
    if not isinstance(config, dict):
        problems.add("config", config, "must be a mapping of keys to values")
        problems.raise_if_any(str(path))
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
