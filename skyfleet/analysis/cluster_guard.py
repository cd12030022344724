"""Loud about the one change that hurts most: a cluster replaced or deleted.

A replaced or deleted cluster takes every workload, add-on and volume on it along. `guard`
compares two sets of plans (stack -> plan.json, as `skyfleet preview --all` writes them) and
names each cluster that `pulumi up` would replace (`replacements.replacements`) or delete (its
URN is gone from the head plan: a renamed cluster key is a delete plus a create). The message is
red; in CI the exit code fails the job unless the change is explicitly allowed
(`--allow-cluster-replacement` or SKYFLEET_ALLOW_CLUSTER_REPLACEMENT=1).

A stack whose config file was removed is not counted: nothing destroys it automatically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .replacements import CLUSTER_TYPES, replacements

# `skyfleet diff` exits 2 when the head cannot be previewed; this one is its own.
EXIT_CLUSTER_REPLACEMENT = 4
ALLOW_ENV = "SKYFLEET_ALLOW_CLUSTER_REPLACEMENT"
ALLOW_FLAG = "--allow-cluster-replacement"
RED = "\033[31m"
BOLD_RED = "\033[1;31m"
RESET = "\033[0m"

Plans = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class ClusterChange:
    stack: str
    urn: str
    type: str
    action: Literal["replace", "delete"]
    reason: str

    def __str__(self) -> str:
        return f"{self.stack}: {self.action} {self.urn} ({self.reason})"


def cluster_changes(base_plans: Plans, head_plans: Plans) -> list[ClusterChange]:
    """Clusters the change would replace or delete, stack by stack (sorted)."""
    found: list[ClusterChange] = []
    for stack in sorted(set(base_plans) & set(head_plans)):
        base, head = base_plans[stack], head_plans[stack]
        for r in replacements(base, head):
            if r.is_cluster:
                found.append(ClusterChange(stack, r.urn, r.type, "replace", r.reason))
        head_urns = {res["urn"] for res in head.get("resources") or []}
        for res in sorted(base.get("resources") or [], key=lambda res: res["urn"]):
            if res["type"] in CLUSTER_TYPES and res["urn"] not in head_urns:
                found.append(
                    ClusterChange(stack, res["urn"], res["type"], "delete", "gone from the head plan")
                )
    return found


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no")


def from_environment(flag: bool = False, env: Mapping[str, str] | None = None) -> tuple[bool, bool]:
    """(ci, allowed) from the environment: `CI` set, and the flag or ALLOW_ENV set."""
    env = os.environ if env is None else env
    return truthy(env.get("CI")), flag or truthy(env.get(ALLOW_ENV))


def guard(base_plans: Plans, head_plans: Plans, *, ci: bool, allowed: bool) -> tuple[int, str]:
    """(exit code, message). 0 and "" when no cluster is replaced or deleted; otherwise a red
    message and, in CI without permission, EXIT_CLUSTER_REPLACEMENT."""
    changes = cluster_changes(base_plans, head_plans)
    if not changes:
        return 0, ""
    lines = [f"{BOLD_RED}DANGER: this change replaces or deletes {len(changes)} cluster(s); "
             f"every workload, add-on and volume on them goes too:{RESET}"]
    lines += [f"{RED}  {change}{RESET}" for change in changes]
    if allowed:
        lines.append(f"{RED}allowed ({ALLOW_FLAG} / {ALLOW_ENV}=1){RESET}")
        return 0, "\n".join(lines) + "\n"
    if ci:
        lines.append(f"{BOLD_RED}refused in CI: rerun with {ALLOW_FLAG} or {ALLOW_ENV}=1 if this is "
                     f"intended{RESET}")
        return EXIT_CLUSTER_REPLACEMENT, "\n".join(lines) + "\n"
    lines.append(f"{RED}CI will refuse this unless {ALLOW_FLAG} or {ALLOW_ENV}=1 is given{RESET}")
    return 0, "\n".join(lines) + "\n"


EXIT_CLOUD_REFUSAL = 5


def refused_updates(base_plans: Plans, head_plans: Plans) -> tuple[int, str]:
    """(exit code, message): the updates the cloud would refuse (cloud_rules' update rules, e.g.
    an EKS minSize above the desired size Pulumi resends, a pool added through an AKS cluster).
    `pulumi up` would fail on them wherever it runs, so this fails outside CI too."""
    from skyfleet.preview import clouds  # noqa: F401 - registers every cloud's rules
    from skyfleet.preview.cloud_rules import check_change, plan_of

    lines = []
    for stack in sorted(set(base_plans) & set(head_plans)):
        old, new = (plan_of(p.get("resources") or []) for p in (base_plans[stack], head_plans[stack]))
        lines += [f"{RED}  stack {stack}: {v}{RESET}" for v in check_change(old, new, updates_only=True)]
    if not lines:
        return 0, ""
    head = f"{BOLD_RED}the cloud would refuse {len(lines)} update(s) of this change:{RESET}"
    return EXIT_CLOUD_REFUSAL, "\n".join([head, *lines]) + "\n"


def load_plans(out_dir: Path | None) -> dict[str, dict[str, Any]]:
    """stack -> plan.json of a `skyfleet preview --all --out DIR` tree (empty if none)."""
    if out_dir is None or not out_dir.is_dir():
        return {}
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(out_dir.glob("*/plan.json"))}


def guard_dirs(base_out: Path | None, head_out: Path, *, ci: bool, allowed: bool) -> tuple[int, str]:
    """`guard` and `refused_updates` over two preview output trees (what `skyfleet diff` has
    at hand); a refused update wins over a replacement's exit code."""
    base, head = load_plans(base_out), load_plans(head_out)
    code, message = guard(base, head, ci=ci, allowed=allowed)
    refused, why = refused_updates(base, head)
    return (refused or code), message + why
