"""The pack over the engine's gRPC protocol, started the way the Pulumi CLI starts it.

The CLI runs `python <pack dir> <engine address>`, reads the port the pack prints on stdout and
talks to the Analyzer service. The pack never dials the engine, so a dummy address will do.
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from policy_testing import (
    CONTAINER,
    DEPLOYMENT,
    SECURE_DEPLOYMENT,
    at,
    plan,
    resource,
)
from pulumi.runtime.proto import analyzer_pb2 as rpc
from pulumi.runtime.proto import analyzer_pb2_grpc

from policies.registry import POLICIES
from skyfleet.analysis.policy_eval import evaluate_plan

PROJECT_DIR = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 10
LEVELS = {rpc.MANDATORY: "mandatory", rpc.ADVISORY: "advisory"}

INSECURE = at(
    at(SECURE_DEPLOYMENT, f"{CONTAINER}.securityContext.privileged", True),
    f"{CONTAINER}.image",
    "nginx:latest",
)


def _start(command: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    process = subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.PIPE)
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_TIMEOUT_S):
            process.kill()
            pytest.fail(f"{command} printed no port within {STARTUP_TIMEOUT_S}s")
    return process, int(process.stdout.readline())


@pytest.fixture(
    scope="module",
    params=[["policies", "127.0.0.1:1"], ["-m", "policies"]],
    ids=["python-pack-dir", "python-m-policies"],
)
def analyzer(request: pytest.FixtureRequest) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    process, port = _start([sys.executable, *request.param])
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        channel.close()
        process.kill()
        process.wait(timeout=5)
        assert process.stdout is not None
        process.stdout.close()


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return struct


def _analyze(stub: analyzer_pb2_grpc.AnalyzerStub, entry: Mapping[str, Any]) -> list[Any]:
    """The engine's Analyze call for one plan.json resource: its diagnostics."""
    properties = _struct(entry["inputs"])
    request = rpc.AnalyzeRequest(
        type=entry["type"], properties=properties, urn=entry["urn"], name=entry["name"]
    )
    return list(stub.Analyze(request, timeout=5).diagnostics)


def _findings(diagnostics: list[Any]) -> set[tuple[str, str]]:
    return {(d.policyName, LEVELS[d.enforcementLevel]) for d in diagnostics}


def test_analyzer_info_lists_every_policy(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=5)
    policies = {p.name: p for p in info.policies}

    assert info.name == "skyfleet" and info.supportsConfig
    assert set(policies) == {p.name for p in POLICIES}
    assert policies["no-privileged-containers"].enforcementLevel == rpc.MANDATORY
    assert policies["image-pinned"].enforcementLevel == rpc.ADVISORY
    assert policies["deployment-has-pdb"].policy_type == rpc.POLICY_TYPE_STACK
    min_replicas = policies["replicas-minimum"].configSchema.properties["minReplicas"]
    assert min_replicas["default"] == 2


def test_analyze_reports_violations_with_levels(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    diagnostics = {d.policyName: d for d in _analyze(analyzer, resource(DEPLOYMENT, INSECURE))}

    assert set(diagnostics) == {"no-privileged-containers", "image-pinned"}
    assert diagnostics["no-privileged-containers"].enforcementLevel == rpc.MANDATORY
    assert diagnostics["image-pinned"].enforcementLevel == rpc.ADVISORY
    assert "Fix: " in diagnostics["image-pinned"].message


def test_engine_and_offline_evaluation_agree(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    fixture = json.loads((Path(__file__).parent / "fixtures" / "insecure_plan.json").read_text())
    stack_policies = {"deployment-has-pdb", "eks-nodes-private-subnets"}
    for entry in fixture["resources"]:
        offline = evaluate_plan(plan(entry))
        expected = {(v.policy, v.level) for v in offline if v.policy not in stack_policies}
        assert _findings(_analyze(analyzer, entry)) == expected, entry["urn"]


def test_analyze_stack_reports_a_deployment_without_pdb(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    deployment = resource(DEPLOYMENT, SECURE_DEPLOYMENT, "api")
    response = analyzer.AnalyzeStack(
        rpc.AnalyzeStackRequest(
            resources=[
                rpc.AnalyzerResource(
                    type=DEPLOYMENT,
                    properties=_struct(deployment["inputs"]),
                    urn=deployment["urn"],
                    name="api",
                )
            ]
        ),
        timeout=5,
    )

    assert [(d.policyName, d.urn) for d in response.diagnostics] == [
        ("deployment-has-pdb", deployment["urn"])
    ]


def test_configure_tunes_levels_and_thresholds(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    request = rpc.ConfigureAnalyzerRequest()
    request.policyConfig["no-privileged-containers"].enforcementLevel = rpc.DISABLED
    replicas = request.policyConfig["replicas-minimum"]
    replicas.enforcementLevel = rpc.MANDATORY
    replicas.properties.update({"minReplicas": 3})
    analyzer.Configure(request, timeout=5)
    try:
        found = _findings(_analyze(analyzer, resource(DEPLOYMENT, INSECURE)))
    finally:
        analyzer.Configure(rpc.ConfigureAnalyzerRequest(), timeout=5)  # back to the defaults

    assert found == {("image-pinned", "advisory"), ("replicas-minimum", "mandatory")}
