"""The policy pack against a plan.json, without the Pulumi engine.

This calls the registered policies themselves with the argument objects the pack's gRPC server
would build (pulumi_policy's own `ResourceValidationArgs`, `StackValidationArgs`,
`PolicyResource`), with properties in the engine's shape (a protobuf `Struct` round trip, so
numbers are floats, wrapped in the unknown-checking proxies), and resolves enforcement levels
and pack config the way `pulumi preview --policy-pack-config` does. A finding here is therefore
the finding the CLI would report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from components.config_reader import unknown_key_rule
from components.errors import Problems
from policies.registry import POLICIES

# plan.json spells values that are only known after apply as "[unknown]"; the engine sends
# its unknown sentinel instead, which the proxies turn into UnknownValueError.
PLAN_UNKNOWN = "[unknown]"
# `--policy-pack-config` key that sets the enforcement level of every policy at once.
ALL_POLICIES = "all"
_LEVEL_KEY = "enforcementLevel"


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str
    """"mandatory" or "advisory"."""
    urn: str
    """The resource in violation; empty when a stack policy blames the whole stack."""
    message: str


def evaluate_plan(
    plan: Mapping[str, Any],
    config: Mapping[str, Any] | None = None,
    policies: Sequence[Policy] = POLICIES,
) -> list[Violation]:
    """Every violation of `policies` in `plan`, mandatory first.

    `config` has the `--policy-pack-config` shape: `{"all": "advisory",
    "replicas-minimum": {"minReplicas": 3}, "image-pinned": {"enforcementLevel": "disabled"}}`.
    Raises ValueError for unknown policies, settings or levels.
    """
    pack_config = PackConfig(config or {}, policies)
    resources = policy_resources(plan.get("resources", []))
    found: list[Violation] = []
    for policy in policies:
        level = pack_config.level(policy)
        if level == EnforcementLevel.DISABLED:
            continue
        if level == EnforcementLevel.REMEDIATE:
            # What the engine does too: a violation left after remediation blocks.
            level = EnforcementLevel.MANDATORY
        settings = pack_config.settings(policy.name)
        if isinstance(policy, ResourceValidationPolicy):
            for resource in resources:
                args = ResourceValidationArgs(
                    resource.resource_type,
                    resource.props,
                    resource.urn,
                    resource.name,
                    resource.opts,
                    resource.provider,
                    settings,
                )
                found += _run(policy, args, level, resource.urn)
        elif isinstance(policy, StackValidationPolicy):
            found += _run(policy, StackValidationArgs(resources, settings), level, "")
    return sorted(found, key=lambda v: (v.level != "mandatory", v.policy, v.urn, v.message))


def _run(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    args: Any,
    level: EnforcementLevel,
    urn: str,
) -> list[Violation]:
    found: list[Violation] = []

    def report(message: str, reported_urn: str | None = None) -> None:
        found.append(Violation(policy.name, level.value, reported_urn or urn, message))

    try:
        result = policy.validate(args, report)
        if result is not None and isawaitable(result):
            asyncio.run(_wait(result))
    except UnknownValueError as exc:
        # Same as the engine: a policy that needs a value known only after apply stops there
        # with an advisory note instead of failing the preview.
        note = f"can't run during preview: {exc.message}"
        found.append(Violation(policy.name, EnforcementLevel.ADVISORY.value, urn, note))
    return found


async def _wait(result: Awaitable[Any]) -> None:
    await result


def policy_resources(plan_resources: Iterable[Mapping[str, Any]]) -> list[PolicyResource]:
    """plan.json resources as the `PolicyResource` graph a stack policy receives."""
    entries = list(plan_resources)
    by_urn: dict[str, PolicyResource] = {}
    for entry in entries:
        by_urn[entry["urn"]] = PolicyResource(
            entry["type"],
            _engine_props(entry.get("inputs")),
            entry["urn"],
            entry["name"],
            _options(entry),
            None,
            None,
            [],
            {},
        )
    for entry in entries:
        resource = by_urn[entry["urn"]]
        resource.parent = by_urn.get(entry.get("parent") or "")
        resource.dependencies = [by_urn[u] for u in entry.get("dependencies", []) if u in by_urn]
        resource.property_dependencies = {
            prop: [by_urn[u] for u in urns if u in by_urn]
            for prop, urns in (entry.get("propertyDependencies") or {}).items()
        }
        resource.provider = _provider(by_urn.get(entry.get("provider") or ""))
    return list(by_urn.values())


def _engine_props(inputs: Mapping[str, Any] | None) -> Mapping[str, Any]:
    # Stack policies see the plan's inputs too: they are what the program declared, while
    # a preview's outputs are invented by mocks.
    struct = struct_pb2.Struct()
    struct.update(dict(inputs or {}))
    return unknown_checking_proxy(_with_unknowns(json_format.MessageToDict(struct)))


def _with_unknowns(value: Any) -> Any:
    if value == PLAN_UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {key: _with_unknowns(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_unknowns(item) for item in value]
    return value


def _options(entry: Mapping[str, Any]) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=bool(entry.get("protect")),
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=entry.get("parent"),
    )


def _provider(resource: PolicyResource | None) -> PolicyProviderResource | None:
    if resource is None:
        return None
    return PolicyProviderResource(
        resource.resource_type, resource.props, resource.urn, resource.name
    )


class PackConfig:
    """`--policy-pack-config` resolved like the CLI: policy default, then `all`, then the
    policy's own entry; every other key of an entry is a setting of that policy."""

    def __init__(self, config: Mapping[str, Any], policies: Sequence[Policy]) -> None:
        known = {policy.name: policy for policy in policies}
        self._levels: dict[str, EnforcementLevel] = {}
        self._settings: dict[str, dict[str, Any]] = {}
        for name, value in config.items():
            if name != ALL_POLICIES and name not in known:
                raise ValueError(f"policy pack config: unknown policy {name!r}")
            entry = dict(value) if isinstance(value, Mapping) else {_LEVEL_KEY: value}
            if _LEVEL_KEY in entry:
                self._levels[name] = _parse_level(name, entry.pop(_LEVEL_KEY))
            if entry and name == ALL_POLICIES:
                raise ValueError('policy pack config: "all" takes only an enforcement level')
            if entry:
                _check_settings(known[name], entry)
                self._settings[name] = entry

    def level(self, policy: Policy) -> EnforcementLevel:
        default = policy.enforcement_level or EnforcementLevel.ADVISORY
        pack_wide = self._levels.get(ALL_POLICIES, default)
        return self._levels.get(policy.name, pack_wide)

    def settings(self, name: str) -> dict[str, Any]:
        return dict(self._settings.get(name, {}))


_JSON_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "integer": ((int,), "must be a whole number"),
    "number": ((int, float), "must be a number"),
    "boolean": ((bool,), "must be true or false"),
    "string": ((str,), "must be a string"),
    "array": ((list,), "must be a list"),
}


def check_pack_config(config: Any, problems: Problems, policies: Sequence[Policy] = POLICIES) -> None:
    """Every problem of a `--policy-pack-config` mapping (`skyfleet:policyConfig`), recorded with
    its path instead of raised one at a time, so it is refused with the rest of the stack config
    before the preview runs (a bad entry must not surface after the plan is written)."""
    rule = "must map policy names to a level or settings (the --policy-pack-config shape)"
    if not problems.check(isinstance(config, Mapping), "", config, rule):
        return
    known = {policy.name: policy for policy in policies}
    levels = ", ".join(level.value for level in EnforcementLevel)
    for name, value in config.items():
        if name != ALL_POLICIES and name not in known:
            problems.add(str(name), value, unknown_key_rule(str(name), [ALL_POLICIES, *sorted(known)]))
            continue
        with problems.under(str(name)) as at:
            entry = dict(value) if isinstance(value, Mapping) else {_LEVEL_KEY: value}
            path = _LEVEL_KEY if isinstance(value, Mapping) else ""
            if _LEVEL_KEY in entry:
                level = entry.pop(_LEVEL_KEY)
                at.check(level in {lv.value for lv in EnforcementLevel}, path, level,
                         f"must be an enforcement level: one of {levels}")
            policy = known.get(name)
            schema = policy.config_schema.properties if policy and policy.config_schema else {}
            for key, setting in entry.items():
                if key not in schema:
                    at.add(str(key), setting, unknown_key_rule(str(key), [_LEVEL_KEY, *sorted(schema)]))
                else:
                    _check_setting(schema[key], setting, at, str(key))


def _check_setting(schema: Mapping[str, Any], value: Any, problems: Problems, path: str) -> None:
    types, rule = _JSON_TYPES.get(schema.get("type", ""), ((object,), ""))
    if not problems.check(isinstance(value, types) and (bool in types or not isinstance(value, bool)),
                          path, value, rule):
        return
    if "minimum" in schema:
        problems.check(value >= schema["minimum"], path, value, f"must be >= {schema['minimum']}")
    if "maximum" in schema:
        problems.check(value <= schema["maximum"], path, value, f"must be <= {schema['maximum']}")
    items = schema.get("items")
    if items and isinstance(value, list):
        for index, item in enumerate(value):
            _check_setting(items, item, problems, f"{path}[{index}]")


def _parse_level(name: str, value: Any) -> EnforcementLevel:
    try:
        return EnforcementLevel(value)
    except ValueError:
        levels = ", ".join(level.value for level in EnforcementLevel)
        raise ValueError(
            f"policy pack config: {name}: enforcement level {value!r} is not one of {levels}"
        ) from None


def _check_settings(policy: Policy, entry: Mapping[str, Any]) -> None:
    allowed = set(policy.config_schema.properties) if policy.config_schema else set()
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ValueError(
            f"policy pack config: {policy.name} has no setting {', '.join(unknown)}"
            f" (settings: {', '.join(sorted(allowed)) or 'none'})"
        )


def format_violations(violations: Sequence[Violation]) -> str:
    """A plain-text table for the CLI: level, policy, resource (`name (Type)`), message."""
    if not violations:
        return "No policy violations."
    header = ("LEVEL", "POLICY", "RESOURCE", "MESSAGE")
    rows = [header] + [(v.level, v.policy, _resource_label(v.urn), v.message) for v in violations]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[3]])
        for row in rows
    ]
    mandatory = sum(v.level == "mandatory" for v in violations)
    lines.append(
        f"{len(violations)} violation(s): {mandatory} mandatory, "
        f"{len(violations) - mandatory} advisory"
    )
    return "\n".join(line.rstrip() for line in lines)


def _resource_label(urn: str) -> str:
    """`name (Type)` from `urn:pulumi:stack::project::parent$pkg:mod:Type::name`."""
    if not urn:
        return "(stack)"
    parts = urn.split("::")
    if len(parts) < 4:
        return urn
    type_token = parts[2].rsplit("$", 1)[-1]
    return f"{'::'.join(parts[3:])} ({type_token})"
