"""One reader for every camelCase mapping a user writes: stack config and `stacks/workloads.yaml`.

A dataclass field `min_replicas` is the key `minReplicas`; the field's annotation says what the
value must be (a whole number, one of some choices, a mapping of names to another dataclass...),
so a field added to an args class is readable from YAML at once, and every layer (clusters, the
platform, workloads, the fleet) reports the same mistakes in the same words:

- an unknown key names its full path and suggests the closest known key;
- a wrong type names what was expected (a string where a number was written says "quote it");
- a mapping key that must be a name but that YAML read as a number or a boolean is refused;
- whole numbers stay within what Kubernetes and the clouds store (int32), floats never pass;
- an empty mapping or list where the field says it must not be (`metadata={"empty": why}`) is
  refused rather than silently replaced by the default, and so is a null for a field whose
  default is None (`replicas:` left blank); a null that turns something off (`cpuUtilization:`
  whose default is 70) is a value.

Problems are recorded in a `Problems` collector, never raised: the caller raises once. Fields
marked `metadata={"config": False}` (secrets, Pulumi outputs) are reachable from Python only.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from .errors import Problems

T = TypeVar("T")
# Kubernetes stores counts, ports and seconds as int32 (apimachinery's OpenAPI `format: int32`);
# no Skyfleet number is meaningful above it, and a bigger one would overflow downstream.
INT32_MAX = 2**31 - 1
MISSING: Any = object()  # what a reader returns after recording a problem (None is a value)
# A reader for one type that the annotation alone cannot describe (a probe's action key).
Special = Callable[[Any, Problems], Any]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def unknown_key_rule(key: str, known: Iterable[str]) -> str:
    """"unknown key (did you mean maxSize?); known keys: ..." for `key` among `known`."""
    names = [str(k) for k in known]
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown key{hint}; known keys: {', '.join(names)}"


def config_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The fields stack config may set, keyed by their camelCase config key."""
    return {camel(f.name): f for f in dataclasses.fields(cls) if f.init and f.metadata.get("config", True)}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "empty (null)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string"


class Reader:
    """Reads values against annotations; `special` maps a type to its own reader."""

    def __init__(self, special: Mapping[Any, Special] | None = None) -> None:
        self.special = dict(special or {})

    def read(self, cls: type[T], raw: Any, problems: Problems, *, fixed: Mapping[str, Any] | None = None,
             defaults: Mapping[str, Any] | None = None) -> T | None:
        """`cls(**fields)` from a camelCase mapping. A bad key or value is recorded and left at
        its default, so the rules of the rest can still run; None if `raw` is not a mapping or
        a required field is missing or bad. `fixed` fields are not read from config (a service's
        name is its key); `defaults` replace the class's own defaults for this value."""
        if not problems.check(isinstance(raw, Mapping), "", raw, f"must be a mapping, not {_kind(raw)}"):
            return None
        fixed = dict(fixed or {})
        known = {k: f for k, f in config_fields(cls).items() if f.name not in fixed}
        hints = _hints(cls)
        kwargs: dict[str, Any] = {**dict(defaults or {}), **fixed}
        suggested: set[str] = set()
        for key, value in raw.items():
            f = known.get(key) if isinstance(key, str) else None
            if f is None:
                rule = unknown_key_rule(str(key), known)
                suggested.update(difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6))
                problems.add(str(key), value, rule)
                continue
            if value is None and f.default is None:
                # `replicas:` left blank is the default already: a no-op the user did not mean.
                problems.add(key, None, "is empty (null): give a value, or leave the key out for the default")
                continue
            with problems.under(key) as at:
                converted = self.value(hints[f.name], value, at, empty=f.metadata.get("empty"))
            if converted is not MISSING:
                kwargs[f.name] = converted
        complete = True
        for key, f in known.items():
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required and f.name not in kwargs:
                complete = False
                if key not in raw and key not in suggested:
                    problems.add(key, None, "is required")
        return cls(**kwargs) if complete else None

    def value(self, tp: Any, value: Any, problems: Problems, *, empty: str | None = None) -> Any:
        """`value` checked against the annotation `tp`; MISSING (a problem recorded) if not."""
        special = self.special.get(tp)
        if special is not None:
            return special(value, problems)
        origin = get_origin(tp)
        if tp is Any:
            return value
        if origin in (Union, types.UnionType):
            return self._union(get_args(tp), value, problems, empty)
        if origin is Literal:
            choices = get_args(tp)
            if value in choices and isinstance(value, str) == isinstance(choices[0], str):
                return value
            problems.add("", value, f"must be one of {', '.join(map(str, choices))}")
            return MISSING
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            result = self.read(tp, value, problems)
            return MISSING if result is None else result
        if origin in (Mapping, dict, typing.Mapping):
            key_type, item_type = get_args(tp)
            return self._mapping(key_type, item_type, value, problems, empty)
        if origin in (Sequence, tuple, list, typing.Sequence):
            return self._sequence(get_args(tp)[0], value, problems, empty)
        return _scalar(tp, value, problems)

    def _union(self, options: tuple[Any, ...], value: Any, problems: Problems, empty: str | None) -> Any:
        if value is None and type(None) in options:
            return None
        members = [o for o in options if o is not type(None)]
        if len(members) == 1:
            return self.value(members[0], value, problems, empty=empty)
        # Unions of scalars (int | str for 1 or "25%"): the first that fits.
        for member in members:
            if _fits(member, value):
                return _scalar(member, value, problems)
        expected = " or ".join(_SCALARS[m][1].removeprefix("must be ") for m in members if m in _SCALARS)
        problems.add("", value, f"must be {expected}")
        return MISSING

    def _mapping(self, key_type: Any, item_type: Any, value: Any, problems: Problems, empty: str | None) -> Any:
        if not problems.check(isinstance(value, Mapping), "", value, f"must be a mapping, not {_kind(value)}"):
            return MISSING
        if empty is not None and not problems.check(bool(value), "", value, f"is empty: {empty}"):
            return MISSING
        result: dict[Any, Any] = {}
        ok = True
        for key, item in value.items():
            with problems.under(str(key)) as at:
                good_key = self._key(key_type, key, at)
                converted = self.value(item_type, item, at)
            ok = ok and good_key is not MISSING and converted is not MISSING
            result[key] = converted
        return result if ok else MISSING

    def _key(self, key_type: Any, key: Any, problems: Problems) -> Any:
        if get_origin(key_type) is Literal:
            return self.value(key_type, key, problems)
        rule = f"must be a name, but YAML read {key!r} as {_kind(key)}: quote it"
        return key if problems.check(isinstance(key, str) and key != "", "", key, rule) else MISSING

    def _sequence(self, item_type: Any, value: Any, problems: Problems, empty: str | None) -> Any:
        if not problems.check(isinstance(value, list), "", value, f"must be a list, not {_kind(value)}"):
            return MISSING
        if empty is not None and not problems.check(bool(value), "", value, f"is empty: {empty}"):
            return MISSING
        items = []
        for index, item in enumerate(value):
            with problems.under(f"[{index}]") as at:
                items.append(self.value(item_type, item, at))
        return MISSING if any(i is MISSING for i in items) else tuple(items)


_SCALARS: dict[Any, tuple[Any, str]] = {
    bool: (bool, "must be true or false"),
    int: (int, "must be a whole number"),
    float: ((int, float), "must be a number"),  # `availability: 99` is as good as 99.0
    str: (str, "must be a string"),
}


def _fits(tp: Any, value: Any) -> bool:
    expected = _SCALARS.get(tp, (object, ""))[0]
    # bool is an int in Python; a YAML `true` is not a replica count, nor 1 a boolean.
    return isinstance(value, expected) and (tp is bool or not isinstance(value, bool))


def _scalar(tp: Any, value: Any, problems: Problems) -> Any:
    rule = _SCALARS.get(tp, (object, ""))[1]
    if not _fits(tp, value):
        if tp is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            rule = f"must be a string (quote it: YAML read {value!r} as a number)"
        elif tp is int and isinstance(value, float):
            rule = "must be a whole number (no decimals, no exponent)"
        problems.add("", value, rule)
        return MISSING
    if tp is float and not problems.check(math.isfinite(value), "", value,
                                          "must be a finite number (.inf and .nan reach no API)"):
        return MISSING
    if tp is int and not problems.check(abs(value) <= INT32_MAX, "", value,
                                        f"must be at most {INT32_MAX} in size (Kubernetes stores it as int32)"):
        return MISSING
    return value


def _hints(cls: type) -> dict[str, Any]:
    """The fields' annotations as types (strings under `from __future__ import annotations`),
    each evaluated where it is declared (a base class's module for an inherited field)."""
    hints: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if not isinstance(f.type, str):
            hints[f.name] = f.type
            continue
        owner = next(k for k in cls.__mro__ if f.name in vars(k).get("__annotations__", {}))
        hints[f.name] = eval(f.type, vars(sys.modules[owner.__module__]))
    return hints


DEFAULT_READER = Reader()


def read_config(cls: type[T], raw: Any, problems: Problems, **kwargs: Any) -> T | None:
    """`Reader().read(...)` for classes without special-cased types."""
    return DEFAULT_READER.read(cls, raw, problems, **kwargs)
