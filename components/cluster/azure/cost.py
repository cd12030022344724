"""What an AKS cluster's plan costs per month on Azure: which resources are billed, and for how
much of which price row (`prices.py`). Pure: reads plan resources, creates nothing.

Counts the AKS tier fee, each agent pool (nodes from minCount to maxCount and their managed OS
disks, billed per size tier), the cluster's Standard load balancer with its outbound public IP,
managed disks for volumes, one more public IP per LoadBalancer Service, and Log Analytics
ingestion at the assumed daily volume.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.cluster import pricing
from components.cluster.pricing import ClusterResources, Usage, Volume, as_int, get_path

from .prices import PRICES

CLOUD = "azure"
# The input of the cloud provider resource that holds the region.
REGION_INPUT = "location"
PROVIDER_PACKAGE = "azure-native"
# Managed disk size tiers (GiB): a disk is billed as the smallest tier that holds it.
# https://learn.microsoft.com/azure/virtual-machines/disks-types#premium-ssd-size
TIER_SIZES_GIB = (4, 8, 16, 32, 64, 128, 256, 512)
PREMIUM_TIERS = ("P1", "P2", "P3", "P4", "P6", "P10", "P15", "P20")
STANDARD_SSD_TIERS = ("E1", "E2", "E3", "E4", "E6", "E10", "E15", "E20")
# AKS's CSI StorageClass name -> the disk family its volumes are created in.
STORAGE_CLASSES: Mapping[str, tuple[str, ...]] = {
    "managed-csi": STANDARD_SSD_TIERS,
    "default": STANDARD_SSD_TIERS,
    "managed-csi-premium": PREMIUM_TIERS,
    "managed-premium": PREMIUM_TIERS,
}

NOT_ESTIMATED = (
    "load balancer rules beyond the first five and data processed (per GB)",
    "Key Vault key operations (software keys are billed per 10,000 operations)",
    "Log Analytics retention beyond the workspace's included days",
    "managed disk transactions",
)


def disk_tier(gib: float, tiers: tuple[str, ...]) -> str:
    """The tier a disk of `gib` is billed as (the largest listed when it is bigger still)."""
    for size, tier in zip(TIER_SIZES_GIB, tiers, strict=True):
        if gib <= size:
            return tier
    return tiers[-1]


def usages(cluster: ClusterResources) -> list[Usage]:
    found: list[Usage] = []
    for aks in cluster.of_type("azure-native:containerservice:ManagedCluster"):
        tier = str(get_path(aks.inputs, "sku", "tier") or "Free").lower()
        found.append(
            pricing.always_on(f"AKS control plane ({tier} tier)", "aks-cluster", tier, 1, "cluster", "control-plane")
        )
        for profile in aks.inputs.get("agentPoolProfiles") or []:
            found += _pool(str(profile.get("name") or "system"), profile)
        if str(get_path(aks.inputs, "networkProfile", "loadBalancerSku") or "standard").lower() == "standard":
            found += [
                pricing.always_on("cluster load balancer (Standard)", "load-balancer", "standard", 1, "load balancer",
                                  "load-balancer"),
                pricing.always_on("outbound public IP", "public-ip", "standard-static-ipv4", 1, "address", "nat"),
            ]
    for pool in cluster.of_type("azure-native:containerservice:AgentPool"):
        found += _pool(str(pool.inputs.get("agentPoolName") or pool.name), pool.inputs)
    per_day = float(cluster.assumptions.get("logsGbPerDay", 0.0))
    for workspace in cluster.of_type("azure-native:operationalinsights:Workspace"):
        name = workspace.name.removeprefix(f"{cluster.name}-")
        found.append(pricing.log_ingestion(name, "log-analytics", per_day))
    return found


def volume_usage(volume: Volume) -> Usage | None:
    tiers = STORAGE_CLASSES.get(volume.storage_class or "default")
    if tiers is None:
        return None
    tier = disk_tier(volume.gib, tiers)
    return Usage(f"volume {volume.item}", "managed-disk", tier, volume.replicas, volume.replicas,
                 f"{volume.replicas} x {volume.gib:g} GiB as {tier}", "volume")


def load_balancer_usages(count: int, cluster: ClusterResources) -> list[Usage]:
    # A LoadBalancer Service adds a frontend (a public IP) and rules to the cluster's own load
    # balancer, counted in `usages`; the address is what it adds to the bill.
    return [pricing.always_on("ingress public IP", "public-ip", "standard-static-ipv4", count, "address",
                              "load-balancer")]


def _pool(name: str, profile: Mapping[str, Any]) -> list[Usage]:
    size = str(profile.get("vmSize") or "?")
    count = as_int(profile.get("count"), 1)
    low = as_int(profile.get("minCount"), count) if profile.get("enableAutoScaling") else count
    high = as_int(profile.get("maxCount"), low) if profile.get("enableAutoScaling") else count
    disk_gib = as_int(profile.get("osDiskSizeGB"), 128)
    # Sizes with a premium-storage 's' (D4s_v5) get Premium SSD managed OS disks.
    tiers = PREMIUM_TIERS if "s_" in size or size.endswith("s") else STANDARD_SSD_TIERS
    tier = disk_tier(disk_gib, tiers)
    return [
        pricing.node_hours(name, "virtual-machine", size, low, high),
        Usage(f"node disks {name}: {low}..{high} x {disk_gib} GiB as {tier}", "managed-disk", tier,
              low, high, f"{low}..{high} disks x 1 month", "disk"),
    ]


__all__ = ["CLOUD", "NOT_ESTIMATED", "PRICES", "PROVIDER_PACKAGE", "REGION_INPUT", "load_balancer_usages",
           "usages", "volume_usage"]
