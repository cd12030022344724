"""Reads a YAML file a user edits (a stack file, `stacks/workloads.yaml`) strictly and boundedly.

PyYAML's `safe_load` is safe from code execution but not from the rest: it keeps the last of two
equal keys without a word (YAML 1.2 says mapping keys are unique, section 3.2.1.1), expands
aliases on use (a "billion laughs" document of a few hundred bytes becomes gigabytes once the
preview serialises it to JSON, as the Pulumi CLI hands structured config to a program), recurses
once per nesting level (ten thousand `[` end in a RecursionError), and its errors print as
`ScannerError` with a mark only PyYAML users can read. `load_yaml` refuses each of these with a
`ValidationError` naming the file, the line and the column, and what was expected.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import NO_VALUE, Problem, ValidationError

# Bounds far above any real stack or workloads file (the shipped ones are under 5 KiB, nest 6
# deep and hold a few hundred nodes) and far below what makes the preview slow.
# Pure-Python PyYAML reads about 200 KiB a second: these keep the worst file under a second or so.
MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_NODES = 20_000  # values as written, and again after alias expansion (what the program gets)
MERGE_TAG = "tag:yaml.org,2002:merge"


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark | None, rule: str) -> None:
        super().__init__(rule)
        self.mark = mark
        self.rule = rule


@dataclass(frozen=True)
class YamlDocument:
    """A loaded file: its plain data and, for each mapping key, the line it was written on."""

    source: str
    data: Any
    lines: dict[tuple[Hashable, ...], int]

    def line_of(self, *path: Hashable) -> int | None:
        return self.lines.get(tuple(path))


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with a depth bound while composing and duplicate keys refused while building."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark,
                               f"nested more than {MAX_DEPTH} levels deep: refused (no stack or "
                               "workloads file needs that; is a bracket left open?)")
            self._nodes += 1
            if self._nodes > MAX_NODES:
                raise _Refused(self.peek_event().start_mark,
                               f"holds more than {MAX_NODES} values: refused (a stack or workloads "
                               "file holds a few hundred)")
            return super().compose_node(parent, index)  # type: ignore[no-untyped-call,no-any-return]
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue  # `<<: *base` keys may repeat what they merge: that is their purpose
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: SafeConstructor reports it below
            line = key_node.start_mark.line + 1
            if first is not None:
                raise _Refused(key_node.start_mark,
                               f"duplicate key {key!r}: first at line {first}, again at line {line} "
                               "(YAML keys are unique; delete one of them)")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _count(node: Node, sizes: dict[int, int]) -> int:
    """Values `node` stands for once every alias is expanded (aliases share nodes: memoised)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_NODES + 1  # a recursive alias never ends: count it as too many
    total = 1
    if isinstance(node, SequenceNode):
        total += sum(_count(child, sizes) for child in node.value)
    elif isinstance(node, MappingNode):
        total += sum(_count(k, sizes) + _count(v, sizes) for k, v in node.value)
    sizes[id(node)] = min(total, MAX_NODES + 1)
    return sizes[id(node)]


def _innermost_too_big(node: Node, sizes: dict[int, int]) -> Node:
    """The deepest node that alone expands past the bound: where the user should look."""
    seen: set[int] = set()
    while id(node) not in seen:
        seen.add(id(node))
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [v for _, v in node.value]
        big = [c for c in children if sizes.get(id(c), 0) > MAX_NODES]
        if not big:
            break
        node = big[0]
    return node


def _lines(node: Node, path: tuple[Hashable, ...], out: dict[tuple[Hashable, ...], int],
           loader: _StrictLoader) -> None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == MERGE_TAG:
                continue
            key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
            here = (*path, key)
            out.setdefault(here, key_node.start_mark.line + 1)
            _lines(value_node, here, out, loader)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            out.setdefault((*path, index), item.start_mark.line + 1)
            _lines(item, (*path, index), out, loader)


def _error(source: str, mark: yaml.Mark | None, rule: str) -> ValidationError:
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark is not None else source
    return ValidationError([Problem(where, NO_VALUE, rule)])


def _decode(source: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ValidationError([Problem(
            f"{source}:{line}:{column}", NO_VALUE,
            f"byte 0x{data[exc.start]:02x} is not UTF-8: save the file as UTF-8 (YAML files are text)",
        )]) from None


def _describe(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's own sentence ("expected ',' or ']', but got '<stream end>'"), without its class."""
    context = exc.context or ""
    mark, problem_mark = exc.context_mark, exc.problem_mark
    if context and mark is not None and (problem_mark is None or mark.line != problem_mark.line):
        context += f" started at line {mark.line + 1}, column {mark.column + 1}"
    parts = [p for p in (context, exc.problem) if p]
    text = "; ".join(parts) or "not valid YAML"
    if "<stream end>" in text:
        text += " (the file ends before a bracket, brace or quote is closed)"
    if "found character '\\t'" in text:
        text += " (YAML indents with spaces, never tabs)"
    return f"YAML syntax error: {text}"


def parse_yaml(source: str, data: bytes) -> YamlDocument:
    """`data` (the bytes of the file `source`) as plain Python values, checked as described above."""
    if len(data) > MAX_BYTES:
        raise _error(source, None, f"is {len(data)} bytes; refused above {MAX_BYTES} "
                                   "(a stack or workloads file is a few KiB)")
    text = _decode(source, data)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()  # type: ignore[no-untyped-call]
        if node is None:
            return YamlDocument(source, None, {})
        sizes: dict[int, int] = {}
        if _count(node, sizes) > MAX_NODES:
            raise _Refused(_innermost_too_big(node, sizes).start_mark,
                           f"expands to more than {MAX_NODES} values through aliases (*name): "
                           "refused as an alias bomb")
        data_out = loader.construct_document(node)  # type: ignore[no-untyped-call]
        lines: dict[tuple[Hashable, ...], int] = {}
        _lines(node, (), lines, loader)
    except _Refused as exc:
        raise _error(source, exc.mark, exc.rule) from None
    except yaml.MarkedYAMLError as exc:
        raise _error(source, exc.problem_mark or exc.context_mark, _describe(exc)) from None
    except yaml.YAMLError as exc:
        raise _error(source, None, f"YAML error: {exc}") from None
    except RecursionError:
        raise _error(source, None, "nested too deeply to read") from None
    finally:
        loader.dispose()
    return YamlDocument(source, data_out, lines)


def load_yaml(path: Path, source: str | None = None) -> YamlDocument:
    """Reads `path` (named `source` in messages, default the path as given)."""
    name = source or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(name, None, f"cannot be read: {exc.strerror or exc}") from None
    return parse_yaml(name, data)


def require_mapping(document: YamlDocument, expected: str) -> dict[Any, Any]:
    """The document's top level, which must be a non-empty mapping; `expected` says what it holds."""
    if document.data is None:
        raise _error(document.source, None, f"is empty: expected {expected}")
    if not isinstance(document.data, dict):
        kind = type(document.data).__name__
        kinds = {"list": "a list", "str": "a string", "int": "a number", "float": "a number",
                 "bool": "a boolean"}
        raise _error(document.source, yaml.Mark(document.source, 0, 0, 0, "", 0),
                     f"top level is {kinds.get(kind, kind)}: expected {expected}")
    return document.data
