"""The resource graph of a plan: groups in the drawing, the critical path, dependency closure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from skyfleet import cli
from skyfleet.analysis.graph import (
    GraphError,
    ResourceGraph,
    critical_path,
    dependency_closure,
    dependents_closure,
    find_urn,
    to_dot,
    waits_for,
    write_graph,
)

STACK_URN = "urn:pulumi:t::skyfleet::pulumi:pulumi:Stack::skyfleet-t"


def _urn(type_chain: str, name: str) -> str:
    return f"urn:pulumi:t::skyfleet::{type_chain}::{name}"


def res(
    type_chain: str,
    name: str,
    *,
    parent: str | None = None,
    deps: tuple[str, ...] = (),
    provider: str | None = None,
    custom: bool = True,
) -> dict[str, Any]:
    return {
        "urn": _urn(type_chain, name),
        "type": type_chain.rsplit("$", 1)[-1],
        "name": name,
        "parent": parent,
        "dependencies": sorted(deps),
        "provider": provider,
        "custom": custom,
        "protect": False,
        "inputs": {},
    }


def plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "stack": "t",
        "project": "skyfleet",
        "resources": sorted(resources, key=lambda r: r["urn"]),
        "outputs": {},
    }


# A small stack: a cluster component (VPC -> EKS cluster -> node group, k8s provider),
# a Platform with one add-on (namespace -> Helm release), a workload (Deployment, Service).
EKS = "skyfleet:cluster:EksCluster"
VPC = res(f"{EKS}$aws:ec2/vpc:Vpc", "main-vpc", parent=_urn(EKS, "main"))
CLUSTER = res(f"{EKS}$aws:eks/cluster:Cluster", "main-eks", parent=_urn(EKS, "main"), deps=(VPC["urn"],))
NODES = res(
    f"{EKS}$aws:eks/nodeGroup:NodeGroup",
    "main-nodes",
    parent=_urn(EKS, "main"),
    deps=(CLUSTER["urn"], VPC["urn"]),
)
K8S = res(
    f"{EKS}$pulumi:providers:kubernetes",
    "main-k8s",
    parent=_urn(EKS, "main"),
    deps=(CLUSTER["urn"],),
)
EKS_COMPONENT = res(EKS, "main", parent=STACK_URN, custom=False)
PLATFORM = res("skyfleet:platform:Platform", "main-platform", custom=False)
ADDON_T = "skyfleet:platform:Platform$skyfleet:platform:CertManager"
ADDON = res(ADDON_T, "main-cert-manager", parent=PLATFORM["urn"], custom=False)
ADDON_NS = res(
    f"{ADDON_T}$kubernetes:core/v1:Namespace",
    "main-cert-manager-ns",
    parent=ADDON["urn"],
    provider=K8S["urn"],
    # The add-on waits for the node pools: declared as a dependency on the whole cluster component.
    deps=(EKS_COMPONENT["urn"],),
)
ADDON_RELEASE = res(
    f"{ADDON_T}$kubernetes:helm.sh/v3:Release",
    "main-cert-manager",
    parent=ADDON["urn"],
    provider=K8S["urn"],
    deps=(ADDON_NS["urn"],),
)
WL_T = "skyfleet:workload:Microservice"
WORKLOAD = res(WL_T, "main-api", custom=False)
DEPLOY = res(f"{WL_T}$kubernetes:apps/v1:Deployment", "main-api", parent=WORKLOAD["urn"], provider=K8S["urn"])
SERVICE = res(
    f"{WL_T}$kubernetes:core/v1:Service",
    "main-api",
    parent=WORKLOAD["urn"],
    provider=K8S["urn"],
    deps=(DEPLOY["urn"],),
)
STACK = plan(
    VPC,
    CLUSTER,
    NODES,
    K8S,
    EKS_COMPONENT,
    PLATFORM,
    ADDON,
    ADDON_NS,
    ADDON_RELEASE,
    WORKLOAD,
    DEPLOY,
    SERVICE,
)


def test_dot_draws_one_group_per_cluster_addon_and_workload_component() -> None:
    dot = to_dot(STACK)
    assert dot.count("subgraph cluster_") == 4  # cluster, Platform, CertManager, Microservice
    assert 'label="cluster: main"' in dot
    assert 'label="platform: main-platform"' in dot
    assert 'label="platform: main-cert-manager"' in dot
    assert 'label="workload: main-api"' in dot
    # The add-on's group is nested in the Platform's group.
    platform_at = dot.index('label="platform: main-platform"')
    addon_at = dot.index('label="platform: main-cert-manager"')
    closing = dot.index("}", platform_at)
    assert platform_at < addon_at < closing
    # Dependency and provider edges point from the resource to what it needs.
    assert f'"{SERVICE["urn"]}" -> "{DEPLOY["urn"]}"' in dot
    assert f'"{DEPLOY["urn"]}" -> "{K8S["urn"]}" [style="dashed"' in dot
    # The Service's own provider edge is implied by Service -> Deployment -> provider.
    assert f'"{SERVICE["urn"]}" -> "{K8S["urn"]}"' not in dot
    assert f'"{SERVICE["urn"]}" -> "{K8S["urn"]}"' in to_dot(STACK, reduce=False)


def test_dot_is_valid_graphviz_when_dot_is_installed(tmp_path: Path) -> None:
    report = write_graph(STACK, tmp_path, formats=("svg",))
    assert report.dot.read_text() == to_dot(STACK, critical=report.critical_path)
    if shutil.which("dot"):
        assert report.rendered == [tmp_path / "graph.svg"]
        assert "<svg" in (tmp_path / "graph.svg").read_text()
    else:
        assert report.rendered == [] and "not found" in report.warnings[0]
    summary = json.loads((tmp_path / "critical-path.json").read_text())
    assert summary["criticalLength"] == report.critical_length == len(report.critical_path)


def test_edges_are_containment_dependency_and_provider() -> None:
    graph = ResourceGraph(STACK)
    kinds = {(e.source, e.target): e.kind for e in graph.edges()}
    assert kinds[(WORKLOAD["urn"], DEPLOY["urn"])] == "contains"
    assert kinds[(SERVICE["urn"], DEPLOY["urn"])] == "depends"
    assert kinds[(DEPLOY["urn"], K8S["urn"])] == "provider"
    # Implied: the Service reaches the provider through the Deployment, the node group reaches
    # the VPC through the EKS cluster.
    assert graph.implied_edges() == {
        (SERVICE["urn"], K8S["urn"]),
        (NODES["urn"], VPC["urn"]),
        (ADDON_RELEASE["urn"], K8S["urn"]),
    }


def test_critical_path_on_a_known_dag() -> None:
    # a -> b -> d -> e and a -> c -> e: the longest chain is a, b, d, e.
    a = res("aws:x:X", "a")
    b = res("aws:x:X", "b", deps=(a["urn"],))
    c = res("aws:x:X", "c", deps=(a["urn"],))
    d = res("aws:x:X", "d", deps=(b["urn"],))
    e = res("aws:x:X", "e", deps=(c["urn"], d["urn"]))
    assert critical_path(plan(a, b, c, d, e)) == [a["urn"], b["urn"], d["urn"], e["urn"]]
    # Independent resources: each is a path of one; the tie goes to the smallest URN.
    assert critical_path(plan(res("aws:x:X", "z"), a)) == [a["urn"]]
    assert critical_path(plan()) == []


def test_critical_path_of_the_stack_walks_cluster_provider_addon() -> None:
    path = critical_path(STACK)
    # VPC -> EKS -> node group -> (cluster component dependency) namespace -> release.
    assert path == [VPC["urn"], CLUSTER["urn"], NODES["urn"], ADDON_NS["urn"], ADDON_RELEASE["urn"]]


def test_a_dependency_on_a_component_waits_for_all_its_custom_descendants() -> None:
    graph = ResourceGraph(STACK)
    assert graph.waits_for[ADDON_NS["urn"]] == {
        VPC["urn"],
        CLUSTER["urn"],
        NODES["urn"],
        K8S["urn"],
    }
    # Nested components expand too, but not into the children of a custom resource.
    outer = res("skyfleet:x:Outer", "outer", custom=False)
    inner = res("skyfleet:x:Outer$skyfleet:x:Inner", "inner", parent=outer["urn"], custom=False)
    leaf = res("skyfleet:x:Outer$skyfleet:x:Inner$aws:x:X", "leaf", parent=inner["urn"])
    owned = res("skyfleet:x:Outer$skyfleet:x:Inner$aws:x:X$aws:x:Y", "owned", parent=leaf["urn"])
    user = res("aws:x:X", "user", deps=(outer["urn"],))
    small = ResourceGraph(plan(outer, inner, leaf, owned, user))
    assert small.waits_for[user["urn"]] == {leaf["urn"]}
    # ... and the owned child waits for its custom parent.
    assert small.waits_for[owned["urn"]] == {leaf["urn"]}
    assert critical_path(plan(outer, inner, leaf, owned, user))[0] == leaf["urn"]


def test_a_provider_is_waited_for_and_counted_on_the_path() -> None:
    cluster = res("aws:eks/cluster:Cluster", "c")
    provider = res("pulumi:providers:kubernetes", "k", deps=(cluster["urn"],))
    # No `dependencies` at all: only the provider reference orders the namespace.
    namespace = res("kubernetes:core/v1:Namespace", "ns", provider=provider["urn"])
    path = critical_path(plan(cluster, provider, namespace))
    assert path == [cluster["urn"], provider["urn"], namespace["urn"]]
    assert len(path) == 3


def test_dependency_closure_for_false_dependency_checks() -> None:
    assert dependency_closure(STACK, SERVICE["urn"]) == {
        DEPLOY["urn"],
        K8S["urn"],
        CLUSTER["urn"],
        VPC["urn"],
    }
    # The workload does not wait for the add-on (nor for the node group).
    assert not waits_for(STACK, WORKLOAD["urn"], ADDON["urn"])
    assert NODES["urn"] not in dependency_closure(STACK, WORKLOAD["urn"])
    # The add-on waits for the whole cluster component; a component's closure excludes itself.
    assert waits_for(STACK, ADDON["urn"], EKS_COMPONENT["urn"])
    assert waits_for(STACK, ADDON_RELEASE["urn"], NODES["urn"])
    assert dependency_closure(STACK, ADDON["urn"]) == {
        VPC["urn"],
        CLUSTER["urn"],
        NODES["urn"],
        K8S["urn"],
    }
    assert dependents_closure(STACK, NODES["urn"]) == {ADDON_NS["urn"], ADDON_RELEASE["urn"]}
    assert find_urn(STACK, "kubernetes:apps/v1:Deployment") == DEPLOY["urn"]
    with pytest.raises(KeyError):
        dependency_closure(STACK, "urn:pulumi:t::skyfleet::aws:x:X::missing")


def test_a_cycle_is_reported() -> None:
    a = res("aws:x:X", "a", deps=(_urn("aws:x:X", "b"),))
    b = res("aws:x:X", "b", deps=(a["urn"],))
    with pytest.raises(GraphError, match="cycle"):
        critical_path(plan(a, b))


def test_graph_plan_reads_a_plan_file_that_preview_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(STACK))
    assert cli.main(["graph", "--plan", str(plan_file), "--out", str(tmp_path / "graph")]) == 0
    out = capsys.readouterr().out
    assert "critical path (5 resources" in out
    assert (tmp_path / "graph" / "graph.dot").is_file()


def test_graph_plan_of_a_missing_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    assert cli.main(["graph", "--plan", str(missing), "--out", str(tmp_path / "graph")]) == 2
    assert str(missing) in capsys.readouterr().err
