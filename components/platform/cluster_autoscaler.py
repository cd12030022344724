"""cluster-autoscaler, where the cloud does not scale node pools itself (EKS managed node groups).

The cluster module hands over what it needs in `handle.node_autoscaler`: the cluster name its
node groups are tagged with, the ServiceAccount its IAM role trusts, and the cloud's own chart
values (the region, on AWS). This module only adds the chart. https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from components.cluster.handle import ClusterFacts, ClusterHandle, NodeAutoscalerSupport
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout
from .checks import check_replicas
from .info import PlatformInfo
from .workload_shape import (
    RESTRICTED_CONTAINER_SECURITY_CONTEXT,
    RESTRICTED_POD_SECURITY_CONTEXT,
    component_labels,
    ha_replicas,
    resources,
)

Expander = Literal["least-waste", "random", "most-pods", "priority", "price"]


@dataclass(frozen=True, kw_only=True)
class ClusterAutoscalerArgs(AddonArgs):
    replicas: int | None = None
    """Replicas. Default: None, 2 in production (a hot standby behind leader election), else 1."""
    expander: Expander = "least-waste"
    """Which node group to grow. Default: "least-waste" (the one left with the least idle CPU)."""
    balance_similar_node_groups: bool = True
    """Keep equally shaped node groups (one per zone) the same size. Default: True, so a zone
    outage does not take most of the capacity."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        check_replicas(problems, "replicas", self.replicas)

    def check_cluster(self, handle: ClusterFacts, problems: Problems) -> None:
        namespace = handle.node_autoscaler_namespace
        if namespace is None:
            problems.add(
                "enabled", self.enabled,
                f"cluster {handle.name!r} exposes no node autoscaler support",
            )
            return
        if self.namespace is not None and self.namespace != namespace:
            problems.add(
                "namespace", self.namespace,
                f"must be {namespace!r}: the cluster's IAM role trusts the "
                "ServiceAccount there",
            )
        # `--cloud-provider` comes from the cloud's profile (today only EKS hands over support).
        if handle.profile.cluster_autoscaler_provider is None:
            problems.add(
                "enabled", self.enabled,
                f"cluster-autoscaler has no provider for cloud {handle.cloud!r}",
            )


class ClusterAutoscaler(HelmAddon):
    """`skyfleet:platform:ClusterAutoscaler`: grows and shrinks node groups with pending pods."""

    TYPE = "skyfleet:platform:ClusterAutoscaler"
    ARGS = ClusterAutoscalerArgs
    # With the security contexts set below the pod meets restricted (the chart sets none).
    LAYOUT = Layout("cluster-autoscaler", "kube-system", "cluster-autoscaler", "restricted")

    def own_layout(self, args: ClusterAutoscalerArgs, handle: ClusterHandle) -> Layout:
        # The namespace and ServiceAccount are the ones the cluster's IAM role trusts (a
        # different `namespace` in the args is refused by check_cluster).
        support = handle.node_autoscaler
        return replace(self.LAYOUT, namespace=support.namespace) if support else self.LAYOUT

    def build(self, handle: ClusterHandle, args: ClusterAutoscalerArgs, platform: PlatformInfo) -> None:
        support: NodeAutoscalerSupport | None = handle.node_autoscaler
        assert support is not None  # checked by ClusterAutoscalerArgs.check_cluster
        replicas = ha_replicas(args.replicas, handle.production)
        typed = {
            "cloudProvider": handle.profile.cluster_autoscaler_provider,
            # Node groups tagged k8s.io/cluster-autoscaler/<name> are found without listing them.
            "autoDiscovery": {"clusterName": support.cluster_name},
            **support.chart_values,
            "rbac": {
                "serviceAccount": {
                    "create": True,
                    "name": support.service_account,
                    "annotations": dict(support.service_account_annotations),
                }
            },
            # cluster-autoscaler supports only the Kubernetes minor it was built for, so its
            # image moves with the cluster's version rather than with the chart's default.
            # https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler#releases
            "image": {"tag": autoscaler_image_tag(handle.kubernetes_version)},
            "replicaCount": replicas,
            "podLabels": component_labels("cluster-autoscaler"),
            "extraArgs": {
                "expander": args.expander,
                "balance-similar-node-groups": args.balance_similar_node_groups,
            },
            # An explicit non-root user (runAsNonRoot alone fails on an image that defaults to
            # root) and fsGroup so the projected IRSA token is readable by it.
            "securityContext": {
                **RESTRICTED_POD_SECURITY_CONTEXT, "runAsUser": 65534, "runAsGroup": 65534,
                "fsGroup": 65534,
            },
            "containerSecurityContext": dict(RESTRICTED_CONTAINER_SECURITY_CONTEXT),
        }
        self.install(typed=typed, defaults={"resources": resources("100m", "300Mi", "600Mi")})
        self.finish(replicas=replicas, cluster_name=support.cluster_name)

    @classmethod
    def wanted_on(cls, cluster: ClusterFacts) -> bool:
        return (
            not cluster.profile.manages_node_autoscaling
            and cluster.node_autoscaler_namespace is not None
        )


def autoscaler_image_tag(kubernetes_version: str) -> str:
    """The cluster-autoscaler release for a Kubernetes minor ("1.34" -> "v1.34.0")."""
    return f"v{kubernetes_version}.0"
