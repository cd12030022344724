"""The cloud-neutral estimator (skyfleet/analysis/cost.py) on small hand-written plans."""

from __future__ import annotations

from typing import Any

import pytest

from components.cluster.pricing import ClusterResources
from skyfleet.analysis.cost import estimate_plan, gib, load_balancers, volumes

CLUSTER = "urn:pulumi:s::p::skyfleet:cluster:EksCluster::c1"
PROVIDER = f"{CLUSTER}$pulumi:providers:aws::c1-aws"


def _resource(type_: str, name: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    urn = extra.pop("urn", f"urn:pulumi:s::p::skyfleet:cluster:EksCluster${type_}::{name}")
    return {"urn": urn, "type": type_, "name": name, "parent": CLUSTER, "provider": PROVIDER,
            "inputs": inputs, "dependencies": [], **extra}


def _plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"stack": "s", "resources": [
        {"urn": CLUSTER, "type": "skyfleet:cluster:EksCluster", "name": "c1", "parent": None,
         "provider": None, "inputs": {}},
        {"urn": PROVIDER, "type": "pulumi:providers:aws", "name": "c1-aws", "parent": CLUSTER,
         "provider": None, "inputs": {"region": "us-east-1"}},
        *resources,
    ]}


def _node_group(instance: str, low: int, high: int) -> dict[str, Any]:
    return _resource("aws:eks/nodeGroup:NodeGroup", "c1-general",
                     {"instanceTypes": [instance], "scalingConfig": {"minSize": low, "maxSize": high}})


@pytest.mark.parametrize(("quantity", "expected"), [
    ("50Gi", 50.0), ("512Mi", 0.5), ("1Ti", 1024.0), ("1073741824", 1.0), (10, 10 / 2**30),
])
def test_storage_quantities_are_read_in_gib(quantity: Any, expected: float) -> None:
    assert gib(quantity) == pytest.approx(expected)


def test_a_storage_quantity_that_is_not_one_is_none() -> None:
    assert gib("lots") is None


def test_a_node_pool_costs_its_hourly_row_times_730_hours_from_min_to_max_size() -> None:
    line = estimate_plan(_plan(_node_group("m7i.large", 2, 4))).lines[0]
    assert (line.min_usd, line.max_usd) == (pytest.approx(2 * 0.1008 * 730), pytest.approx(4 * 0.1008 * 730))
    assert line.price == "aws:ec2-instance/m7i.large@us-east-1"


def test_a_row_without_a_figure_makes_the_line_unknown_and_leaves_it_out_of_the_totals() -> None:
    e = estimate_plan(_plan(_node_group("m7i.2xlarge", 1, 2)))
    nodes = e.lines[0]
    assert (nodes.status, nodes.min_usd, nodes.max_usd) == ("unknown", None, None)
    assert e.max_usd == pytest.approx(sum(line.max_usd or 0 for line in e.lines[1:]))
    assert e.to_json()["unknownLines"] == 1


def test_the_drivers_are_the_three_lines_with_the_largest_maximum() -> None:
    e = estimate_plan(_plan(
        _node_group("m7i.xlarge", 1, 5),
        _resource("aws:ec2/natGateway:NatGateway", "c1-nat-a", {}),
        _resource("aws:kms/key:Key", "c1-secrets", {}),
        _resource("aws:eks/cluster:Cluster", "c1", {}),
    ))
    assert [line.item for line in e.drivers()] == [
        "node pool general: 1..5 x m7i.xlarge", "EKS control plane (standard support)", "NAT gateway nat-a",
    ]


def test_an_existing_cluster_is_listed_as_not_billed_by_the_stack() -> None:
    plan = {"stack": "s", "resources": [{"urn": "u", "type": "skyfleet:cluster:ExistingCluster", "name": "kind",
                                         "parent": None, "provider": None, "inputs": {}}]}
    e = estimate_plan(plan)
    assert (e.lines, e.unpriced_clusters) == ((), ("kind",))


def _cluster(helm_values: list[dict[str, Any]], manifests: list[dict[str, Any]] = ()) -> ClusterResources:
    return ClusterResources("c1", "aws", "us-east-1", [], helm_values, list(manifests))


def test_a_claim_template_is_counted_once_per_replica_of_the_spec_that_holds_it() -> None:
    values = {"prometheus": {"prometheusSpec": {"replicas": 2, "storageSpec": {"volumeClaimTemplate": {
        "spec": {"storageClassName": "gp3", "resources": {"requests": {"storage": "50Gi"}}}}}}}}
    (volume,) = volumes(_cluster([values]))
    assert (volume.item, volume.storage_class, volume.gib, volume.replicas) == ("prometheus", "gp3", 50.0, 2)


def test_a_persistence_block_counts_only_when_enabled() -> None:
    on = {"loki": {"singleBinary": {"replicas": 3, "persistence": {"enabled": True, "size": "10Gi"}}}}
    off = {"grafana": {"persistence": {"enabled": False, "size": "10Gi"}}}
    assert [(v.item, v.replicas, v.gib) for v in volumes(_cluster([on, off]))] == [("singleBinary", 3, 10.0)]


def test_load_balancers_are_services_of_type_load_balancer_in_values_and_manifests() -> None:
    service = {"kind": "Service", "spec": {"type": "LoadBalancer"}}
    cluster_ip = {"kind": "Service", "spec": {"type": "ClusterIP"}}
    values = {"service": {"type": "LoadBalancer"}, "metrics": {"service": {"type": "ClusterIP"}}}
    assert load_balancers(_cluster([values], [service, cluster_ip])) == 2


def test_each_cluster_has_its_own_subtotal() -> None:
    e = estimate_plan(_plan(_node_group("m7i.large", 2, 4)))
    assert e.to_json()["clusters"] == {"c1": {"minUsd": round(e.min_usd, 2), "maxUsd": round(e.max_usd, 2)}}
