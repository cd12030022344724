"""What a later change does to a deployed stack: created, deleted, updated in place, replaced,
or refused by the cloud. Told offline from two previews (the deployed config, then the change).

The rules follow the engine: an input under `ignoreChanges` keeps its old value, so a change
there sends nothing (GKE `nodeCount`, AKS `count`); a resource is
replaced by `replacements.replacements` (each provider's create-only inputs and cascades); an
update the cloud would refuse is found by the cloud rules' update checks (`check_change`).
Inputs are compared in plain form, so a rotated secret shows as the update it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from skyfleet.analysis.diff import value_paths
from skyfleet.analysis.replacements import replacements
from skyfleet.preview import wire
from skyfleet.preview.cloud_rules import check_change
from skyfleet.preview.monitor import Recorded
from skyfleet.preview.runner import Plan, rules_plan


@dataclass
class Day2:
    """One change's effect, by URN (`updated` maps a URN to the input paths that are sent)."""

    created: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)  # new in the stack, adopted from the cloud
    deleted: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    replaced: dict[str, str] = field(default_factory=dict)  # URN -> why
    refused: list[str] = field(default_factory=list)  # "rule: message" per refusal

    def types(self, urns: Sequence[str] | Mapping[str, Any]) -> list[str]:
        """`Type::name` of each URN, sorted (what the docs table shows)."""
        return sorted(_short(u) for u in urns)


def _short(urn: str) -> str:
    type_, name = urn.split("::")[-2:]
    return f"{type_.rsplit('$', 1)[-1]} {name}"


def _ignored(path: str, ignore: Sequence[str]) -> bool:
    return any(path == i or path.startswith((f"{i}.", f"{i}[")) for i in ignore)


def sent_paths(before: Recorded, after: Recorded) -> list[str]:
    """The input paths an update of `after` sends (ignored paths keep their old values)."""
    ignore = list(after.options.get("ignoreChanges", []))
    return [p for p in value_paths(wire.reveal(before.inputs), wire.reveal(after.inputs))
            if not _ignored(p, ignore)]


def day2(base: Plan, head: Plan) -> Day2:
    old = {r.urn: r for r in base.resources}
    new = {r.urn: r for r in head.resources}
    added = [u for u in new if u not in old and new[u].custom]
    result = Day2(
        created=sorted(u for u in added if not new[u].options.get("import")),
        imported=sorted(u for u in added if new[u].options.get("import")),
        deleted=sorted(u for u in old if u not in new and old[u].custom),
    )
    for urn in sorted(set(old) & set(new)):
        if new[urn].custom and (paths := sent_paths(old[urn], new[urn])):
            result.updated[urn] = paths
    result.replaced = {r.urn: r.reason for r in replacements(base.to_json(), head.to_json())}
    for urn in result.replaced:
        result.updated.pop(urn, None)
    result.refused = [
        f"{v.rule}: {v.message}"
        for v in check_change(rules_plan(base.resources), rules_plan(head.resources))
    ]
    return result
