"""Talking to the pack over the engine's gRPC protocol, started the way the Pulumi CLI does.

The CLI runs `python <pack dir> <engine address>`, reads the port the pack prints on stdout and
calls the Analyzer service: `Analyze` per resource for resource policies, `AnalyzeStack` once
with every resource (parents, dependencies, property dependencies, providers) for stack
policies. The pack never dials the engine, so a dummy address will do.
"""

from __future__ import annotations

import selectors
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as rpc
from pulumi.runtime.proto import analyzer_pb2_grpc

from policies.registry import POLICIES
from skyfleet.analysis.policy_eval import PLAN_UNKNOWN

STARTUP_TIMEOUT_S = 20
LEVELS = {rpc.MANDATORY: "mandatory", rpc.ADVISORY: "advisory"}
# The engine's sentinel for a value only known after apply (pulumi.runtime.rpc.UNKNOWN).
ENGINE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
Stub = analyzer_pb2_grpc.AnalyzerStub


@contextmanager
def analyzer(command: Sequence[str], cwd: Path) -> Iterator[Stub]:
    """A running pack (`command` prints its port), as a stub; killed on exit."""
    process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.PIPE)
    assert process.stdout is not None
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=STARTUP_TIMEOUT_S):
                pytest.fail(f"{command} printed no port within {STARTUP_TIMEOUT_S}s")
        port = int(process.stdout.readline())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
        finally:
            channel.close()
    finally:
        process.kill()
        process.wait(timeout=5)
        process.stdout.close()


def _engine_value(value: Any) -> Any:
    if value == PLAN_UNKNOWN:
        return ENGINE_UNKNOWN
    if isinstance(value, Mapping):
        return {key: _engine_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_engine_value(item) for item in value]
    return value


def struct(props: Mapping[str, Any] | None) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(_engine_value(dict(props or {})))
    return message


def _provider(entry: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> Any:
    provider = by_urn.get(entry.get("provider") or "")
    if provider is None:
        return None
    return rpc.AnalyzerProviderResource(
        type=provider["type"], properties=struct(provider.get("inputs")),
        urn=provider["urn"], name=provider["name"],
    )  # fmt: skip


def analyze(stub: Stub, entry: Mapping[str, Any], by_urn: Mapping[str, Any] | None = None) -> list[Any]:
    """The engine's Analyze call for one plan.json resource: its diagnostics."""
    request = rpc.AnalyzeRequest(
        type=entry["type"], properties=struct(entry.get("inputs")), urn=entry["urn"],
        name=entry["name"], provider=_provider(entry, by_urn or {}),
    )  # fmt: skip
    diagnostics = list(stub.Analyze(request, timeout=10).diagnostics)
    for diagnostic in diagnostics:
        # The engine attributes a resource policy's diagnostic to the resource it sent.
        diagnostic.urn = diagnostic.urn or entry["urn"]
    return diagnostics


def analyze_stack(stub: Stub, entries: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The engine's AnalyzeStack call for plan.json resources: its diagnostics."""
    by_urn = {entry["urn"]: entry for entry in entries}
    resources = [
        rpc.AnalyzerResource(
            type=entry["type"],
            properties=struct(entry.get("inputs")),
            urn=entry["urn"],
            name=entry["name"],
            parent=entry.get("parent") or "",
            dependencies=list(entry.get("dependencies") or []),
            propertyDependencies={
                prop: rpc.AnalyzerPropertyDependencies(urns=list(urns))
                for prop, urns in (entry.get("propertyDependencies") or {}).items()
            },
            provider=_provider(entry, by_urn),
        )
        for entry in entries
    ]
    request = rpc.AnalyzeStackRequest(resources=resources)
    return list(stub.AnalyzeStack(request, timeout=10).diagnostics)


def analyze_all(stub: Stub, entries: Sequence[Mapping[str, Any]]) -> list[Any]:
    """What the engine reports for these resources: every Analyze, then AnalyzeStack."""
    by_urn = {entry["urn"]: entry for entry in entries}
    found = [d for entry in entries for d in analyze(stub, entry, by_urn)]
    return found + analyze_stack(stub, entries)


def configure(stub: Stub, config: Mapping[str, Any]) -> None:
    """Configure as `--policy-pack-config` would (levels and settings); {} resets.

    The CLI sends every configured policy with a level, its default when the file names none
    (an unset protobuf level would read as advisory).
    """
    defaults = {p.name: (p.enforcement_level.value if p.enforcement_level else "advisory") for p in POLICIES}
    request = rpc.ConfigureAnalyzerRequest()
    for name, value in config.items():
        entry = dict(value) if isinstance(value, Mapping) else {"enforcementLevel": value}
        policy = request.policyConfig[name]
        level = entry.pop("enforcementLevel", defaults[name])
        policy.enforcementLevel = rpc.EnforcementLevel.Value(level.upper())
        if entry:
            policy.properties.update(entry)
    stub.Configure(request, timeout=10)


def message(diagnostic: Any) -> str:
    """A diagnostic's violation message (the pack prefixes it with the policy description)."""
    prefix = f"{diagnostic.description}\n"
    return str(diagnostic.message).removeprefix(prefix)


def findings(diagnostics: Sequence[Any]) -> set[tuple[str, str]]:
    return {(d.policyName, LEVELS[d.enforcementLevel]) for d in diagnostics}
