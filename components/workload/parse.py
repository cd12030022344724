"""Reads `stacks/workloads.yaml` into `ServiceSpec`s, reporting every problem with its YAML path.

The YAML mirrors the dataclasses one to one (field `min_replicas` is key `minReplicas`), so the
parser walks the dataclasses' type hints instead of repeating every field by hand: a field added
to `spec.py` is readable from YAML at once. The one exception is a probe, whose action is the key
itself (`httpGet:`, `tcpSocket:`, `exec:`), as in the Kubernetes API.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml

from components.errors import Problems

from .probes import Exec, HttpGet, Probe, TcpSocket
from .spec import ServiceSpec
from .validate import validate_spec

_INVALID = object()  # a value that failed to parse; its problem is already recorded
_PROBE_ACTIONS: dict[str, type] = {"httpGet": HttpGet, "tcpSocket": TcpSocket, "exec": Exec}


def load_workloads(path: Path) -> list[ServiceSpec]:
    """Reads and checks a workloads file; raises one ValidationError listing every problem."""
    problems = Problems()
    specs = parse_workloads(yaml.safe_load(path.read_text()) or {}, problems, str(path))
    problems.raise_if_any(str(path))
    return specs


def parse_workloads(
    raw: Mapping[str, Any], problems: Problems, source: str = ""
) -> list[ServiceSpec]:
    """The services of a workloads document (`services:` keyed by name), each validated.

    Problems are recorded, never raised; `source` names the document when its root is unusable.
    """
    if not isinstance(raw, Mapping):
        problems.add("", source or raw, "a workloads document must be a mapping with `services:`")
        return []
    for key in raw:
        problems.check(key == "services", str(key), key, "unknown key (known: services)")
    services = raw.get("services") or {}
    if not problems.check(
        isinstance(services, Mapping), "services", services, "must map service names to services"
    ):
        return []
    specs = []
    for name, entry in services.items():
        with problems.under(f"services.{name}") as scoped:
            spec = _dataclass(ServiceSpec, entry, scoped, "", fixed={"name": name})
            if isinstance(spec, ServiceSpec):
                validate_spec(spec, scoped)
                specs.append(spec)
    return specs


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _dataclass(cls: type, raw: Any, problems: Problems, path: str, fixed: Mapping[str, Any]) -> Any:
    """`cls(**fields)` from a camelCase mapping; unknown keys and missing required ones reported."""
    if not problems.check(isinstance(raw, Mapping), path, raw, "must be a mapping"):
        return _INVALID
    hints = typing.get_type_hints(cls)
    fields = {_camel(f.name): f for f in dataclasses.fields(cls) if f.name not in fixed}
    for key in raw:
        problems.check(
            key in fields,
            _join(path, key),
            key,
            f"unknown key (known: {', '.join(sorted(fields))})",
        )
    values = dict(fixed)
    ok = True
    for key, f in fields.items():
        if key in raw:
            value = _value(hints[f.name], raw[key], problems, _join(path, key))
            ok = ok and value is not _INVALID
            values[f.name] = value
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            problems.add(_join(path, key), None, "is required")
            ok = False
    if not ok or any(key not in fields for key in raw):
        return _INVALID
    return cls(**values)


def _probe(raw: Any, problems: Problems, path: str) -> Any:
    """A probe: exactly one action key (httpGet, tcpSocket, exec) plus the timing fields."""
    if not problems.check(isinstance(raw, Mapping), path, raw, "must be a mapping"):
        return _INVALID
    actions = [key for key in raw if key in _PROBE_ACTIONS]
    if not problems.check(
        len(actions) == 1,
        path,
        sorted(actions) or None,
        "must have exactly one of httpGet, tcpSocket or exec",
    ):
        return _INVALID
    key = actions[0]
    action = _dataclass(_PROBE_ACTIONS[key], raw[key], problems, _join(path, key), fixed={})
    timing = {k: v for k, v in raw.items() if k != key}
    probe = _dataclass(
        Probe, timing, problems, path, fixed={"action": action}
    )  # reports timing too
    return _INVALID if action is _INVALID else probe


def _value(tp: Any, raw: Any, problems: Problems, path: str) -> Any:
    """`raw` checked against the type hint `tp`."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Probe:
        return _probe(raw, problems, path)
    if origin in (types.UnionType, typing.Union):
        return _union(args, raw, problems, path)
    if origin is Literal:
        return (
            raw
            if problems.check(raw in args, path, raw, f"must be one of {', '.join(map(str, args))}")
            else _INVALID
        )
    if origin is not None and issubclass(origin, Mapping):
        return _mapping(args, raw, problems, path)
    if origin is not None and issubclass(origin, Sequence):
        return _sequence(args[0], raw, problems, path)
    if dataclasses.is_dataclass(tp):
        return _dataclass(typing.cast(type, tp), raw, problems, path, fixed={})
    return (
        raw
        if problems.check(_is_scalar(tp, raw), path, raw, f"must be {_SCALARS[tp]}")
        else _INVALID
    )


_SCALARS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def _is_scalar(tp: Any, raw: Any) -> bool:
    # YAML's `true` is a bool and bool is an int in Python: never accept one for the other.
    if isinstance(raw, bool):
        return tp is bool
    if tp is float:  # `availability: 99` is as good a number as 99.0
        return isinstance(raw, int | float)
    return isinstance(raw, tp)


def _union(args: tuple[Any, ...], raw: Any, problems: Problems, path: str) -> Any:
    if raw is None and type(None) in args:
        return None
    members = [a for a in args if a is not type(None)]
    if len(members) == 1:
        return _value(members[0], raw, problems, path)
    # Only unions of scalars remain (int | str for "1" or "25%"; str | int for a port).
    if any(_is_scalar(m, raw) for m in members):
        return raw
    expected = " or ".join(_SCALARS[m] for m in members)
    problems.add(path, raw, f"must be {expected}")
    return _INVALID


def _mapping(args: tuple[Any, ...], raw: Any, problems: Problems, path: str) -> Any:
    if not problems.check(isinstance(raw, Mapping), path, raw, "must be a mapping"):
        return _INVALID
    key_type, value_type = args
    result = {}
    ok = True
    for key, item in raw.items():
        where = _join(path, key)
        good_key = _value(key_type, key, problems, where)
        value = _value(value_type, item, problems, where)
        ok = ok and good_key is not _INVALID and value is not _INVALID
        result[key] = value
    return result if ok else _INVALID


def _sequence(item_type: Any, raw: Any, problems: Problems, path: str) -> Any:
    if not problems.check(isinstance(raw, list), path, raw, "must be a list"):
        return _INVALID
    items = [_value(item_type, item, problems, f"{path}[{i}]") for i, item in enumerate(raw)]
    return _INVALID if any(i is _INVALID for i in items) else tuple(items)
