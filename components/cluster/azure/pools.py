"""AKS node pools: the first system pool is created with the cluster (AKS needs one inline to
create it); every other pool, system pools included, is an AgentPool resource. One function
describes a pool for both, so the two forms cannot drift apart.

The cluster's `agentPoolProfiles` therefore always lists that one pool: AKS refuses a pool
added to or removed from an existing cluster's profiles ("A new agent pool was introduced...",
pulumi-azure-native#579, #2719), so a new system pool is an AgentPool in mode System, and "add
a new pool, then remove the old one" works for every pool but the first. The first pool's
mutable settings (sizes, labels, taints, its Kubernetes version) update through the cluster; its
VM size cannot change, and it stays until deleted with `az aks nodepool delete` once another
system pool runs (docs/clusters.md). It cannot be adopted by an AgentPool of the same name in
the same deployment: azure-native refuses to create a resource that already exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi_azure_native import containerservice

from ..args import NodePoolArgs, Taint, node_labels, node_taints
from ..base import ClusterComponent
from .cloud import CLOUD

# AKS taints spot nodes itself; stating it keeps the taint list from showing drift.
# https://learn.microsoft.com/azure/aks/spot-node-pool
SPOT_TAINT = Taint(key="kubernetes.azure.com/scalesetpriority", value="spot", effect="NoSchedule")
# The cluster autoscaler owns the node count once a pool exists.
AGENT_POOL_IGNORE_CHANGES = ["count"]
CLUSTER_POOL_IGNORE_CHANGES = ["agentPoolProfiles[*].count"]


def pool_fields(
    c: ClusterComponent, pool_name: str, pool: NodePoolArgs, subnet_id: pulumi.Input[str]
) -> dict[str, Any]:
    taints = node_taints(pool) + ((SPOT_TAINT,) if pool.spot else ())
    fields: dict[str, Any] = {
        "mode": "System" if pool.system else "User",
        "vm_size": CLOUD.machine_type(pool.size, pool.machine_type),
        "orchestrator_version": c.args.version,
        "os_type": "Linux",
        "os_sku": "AzureLinux",
        "type": "VirtualMachineScaleSets",
        "availability_zones": list(c.args.zones),
        "vnet_subnet_id": subnet_id,
        "enable_node_public_ip": False,
        "enable_auto_scaling": True,
        "count": pool.min_size,
        "min_count": pool.min_size,
        "max_count": pool.max_size,
        "os_disk_size_gb": pool.disk_size_gb,
        "node_labels": node_labels(pool_name, pool),
        "node_taints": [str(t) for t in taints],
        # A third of the pool is surged at a time on upgrades (AKS's own default is 10%).
        "upgrade_settings": containerservice.AgentPoolUpgradeSettingsArgs(max_surge="33%"),
    }
    if pool.spot:
        fields.update(
            scale_set_priority="Spot",
            scale_set_eviction_policy="Delete",
            spot_max_price=-1,  # pay up to the on-demand price: evicted for capacity only
        )
    return fields


def bootstrap_pool(c: ClusterComponent) -> str:
    """The pool created inline with the cluster: the first system pool."""
    return next(name for name, pool in c.args.node_pools.items() if pool.system)


def bootstrap_profile(
    c: ClusterComponent, subnet_id: pulumi.Input[str]
) -> list[containerservice.ManagedClusterAgentPoolProfileArgs]:
    name = bootstrap_pool(c)
    return [
        containerservice.ManagedClusterAgentPoolProfileArgs(
            name=name, **pool_fields(c, name, c.args.node_pools[name], subnet_id)
        )
    ]


def agent_pools(
    c: ClusterComponent,
    cluster: containerservice.ManagedCluster,
    resource_group_name: pulumi.Input[str],
    subnet_id: pulumi.Input[str],
    depends_on: Sequence[pulumi.Resource] = (),
) -> list[containerservice.AgentPool]:
    """Every pool but the bootstrap one, as its own resource (system pools in mode System)."""
    first = bootstrap_pool(c)
    return [
        containerservice.AgentPool(
            f"{c.args.name}-{name}",
            # The pool's key is its AKS name: a change AKS cannot make in place is a delete
            # then create; to swap without losing capacity, add a new key, then remove the old.
            agent_pool_name=name,
            resource_name_=cluster.name,
            resource_group_name=resource_group_name,
            **pool_fields(c, name, pool, subnet_id),
            opts=c.child(
                depends_on=depends_on,
                ignore_changes=AGENT_POOL_IGNORE_CHANGES,
                delete_before_replace=True,
            ),
        )
        for name, pool in c.args.node_pools.items()
        if name != first
    ]
