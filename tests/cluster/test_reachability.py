"""components/cluster/reachability.py: which deployer reaches which API endpoint (pure)."""

from __future__ import annotations

import ipaddress

import pytest

from components.cluster import EndpointArgs
from components.cluster.args import ClusterArgs, ExistingClusterArgs
from components.cluster.reachability import DeployerView, unreachable

from .harness import cluster_args

PRIVATE = EndpointArgs()
DEV_ALLOW_LIST = EndpointArgs(public=True, public_access_cidrs=("203.0.113.0/24",))


def deployer(network: str, *cidrs: str) -> DeployerView:
    return DeployerView(network, tuple(ipaddress.IPv4Network(c) for c in cidrs))  # type: ignore[arg-type]


def cluster(cloud: str, endpoint: EndpointArgs = PRIVATE) -> ClusterArgs:
    return cluster_args(cloud, endpoint=endpoint)


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_a_private_endpoint_is_unreachable_from_the_internet(cloud: str) -> None:
    reason = unreachable(cluster(cloud), deployer("internet", "198.51.100.0/24"))
    assert reason and "private" in reason and "network: cluster" in reason


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_a_public_allow_list_admits_egress_ranges_inside_it(cloud: str) -> None:
    assert unreachable(cluster(cloud, DEV_ALLOW_LIST), deployer("internet", "203.0.113.0/24")) is None
    assert unreachable(cluster(cloud, DEV_ALLOW_LIST), deployer("internet", "203.0.113.64/26")) is None


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_a_public_allow_list_refuses_egress_ranges_outside_or_wider(cloud: str) -> None:
    outside = unreachable(cluster(cloud, DEV_ALLOW_LIST), deployer("internet", "198.51.100.7/32"))
    assert outside and "198.51.100.7/32" in outside and "203.0.113.0/24" in outside
    wider = unreachable(cluster(cloud, DEV_ALLOW_LIST), deployer("internet", "203.0.112.0/23"))
    assert wider and "203.0.112.0/23" in wider


def test_an_allow_list_with_no_declared_egress_is_unreachable() -> None:
    reason = unreachable(cluster("gcp", DEV_ALLOW_LIST), deployer("internet"))
    assert reason and "egressCidrs is empty" in reason


def test_inside_the_vpc_eks_still_needs_a_cluster_security_group_rule() -> None:
    vpc = cluster("aws").network.vpc_cidr
    reason = unreachable(cluster("aws"), deployer("cluster", vpc))
    assert reason and "cluster security group" in reason
    opened = cluster("aws", EndpointArgs(private_access_cidrs=(vpc,)))
    assert unreachable(opened, deployer("cluster", vpc)) is None


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_inside_the_network_gke_and_aks_admit_their_own_range(cloud: str) -> None:
    vpc = ipaddress.IPv4Network(cluster(cloud).network.vpc_cidr)
    runner_subnet = str(next(vpc.subnets(new_prefix=24)))
    assert unreachable(cluster(cloud), deployer("cluster", runner_subnet)) is None
    peered = unreachable(cluster(cloud), deployer("cluster", "10.250.0.0/24"))
    assert peered and "10.250.0.0/24" in peered
    admitted = cluster(cloud, EndpointArgs(private_access_cidrs=("10.250.0.0/24",)))
    assert unreachable(admitted, deployer("cluster", "10.250.0.0/24")) is None


def test_more_than_50_gke_authorized_networks_is_refused() -> None:
    cidrs = tuple(f"10.250.{i}.0/24" for i in range(50))  # plus the VPC range: 51
    reason = unreachable(cluster("gcp", EndpointArgs(private_access_cidrs=cidrs)), deployer("cluster", "10.250.0.0/24"))
    assert reason and "51 master authorized networks" in reason and "50" in reason
    assert unreachable(cluster("gcp", EndpointArgs(private_access_cidrs=cidrs[:49])),
                       deployer("cluster", "10.250.0.0/24")) is None


def test_an_existing_cluster_and_a_workstation_are_not_judged() -> None:
    existing = ClusterArgs(name="local", cloud="existing", existing=ExistingClusterArgs())
    assert unreachable(existing, deployer("internet")) is None
    assert unreachable(cluster("aws"), deployer("workstation")) is None
