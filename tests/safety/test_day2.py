"""Day 2 through the preview: pairs of configs (what is deployed, then a change a user makes),
and what the change does on each cloud: which resources update in place, which are created or
deleted, that none is replaced, and what the cloud would refuse.

The table in docs/clusters.md ("Day 2") is this test's output: run with SKYFLEET_UPDATE_DOCS=1
to rewrite it; otherwise the test fails when the docs and the behaviour disagree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from skyfleet.analysis.day2 import Day2, day2
from skyfleet.preview.runner import Plan

from .conftest import InProcessPreview
from .project import DEV_STACKS, PROJECT, Edit, copy_project, drop, edit_stack, preview, put

DEV = ("skyfleet:clusters", "skyfleet-dev")
POOLS = (*DEV, "nodePools")
CLOUD = {"aws-dev": "EKS", "gcp-dev": "GKE", "azure-dev": "AKS"}
POOL_TYPE = {"aws-dev": "NodeGroup", "gcp-dev": "NodePool", "azure-dev": "AgentPool"}
CLUSTER_TYPE = {"aws-dev": "eks/cluster:Cluster", "gcp-dev": "container/cluster:Cluster",
                "azure-dev": "containerservice:ManagedCluster"}
DOCS = PROJECT / "docs" / "clusters.md"
BEGIN, END = "<!-- day2:begin (tests/safety/test_day2.py) -->", "<!-- day2:end -->"


@dataclass(frozen=True)
class Change:
    id: str
    what: str
    base: tuple[Edit, ...]  # from the shipped stack to what is deployed
    head: tuple[Edit, ...]  # from the shipped stack to the changed config
    # Deployed for a while (the second `pulumi up` done), or just created by the first one.
    settled: bool = True


BATCH = {"size": "large", "minSize": 0, "maxSize": 4}
CHANGES = [
    Change("resize", "pool `general`: minSize 1 -> 2, maxSize 5 -> 8", (),
           (put(*POOLS, "general", "minSize", value=2), put(*POOLS, "general", "maxSize", value=8))),
    Change("grow", "pool `general`: maxSize 5 -> 8", (), (put(*POOLS, "general", "maxSize", value=8),)),
    Change("add-pool", "add pool `batch`", (), (put(*POOLS, "batch", value=BATCH),)),
    Change("remove-pool", "remove pool `batch`", (put(*POOLS, "batch", value=BATCH),), ()),
    Change("add-system-pool", "add system pool `system2` (large)", (),
           (put(*POOLS, "system2", value={"size": "large", "minSize": 1, "maxSize": 3, "system": True}),)),
    Change("system-size", "pool `system`: size small -> medium", (),
           (put(*POOLS, "system", "size", value="medium"),)),
    Change("minor", "version 1.34 -> 1.35", (put(*DEV, "version", value="1.34"),), ()),
    Change("rotate", "new value of `skyfleet:secrets.apiDatabasePassword`", (),
           (put("skyfleet:secrets", "apiDatabasePassword", value={"secure": "v1:cm90YXRlZA=="}),)),
    Change("tags", "tags: add `cost-center: c42`", (),
           (put(*DEV, "tags", value={"team": "platform", "cost-center": "c42"}),)),
    Change("swap-system-pool", "add system pool `system2` (large), remove `system`",
           (put(*POOLS, "system2", value={"size": "large", "minSize": 1, "maxSize": 3, "system": True}),),
           (put(*POOLS, "system2", value={"size": "large", "minSize": 1, "maxSize": 3, "system": True}),
            drop(*POOLS, "system"))),
    Change("second-deploy", "the deploy after the first `pulumi up`, nothing changed", (), (),
           settled=False),
]
# What the docs say a change may do beyond updating in place: (stack, change) -> the rule the
# cloud refuses it with. None on EKS: a node group sends its live desired size clamped into the
# new bounds, so a raised minSize is never refused (terraform-aws-eks#2030).
EXPECTED_REFUSALS = {
    # Replacing the only System pool deletes it first, which AKS refuses: add one, then remove.
    ("azure-dev", "system-size"): "azure-aks-replace-last-system-pool",
}
# The announced replacements (docs/clusters.md, Operating notes): a new machine type is a new
# node group (EKS: create-first, auto-named) or pool (GKE: delete-first under the same name).
EXPECTED_REPLACEMENTS = {
    ("aws-dev", "system-size"): "NodeGroup skyfleet-dev-system",
    ("gcp-dev", "system-size"): "NodePool skyfleet-dev-system",
    # AKS: an AgentPool is replaced delete-first (same name), refused for the only System pool.
    ("azure-dev", "system-size"): "AgentPool skyfleet-dev-system",
}


def _plan(stack: str, edits: tuple[Edit, ...], tmp: Path, shipped: InProcessPreview,
          deployed: Plan | None = None) -> Plan:
    """The stack's plan after `edits`; with `deployed`, invokes that read the live cloud (an EKS
    node group's current size) see that plan applied, as the next `pulumi up` would."""
    if not edits and deployed is None:
        return shipped.plans[stack]
    project = copy_project(tmp)
    edit_stack(project, stack, *edits)
    return preview(project, stack, deployed=deployed)


_RESULTS: dict[tuple[str, str], Day2] = {}


def _result(stack: str, change: Change, tmp_path_factory: pytest.TempPathFactory,
            shipped: InProcessPreview) -> Day2:
    key = (stack, change.id)
    if key not in _RESULTS:
        base = _plan(stack, change.base, tmp_path_factory.mktemp("base"), shipped)
        if change.settled:  # the second `pulumi up` adopts what the first created inline (AKS)
            base = _plan(stack, change.base, tmp_path_factory.mktemp("settled"), shipped, deployed=base)
        head = _plan(stack, change.head, tmp_path_factory.mktemp("head"), shipped, deployed=base)
        _RESULTS[key] = day2(base, head)
    return _RESULTS[key]


Check = Callable[[str, Day2], None]


def _has(urns: object, stack: str, type_suffix: str, name: str = "") -> bool:
    return any(u.split("::")[-2].endswith(type_suffix) and u.endswith(name) for u in urns)  # type: ignore[attr-defined]


def _pool_updated(stack: str, d: Day2) -> None:
    assert _has(d.updated, stack, POOL_TYPE[stack], "skyfleet-dev-general"), d.updated


def _pool_resized(stack: str, d: Day2) -> None:
    _pool_updated(stack, d)
    if stack == "aws-dev":  # the new minSize (2) is above the live size (1): it is raised too
        group = next(u for u in d.updated if u.endswith("NodeGroup::skyfleet-dev-general"))
        assert "scalingConfig.desiredSize" in d.updated[group], d.updated[group]


def _pool_created(stack: str, d: Day2) -> None:
    assert _has(d.created, stack, POOL_TYPE[stack], "skyfleet-dev-batch"), d.created


def _pool_deleted(stack: str, d: Day2) -> None:
    assert _has(d.deleted, stack, POOL_TYPE[stack], "skyfleet-dev-batch"), d.deleted


def _versions_follow(stack: str, d: Day2) -> None:
    assert _has(d.updated, stack, CLUSTER_TYPE[stack], "skyfleet-dev"), d.updated
    moved = {p for urn, paths in d.updated.items() for p in paths}
    if stack == "aws-dev":
        assert {"version", "releaseVersion", "addonVersion"} <= moved, moved  # nodes, AMI, add-ons
    if stack == "azure-dev":
        assert "orchestratorVersion" in moved, moved  # the AgentPools follow the control plane


def _secret_rolled(stack: str, d: Day2) -> None:
    assert _has(d.updated, stack, "core/v1:Secret"), d.updated


def _tagged(stack: str, d: Day2) -> None:
    assert d.updated, "the tags reached nothing: the case would prove nothing"


def _system_pool_created(stack: str, d: Day2) -> None:
    assert _has(d.created, stack, POOL_TYPE[stack], "skyfleet-dev-system2"), d.created


def _system_pool_swapped(stack: str, d: Day2) -> None:
    assert _has(d.deleted, stack, POOL_TYPE[stack], "skyfleet-dev-system"), d.deleted
    assert not _has(d.deleted, stack, CLUSTER_TYPE[stack]) and not d.replaced, (d.deleted, d.replaced)


def _adopted(stack: str, d: Day2) -> None:
    if stack == "azure-dev":  # the pool created inline with the cluster becomes its AgentPool
        assert _has(d.imported, stack, POOL_TYPE[stack], "skyfleet-dev-system"), d.imported
    assert not d.created and not d.deleted, (d.created, d.deleted)


def _system_pool_changed(stack: str, d: Day2) -> None:
    assert d.updated or d.replaced or d.refused, "the size change reached nothing"


CHECKS: dict[str, Check] = {
    "add-system-pool": _system_pool_created, "system-size": _system_pool_changed,
    "resize": _pool_resized, "grow": _pool_updated, "add-pool": _pool_created,
    "remove-pool": _pool_deleted, "minor": _versions_follow, "rotate": _secret_rolled,
    "tags": _tagged, "swap-system-pool": _system_pool_swapped, "second-deploy": _adopted,
}


@pytest.mark.parametrize("change", CHANGES, ids=[c.id for c in CHANGES])
@pytest.mark.parametrize("stack", DEV_STACKS)
def test_a_day_2_change_does_only_what_the_docs_say(
    stack: str, change: Change, tmp_path_factory: pytest.TempPathFactory,
    inprocess_preview: InProcessPreview,
) -> None:
    d = _result(stack, change, tmp_path_factory, inprocess_preview)
    CHECKS[change.id](stack, d)
    replaced = EXPECTED_REPLACEMENTS.get((stack, change.id))
    assert [t.rsplit(":", 1)[-1] for t in d.types(d.replaced)] == ([replaced] if replaced else []), d.replaced
    expected = EXPECTED_REFUSALS.get((stack, change.id))
    assert [r.split(":", 1)[0] for r in d.refused] == ([expected] if expected else []), d.refused
    assert change.id == "second-deploy" or not d.imported, d.imported  # settled stacks import nothing


def _cell(items: list[str], limit: int = 4) -> str:
    if not items:
        return "-"
    shown = ", ".join(f"`{i}`" for i in items[:limit])
    return shown + (f" (+{len(items) - limit})" if len(items) > limit else "")


def _table(tmp_path_factory: pytest.TempPathFactory, shipped: InProcessPreview) -> str:
    rows = ["| cloud | change | updated in place | created | imported | deleted | replaced | refused by the cloud |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for stack in DEV_STACKS:
        for change in CHANGES:
            d = _result(stack, change, tmp_path_factory, shipped)
            rows.append(" | ".join([
                f"| {CLOUD[stack]}", change.what, _cell(d.types(d.updated)), _cell(d.types(d.created)),
                _cell(d.types(d.imported)),
                _cell(d.types(d.deleted)), _cell(d.types(d.replaced)),
                _cell([r.split(":", 1)[0] for r in d.refused]) + " |",
            ]))
    return "\n".join(rows)


def test_the_day_2_table_in_the_docs_is_what_the_previews_show(
    tmp_path_factory: pytest.TempPathFactory, inprocess_preview: InProcessPreview
) -> None:
    table = _table(tmp_path_factory, inprocess_preview)
    text = DOCS.read_text()
    current = re.search(re.escape(BEGIN) + r"\n(.*?)" + re.escape(END), text, re.S)
    if os.environ.get("SKYFLEET_UPDATE_DOCS") == "1":
        assert current is not None, f"docs/clusters.md lacks the markers {BEGIN} ... {END}"
        DOCS.write_text(text.replace(current.group(0), f"{BEGIN}\n{table}\n{END}"))
        return
    assert current is not None and current.group(1).rstrip("\n") == table, (
        "docs/clusters.md's day-2 table is stale; rerun with SKYFLEET_UPDATE_DOCS=1:\n" + table
    )


def test_removing_a_pool_is_a_delete_not_a_replacement_of_the_others(
    tmp_path_factory: pytest.TempPathFactory, inprocess_preview: InProcessPreview
) -> None:
    for stack in DEV_STACKS:
        d = _result(stack, next(c for c in CHANGES if c.id == "remove-pool"), tmp_path_factory,
                    inprocess_preview)
        assert not _has(d.deleted, stack, POOL_TYPE[stack], "skyfleet-dev-general"), d.deleted
        assert not d.replaced


def test_skyfleet_diff_fails_an_update_the_cloud_would_refuse(
    tmp_path: Path, inprocess_preview: InProcessPreview
) -> None:
    """CI's `skyfleet diff` judges plan.json pairs with the same update rules (exit code 5)."""
    from skyfleet.analysis.cluster_guard import EXIT_CLOUD_REFUSAL, refused_updates

    stack, change = next((s, c) for (s, c) in EXPECTED_REFUSALS)
    edits = next(c for c in CHANGES if c.id == change).head
    head = _plan(stack, edits, tmp_path, inprocess_preview)
    base = inprocess_preview.plans[stack]
    code, message = refused_updates({stack: base.to_json()}, {stack: head.to_json()})
    assert code == EXIT_CLOUD_REFUSAL
    assert f"stack {stack}" in message and EXPECTED_REFUSALS[(stack, change)] in message
    assert refused_updates({stack: base.to_json()}, {stack: base.to_json()}) == (0, "")
