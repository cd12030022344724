"""The baseline: the same leaf resources as the Skyfleet program, registered by a plain program.

`capture` turns a Skyfleet run into `Leaf`s: every custom resource (providers included) with its
type, name, inputs (secrets revealed, as `wire.reveal` gives them), explicit provider and
dependencies, in registration order. `prepare` maps each leaf to the provider SDK's own class for
its type token (read from the table each SDK registers itself with), and its inputs to keyword
arguments. `baseline_program` then only instantiates those classes: no components, no parents,
explicit providers and `depends_on` where the original had them.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from skyfleet.preview import wire
from skyfleet.preview.runner import Plan

Program = Callable[[], None]

# The SDKs whose resources the reference fleet registers (package name -> Python module).
SDK_MODULES: Mapping[str, str] = {
    "kubernetes": "pulumi_kubernetes",
    "aws": "pulumi_aws",
    "gcp": "pulumi_gcp",
    "azure-native": "pulumi_azure_native",
    "random": "pulumi_random",
}
CUSTOM_RESOURCE = "pulumi_kubernetes.apiextensions:CustomResource"
_REGISTER = re.compile(r'resource_(modules|packages)="""(.*?)"""', re.S)
_REQUIRED = re.compile(r"Missing required property '(\w+)'")


@dataclass
class Leaf:
    """One custom resource as the Skyfleet program registered it."""

    type: str
    name: str
    inputs: dict[str, Any]
    provider: int | None = None  # index of the explicit provider among the leaves
    dependencies: list[int] = field(default_factory=list)  # indices of earlier leaves


@dataclass
class Entry:
    """What the baseline program does for one leaf: `target(name, **kwargs, opts=...)`."""

    type: str
    name: str
    target: str  # "module:Class"
    kwargs: dict[str, Any]
    provider: int | None
    dependencies: list[int]
    mode: str = "recorded"  # "recorded": every input; "minimal": required inputs only
    dropped: list[str] = field(default_factory=list)  # input keys the class takes no argument for
    renamed: bool = False  # the name was suffixed: without parents it would clash


def capture(plan: Plan) -> list[Leaf]:
    """The plan's custom resources in registration order, dependencies as indices."""
    custom = [r for r in plan.resources if r.custom]
    index = {r.urn: i for i, r in enumerate(custom)}
    leaves = []
    for i, r in enumerate(custom):
        deps = sorted({index[d] for d in r.dependencies if index.get(d, i) < i})
        provider = index.get(r.provider or "")
        leaves.append(Leaf(r.type, r.name, wire.reveal(r.inputs), provider, deps))
    return leaves


@functools.cache
def sdk_classes() -> dict[str, str]:
    """Type token -> "module:Class", from the table each provider SDK registers itself with."""
    table: dict[str, str] = {}
    for module in SDK_MODULES.values():
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            continue
        for kind, body in _REGISTER.findall(Path(spec.origin).read_text()):
            for entry in json.loads(body):
                if kind == "packages":
                    table[entry["token"]] = f"{entry['fqn']}:{entry['class']}"
                else:
                    for token, cls in entry["classes"].items():
                        table[token] = f"{entry['fqn']}:{cls}"
    return table


def target_for(type_token: str) -> str:
    """The SDK class for a token; Kubernetes kinds the SDK does not know are CustomResources."""
    found = sdk_classes().get(type_token)
    if found is not None:
        return found
    if type_token.startswith("kubernetes:"):
        return CUSTOM_RESOURCE
    raise KeyError(f"no SDK class registers the type token {type_token!r}")


def load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _snake(key: str) -> str:
    key = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", key)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()


@functools.cache
def _arguments(target: str) -> tuple[dict[str, str], frozenset[str]]:
    """(input key -> keyword argument, required keyword arguments) of a resource class."""
    cls = load(target)
    init = getattr(cls, "_internal_init", cls.__init__)
    params = [p for p in inspect.signature(init).parameters if p not in ("resource_name", "opts")]
    by_key = {_camel_of(cls, p): p for p in params if not p.startswith("_")}
    required = frozenset(_REQUIRED.findall(inspect.getsource(init)))
    return by_key, required


def _camel_of(cls: type, py_name: str) -> str:
    """The wire name of a keyword argument, from the class's `*Args` input type when it has one."""
    import pulumi._types as pulumi_types

    args_cls = getattr(inspect.getmodule(cls), f"{cls.__name__}Args", None)
    if args_cls is not None and pulumi_types.is_input_type(args_cls):
        names = pulumi_types.input_type_py_to_pulumi_names(args_cls)
        if py_name in names:
            return names[py_name]
    head, *rest = py_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def entry_for(leaf: Leaf, *, minimal: bool = False) -> Entry:
    target = target_for(leaf.type)
    inputs = dict(leaf.inputs)
    if target == CUSTOM_RESOURCE:
        api_version, _, kind = leaf.type.split(":", 1)[1].rpartition(":")
        kwargs = {"api_version": inputs.pop("apiVersion", api_version),
                  "kind": inputs.pop("kind", kind)}
        for key in ("metadata", "spec"):
            if key in inputs:
                kwargs[key] = inputs.pop(key)
        return Entry(leaf.type, leaf.name, target, kwargs, leaf.provider, leaf.dependencies,
                     dropped=sorted(inputs))
    by_key, required = _arguments(target)
    if leaf.type.startswith("pulumi:providers:"):
        inputs = {key: _provider_value(value) for key, value in inputs.items()}
    kwargs = {}
    dropped = []
    for key, value in inputs.items():
        arg = by_key.get(key) or by_key.get(_camel_of(load(target), _snake(key)))
        if arg is None or (minimal and arg not in required):
            dropped.append(key)
        else:
            kwargs[arg] = value
    return Entry(leaf.type, leaf.name, target, kwargs, leaf.provider, leaf.dependencies,
                 mode="minimal" if minimal else "recorded", dropped=sorted(dropped))


def _provider_value(value: Any) -> Any:
    """Provider inputs travel JSON-encoded ("true"); the SDK class wants the value back."""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if not isinstance(decoded, str):
            return decoded
    return value


def prepare(leaves: Iterable[Leaf]) -> list[Entry]:
    """One entry per leaf; a name that would clash without parents gets a numeric suffix."""
    entries = [entry_for(leaf) for leaf in leaves]
    seen: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        seen[entry.type, entry.name] += 1
        if seen[entry.type, entry.name] > 1:
            entry.name = f"{entry.name}-{seen[entry.type, entry.name]}"
            entry.renamed = True
    return entries


Built = tuple[Any, str, dict[str, Any], int | None, tuple[int, ...]]


def resolve(entries: Iterable[Entry]) -> list[Built]:
    """(class, name, kwargs, provider, dependencies) per entry: all the look-ups done up front."""
    return [
        (load(e.target), e.name, e.kwargs, e.provider, tuple(e.dependencies)) for e in entries
    ]


def baseline_program(built: list[Built]) -> Program:
    """Registers each resource with its SDK class, on its provider, after its dependencies."""

    def program() -> None:
        import pulumi

        objects: list[Any] = [None] * len(built)
        for i, (cls, name, kwargs, provider, deps) in enumerate(built):
            opts = None
            if provider is not None or deps:
                opts = pulumi.ResourceOptions(
                    provider=objects[provider] if provider is not None else None,
                    depends_on=[objects[d] for d in deps],
                )
            objects[i] = cls(name, opts=opts, **kwargs)

    return program


def trial(entries: list[Entry]) -> dict[int, str]:
    """Index -> error for the entries whose class refuses their arguments. One entry per class
    and argument set is tried (no providers, no dependencies: those never make a constructor
    fail), so the trial stays small however large the fleet."""
    from skyfleet.preview.runner import run_program

    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for i, e in enumerate(entries):
        groups.setdefault((e.target, tuple(sorted(e.kwargs))), []).append(i)
    errors: dict[int, str] = {}

    def program() -> None:
        for number, members in enumerate(groups.values()):
            e = entries[members[0]]
            try:
                load(e.target)(f"trial-{number}-{e.name}", **e.kwargs)
            except Exception as exc:  # recorded: the group falls back to its required inputs
                errors.update(dict.fromkeys(members, f"{type(exc).__name__}: {exc}"))

    run_program(program, stack="trial", check_cloud=False)  # constructors alone, not a deployment
    return errors


def write_leaves(path: Path, leaves: list[Leaf]) -> None:
    path.write_text(json.dumps([asdict(leaf) for leaf in leaves]))


def read_leaves(path: Path) -> list[Leaf]:
    return [Leaf(**raw) for raw in json.loads(path.read_text())]


def write_entries(path: Path, entries: list[Entry]) -> None:
    path.write_text(json.dumps([asdict(e) for e in entries]))


def read_entries(path: Path) -> list[Entry]:
    return [Entry(**raw) for raw in json.loads(path.read_text())]


def input_parity(leaves: list[Leaf], entries: list[Entry], plan: Plan) -> list[str]:
    """Leaves whose inputs, as the baseline registered them, differ from Skyfleet's (minimal
    entries excluded: they drop inputs on purpose)."""
    by_key = {(r.type, r.name): r for r in plan.resources if r.custom}
    differ = []
    for leaf, entry in zip(leaves, entries, strict=True):
        if entry.mode != "recorded":
            continue
        r = by_key.get((entry.type, entry.name))
        if r is None or wire.reveal(r.inputs) != leaf.inputs:
            differ.append(f"{leaf.type}::{leaf.name}")
    return differ
