"""Issue 17, property: a random mutation of a shipped stack or workloads file (a key renamed,
dropped or added, a value of another type or out of range, the structure changed, the text cut
or sprinkled with bytes) never makes `skyfleet preview` print a traceback, hang, or fail as a
program (exit 1); and whenever the validators, called directly on the mutated file, find a
problem, the preview refuses it (exit 2) and writes nothing for the stack.

`SKYFLEET_MUTATIONS=500 pytest tests/safety/test_bad_files_property.py` runs a longer search.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.errors import Problems, ValidationError
from components.yaml_input import parse_yaml, require_mapping

from .cli_cases import WORKLOADS, Run, run_cli, stack_file
from .project import STACKS, copy_project

EXAMPLES = int(os.environ.get("SKYFLEET_MUTATIONS", "12"))
# Refusing bad input reads two small files: a few CPU seconds at most (CPU time, as CI machines
# are shared; the wall clock only guards against a hang).
REFUSAL_SECONDS = 3.0
# A mutation that is accepted runs the whole preview; this only catches a hang.
HANG_SECONDS = 120
SHIPPED_STACKS = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in STACKS.glob("Pulumi.*.yaml"))

ODD_SCALARS = st.one_of(
    st.sampled_from([0, -1, 1, 2**31, 2**63, 10**30, 1.5, 1e308, float("inf"), float("nan"), True,
                     False, None, "", " ", "0", "1.30", "latest", "a" * 64, "a" * 300, "-x-", "ß",
                     "secure", "v1:abc", "10.0.0.0/8", "Standard_D4s_v5", "e2-standard-4",
                     "m5.large", "100%", "1e999", "0.0001", "99999Ei", "NaN", "~", "null"]),
    st.integers(min_value=-10, max_value=70000),
    st.text(max_size=12),
)
VALUES = st.recursive(ODD_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=6)


def _containers(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, (dict, list)):
        yield path, node
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            yield from _containers(child, (*path, key))


def _typo(key: str, data: st.DataObject) -> str:
    if not key:
        return "x"
    i = data.draw(st.integers(0, len(key) - 1), label="typo at")
    return data.draw(st.sampled_from([key[:i] + key[i + 1:], key[:i] + key[i] * 2 + key[i + 1:],
                                      key.lower(), key.upper(), key + "s", key.replace("-", "_")]),
                     label="typo")


def mutate_document(document: Any, data: st.DataObject) -> Any:
    """One structural mutation of the parsed document, somewhere in it."""
    containers = list(_containers(document))
    _, node = data.draw(st.sampled_from(containers), label="where")
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    kind = data.draw(st.sampled_from(["value", "rename", "drop", "add", "wrap", "empty"]), label="kind")
    if not keys:
        kind = "add"
    key = data.draw(st.sampled_from(keys), label="key") if keys else None
    if kind == "value":
        node[key] = data.draw(VALUES, label="value")
    elif kind == "rename" and isinstance(node, dict):
        node[_typo(str(key), data)] = node.pop(key)
    elif kind == "drop":
        del node[key]
    elif kind == "add":
        new = data.draw(VALUES, label="added")
        if isinstance(node, dict):
            node[data.draw(st.text(min_size=1, max_size=10), label="new key")] = new
        else:
            node.append(new)
    elif kind == "wrap":
        node[key] = [node[key]]
    else:
        node[key] = {} if isinstance(node[key], dict) else [] if isinstance(node[key], list) else None
    return document


def mutate_text(text: bytes, data: st.DataObject) -> bytes:
    """A byte-level accident: the file cut short, or a few bytes inserted."""
    at = data.draw(st.integers(0, len(text)), label="offset")
    if data.draw(st.booleans(), label="cut"):
        return text[:at]
    noise = data.draw(st.sampled_from([b"\t", b"[", b"{", b"}", b":", b"&a ", b"*a", b"\xff", b"'", b"- ",
                                       b"\n  x: 1\n", b"<<: *a\n"]), label="noise")
    return text[:at] + noise + text[at:]


def validators_reject(project: Path, stack: str) -> bool:
    """Whether the validators, called directly (not through the preview), find a problem."""
    from components.cluster.config import parse_clusters_config
    from components.platform import parse_platform_config
    from components.workload import parse_workloads

    problems = Problems()
    try:
        config = require_mapping(parse_yaml("stack", (project / stack_file(stack)).read_bytes()), "config")
        workloads = require_mapping(parse_yaml("workloads", (project / WORKLOADS).read_bytes()), "services")
    except ValidationError:
        return True
    values = config.get("config")
    if not isinstance(values, dict):
        return True
    values = {(k if ":" in str(k) else f"skyfleet:{k}"): v for k, v in values.items()}
    production = values.get("skyfleet:environment") == "prod"
    parse_clusters_config(values.get("skyfleet:clusters"), problems, production=production)
    if "skyfleet:platform" in values:
        parse_platform_config(values["skyfleet:platform"], problems)
    parse_workloads(workloads, problems)
    return bool(problems)


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the preview ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check(project: Path, stack: str, what: str) -> Run:
    # What the preview imports once per process (`preview --all` imports it before forking):
    # the bound is on reading and refusing the files, not on a cold import.
    from skyfleet.commands.preview import _import_shared_code

    _import_shared_code()
    rejected = validators_reject(project, stack)
    started = time.process_time()
    with _deadline(HANG_SECONDS):
        run = run_cli(project, stack)
    seconds = time.process_time() - started
    report = f"{what}\nexit {run.code} in {seconds:.1f}s\n{run.stderr[-3000:]}"
    assert "Traceback" not in run.stderr, report
    assert run.code in (0, 2, 3), report  # 1 would be the program failing on input it accepted
    if run.code == 2:
        assert seconds < REFUSAL_SECONDS, report
        assert not run.written, report
        assert run.problems, report  # every refusal says what and where
    if rejected:
        assert run.code == 2, f"the validators reject this, the preview did not\n{report}"
    return run


SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


@pytest.mark.parametrize("which", ["workloads", "stack"])
@SETTINGS
@given(data=st.data())
def test_a_mutated_file_never_crashes_hangs_or_passes_what_the_validators_reject(
        which: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    project = copy_project(tmp_path_factory.mktemp("mutated"))
    stack = data.draw(st.sampled_from(SHIPPED_STACKS), label="stack")
    path = project / (WORKLOADS if which == "workloads" else stack_file(stack))
    if data.draw(st.integers(0, 4), label="text?") == 0:
        path.write_bytes(mutate_text(path.read_bytes(), data))
    else:
        document = mutate_document(yaml.safe_load(path.read_text()), data)
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    _check(project, stack, path.read_text(errors="replace")[:2000])
