"""The strict YAML reader: what PyYAML accepts silently or slowly is refused, quickly, with a line."""

from __future__ import annotations

import time

import pytest

from components.errors import ValidationError
from components.yaml_input import MAX_BYTES, MAX_DEPTH, MAX_NODES, parse_yaml


def _refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as raised:
        parse_yaml("f.yaml", data)
    (problem,) = raised.value.problems
    return str(problem)


def test_duplicate_keys_name_both_lines():
    assert _refusal(b"a:\n  b: 1\n  c: 2\n  b: 3\n") == (
        "f.yaml:4:3: duplicate key 'b': first at line 2, again at line 4 (YAML keys are unique; delete one of them)")


def test_merge_keys_may_repeat_what_they_merge():
    assert parse_yaml("f.yaml", b"base: &b {x: 1}\nd:\n  <<: *b\n  x: 2\n").data["d"] == {"x": 2}


def test_anchors_that_stay_small_are_fine():
    assert parse_yaml("f.yaml", b"a: &a [1, 2]\nb: *a\n").data == {"a": [1, 2], "b": [1, 2]}


def test_code_execution_tags_are_refused():
    assert "could not determine a constructor" in _refusal(b"a: !!python/object/apply:os.system [ls]\n")


def test_lines_of_keys_are_kept_for_messages():
    document = parse_yaml("f.yaml", b"a:\n  b:\n    - x\n    - y\n")
    assert (document.line_of("a"), document.line_of("a", "b"), document.line_of("a", "b", 1)) == (1, 2, 4)


ATTACKS = {
    "billion-laughs": ("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{','.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))).encode(),
    "recursive-alias": b"a: &a [*a, *a]\n",
    "deep-flow": b"a: " + b"[" * (MAX_BYTES - 10),
    "deep-block": b"".join(b"  " * i + b"k:\n" for i in range(MAX_DEPTH + 5)),
    "wide": b"a: [" + b"1," * (MAX_BYTES // 2 - 4) + b"1]",
    "many-keys": b"".join(b"k%d: 1\n" % i for i in range(MAX_NODES)),
    "huge": b"a: " + b"x" * (MAX_BYTES + 1),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_parser_attacks_are_refused_within_two_cpu_seconds(name):
    # CPU time, not wall time: CI machines are shared; the bound is on the work done (~0.6 s).
    started = time.process_time()
    message = _refusal(ATTACKS[name])
    assert time.process_time() - started < 2.0, message
    assert any(word in message for word in ("alias bomb", "levels deep", "values", "bytes")), message
