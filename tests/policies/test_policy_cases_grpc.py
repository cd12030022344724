"""Every policy case over the engine's gRPC protocol: the pack started the way the CLI starts
it, each resource sent through Analyze and the whole case through AnalyzeStack.

The same cases run offline in test_policy_cases.py; together they show that the offline
evaluation (`skyfleet preview`, `skyfleet policy`) and the engine report the same findings.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from grpc_harness import Stub, analyze_all, analyzer, configure, message
from policy_cases import CASES
from policy_testing import Case

from skyfleet.analysis.policy_eval import evaluate_plan

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stub() -> Iterator[Stub]:
    with analyzer([sys.executable, "policies", "127.0.0.1:1"], PROJECT_DIR) as running:
        yield running


def _messages(stub: Stub, case: Case) -> list[str]:
    if not case.config:
        diagnostics = analyze_all(stub, case.resources)
    else:
        configure(stub, case.config)
        try:
            diagnostics = analyze_all(stub, case.resources)
        finally:
            configure(stub, {})
    return sorted(message(d) for d in diagnostics if d.policyName == case.policy)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_over_grpc_matches_offline(stub: Stub, case: Case) -> None:
    messages = _messages(stub, case)
    offline = sorted(
        v.message for v in evaluate_plan({"resources": case.resources}, case.config)
        if v.policy == case.policy
    )  # fmt: skip

    if case.violates:
        assert messages, f"{case.policy} did not flag {case.id} over gRPC"
        assert all(case.expect in m and " Fix: " in m for m in messages), messages
    else:
        assert messages == []
    assert messages == offline
