"""What the clouds refuse, checked on the whole plan: the preview fails where `pulumi up` would.

A mock accepts anything. These rules are the create-time checks each cloud's API makes that can
be decided offline: formats (names and lengths, ARNs, role definition ids, resource ids),
cross-resource preconditions (a key the service may use before the cluster exists, a subnet in
the cluster's network) and ordering the cloud needs (what must exist before what). Each cloud's
rules live in its module of `clouds/` (registered with `@refuses`), each with the source it
follows in a comment; this module knows no cloud.

`check(resources)` runs every rule over a finished plan; a violation fails the preview like a
failed `pulumi up`: the stack, the resource, the rule and why. Day-2 rules (`@refuses_change`)
compare a deployed plan with the next one (`check_change`): what the cloud refuses on update.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from skyfleet.analysis.graph import ResourceGraph


@dataclass(frozen=True)
class Resource:
    """One registered resource as a rule sees it: inputs in plain form, plus what the
    (emulated) provider computed in `state`."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    state: Mapping[str, Any] = field(default_factory=dict)
    id: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def get(self, path: str, default: Any = None) -> Any:
        """The input at a dotted path (`vpcConfig.subnetIds`), or `default`."""
        return dig(self.inputs, path, default)


def dig(value: Any, path: str, default: Any = None) -> Any:
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return default
        value = value[part]
    return value


def is_ip_address(name: str, *, v4_only: bool = False) -> bool:
    """Whether `name` parses as an IP address: bucket names must not (S3 refuses the IPv4 form,
    Cloud Storage any address)."""
    try:
        (ipaddress.IPv4Address if v4_only else ipaddress.ip_address)(name)
    except ValueError:
        return False
    return True


def outside(name: str, value: Any, low: int, high: int) -> Iterator[str]:
    """The refusal of a numeric input that is set but not within `low`..`high`: `name value
    must be low-high` (an API's documented bounds, such as a retention in days)."""
    if value is not None and not low <= int(value) <= high:
        yield f"{name} {value} must be {low}-{high}"


class Plan:
    """Every resource of one plan and what each waits for (as `pulumi up` orders creation)."""

    def __init__(self, resources: Iterable[Resource], graph_entries: Sequence[Mapping[str, Any]]):
        self.resources = {r.urn: r for r in resources}
        self._graph = ResourceGraph({"resources": graph_entries})

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type in types]

    @cached_property
    def _by_id(self) -> dict[str, Resource]:
        return {r.id: r for r in self.resources.values() if r.id}

    def by_id(self, resource_id: Any) -> Resource | None:
        return self._by_id.get(resource_id) if isinstance(resource_id, str) else None

    def waits_for(self, later: str, earlier: str) -> bool:
        """Whether `pulumi up` creates `earlier` before it starts `later`."""
        return earlier in self._graph.closure(later)


Check = Callable[[Resource, Plan], Iterator[str]]
ChangeCheck = Callable[[Resource, Resource, Plan, Plan], Iterator[str]]


@dataclass(frozen=True)
class CloudRule:
    name: str
    types: tuple[str, ...]
    source: str
    """Where the rule comes from (API reference, provider source, upstream issue)."""
    check: Check | None = None
    change: ChangeCheck | None = None


RULES: dict[str, CloudRule] = {}


def refuses(name: str, *types: str, source: str) -> Callable[[Check], Check]:
    """Registers a create-time rule: `check(resource, plan)` yields why the cloud refuses."""

    def register(fn: Check) -> Check:
        _add(CloudRule(name, types, source, check=fn))
        return fn

    return register


def refuses_outside(name: str, resource_type: str, path: str, low: int, high: int, *, source: str) -> None:
    """Registers a create-time rule refusing the number at `path` (dotted) outside `low`..`high`,
    the bounds the cloud's API documents."""
    field = path.rsplit(".", 1)[-1]

    def check(res: Resource, plan: Plan) -> Iterator[str]:
        yield from outside(field, res.get(path), low, high)

    _add(CloudRule(name, (resource_type,), source, check=check))


def refuses_change(name: str, *types: str, source: str) -> Callable[[ChangeCheck], ChangeCheck]:
    """Registers an update rule: `change(old, new, old_plan, new_plan)` yields why the cloud
    refuses the update of a resource present in both plans."""

    def register(fn: ChangeCheck) -> ChangeCheck:
        _add(CloudRule(name, types, source, change=fn))
        return fn

    return register


def _add(rule: CloudRule) -> None:
    if rule.name in RULES:
        raise ValueError(f"cloud rule {rule.name!r} is registered twice")
    RULES[rule.name] = rule


@dataclass(frozen=True)
class Violation:
    urn: str
    rule: str
    message: str
    source: str

    def __str__(self) -> str:
        return f"resource {self.urn}: rule {self.rule}: {self.message} [{self.source}]"


class CloudRuleError(RuntimeError):
    """The cloud would refuse what the program asks for: `pulumi up` would fail here."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = list(violations)
        noun = "refusal" if len(violations) == 1 else "refusals"
        lines = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"the cloud would refuse this plan ({len(violations)} {noun}):\n{lines}")


def check(plan: Plan) -> list[Violation]:
    """Every create-time refusal in `plan`, in rule then URN order."""
    found: list[Violation] = []
    for rule in RULES.values():
        if rule.check is None:
            continue
        for resource in sorted(plan.of_type(*rule.types), key=lambda r: r.urn):
            found += [Violation(resource.urn, rule.name, why, rule.source)
                      for why in rule.check(resource, plan)]
    return found


def check_change(old: Plan, new: Plan, *, updates_only: bool = False) -> list[Violation]:
    """Every refusal of the update from `old` (deployed) to `new`, plus `new`'s own unless
    `updates_only` (for plan.json files, whose redacted values create-time rules cannot judge)."""
    found = [] if updates_only else check(new)
    for rule in RULES.values():
        if rule.change is None:
            continue
        for resource in sorted(new.of_type(*rule.types), key=lambda r: r.urn):
            before = old.resources.get(resource.urn)
            if before is not None:
                found += [Violation(resource.urn, rule.name, why, rule.source)
                          for why in rule.change(before, resource, old, new)]
    return found


def plan_of(entries: Iterable[Mapping[str, Any]]) -> Plan:
    """A `Plan` from plan.json-shaped entries (`urn`, `type`, `inputs`, `dependencies`...), with
    optional `state` and `id` (the runner passes them; a plan.json has neither)."""
    entries = list(entries)
    resources = [
        Resource(
            urn=e["urn"], type=e["type"], name=e.get("name", ""), inputs=e.get("inputs") or {},
            state=e.get("state") or e.get("inputs") or {}, id=e.get("id", ""),
            options=e.get("options") or {},
        )
        for e in entries
    ]
    graph = [
        {k: e.get(k) for k in ("urn", "type", "parent", "custom", "dependencies",
                                "propertyDependencies", "provider")}
        for e in entries
    ]
    return Plan(resources, graph)
