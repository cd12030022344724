"""What an EKS cluster's plan costs per month on AWS: which resources are billed, and for how much
of which price row (`prices.py`). Pure: reads plan resources, creates nothing.

Counts the EKS control plane, each managed node group (nodes from minSize to maxSize, and their
root volumes from the launch template), NAT gateways with their public IPv4 addresses, the KMS
key, the control-plane log group at its retention, EBS volumes and the ingress NLB.
"""

from __future__ import annotations

from collections.abc import Mapping

from components.cluster import pricing
from components.cluster.pricing import ClusterResources, CostResource, Usage, Volume, as_int, get_path

from .prices import PRICES

CLOUD = "aws"
# The input of the cloud provider resource that holds the region.
REGION_INPUT = "region"
PROVIDER_PACKAGE = "aws"
# A managed node group without a launch template gets a 20 GiB root volume:
# https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (diskSize)
DEFAULT_NODE_DISK_GIB = 20
DEFAULT_NODE_DISK_TYPE = "gp3"
# EBS CSI StorageClass name -> EBS volume type (the EKS module creates `gp3`).
STORAGE_CLASSES: Mapping[str, str] = {"gp3": "gp3", "gp2": "gp2"}

NOT_ESTIMATED = (
    "NAT gateway data processed (per GB)",
    "NLB capacity units (LCU-hours, by traffic)",
    "EBS snapshots, IOPS and throughput above gp3's included baseline",
    "KMS key rotations (each adds $1/month for the new backing key) and KMS requests",
)

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def usages(cluster: ClusterResources) -> list[Usage]:
    found: list[Usage] = []
    for eks in cluster.of_type("aws:eks/cluster:Cluster"):
        support = str(get_path(eks.inputs, "upgradePolicy", "supportType") or "STANDARD").lower()
        found.append(pricing.always_on(f"EKS control plane ({support} support)", "eks-cluster", support, 1, "cluster",
                               "control-plane"))
    for group in cluster.of_type(NODE_GROUP):
        found += _node_group(cluster, group)
    for nat in cluster.of_type("aws:ec2/natGateway:NatGateway"):
        found.append(pricing.always_on(f"NAT gateway {_short(cluster, nat)}", "nat-gateway", "-", 1, "gateway", "nat"))
    for eip in cluster.of_type("aws:ec2/eip:Eip"):
        found.append(pricing.always_on(f"public IPv4 {_short(cluster, eip)}", "public-ipv4", "-", 1, "address", "nat"))
    for key in cluster.of_type("aws:kms/key:Key"):
        found.append(Usage(f"KMS key {_short(cluster, key)}", "kms-key", "customer-managed",
                           1, 1, "1 key x 1 month", "key"))
    for group in cluster.of_type("aws:cloudwatch/logGroup:LogGroup"):
        found += _log_group(cluster, group)
    return found


def volume_usage(volume: Volume) -> Usage | None:
    volume_type = STORAGE_CLASSES.get(volume.storage_class or "gp3")
    return pricing.per_gib_volume(volume, "ebs-volume", volume_type) if volume_type else None


def load_balancer_usages(count: int, cluster: ClusterResources) -> list[Usage]:
    # The ingress Service carries the NLB annotation (profiles.py), so each is one NLB.
    return [pricing.always_on("ingress load balancer (NLB)", "elb-nlb", "-", count, "NLB", "load-balancer")]


def _short(cluster: ClusterResources, r: CostResource) -> str:
    return r.name.removeprefix(f"{cluster.name}-")


def _node_group(cluster: ClusterResources, group: CostResource) -> list[Usage]:
    pool = _short(cluster, group)
    types = group.inputs.get("instanceTypes") or ["?"]
    instance = str(types[0])
    low = as_int(get_path(group.inputs, "scalingConfig", "minSize"))
    high = as_int(get_path(group.inputs, "scalingConfig", "maxSize"), low)
    service = "ec2-spot" if group.inputs.get("capacityType") == "SPOT" else "ec2-instance"
    size, volume_type = _root_volume(cluster, group)
    return [pricing.node_hours(pool, service, instance, low, high),
            pricing.node_disks_per_gib(pool, "ebs-volume", volume_type, low, high, size)]


def _root_volume(cluster: ClusterResources, group: CostResource) -> tuple[int, str]:
    """The root volume of the group's nodes: its launch template's, else EKS's default."""
    for urn in group.dependencies:
        template = cluster.by_urn(urn)
        if template is None or template.type != LAUNCH_TEMPLATE:
            continue
        for mapping in template.inputs.get("blockDeviceMappings") or []:
            ebs = get_path(mapping, "ebs") or {}
            size = as_int(ebs.get("volumeSize"))
            if size:
                return size, str(ebs.get("volumeType") or DEFAULT_NODE_DISK_TYPE)
    size = as_int(group.inputs.get("diskSize"), DEFAULT_NODE_DISK_GIB)
    return size, DEFAULT_NODE_DISK_TYPE


def _log_group(cluster: ClusterResources, group: CostResource) -> list[Usage]:
    per_day = float(cluster.assumptions.get("logsGbPerDay", 0.0))
    retention = as_int(group.inputs.get("retentionInDays"))
    stored = per_day * retention  # steady state: `retention` days of logs are kept
    name = _short(cluster, group)
    return [
        pricing.log_ingestion(name, "cloudwatch-logs", per_day),
        Usage(f"logs {name}: {retention} d retention", "cloudwatch-logs", "storage", stored, stored,
              f"{per_day:g} GB/day (assumed) x {retention} d kept", "logs"),
    ]


__all__ = ["CLOUD", "NOT_ESTIMATED", "PRICES", "PROVIDER_PACKAGE", "REGION_INPUT", "load_balancer_usages",
           "usages", "volume_usage"]
