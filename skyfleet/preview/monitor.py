"""Pulumi's official mock API, extended to record what `pulumi up` would be asked to do.

`MockMonitor` only keeps each resource's state. The preview needs what the engine sees: parent,
dependencies, provider, `protect` and the other resource options, and the inputs with their
secret markers intact. `RecordingMonitor` records those from the real RegisterResource request
and answers with outputs from `emulators`, marking secret whatever the engine would.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import grpc
from pulumi.runtime import mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop

from . import emulators, wire
from .refusals import EngineRefusal, duplicate_urn, missing_dependency, missing_parent

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Recorded:
    """One registration as the engine receives it (inputs keep their wire secret markers)."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    provider: str | None
    protect: bool
    inputs: dict[str, Any]
    options: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] | None = None
    id: str = ""


class PreviewMocks(mocks.Mocks):
    """The official Mocks interface, answered by the deterministic emulators."""

    def __init__(self) -> None:
        self.provider_inputs: dict[str, dict[str, Any]] = {}
        self.current_urn = threading.local()

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        res = emulators.Emulation(
            type=args.typ,
            name=args.name,
            urn=getattr(self.current_urn, "value", args.name),
            inputs=wire.reveal(args.inputs),
            provider_inputs=self.provider_inputs.get(_strip_id(args.provider), {}),
        )
        if not args.custom:
            return "", {}
        id_, added = emulators.emulate(res)
        return id_, added

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        try:
            return emulators.answer(args.token, wire.reveal(args.args)), []  # [] not None: MockMonitor iterates it
        except emulators.CallFailed as failed:
            raise ProviderCallError(f"invoke of {args.token} failed: {failed}") from failed


class ProviderCallError(grpc.RpcError):
    """How the engine reports a provider's failed invoke: a gRPC error, which the SDK raises to
    the caller (pulumi/runtime/invoke.py) instead of recording it as the program's crash."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNKNOWN

    def details(self) -> str:
        return self.message


def _strip_id(provider_ref: str | None) -> str:
    """A provider reference is `<urn>::<id>`; the URN is what the plan records."""
    if not provider_ref:
        return ""
    urn, _, _ = provider_ref.rpartition("::")
    return urn or provider_ref


class RecordingMonitor(mocks.MockMonitor):
    """A MockMonitor that records every registration, in the order the program made them."""

    mocks: PreviewMocks

    def __init__(self, preview_mocks: PreviewMocks) -> None:
        super().__init__(preview_mocks)
        self.recorded: dict[str, Recorded] = {}
        self.urns: set[str] = set()  # every URN of this run: the stack, registrations and reads
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN. A child of the stack carries its own type only (pulumi/pulumi
        sdk/go/common/resource/urn/urn.go, `New`); `MockMonitor.make_urn` would prefix
        `pulumi:pulumi:Stack$`."""
        if parent and parent.split("::")[2].rsplit("$", 1)[-1] == ROOT_STACK_TYPE:
            parent = ""
        return super().make_urn(parent, type_, name)

    def _refuse(self, urn: str, request: Any, dependencies: list[str]) -> None:
        """The engine's checks on a new URN (called with the lock held); see refusals.py."""
        if urn in self.urns:
            raise EngineRefusal(duplicate_urn(urn))
        if request.parent and request.parent not in self.urns:
            raise EngineRefusal(missing_parent(request.parent))
        for dependency in dependencies:
            if dependency not in self.urns:
                raise EngineRefusal(missing_dependency(urn, dependency))
        self.urns.add(urn)

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == ROOT_STACK_TYPE:
            with self._lock:
                self.urns.add(urn)
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        raw_inputs = wire.struct_to_dict(request.object)
        with self._lock:
            dependencies = set(request.dependencies)
            for deps in request.propertyDependencies.values():
                dependencies.update(deps.urns)
            self._refuse(urn, request, sorted(dependencies))
            id_, added = self._emulate(urn, request, raw_inputs, request.importId, bool(request.custom))
            state = self._state(request, raw_inputs, added)
            if request.type.startswith("pulumi:providers:"):
                self.mocks.provider_inputs[urn] = wire.reveal(raw_inputs)
            self.recorded[urn] = Recorded(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                dependencies=sorted(set(request.dependencies)),
                property_dependencies={
                    key: sorted(set(deps.urns))
                    for key, deps in sorted(request.propertyDependencies.items())
                    if deps.urns
                },
                provider=_strip_id(request.provider) or None,
                protect=bool(request.protect),
                inputs=raw_inputs,
                options=_options(request),
                state=state,
                id=id_,
            )
            self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, id_, state)
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=id_, object=wire.dict_to_struct(state)
        )

    def ReadResource(self, request: Any) -> Any:
        """A `Resource.get`: answered by the emulators like a registration, but not recorded in
        the plan, since `pulumi up` reads such a resource and never creates it."""
        urn = self.make_urn(request.parent, request.type, request.name)
        _ensure_event_loop()
        raw_inputs = wire.struct_to_dict(request.properties)
        with self._lock:
            self._refuse(urn, request, sorted(set(request.dependencies)))
            _, added = self._emulate(urn, request, raw_inputs, request.id, True)
            state = {**raw_inputs, **added}
            self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, request.id, state)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=wire.dict_to_struct(state))

    def _emulate(
        self, urn: str, request: Any, raw_inputs: dict[str, Any], resource_id: str, custom: bool
    ) -> tuple[str, dict[str, Any]]:
        """The official `Mocks.new_resource` for one request (called with the lock held)."""
        self.mocks.current_urn.value = urn
        return self.mocks.new_resource(
            mocks.MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=raw_inputs,
                provider=request.provider,
                resource_id=resource_id,
                custom=custom,
            )
        )

    def RegisterResourceOutputs(self, request: Any) -> Any:
        with self._lock:
            if request.urn in self.recorded:
                self.recorded[request.urn].outputs = wire.struct_to_dict(request.outputs)
        return super().RegisterResourceOutputs(request)

    @staticmethod
    def _state(request: Any, raw_inputs: dict[str, Any], added: dict[str, Any]) -> dict[str, Any]:
        """Inputs flow through to outputs (secret markers kept), plus what the provider computes."""
        state = dict(raw_inputs)
        state.update(added)
        secret_keys = set(request.additionalSecretOutputs)
        secret_keys.update(emulators.SECRET_OUTPUTS.get(request.type, ()))
        for key in secret_keys:
            if key in state and not wire.is_secret(state[key]):
                state[key] = wire.secret(state[key])
        return state


def _options(request: Any) -> dict[str, Any]:
    """The resource options a reviewer cares about; empty ones are left out to keep plans small."""
    options: dict[str, Any] = {
        "ignoreChanges": sorted(request.ignoreChanges),
        "replaceOnChanges": sorted(request.replaceOnChanges),
        "additionalSecretOutputs": sorted(request.additionalSecretOutputs),
        "deleteBeforeReplace": bool(request.deleteBeforeReplace),
        "retainOnDelete": bool(request.retainOnDelete),
        "deletedWith": request.deletedWith or None,
        "aliases": sorted(str(a) for a in request.aliasURNs),
        "import": request.importId or None,  # adopted from the cloud, not created
    }
    timeouts = request.customTimeouts
    if timeouts.create or timeouts.update or timeouts.delete:
        options["customTimeouts"] = {
            "create": timeouts.create, "update": timeouts.update, "delete": timeouts.delete
        }
    return {k: v for k, v in options.items() if v}
