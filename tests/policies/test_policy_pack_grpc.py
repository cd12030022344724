"""The pack over the engine's gRPC protocol, started the way the Pulumi CLI starts it
(`python <pack dir> <engine address>`, and `python -m policies`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf import empty_pb2
from grpc_harness import (
    LEVELS,
    Stub,
    analyze,
    analyze_all,
    analyze_stack,
    analyzer,
    configure,
    findings,
)
from policy_testing import CONTAINER, DEPLOYMENT, SECURE_DEPLOYMENT, at, resource
from pulumi.runtime.proto import analyzer_pb2 as rpc

from policies.registry import POLICIES
from skyfleet.analysis.policy_eval import evaluate_plan

PROJECT_DIR = Path(__file__).resolve().parents[2]
INSECURE = at(
    at(SECURE_DEPLOYMENT, f"{CONTAINER}.securityContext.privileged", True),
    f"{CONTAINER}.image",
    "nginx:latest",
)


@pytest.fixture(
    scope="module",
    params=[["policies", "127.0.0.1:1"], ["-m", "policies"]],
    ids=["python-pack-dir", "python-m-policies"],
)
def stub(request: pytest.FixtureRequest) -> Iterator[Stub]:
    with analyzer([sys.executable, *request.param], PROJECT_DIR) as running:
        yield running


def test_analyzer_info_lists_every_policy(stub: Stub) -> None:
    info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=5)
    policies = {p.name: p for p in info.policies}

    assert info.name == "skyfleet" and info.supportsConfig
    assert set(policies) == {p.name for p in POLICIES}
    assert policies["no-privileged-containers"].enforcementLevel == rpc.MANDATORY
    assert policies["no-privileged-containers"].policy_type == rpc.POLICY_TYPE_STACK
    assert policies["image-pinned"].enforcementLevel == rpc.ADVISORY
    assert policies["image-pinned"].policy_type == rpc.POLICY_TYPE_RESOURCE
    min_replicas = policies["replicas-minimum"].configSchema.properties["minReplicas"]
    assert min_replicas["default"] == 2


def test_analyze_and_analyze_stack_report_levels(stub: Stub) -> None:
    entry = resource(DEPLOYMENT, INSECURE)
    diagnostics = {d.policyName: d for d in analyze(stub, entry) + analyze_stack(stub, [entry])}

    assert diagnostics["no-privileged-containers"].enforcementLevel == rpc.MANDATORY
    assert diagnostics["no-privileged-containers"].urn == entry["urn"]
    assert diagnostics["image-pinned"].enforcementLevel == rpc.ADVISORY
    assert "Fix: " in diagnostics["image-pinned"].message


def test_engine_and_offline_evaluation_agree_on_the_insecure_plan(stub: Stub) -> None:
    fixture = json.loads((Path(__file__).parent / "fixtures" / "insecure_plan.json").read_text())
    offline = {(v.policy, v.level, v.urn) for v in evaluate_plan(fixture)}
    engine = {
        (d.policyName, LEVELS[d.enforcementLevel], d.urn)
        for d in analyze_all(stub, fixture["resources"])
    }
    assert engine == offline


def test_analyze_stack_reports_a_deployment_without_pdb(stub: Stub) -> None:
    deployment = resource(DEPLOYMENT, SECURE_DEPLOYMENT, "api")
    diagnostics = analyze_stack(stub, [deployment])

    assert [(d.policyName, d.urn) for d in diagnostics] == [("deployment-has-pdb", deployment["urn"])]


def test_configure_tunes_levels_and_thresholds(stub: Stub) -> None:
    configure(stub, {
        "no-privileged-containers": "disabled",
        "replicas-minimum": {"enforcementLevel": "mandatory", "minReplicas": 3},
    })  # fmt: skip
    entry = resource(DEPLOYMENT, INSECURE)
    try:
        found = findings(analyze(stub, entry) + analyze_stack(stub, [entry]))
    finally:
        configure(stub, {})  # back to the defaults

    assert found == {
        ("image-pinned", "advisory"),
        ("replicas-minimum", "mandatory"),
        ("deployment-has-pdb", "advisory"),
    }
