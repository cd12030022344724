"""Which resources a change would replace, told from two plans before any cloud is touched.

A replacement is the change that hurts: a replaced cluster loses every workload, a replaced
Kubernetes provider replaces every object it manages. The rules mirror the providers':
- `pulumi:providers:kubernetes` is replaced only when `clusterIdentifier` changes (when it is
  set; otherwise any kubeconfig change may replace it, so Skyfleet always sets it);
- a resource whose provider is replaced is replaced;
- a Kubernetes object is replaced when its name, namespace or an immutable field changes;
- a cloud resource is replaced when one of its create-only inputs changes (table below, taken
  from each provider's schema: the inputs documented as "Changing this forces a new resource");
- any input listed in the resource's `replaceOnChanges` option.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

K8S_PROVIDER = "pulumi:providers:kubernetes"
CLUSTER_TYPES = frozenset(
    {
        "aws:eks/cluster:Cluster",
        "gcp:container/cluster:Cluster",
        "azure-native:containerservice:ManagedCluster",
    }
)
# Create-only inputs of the resources that hold a cluster or its data.
CREATE_ONLY: Mapping[str, tuple[str, ...]] = {
    "aws:eks/cluster:Cluster": ("name", "roleArn", "vpcConfig.subnetIds", "kubernetesNetworkConfig",
                                "outpostConfig", "bootstrapSelfManagedAddons"),
    "aws:eks/nodeGroup:NodeGroup": ("clusterName", "nodeGroupName", "subnetIds", "amiType",
                                    "capacityType", "diskSize", "instanceTypes", "nodeRoleArn"),
    "aws:ec2/vpc:Vpc": ("cidrBlock",),
    "aws:ec2/subnet:Subnet": ("vpcId", "cidrBlock", "availabilityZone"),
    "aws:kms/key:Key": ("customerMasterKeySpec", "keyUsage"),
    "gcp:container/cluster:Cluster": ("name", "location", "project", "network", "subnetwork",
                                      "ipAllocationPolicy", "privateClusterConfig.masterIpv4CidrBlock"),
    "gcp:container/nodePool:NodePool": ("name", "cluster", "location", "nodeConfig.machineType",
                                        "nodeConfig.diskSizeGb", "nodeConfig.spot"),
    "gcp:compute/network:Network": ("name", "project", "autoCreateSubnetworks"),
    "gcp:compute/subnetwork:Subnetwork": ("name", "network", "region"),
    "azure-native:containerservice:ManagedCluster": ("resourceName", "resourceGroupName", "location",
                                                    "dnsPrefix", "networkProfile.networkPlugin"),
    "azure-native:containerservice:AgentPool": ("agentPoolName", "resourceName", "vmSize", "osType"),
    "azure-native:resources:ResourceGroup": ("resourceGroupName", "location"),
    "azure-native:network:VirtualNetwork": ("virtualNetworkName", "resourceGroupName", "location"),
}
# Kubernetes fields the API server refuses to change in place.
K8S_IMMUTABLE: Mapping[str, tuple[str, ...]] = {
    "Deployment": ("spec.selector",),
    "StatefulSet": ("spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"),
    "DaemonSet": ("spec.selector",),
    "Job": ("spec.selector", "spec.template"),
    "Service": ("spec.clusterIP",),
    "PersistentVolumeClaim": ("spec.storageClassName", "spec.accessModes"),
}


@dataclass(frozen=True)
class Replacement:
    urn: str
    type: str
    reason: str

    @property
    def is_cluster(self) -> bool:
        return self.type in CLUSTER_TYPES


def get_path(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _changed(old: Mapping[str, Any], new: Mapping[str, Any], paths: tuple[str, ...] | list[str]) -> list[str]:
    return [p for p in paths if get_path(old, p) != get_path(new, p)]


def _own_reason(old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    type_ = new["type"]
    old_in, new_in = old.get("inputs") or {}, new.get("inputs") or {}
    if type_ == K8S_PROVIDER:
        key = "clusterIdentifier" if "clusterIdentifier" in new_in else "kubeconfig"
        return f"{key} changed" if old_in.get(key) != new_in.get(key) else None
    if type_.startswith("kubernetes:"):
        paths = ["metadata.name", "metadata.namespace", *K8S_IMMUTABLE.get(str(new_in.get("kind")), ())]
    else:
        paths = list(CREATE_ONLY.get(type_, ()))
    paths += list((new.get("options") or {}).get("replaceOnChanges", []))
    changed = _changed(old_in, new_in, paths)
    return f"create-only input changed: {', '.join(changed)}" if changed else None


def replacements(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> list[Replacement]:
    """Resources present in both plans that the change would replace (deletes are diffs' job)."""
    if not base or not head:
        return []
    old = {r["urn"]: r for r in base.get("resources", [])}
    new = {r["urn"]: r for r in head.get("resources", [])}
    decided: dict[str, str | None] = {}

    def reason(urn: str, depth: int = 0) -> str | None:
        if urn in decided:
            return decided[urn]
        decided[urn] = None  # a cycle guard; plans have none
        if urn not in old or urn not in new or depth > 50:
            return None
        own = _own_reason(old[urn], new[urn])
        provider = new[urn].get("provider")
        if own is None and provider and reason(provider, depth + 1):
            own = f"its provider {provider.rsplit('::', 1)[-1]} is replaced"
        decided[urn] = own
        return own

    found = [Replacement(urn, new[urn]["type"], why) for urn in sorted(new) if (why := reason(urn))]
    return found
