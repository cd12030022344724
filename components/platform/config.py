"""Stack config (camelCase mappings) -> typed add-on args, by reading the dataclasses' own fields.

One generic reader instead of a hand-written parser per add-on: a dataclass field `release_name`
is the config key `releaseName`, its type annotation says what the value must be, and a key no
field claims is an error that names its path (`platform.monitoring.retentoin`) and suggests the
closest key. Fields that carry secrets or Pulumi outputs are marked `metadata={"config": False}`
and are only reachable from Python.
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from components.errors import Problems

T = TypeVar("T")

_MISSING = object()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def config_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The fields stack config may set, keyed by their camelCase config key."""
    return {
        camel(f.name): f
        for f in dataclasses.fields(cls)
        if f.init and f.metadata.get("config", True)
    }


def from_config(cls: type[T], raw: Any, problems: Problems) -> T | None:
    """`cls(**fields)` from a config mapping. Each bad key or value is recorded in `problems`
    (paths below its prefix) and left at its default, so the caller can still check the rules of
    the rest and report everything at once; None only if `raw` is not a mapping or a required
    field is missing."""
    if not problems.check(isinstance(raw, Mapping), "", raw, "must be a mapping"):
        return None
    known = config_fields(cls)
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        f = known.get(key)
        if f is None:
            problems.add(str(key), value, _unknown_key_rule(str(key), known))
            continue
        with problems.under(key) as at:
            converted = _convert(_field_type(cls, f), value, at)
        if converted is not _MISSING:
            kwargs[f.name] = converted
    missing = [
        camel(f.name) for f in known.values()
        if f.name not in kwargs and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    for key in missing:
        if key not in raw:
            problems.add(key, None, "is required")
    return None if missing else cls(**kwargs)


def _field_type(cls: type, f: dataclasses.Field[Any]) -> Any:
    """The field's annotation as a type (annotations are strings under `from __future__`)."""
    if not isinstance(f.type, str):
        return f.type
    # Evaluated where the field is declared (a base class's module for inherited fields).
    owner = next(k for k in cls.__mro__ if f.name in vars(k).get("__annotations__", {}))
    return eval(f.type, vars(sys.modules[owner.__module__]))


def _unknown_key_rule(key: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key (expected one of: {', '.join(sorted(known))}){hint}"


def _convert(tp: Any, value: Any, problems: Problems) -> Any:
    """`value` checked against the annotation `tp`; `_MISSING` (with a problem recorded) if not."""
    origin = get_origin(tp)
    if tp is Any:
        return value
    if origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)] or [Any]
        return _convert(inner, value, problems)
    if origin is Literal:
        choices = get_args(tp)
        if value in choices:
            return value
        problems.add("", value, f"must be one of: {', '.join(map(str, choices))}")
        return _MISSING
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        result = from_config(tp, value, problems)
        return _MISSING if result is None else result
    if origin in (Mapping, dict, typing.Mapping):
        return _convert_mapping(get_args(tp)[1], value, problems)
    if origin in (Sequence, tuple, list, typing.Sequence):
        return _convert_sequence(get_args(tp)[0], value, problems)
    return _convert_scalar(tp, value, problems)


def _convert_mapping(item_type: Any, value: Any, problems: Problems) -> Any:
    if not problems.check(isinstance(value, Mapping), "", value, "must be a mapping"):
        return _MISSING
    result: dict[str, Any] = {}
    ok = True
    for key, item in value.items():
        with problems.under(str(key)) as at:
            converted = _convert(item_type, item, at)
        ok = ok and converted is not _MISSING
        result[str(key)] = converted
    return result if ok else _MISSING


def _convert_sequence(item_type: Any, value: Any, problems: Problems) -> Any:
    if not problems.check(isinstance(value, list), "", value, "must be a list"):
        return _MISSING
    items = []
    for index, item in enumerate(value):
        with problems.under(f"[{index}]") as at:
            items.append(_convert(item_type, item, at))
    return _MISSING if any(i is _MISSING for i in items) else tuple(items)


_SCALARS: dict[Any, tuple[type, str]] = {
    bool: (bool, "must be true or false"),
    int: (int, "must be a whole number"),
    str: (str, "must be a string"),
}


def _convert_scalar(tp: Any, value: Any, problems: Problems) -> Any:
    expected, rule = _SCALARS.get(tp, (object, ""))
    # bool is an int in Python; a YAML `true` is not a replica count.
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not problems.check(ok, "", value, rule):
        return _MISSING
    return value
