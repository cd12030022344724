"""An existing cluster (kind, minikube, a shared cluster): what shared code asks of it.

Skyfleet only reaches such a cluster, so most cluster settings are mistakes here: the one rule
set is `check_unmanaged`. Above the cluster it is a plain conformant Kubernetes.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from components.errors import Problems
from components.names import DNS1123_LABEL

from .. import catalog
from ..cloud import CloudProfile, CloudSpec

if TYPE_CHECKING:
    from ..args import ClusterArgs, ExistingClusterArgs


class ExistingCloud(CloudSpec):
    def check_unmanaged(self, problems: Problems, args: ClusterArgs) -> None:
        """An existing cluster is only reached: settings that would build one are mistakes."""
        unused = "has no effect on an existing cluster; remove it"
        problems.check(not args.node_pools, "nodePools", sorted(args.node_pools), unused)
        problems.check(not args.admins, "admins", list(args.admins), unused)
        problems.check(args.project is None, "project", args.project, unused)
        problems.check(args.resource_group_name is None, "resourceGroupName", args.resource_group_name, unused)
        problems.check(not args.region, "region", args.region, unused)
        problems.check(not args.zones, "zones", list(args.zones), unused)
        problems.check(args.maintenance_window is None, "maintenanceWindow", "...", unused)
        problems.check(args.kubeconfig_login is None, "kubeconfigLogin", args.kubeconfig_login, unused)
        problems.check(
            catalog.VERSION_PATTERN.fullmatch(args.version) is not None,
            "version",
            args.version,
            'must be a Kubernetes minor such as "1.35"',
        )
        existing = args.existing
        if existing is not None:
            problems.check(
                bool(existing.kubeconfig), "existing.kubeconfig", existing.kubeconfig, "is required"
            )
            problems.check(
                existing.context is None or bool(existing.context),
                "existing.context",
                existing.context,
                "must be a non-empty context name (or left out for current-context)",
            )


# `kind create cluster --name N` writes the context `kind-N`; kind's kubelets serve self-signed
# certificates (https://kind.sigs.k8s.io/docs/user/known-issues/ and metrics-server's README,
# "Kubelet certificate needs to be signed by cluster Certificate Authority (or disable
# certificate validation by passing --kubelet-insecure-tls)").
KIND_CONTEXT_PREFIX = "kind-"


def kubelet_certs_self_signed(existing: ExistingClusterArgs) -> bool:
    """Whether metrics-server must skip verifying the kubelets' certificates: as the cluster's
    config says, else only on a kind cluster (a managed cluster behind `existing` verifies)."""
    if existing.self_signed_kubelet_certs is not None:
        return existing.self_signed_kubelet_certs
    return (existing.context or "").startswith(KIND_CONTEXT_PREFIX)


CLOUD = ExistingCloud(
    name="existing", order=90, implementation=("components.cluster.existing.cluster", "ExistingCluster"),
    # A plain conformant cluster: no load balancer annotations, no cloud identity, no metrics-server
    # of its own; node scaling is someone else's. kind and minikube both ship a default
    # StorageClass named "standard"; whether kubelets' certificates are self-signed depends on
    # the cluster (`kubelet_certs_self_signed`, set on each cluster's handle).
    profile=CloudProfile(
        cloud="existing", load_balancer_annotations=MappingProxyType({}), load_balancer_address_field="ip",
        default_storage_class="standard", kubelet_certs_self_signed=False, ships_metrics_server=False,
        manages_node_autoscaling=True, identity_annotation=None,
    ),
    # A cluster that already exists is only a name in Pulumi: children derive names from it.
    cluster_name=DNS1123_LABEL, pool_name=DNS1123_LABEL, managed=False,
)
