"""What providers compute, emulated deterministically for the offline preview.

Each emulator receives the resource's inputs and returns the outputs a real provider would add
(endpoints, certificate data, issuer URLs, ARNs, generated passwords). Values derive from the
resource's URN through a hash, never from time or randomness, so two previews are byte-identical.
Register an emulator with `@computes(type_token)`, an invoke with `@answers(token)`, and what
every resource of one provider package gets with `@provider_rules(package)`. Each cloud's
emulators are in its own module of `clouds/`; this module knows no cloud.

An invoke that reads the live cloud (the size an autoscaler gave a node group) is answered from
`Deployed`: the state an earlier preview left, as if `pulumi up` had applied it. Without one the
cloud is empty, as it is before a stack's first `pulumi up`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FAKE_CA = base64.b64encode(b"-----BEGIN CERTIFICATE-----\npreview\n-----END CERTIFICATE-----\n")
CA_DATA = FAKE_CA.decode()
# Where a resource is when neither it nor its provider names a region.
DEFAULT_REGION = "preview-region"


def digest(*parts: str, size: int = 8) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:size]


def guid(*parts: str) -> str:
    """A GUID-shaped digest of `parts` (Azure ids, EKS cluster ids, KMS key ids)."""
    h = digest(*parts, size=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class Emulation:
    """One resource being emulated: inputs are plain (secrets revealed)."""

    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    provider_inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def region(self) -> str:
        for key in ("region", "location"):
            value = self.inputs.get(key) or self.provider_inputs.get(key)
            if isinstance(value, str):
                return value
        return _DEFAULT_REGIONS.get(self.type.split(":", 1)[0], DEFAULT_REGION)

    def hash(self, size: int = 8) -> str:
        return digest(self.urn, size=size)


@dataclass(frozen=True)
class Deployed:
    """What an earlier `pulumi up` left in the cloud: (type token, state) of each resource, plain."""

    resources: tuple[tuple[str, Mapping[str, Any]], ...] = ()

    def of_type(self, type_token: str) -> list[Mapping[str, Any]]:
        return [state for type_, state in self.resources if type_ == type_token]


_DEPLOYED: list[Deployed] = [Deployed()]


@contextlib.contextmanager
def deployed_cloud(deployed: Deployed | None) -> Iterator[None]:
    """Invokes read `deployed` as the live cloud while the block runs (an empty cloud if None)."""
    _DEPLOYED.append(deployed or Deployed())
    try:
        yield
    finally:
        _DEPLOYED.pop()


def deployed_from(records: Sequence[tuple[str, Mapping[str, Any]]]) -> Deployed:
    return Deployed(tuple((type_, dict(state)) for type_, state in records))


class CallFailed(Exception):
    """An emulated invoke the provider answers with an error (a GET of something absent): the
    program receives it as the provider's failure, which it may catch, not as a crash."""


@dataclass
class Answer:
    token: str
    args: dict[str, Any]
    deployed: Deployed = field(default_factory=Deployed)


Emulator = Callable[[Emulation], dict[str, Any]]
InvokeAnswerer = Callable[[Answer], dict[str, Any]]
_EMULATORS: dict[str, Emulator] = {}
_ANSWERS: dict[str, InvokeAnswerer] = {}
# Provider package ("aws") -> what each of its resources gets first, and its default region.
_PROVIDER_RULES: dict[str, Emulator] = {}
_DEFAULT_REGIONS: dict[str, str] = {}
# Outputs that providers mark secret themselves (additionalSecretOutputs in their schema).
SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {
    "random:index/randomPassword:RandomPassword": ("result", "bcryptHash"),
}


def computes(type_token: str) -> Callable[[Emulator], Emulator]:
    def register(fn: Emulator) -> Emulator:
        _EMULATORS[type_token] = fn
        return fn

    return register


def provider_rules(
    package: str, *, default_region: str | None = None
) -> Callable[[Emulator], Emulator]:
    """Registers the outputs every resource of `package` gets before its own emulator runs."""

    def register(fn: Emulator) -> Emulator:
        _PROVIDER_RULES[package] = fn
        if default_region is not None:
            _DEFAULT_REGIONS[package] = default_region
        return fn

    return register


def answers(token: str) -> Callable[[InvokeAnswerer], InvokeAnswerer]:
    def register(fn: InvokeAnswerer) -> InvokeAnswerer:
        _ANSWERS[token] = fn
        return fn

    return register


def emulate(res: Emulation) -> tuple[str, dict[str, Any]]:
    """The (id, outputs to add) for one resource: generic rules first, then its own emulator."""
    outputs: dict[str, Any] = {}
    provider_id = f"{res.name}-{res.hash()}"
    if res.type.startswith("pulumi:providers:"):
        return provider_id, outputs
    if res.type.startswith("kubernetes:"):
        outputs.update(_kubernetes_autoname(res))
    rules = _PROVIDER_RULES.get(res.type.split(":", 1)[0])
    if rules is not None:
        outputs.update(rules(res))
    emulator = _EMULATORS.get(res.type)
    if emulator is not None:
        outputs.update(emulator(res))
    return str(outputs.pop("id", provider_id)), outputs


def answer(token: str, args: dict[str, Any]) -> dict[str, Any]:
    fn = _ANSWERS.get(token)
    if fn is None:
        raise KeyError(f"the offline preview cannot emulate the call {token!r}; add an @answers")
    return fn(Answer(token, args, _DEPLOYED[-1]))


_NOT_NAMED = ("kubernetes:helm.sh/", "kubernetes:yaml", "kubernetes:kustomize")


def _kubernetes_autoname(res: Emulation) -> dict[str, Any]:
    """pulumi-kubernetes names an object `<name>-<random 8>` when metadata.name is unset."""
    if res.type.startswith(_NOT_NAMED):
        if res.type.endswith(":Release") and not res.inputs.get("name"):
            return {"name": f"{res.name}-{res.hash()}"}
        return {}
    metadata = dict(res.inputs.get("metadata") or {})
    if metadata.get("name"):
        return {}
    metadata["name"] = f"{res.name}-{res.hash()}"
    return {"metadata": metadata}


@computes("random:index/randomPassword:RandomPassword")
def _random_password(res: Emulation) -> dict[str, Any]:
    length = int(res.inputs.get("length", 16))
    value = (digest(res.urn, "password", size=64) * 4)[:length]
    return {"result": value, "bcryptHash": f"$2a$10${digest(res.urn, 'bcrypt', size=53)}"}


@computes("random:index/randomString:RandomString")
def _random_string(res: Emulation) -> dict[str, Any]:
    length = int(res.inputs.get("length", 8))
    return {"result": (digest(res.urn, "string", size=64) * 4)[:length]}


@computes("random:index/randomId:RandomId")
def _random_id(res: Emulation) -> dict[str, Any]:
    hex_ = digest(res.urn, "id", size=2 * int(res.inputs.get("byteLength", 4)))
    return {"hex": hex_, "dec": str(int(hex_, 16)), "b64Url": hex_, "b64Std": hex_}
