"""Tiny plans for the cloud rules' tests: resources given by type, name and inputs, with the
dependencies `pulumi up` would wait on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skyfleet.preview import clouds  # noqa: F401 - registers every cloud's rules
from skyfleet.preview.cloud_rules import Plan, check, check_change, plan_of


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::skyfleet::{type_}::{name}"


def res(type_: str, name: str, inputs: Mapping[str, Any] | None = None, *,
        state: Mapping[str, Any] | None = None, id: str = "", after: Iterable[str] = (),
        options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One custom resource; `after` lists (type, name) URNs it depends on."""
    inputs = dict(inputs or {})
    return {"urn": urn(type_, name), "type": type_, "name": name, "parent": None, "custom": True,
            "dependencies": list(after), "propertyDependencies": {}, "provider": None,
            "inputs": inputs, "state": {**inputs, **(state or {})}, "id": id,
            "options": dict(options or {})}


@dataclass
class Case:
    rule: str
    bad: list[dict[str, Any]]
    good: list[dict[str, Any]] = field(default_factory=list)
    base: list[dict[str, Any]] = field(default_factory=list)  # day 2: the deployed plan

    def refusals(self, entries: list[dict[str, Any]]) -> list[str]:
        plan: Plan = plan_of(entries)
        found = check_change(plan_of(self.base), plan) if self.base else check(plan)
        return [v.rule for v in found]
