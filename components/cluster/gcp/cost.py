"""What a GKE cluster's plan costs per month on Google Cloud: which resources are billed, and for
how much of which price row (`prices.py`). Pure: reads plan resources, creates nothing.

Counts the cluster management fee, each node pool (nodes from the autoscaler's total minimum to
its total maximum, and their boot disks), Cloud NAT (billed per VM it serves), the Cloud KMS key,
persistent disks and the ingress load balancer's forwarding rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from components.cluster import pricing
from components.cluster.pricing import HOURS_PER_MONTH, ClusterResources, CostResource, Usage, Volume, as_int, get_path

from .prices import PRICES

CLOUD = "gcp"
# The input of the cloud provider resource that holds the region.
REGION_INPUT = "region"
PROVIDER_PACKAGE = "gcp"
# Cloud NAT's uptime SKU is per VM served, capped at 32 VMs per gateway (prices.py, NAT_CATALOG).
NAT_VM_CAP = 32
DEFAULT_BOOT_DISK_GIB = 100  # GKE's default node boot disk
# GKE's CSI StorageClass name -> Persistent Disk type.
STORAGE_CLASSES: Mapping[str, str] = {
    "standard-rwo": "pd-balanced",
    "premium-rwo": "pd-ssd",
    "standard": "pd-standard",
}

NOT_ESTIMATED = (
    "Cloud NAT data processed (per GB)",
    "load balancer data processed (per GB)",
    "Cloud Logging ingestion beyond the free allotment, and retention beyond 30 days",
    "Cloud KMS key versions added by rotation (each active version is billed) and KMS operations",
    "the GKE free-tier credit (zonal and Autopilot clusters only; not deducted here)",
)

NODE_POOL = "gcp:container/nodePool:NodePool"


def usages(cluster: ClusterResources) -> list[Usage]:
    found: list[Usage] = []
    zones = 1
    for gke in cluster.of_type("gcp:container/cluster:Cluster"):
        zones = max(1, len(gke.inputs.get("nodeLocations") or []))
        found.append(pricing.always_on("GKE cluster management fee", "gke-cluster", "standard", 1, "cluster",
                                       "control-plane"))
    low_nodes = high_nodes = 0
    for pool in cluster.of_type(NODE_POOL):
        pool_usages, low, high = _node_pool(pool, zones)
        found += pool_usages
        low_nodes += low
        high_nodes += high
    for nat in cluster.of_type("gcp:compute/routerNat:RouterNat"):
        low, high = min(low_nodes, NAT_VM_CAP), min(high_nodes, NAT_VM_CAP)
        found.append(Usage(f"Cloud NAT {nat.name.removeprefix(f'{cluster.name}-')}", "cloud-nat",
                           "gateway-uptime", low * HOURS_PER_MONTH, high * HOURS_PER_MONTH,
                           f"{low}..{high} VMs served x 730 h", "nat"))
    for key in cluster.of_type("gcp:kms/cryptoKey:CryptoKey"):
        found.append(Usage(f"Cloud KMS key {key.name.removeprefix(f'{cluster.name}-')}", "cloud-kms",
                           "software-key-version", 1, 1, "1 active key version x 1 month", "key"))
    return found


def volume_usage(volume: Volume) -> Usage | None:
    disk = STORAGE_CLASSES.get(volume.storage_class or "standard-rwo")
    return pricing.per_gib_volume(volume, "persistent-disk", disk) if disk else None


def load_balancer_usages(count: int, cluster: ClusterResources) -> list[Usage]:
    # A LoadBalancer Service on GKE is an external passthrough Network LB: one forwarding rule.
    return [pricing.always_on("ingress load balancer (forwarding rule)", "network-lb", "forwarding-rule", count,
                              "rule", "load-balancer")]


def _node_pool(pool: CostResource, zones: int) -> tuple[list[Usage], int, int]:
    name = str(pool.inputs.get("name") or pool.name)
    machine = str(get_path(pool.inputs, "nodeConfig", "machineType") or "?")
    scaling = pool.inputs.get("autoscaling") or {}
    if "totalMinNodeCount" in scaling or "totalMaxNodeCount" in scaling:
        low = as_int(scaling.get("totalMinNodeCount"))
        high = as_int(scaling.get("totalMaxNodeCount"), low)
    else:  # per-zone limits: GKE keeps them in every zone of the pool
        low = as_int(scaling.get("minNodeCount"), as_int(pool.inputs.get("nodeCount"), 1)) * zones
        high = as_int(scaling.get("maxNodeCount"), low // zones) * zones
    service = "compute-spot" if get_path(pool.inputs, "nodeConfig", "spot") else "compute-instance"
    size = as_int(get_path(pool.inputs, "nodeConfig", "diskSizeGb"), DEFAULT_BOOT_DISK_GIB)
    disk = str(get_path(pool.inputs, "nodeConfig", "diskType") or "pd-balanced")
    return [pricing.node_hours(name, service, machine, low, high),
            pricing.node_disks_per_gib(name, "persistent-disk", disk, low, high, size)], low, high


__all__ = ["CLOUD", "NOT_ESTIMATED", "PRICES", "PROVIDER_PACKAGE", "REGION_INPUT", "load_balancer_usages",
           "usages", "volume_usage"]
