"""AKS node pools: every pool is its own AgentPool resource, the first system pool included.

AKS needs a system pool to create a cluster, so the first system pool is also the cluster's
inline `agentPoolProfiles`, sent only to create it: once the cluster exists the program sends no
profiles at all, and no pool is ever changed through the cluster. Ignoring the profiles instead
would resend the creation-time list on every cluster update, and once that pool is gone AKS
refuses it ("A new agent pool was introduced...", pulumi-azure-native#2719; #579, #1686); a
cluster update without profiles succeeds and deletes no pool (the maintainers' trial in #579).
As the Azure Verified Module for AKS does, pools are managed as separate resources, so "add a
new pool, then remove the old one" works for every pool.

Adopting the inline pool: ARM's agentPools PUT is create-or-update, but azure-native GETs a
resource before creating it and refuses one that exists ("cannot create already existing
resource", pulumi-azure-native provider/pkg/provider/crud/crud.go `CanCreate`, called from
provider.go `defaultCreate`). So each `pulumi up` reads the live cluster first (a synchronous
`getManagedCluster`; only ARM's ResourceNotFound / ResourceGroupNotFound mean a first create)
and gives the bootstrap pool's AgentPool, and only it, the `import` option: it is imported into
the stack on the first deploy after the cluster exists, then updated like any other (the
engine reconciles an imported resource's differences with an update since pulumi/pulumi#19339;
docs: pulumi/docs#16580, #18198). The engine re-imports, deleting the pool as an
import-replacement, whenever the import ID is not the exact string it stored (pulumi/pulumi
pkg/resource/deploy/step_generator.go, `oldImportID != goal.ID`), and ARM ids are
case-insensitive: AKS may return `resourcegroups` lower-cased (terraform-provider-azurerm parses
agent pool ids insensitively for this). So the id is built from one fixed template, never taken
from a GET, and pools the program created itself get no `import` at all.
One function describes a pool for both forms, so they cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import authorization, containerservice

from ..args import NodePoolArgs, Taint, node_labels, node_taints
from ..base import ClusterComponent
from .cloud import CLOUD

# AKS taints spot nodes itself; stating it keeps the taint list from showing drift.
# https://learn.microsoft.com/azure/aks/spot-node-pool
SPOT_TAINT = Taint(key="kubernetes.azure.com/scalesetpriority", value="spot", effect="NoSchedule")
# The cluster autoscaler owns the node count once a pool exists.
AGENT_POOL_IGNORE_CHANGES = ["count"]
# The ARM error codes of a GET whose cluster or resource group does not exist; any other error
# (SubscriptionNotFound, AuthorizationFailed, throttling, other 404s) stops the program.
# https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found
NOT_FOUND = re.compile(r"\b(ResourceNotFound|ResourceGroupNotFound)\b")
# The id azure-native gives an AgentPool (its `pulumi import` form, @pulumi/azure-native
# containerservice/agentPool.d.ts "Import"): the same string on every deploy.
AGENT_POOL_ID = (
    "/subscriptions/{subscription}/resourceGroups/{group}/providers/"
    "Microsoft.ContainerService/managedClusters/{cluster}/agentPools/{pool}"
)


@dataclass(frozen=True)
class LivePools:
    """What AKS has before this deploy: whether the cluster exists, its pools' names, and the
    import id of its bootstrap pool when that pool is live."""

    cluster_exists: bool = False
    names: frozenset[str] = frozenset()
    bootstrap_id: str | None = None


class LiveReadError(RuntimeError):
    """Reading the live cluster failed for a reason other than its absence."""


def _absent(exc: Exception) -> bool:
    return NOT_FOUND.search(str(exc)) is not None


def live_pools(c: ClusterComponent, resource_group: str, cluster: str) -> LivePools:
    """The cluster's live pools (none before its first `pulumi up`); any failure other than
    "cluster or group not found" stops the program rather than plan the adopted pool away."""
    opts = pulumi.InvokeOptions(parent=c, provider=c.cloud_provider)
    try:
        live = containerservice.get_managed_cluster(
            resource_group_name=resource_group, resource_name=cluster, opts=opts
        )
    except Exception as exc:
        if _absent(exc):
            return LivePools()
        raise LiveReadError(
            f"cluster {c.args.name!r}: reading AKS cluster {cluster!r} in resource group "
            f"{resource_group!r} failed, and only ResourceNotFound or ResourceGroupNotFound "
            f"means it does not exist yet; fix access and run again: {exc}"
        ) from exc
    names = frozenset(str(p.name) for p in live.agent_pool_profiles or [])
    first = bootstrap_pool(c)
    bootstrap_id = None
    if first in names:
        subscription = authorization.get_client_config(opts=opts).subscription_id
        bootstrap_id = AGENT_POOL_ID.format(
            subscription=subscription, group=resource_group, cluster=cluster, pool=first
        )
    return LivePools(cluster_exists=True, names=names, bootstrap_id=bootstrap_id)


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
    resource_group_name: str,
    subnet_id: pulumi.Input[str],
    live: LivePools,
    depends_on: Sequence[pulumi.Resource] = (),
) -> list[containerservice.AgentPool]:
    """Every pool as its own resource (system pools in mode System); the live bootstrap pool is
    imported (a no-op once it is in the stack: the same id every time); the inline pool of a
    cluster being created waits."""
    first = bootstrap_pool(c)
    return [
        containerservice.AgentPool(
            f"{c.args.name}-{name}",
            # The pool's key is its AKS name: a change AKS cannot make in place is a delete
            # then create; to swap without losing capacity, add a new key, then remove the old.
            agent_pool_name=name,
            resource_name_=cluster.name,  # waits for the cluster
            resource_group_name=resource_group_name,
            **pool_fields(c, name, pool, subnet_id),
            opts=pulumi.ResourceOptions.merge(
                c.child(
                    depends_on=depends_on,
                    ignore_changes=AGENT_POOL_IGNORE_CHANGES,
                    delete_before_replace=True,
                ),
                pulumi.ResourceOptions(import_=live.bootstrap_id if name == first else None),
            ),
        )
        for name, pool in c.args.node_pools.items()
        if live.cluster_exists or name != first
    ]
