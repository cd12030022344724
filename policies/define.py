"""Turning plain validators into CrossGuard policies.

A validator is a plain function `(props, config) -> messages` (stack validators:
`(resources, config) -> (urn, message)` pairs), so tests and the offline evaluator call it
without the engine. This module is the only one that touches the pulumi_policy wrapper API:
it picks which resource types (and which part of them) a validator sees, fills config
defaults, and publishes the thresholds as the policy's `config_schema`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .props import Props

Config = Mapping[str, Any]
ResourceCheck = Callable[[Props, Config], Iterable[str]]
# A validator that also needs to know where the resource sits (its URN's parent chain).
PlacedCheck = Callable[[Props, Config, str], Iterable[str]]
Resources = Sequence[PolicyResource]
"""Every resource of the stack under review (a stack validator's input)."""
Findings = Iterator[tuple[str, str]]
"""What a stack validator yields: `(urn, message)` per violation."""
StackCheck = Callable[[Resources, Config], Iterable[tuple[str, str]]]
# The parts of a resource a validator looks at: the whole props, a pod spec, each node pool...
View = Callable[[Props], Iterable[Props]]

# Mandatory: the finding would be a security incident on its own (container escape, a public
# control plane, readable secrets, long-lived credentials). Advisory: hardening and hygiene.
MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY


def violation(problem: str, fix: str) -> str:
    """One violation message: what is wrong, then how to fix it."""
    return f"{problem}. Fix: {fix}"


def blame(resource: PolicyResource, problem: str, fix: str) -> tuple[str, str]:
    """A stack validator's finding on one resource: its URN and the violation message."""
    return resource.urn, violation(problem, fix)


def of_type(resources: Sequence[PolicyResource], *resource_types: str) -> list[PolicyResource]:
    """The resources under review whose type is one of `resource_types`."""
    return [r for r in resources if r.resource_type in resource_types]


def uncovered(
    resources: Sequence[PolicyResource],
    subject_type: str,
    companion_type: str,
    covers: Callable[[PolicyResource, PolicyResource], bool],
) -> list[PolicyResource]:
    """The resources of `subject_type` that no resource of `companion_type` covers: a cluster
    without the add-on, diagnostic setting or budget a stack policy asks for next to it."""
    companions = of_type(resources, companion_type)
    return [s for s in of_type(resources, subject_type) if not any(covers(c, s) for c in companions)]


class Rule(Protocol):
    """A resource validator written as a row of data; its `description` is the policy's."""

    @property
    def description(self) -> str: ...

    def __call__(self, props: Props, config: Config, /) -> Iterator[str]: ...


class StackRule(Protocol):
    """A stack validator written as a row of data; its `description` is the policy's."""

    @property
    def description(self) -> str: ...

    def __call__(self, resources: Resources, config: Config, /) -> Findings: ...


@dataclass(frozen=True)
class Companion:
    """Each resource of `subject_type` needs a resource of `companion_type` that `covers` it
    (`uncovered`): a cluster without the add-on or diagnostic setting a policy asks for."""

    description: str
    subject_type: str
    companion_type: str
    covers: Callable[[PolicyResource, PolicyResource], bool]
    problem: str
    """What is wrong, naming the subject as `{name}`."""
    fix: str

    def __call__(self, resources: Resources, config: Config) -> Findings:
        for subject in uncovered(resources, self.subject_type, self.companion_type, self.covers):
            yield blame(subject, self.problem.format(name=subject.name), self.fix)


@dataclass(frozen=True)
class UnsafeFlag:
    """A boolean setting `key` whose explicit `unsafe` value is the whole finding. Only an
    explicit value counts: an unset flag takes the cloud's (safe) default, which the row's
    comment states."""

    description: str
    key: str
    unsafe: bool
    problem: str
    fix: str

    def __call__(self, props: Props, config: Config) -> Iterator[str]:
        if props.get(self.key) is self.unsafe:
            yield violation(self.problem, self.fix)


def whole(props: Props) -> Iterable[Props]:
    """The view of a validator that checks the resource's props as they are."""
    return (props,)


def each_whole(*resource_types: str) -> dict[str, View]:
    """Targets for a validator that sees the whole props of each of `resource_types`."""
    return dict.fromkeys(resource_types, whole)


@dataclass(frozen=True)
class Setting:
    """One tunable threshold of a policy (set with `--policy-pack-config`)."""

    name: str
    default: Any
    schema: Mapping[str, Any]
    """JSON schema of the value, e.g. `{"type": "integer", "minimum": 1}`."""
    description: str

    def json_schema(self) -> dict[str, Any]:
        return {**self.schema, "default": self.default, "description": self.description}


def list_setting(name: str, default: list[str], description: str) -> Setting:
    """A setting holding a list of strings."""
    return Setting(name, default, {"type": "array", "items": {"type": "string"}}, description)


def count_setting(name: str, default: int, description: str) -> Setting:
    """A setting holding a count of at least 1 (replicas, zones)."""
    return Setting(name, default, {"type": "integer", "minimum": 1}, description)


def flag_setting(name: str, default: bool, description: str) -> Setting:
    """A setting holding a boolean switch."""
    return Setting(name, default, {"type": "boolean"}, description)


def _config_schema(settings: Sequence[Setting]) -> PolicyConfigSchema | None:
    if not settings:
        return None
    return PolicyConfigSchema(properties={s.name: s.json_schema() for s in settings})


def _with_defaults(settings: Sequence[Setting], configured: Config) -> Config:
    # The CLI fills schema defaults itself; filling them here too keeps validators simple
    # when called through other paths (older CLIs, the offline evaluator, tests).
    return {**{s.name: s.default for s in settings}, **configured}


Built = TypeVar("Built", ResourceValidationPolicy, StackValidationPolicy)
Validator = TypeVar("Validator", bound=Callable[..., Any])


def _policy(
    kind: type[Built], name: str, description: str, level: EnforcementLevel, settings: Sequence[Setting],
    validate: Callable[[Any, ReportViolation], None],
) -> Built:
    """The policy object the engine serves, its thresholds published as `config_schema`."""
    return kind(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=_config_schema(settings),
    )


def parent_types(urn: str) -> list[str]:
    """The types of a resource's ancestors, outermost first, as its URN records them.

    `urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>`: the chain is written
    by the program that registered the resource, not by any property a user can set on it.
    """
    parts = urn.split("::")
    return parts[2].split("$")[:-1] if len(parts) >= 4 else []


def resource_policy(
    *,
    name: str,
    description: str,
    level: EnforcementLevel,
    targets: Mapping[str, View],
    check: ResourceCheck | None = None,
    placed_check: PlacedCheck | None = None,
    settings: Sequence[Setting] = (),
) -> ResourceValidationPolicy:
    """A resource policy running `check` (or `placed_check`, which also gets the URN) on the
    `targets` view of each matching resource."""
    views = dict(targets)
    if (check is None) == (placed_check is None):
        raise ValueError(f"policy {name}: give exactly one of check and placed_check")

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        view = views.get(args.resource_type)
        if view is None:
            return
        config = _with_defaults(settings, args.get_config())
        for part in view(args.props):
            found = check(part, config) if check else placed_check(part, config, args.urn)  # type: ignore[misc]
            for message in found:
                report(message, None)

    return _policy(ResourceValidationPolicy, name, description, level, settings, validate)


def stack_policy(
    *,
    name: str,
    description: str,
    level: EnforcementLevel,
    check: StackCheck,
    settings: Sequence[Setting] = (),
) -> StackValidationPolicy:
    """A stack policy reporting each `(urn, message)` that `check` yields."""

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        config = _with_defaults(settings, args.get_config())
        for urn, message in check(args.resources, config):
            report(message, urn)

    return _policy(StackValidationPolicy, name, description, level, settings, validate)


def _description(name: str, check: Callable[..., Any]) -> str:
    doc = inspect.getdoc(check)
    if not doc:
        raise ValueError(f"policy {name}: {check.__name__} needs a docstring (the policy's description)")
    return " ".join(doc.split())


class PolicyList(list[Policy]):
    """A module's policies, each declared on its validator.

    The decorator names the policy, its enforcement level, what it looks at and its settings;
    the validator's docstring is the description the engine shows. So a policy is written in
    one place, and the module's `POLICIES` lists them in the order they are defined.
    """

    def resource(
        self, name: str, level: EnforcementLevel, targets: Mapping[str, View], settings: Sequence[Setting] = ()
    ) -> Callable[[ResourceCheck], ResourceCheck]:
        """Declare `check(props, config)` as a resource policy on the `targets` views."""
        return self._declaring(name, lambda check, description: resource_policy(
            name=name, description=description, level=level, targets=targets, check=check, settings=settings))

    def placed(
        self, name: str, level: EnforcementLevel, targets: Mapping[str, View], settings: Sequence[Setting] = ()
    ) -> Callable[[PlacedCheck], PlacedCheck]:
        """Declare `check(props, config, urn)` as a resource policy that also reads the URN."""
        return self._declaring(name, lambda check, description: resource_policy(
            name=name, description=description, level=level, targets=targets, placed_check=check,
            settings=settings))

    def stack(
        self, name: str, level: EnforcementLevel, settings: Sequence[Setting] = ()
    ) -> Callable[[StackCheck], StackCheck]:
        """Declare `check(resources, config)` as a stack policy."""
        return self._declaring(name, lambda check, description: stack_policy(
            name=name, description=description, level=level, check=check, settings=settings))

    def rule(self, name: str, level: EnforcementLevel, targets: Mapping[str, View], rule: Rule) -> None:
        """Declare a resource policy whose validator is a row of data (`UnsafeFlag`,
        `networks.ApiEndpoint`), in the order of the module like the decorated ones."""
        self.append(resource_policy(name=name, description=rule.description, level=level, targets=targets,
                                    check=rule))

    def stack_rule(self, name: str, level: EnforcementLevel, rule: StackRule) -> None:
        """Declare a stack policy whose validator is a row of data (`Companion`)."""
        self.append(stack_policy(name=name, description=rule.description, level=level, check=rule))

    def _declaring(self, name: str, build: Callable[[Any, str], Policy]) -> Callable[[Validator], Validator]:
        def declare(check: Validator) -> Validator:
            self.append(build(check, _description(name, check)))
            return check

        return declare
