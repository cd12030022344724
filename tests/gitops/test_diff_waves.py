"""`skyfleet diff` lists a fleet's changes wave by wave (the order `pulumi up` reaches them)."""

from __future__ import annotations

import copy
from typing import Any

from skyfleet.analysis.diff import diff_plans, format_table, wave_changes

CONFIG = {"skyfleet:clusters": {"canary": {}, "east": {}}, "skyfleet:waves": [["canary"], ["east"]]}


def _plan(image: str) -> dict[str, Any]:
    resources = []
    for cluster in ("canary", "east"):
        service = f"urn:pulumi:s::p::skyfleet:workload:Microservice::{cluster}-api"
        resources.append({"urn": service, "type": "skyfleet:workload:Microservice", "parent": None, "inputs": {}})
        resources.append({"urn": f"urn:pulumi:s::p::skyfleet:workload:Microservice$kubernetes:apps/v1:Deployment::"
                                 f"{cluster}-api", "type": "kubernetes:apps/v1:Deployment", "parent": service,
                          "inputs": {"image": image if cluster == "east" else "api:1"}})
    resources.append({"urn": "urn:pulumi:s::p::skyfleet:cluster:ExistingCluster::east", "parent": None,
                      "type": "skyfleet:cluster:ExistingCluster", "inputs": {"image": image}})
    return {"stack": "s", "resources": resources}


def test_a_change_is_listed_under_the_wave_of_its_cluster_and_outside_the_services() -> None:
    base, head = _plan("api:1"), _plan("api:2")
    diff = diff_plans(base, head)
    lines = wave_changes(diff, base, head, CONFIG)
    assert lines[0] == "wave 1 (canary): no service resource changes"
    assert lines[1] == "wave 2 (east): 1 service resource(s) change"
    assert lines[2].startswith("  ~ kubernetes:apps/v1:Deployment::east-api")
    assert "inputs.image" in lines[3]
    assert lines[4] == "outside the services: 1 resources change"
    diff.waves = lines
    assert "  by wave, in the order pulumi up reaches them:\n    wave 1 (canary)" in format_table({"s": diff})


def test_a_fleet_of_one_wave_or_no_change_has_no_wave_lines() -> None:
    base, head = _plan("api:1"), _plan("api:2")
    one = copy.deepcopy(CONFIG) | {"skyfleet:waves": None}
    assert wave_changes(diff_plans(base, head), base, head, one) == []
    assert wave_changes(diff_plans(head, head), head, head, CONFIG) == []
