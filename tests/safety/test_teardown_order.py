"""`pulumi destroy` takes a stack down in an order that works.

The engine deletes a resource only after everything that depends on it is gone: the reverse of
the order `pulumi up` created them in. A resource depends on what its `dependencies` and
`propertyDependencies` name (a component standing for every custom resource inside it), on its
explicit `provider`, and on a custom `parent`. So with the transitive closure of those edges:
- every Helm release and every workload object waits for the cluster and its node pools, so it
  is deleted while the cluster and its nodes still run (the chart's hooks and the objects'
  finalizers get to run, and nothing is orphaned in a deleted cluster);
- the ingress controller's release, which owns the `LoadBalancer` Service and so the cloud load
  balancer, waits for the node pools and, on AWS, for every subnet, route, NAT gateway and the
  internet gateway: the load balancer is released before the network it sits in is deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pytest

from .project import DEV_STACKS, PROD_STACKS

CLUSTERS = (
    "aws:eks/cluster:Cluster",
    "gcp:container/cluster:Cluster",
    "azure-native:containerservice:ManagedCluster",
)
NODE_POOLS = (
    "aws:eks/nodeGroup:NodeGroup",
    "gcp:container/nodePool:NodePool",
    "azure-native:containerservice:AgentPool",
)
RELEASE = "kubernetes:helm.sh/v3:Release"
AWS_NETWORK = (
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/vpc:Vpc",
)


class DeleteOrder:
    """The delete order of a plan.json: which resources `pulumi destroy` removes only after a given one."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.resources = {r["urn"]: r for r in plan["resources"]}
        self.children: dict[str, list[str]] = {}
        for r in plan["resources"]:
            if r["parent"]:
                self.children.setdefault(r["parent"], []).append(r["urn"])

    def custom_inside(self, urn: str) -> set[str]:
        found, todo = set(), list(self.children.get(urn, []))
        while todo:
            child = todo.pop()
            if self.resources[child]["custom"]:
                found.add(child)
            todo.extend(self.children.get(child, []))
        return found

    def direct(self, urn: str) -> set[str]:
        r = self.resources[urn]
        named = set(r["dependencies"]) | {d for deps in r["propertyDependencies"].values() for d in deps}
        if r["provider"]:
            named.add(r["provider"])
        if r["parent"] and self.resources.get(r["parent"], {}).get("custom"):
            named.add(r["parent"])
        found: set[str] = set()
        for dep in named & set(self.resources):
            found |= {dep} if self.resources[dep]["custom"] else self.custom_inside(dep)
        return found - {urn}

    def outlives(self, urn: str) -> set[str]:
        """Every custom resource `pulumi destroy` deletes only after `urn` (transitively)."""
        seen: set[str] = set()
        todo = list(self.direct(urn))
        while todo:
            dep = todo.pop()
            if dep not in seen:
                seen.add(dep)
                todo.extend(self.direct(dep))
        return seen

    def of_type(self, *types: str) -> set[str]:
        return {u for u, r in self.resources.items() if r["type"] in types}


@cache
def _order(out: str, stack: str) -> DeleteOrder:
    import json
    from pathlib import Path

    return DeleteOrder(json.loads((Path(out) / stack / "plan.json").read_text()))


def order(preview_all: Any, stack: str) -> DeleteOrder:
    return _order(str(preview_all.out), stack)


def workload_objects(graph: DeleteOrder) -> set[str]:
    """The Kubernetes objects the services are made of (inside a Microservice) and their namespaces."""
    inside = set()
    for urn, r in graph.resources.items():
        if r["type"] == "skyfleet:workload:Microservice":
            inside |= graph.custom_inside(urn)
    namespaces = {u for u, r in graph.resources.items()
                  if r["type"] == "kubernetes:core/v1:Namespace" and "-ns-" in r["name"]}
    found = {u for u in inside | namespaces if graph.resources[u]["type"].startswith("kubernetes:")}
    assert found, "no workload objects found"
    return found


@pytest.mark.parametrize("stack", DEV_STACKS + PROD_STACKS)
def test_releases_and_workloads_are_deleted_before_the_node_pools_and_the_cluster(
    stack: str, preview_all: Any
) -> None:
    graph = order(preview_all, stack)
    (cluster,) = graph.of_type(*CLUSTERS)
    pools = graph.of_type(*NODE_POOLS)
    assert pools or stack.startswith("azure"), stack  # AKS's system pool is inside the cluster
    releases = graph.of_type(RELEASE)
    assert releases
    late = {}
    for urn in releases | workload_objects(graph):
        missing = ({cluster} | pools) - graph.outlives(urn)
        if missing:
            late[urn.rsplit("::", 1)[-1]] = sorted(m.rsplit("::", 1)[-1] for m in missing)
    assert late == {}, "deleted no earlier than these cluster parts: " + repr(late)


@pytest.mark.parametrize("stack", DEV_STACKS + PROD_STACKS)
def test_the_load_balancer_goes_before_the_network_it_sits_in(stack: str, preview_all: Any) -> None:
    graph = order(preview_all, stack)
    (ingress,) = [u for u in graph.of_type(RELEASE) if graph.resources[u]["name"].endswith("-ingress-release")]
    outlived = graph.outlives(ingress)
    assert graph.of_type(*NODE_POOLS) <= outlived
    if stack.startswith("aws"):
        network = graph.of_type(*AWS_NETWORK)
        assert graph.of_type("aws:ec2/subnet:Subnet") and graph.of_type("aws:ec2/natGateway:NatGateway")
        assert sorted(u.rsplit("::", 1)[-1] for u in network - outlived) == []
