"""GKE node pools, one per pool: autoscaled by GKE itself, auto-repaired and auto-upgraded.

Nodes use the metadata server in GKE_METADATA mode (pods see only their own Workload Identity,
never the node's account), Shielded VM secure boot and integrity monitoring, and COS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pulumi
import pulumi_gcp as gcp

from ..args import NodePoolArgs, node_labels, node_taints
from ..base import ClusterComponent
from ..tags import resource_tags
from .cloud import CLOUD
from .iam import CLOUD_PLATFORM_SCOPE, metadata_mode

# GKE's autoscaler owns the node count once a pool exists.
NODE_POOL_IGNORE_CHANGES = ["nodeCount", "initialNodeCount"]


def node_pools(
    c: ClusterComponent,
    cluster: gcp.container.Cluster,
    service_account: pulumi.Input[str],
    depends_on: Sequence[pulumi.Resource],
) -> list[gcp.container.NodePool]:
    return [
        _node_pool(c, name, pool, cluster, service_account, depends_on)
        for name, pool in c.args.node_pools.items()
    ]


def node_config(
    c: ClusterComponent, pool: NodePoolArgs, pool_name: str, service_account: pulumi.Input[str]
) -> gcp.container.NodePoolNodeConfigArgs:
    return gcp.container.NodePoolNodeConfigArgs(
        machine_type=CLOUD.machine_type(pool.size, pool.machine_type),
        disk_size_gb=pool.disk_size_gb,
        disk_type="pd-balanced",
        image_type="COS_CONTAINERD",
        service_account=service_account,
        # Access is governed by the account's IAM roles; the scope only stops being a second,
        # coarser gate (Google's recommendation).
        oauth_scopes=[CLOUD_PLATFORM_SCOPE],
        spot=pool.spot,
        labels=node_labels(pool_name, pool),
        taints=[
            gcp.container.NodePoolNodeConfigTaintArgs(
                key=t.key, value=t.value, effect=t.effect_constant
            )
            for t in node_taints(pool)
        ],
        workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
            mode=metadata_mode(c.args.workload_identity)
        ),
        shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_integrity_monitoring=True
        ),
        metadata={"disable-legacy-endpoints": "true"},
        resource_labels=resource_tags(c.args),
    )


def _node_pool(
    c: ClusterComponent,
    pool_name: str,
    pool: NodePoolArgs,
    cluster: gcp.container.Cluster,
    service_account: pulumi.Input[str],
    depends_on: Sequence[pulumi.Resource],
) -> gcp.container.NodePool:
    zones = max(len(c.args.zones), 1)
    return gcp.container.NodePool(
        f"{c.args.name}-{pool_name}",
        # The pool's key is its GKE name (and its cloud.google.com/gke-nodepool label). A change
        # GKE cannot make in place is a delete-then-create under the same name: to swap a pool
        # without losing capacity, add a new key, then remove the old one.
        name=pool_name,
        cluster=cluster.id,
        location=c.args.region,
        # Per zone; the totals below are what the autoscaler keeps.
        initial_node_count=max(1, math.ceil(pool.min_size / zones)),
        autoscaling=gcp.container.NodePoolAutoscalingArgs(
            total_min_node_count=pool.min_size,
            total_max_node_count=pool.max_size,
            location_policy="BALANCED",
        ),
        management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
        upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(
            strategy="SURGE", max_surge=1, max_unavailable=0
        ),
        node_config=node_config(c, pool, pool_name, service_account),
        opts=c.child(
            depends_on=depends_on,
            ignore_changes=NODE_POOL_IGNORE_CHANGES,
            delete_before_replace=True,
        ),
    )
