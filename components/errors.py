"""Validation problems, gathered and raised once.

Every user-facing input is checked in pure code before the first resource is registered. A
validator never raises on the first problem: it records each one (field path, value, rule) in a
`Problems` collector and the caller raises a single `ValidationError` listing them all, the way
pulumi-awsx validates a VPC layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class _NoValue:
    """The value of a problem about a whole file (a syntax error): there is no value to show."""

    def __repr__(self) -> str:
        return "<no value>"


NO_VALUE: Any = _NoValue()


# A value longer than this is cut in messages: the path already says where it is.
MAX_SHOWN = 120


def shown(value: Any) -> str:
    """`repr(value)`, cut to MAX_SHOWN characters (a whole mapping written under a typo)."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 4] + " ..."


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (a dotted field path), what was given, and the rule."""

    path: str
    value: Any
    rule: str

    def __str__(self) -> str:
        if self.value is NO_VALUE:
            return f"{self.path}: {self.rule}"
        return f"{self.path}: {shown(self.value)}: {self.rule}"


class ValidationError(ValueError):
    """Raised once with every problem found; its message lists one problem per line."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        lines = [f"  - {prefix}{p}" for p in self.problems]
        noun = "problem" if len(lines) == 1 else "problems"
        super().__init__(f"invalid input ({len(lines)} {noun}):\n" + "\n".join(lines))


@dataclass
class Problems:
    """Collects problems under a path prefix; `raise_if_any()` raises them all together."""

    prefix: str = ""
    found: list[Problem] = field(default_factory=list)

    def add(self, path: str, value: Any, rule: str) -> None:
        self.found.append(Problem(self._join(path), value, rule))

    def check(self, ok: bool, path: str, value: Any, rule: str) -> bool:
        """Records a problem unless `ok`; returns `ok` so callers can skip dependent checks."""
        if not ok:
            self.add(path, value, rule)
        return ok

    @contextmanager
    def under(self, path: str) -> Iterator[Problems]:
        """A view whose paths are nested below `path`; problems land in this collector."""
        child = Problems(prefix=self._join(path), found=self.found)
        yield child

    def extend(self, problems: list[Problem]) -> None:
        self.found.extend(problems)

    def raise_if_any(self, source: str = "") -> None:
        if self.found:
            raise ValidationError(self.found, source)

    def _join(self, path: str) -> str:
        if not self.prefix:
            return path
        if not path:
            return self.prefix
        if self.prefix.endswith((":", " ")):  # a file or namespace prefix: "file.yaml: ns:key"
            return f"{self.prefix}{path}"
        return f"{self.prefix}.{path}" if not path.startswith("[") else f"{self.prefix}{path}"

    def __bool__(self) -> bool:
        return bool(self.found)
