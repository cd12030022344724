"""Reading resource properties the way the policy engine hands them over.

The engine passes read-only `Mapping`/`Sequence` proxies (not dicts and lists) that raise
`UnknownValueError` when a value is only known after apply, and numbers arrive as floats
(protobuf `Struct`). These helpers accept exactly that shape, so validators never test for
`dict`/`list` and never assume integers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

Props = Mapping[str, Any]

_EMPTY: Props = {}


def as_map(value: Any) -> Props:
    """`value` if it is a mapping, else an empty one (absent blocks read as empty)."""
    return value if isinstance(value, Mapping) else _EMPTY


def as_list(value: Any) -> list[Any]:
    """`value` as a list if it is a sequence (but not a string), else an empty list."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return []


def one_or_many(value: Any) -> list[Props]:
    """A block that some provider versions model as one object and others as a list."""
    if isinstance(value, Mapping):
        return [value]
    return [as_map(item) for item in as_list(value)]


def dig(props: Any, *path: str) -> Any:
    """The value at `path` under nested mappings, or None where any step is missing."""
    current = props
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def present(props: Any, *path: str) -> bool:
    """Whether the value at `path` is given: non-empty, or computed and not known yet.

    Values such as a KMS key ARN created in the same stack are unknown during preview; they
    are still *set*, so this treats them as present instead of failing the policy.
    """
    try:
        value = dig(props, *path)
    except UnknownValueError:
        return True
    if value is None:
        return False
    if isinstance(value, str | Mapping | Sequence):
        return len(value) > 0
    return True


def strings(value: Any) -> list[str]:
    """A list of strings from a sequence input, ignoring anything else."""
    return [item for item in as_list(value) if isinstance(item, str)]


def number(value: Any) -> float | None:
    """A numeric input as a float (bool is not a number here), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
