"""The platform layer: the add-ons every cluster gets, from one typed `PlatformArgs`.

`Platform` installs the enabled add-ons on one `ClusterHandle` side by side: an add-on waits for
another only where it needs something from it (ClusterIssuers need cert-manager's CRDs,
ServiceMonitors need the monitoring release's CRDs). Turning an add-on off removes only it.
Stack config key `skyfleet:platform` (camelCase) is read by `parse_platform_config`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.cluster.handle import ClusterFacts, ClusterHandle
from components.errors import Problems

from .addon import AddonArgs, HelmAddon
from .argocd import ApplicationSetArgs, ArgoCD, ArgoCDArgs, GitRepository
from .cert_manager import CertManager, CertManagerArgs
from .cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from .config import camel, from_config
from .external_dns import ExternalDns, ExternalDnsArgs
from .info import PlatformInfo
from .ingress import IngressController, IngressControllerArgs
from .metrics_server import MetricsServer, MetricsServerArgs
from .monitoring import Monitoring, MonitoringArgs

__all__ = [
    "AddonArgs", "ApplicationSetArgs", "ArgoCD", "ArgoCDArgs", "CertManager", "CertManagerArgs",
    "ClusterAutoscaler", "ClusterAutoscalerArgs", "ExternalDns", "ExternalDnsArgs", "GitRepository",
    "HelmAddon", "IngressController", "IngressControllerArgs", "MetricsServer", "MetricsServerArgs",
    "Monitoring", "MonitoringArgs", "Platform", "PlatformArgs", "PlatformInfo", "addons_to_install",
    "parse_platform_config",
]

CONFIG_KEY = "platform"


@dataclass(frozen=True, kw_only=True)
class PlatformArgs:
    ingress: IngressControllerArgs = field(default_factory=IngressControllerArgs)
    """Ingress controller. Default: Traefik, on."""
    cert_manager: CertManagerArgs = field(default_factory=CertManagerArgs)
    """cert-manager and the Let's Encrypt ClusterIssuers. Default: on."""
    monitoring: MonitoringArgs = field(default_factory=MonitoringArgs)
    """kube-prometheus-stack. Default: on."""
    argocd: ArgoCDArgs = field(default_factory=ArgoCDArgs)
    """Argo CD. Default: on."""
    metrics_server: MetricsServerArgs = field(default_factory=MetricsServerArgs)
    """metrics-server. Default: on, installed only where the cloud does not run one."""
    cluster_autoscaler: ClusterAutoscalerArgs = field(default_factory=ClusterAutoscalerArgs)
    """cluster-autoscaler. Default: on, installed only where the cloud does not scale nodes."""
    external_dns: ExternalDnsArgs = field(default_factory=ExternalDnsArgs)
    """external-dns. Default: off (it writes to real DNS zones)."""

    def addons(self) -> dict[str, AddonArgs]:
        """Each add-on's args keyed by its config key (`certManager`, ...)."""
        return {camel(f.name): getattr(self, f.name) for f in dataclasses.fields(self)}

    def check(self, problems: Problems) -> None:
        for key, args in self.addons().items():
            with problems.under(key) as at:
                args.check(at)


def parse_platform_config(raw: Mapping[str, Any] | None, problems: Problems) -> PlatformArgs:
    """Typed args from the `skyfleet:platform` config value. Every problem (unknown keys with
    their path, e.g. `platform.monitoring.retentoin`, wrong types, broken rules) lands in
    `problems` and the caller raises them all at once; a key with a problem keeps its default."""
    with problems.under(CONFIG_KEY) as at:
        parsed = from_config(PlatformArgs, raw or {}, at) or PlatformArgs()
        parsed.check(at)
        return parsed


def addons_to_install(args: PlatformArgs, handle: ClusterFacts) -> dict[str, bool]:
    """Which add-ons this cluster gets: enabled ones, minus what the cloud already provides."""
    profile = handle.profile
    return {
        "ingress": args.ingress.enabled,
        "certManager": args.cert_manager.enabled,
        "monitoring": args.monitoring.enabled,
        "argocd": args.argocd.enabled,
        "metricsServer": args.metrics_server.enabled and not profile.ships_metrics_server,
        "clusterAutoscaler": (
            args.cluster_autoscaler.enabled
            and not profile.manages_node_autoscaling
            and handle.node_autoscaler_namespace is not None
        ),
        "externalDns": args.external_dns.enabled,
    }


def check_platform_for_cluster(args: PlatformArgs, cluster: ClusterFacts, problems: Problems) -> None:
    """Records what the platform config cannot do on this cluster. Needs only what the cluster's
    config says (cloud, name), so the stack program runs it before anything is registered."""
    install = addons_to_install(args, cluster)
    with problems.under(CONFIG_KEY) as at:
        for key, addon_args in args.addons().items():
            if install[key]:
                with at.under(key) as here:
                    addon_args.check_cluster(cluster, here)


class Platform(pulumi.ComponentResource):
    """`skyfleet:platform:Platform`: the enabled add-ons on one cluster, and what workloads need
    to know about them (`info`)."""

    info: PlatformInfo

    def __init__(
        self,
        name: str,
        handle: ClusterHandle,
        args: PlatformArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        args = args or PlatformArgs()
        install = addons_to_install(args, handle)
        problems = Problems()
        with problems.under(CONFIG_KEY) as at:
            args.check(at)
        check_platform_for_cluster(args, handle, problems)
        problems.raise_if_any(name)
        super().__init__("skyfleet:platform:Platform", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.addons: dict[str, HelmAddon] = {}

        monitoring = None
        if install["monitoring"]:
            monitoring = Monitoring(f"{name}-monitoring", handle, args.monitoring, opts=child)
            self.addons["monitoring"] = monitoring
        crds: list[pulumi.Resource] = monitoring.crds if monitoring else []

        ingress = None
        if install["ingress"]:
            ingress = IngressController(
                f"{name}-ingress", handle, args.ingress, monitoring_crds=crds, opts=child
            )
            self.addons["ingress"] = ingress
        ingress_class = ingress.class_name if ingress else None

        cert_manager = None
        if install["certManager"]:
            cert_manager = CertManager(
                f"{name}-cert-manager", handle, args.cert_manager,
                ingress_class=ingress_class, monitoring_crds=crds, opts=child,
            )
            self.addons["certManager"] = cert_manager
        issuer = cert_manager.default_issuer if cert_manager else None

        if install["argocd"]:
            self.addons["argocd"] = ArgoCD(
                f"{name}-argocd", handle, args.argocd,
                ingress_class=ingress_class, cluster_issuer=issuer,
                ingress_ready=ingress.admission_ready if ingress else (),
                monitoring_crds=crds, opts=child,
            )
        if install["metricsServer"]:
            metrics_args = args.metrics_server
            if handle.profile.kubelet_certs_self_signed:
                metrics_args = dataclasses.replace(metrics_args, kubelet_insecure_tls=True)
            self.addons["metricsServer"] = MetricsServer(
                f"{name}-metrics-server", handle, metrics_args, opts=child
            )
        if install["clusterAutoscaler"]:
            self.addons["clusterAutoscaler"] = ClusterAutoscaler(
                f"{name}-cluster-autoscaler", handle, args.cluster_autoscaler, opts=child
            )
        if install["externalDns"]:
            self.addons["externalDns"] = ExternalDns(
                f"{name}-external-dns", handle, args.external_dns, opts=child
            )

        argocd = self.addons.get("argocd")
        self.info = PlatformInfo(
            ingress_class=ingress_class,
            ingress_namespace=ingress.namespace_name if ingress else None,
            ingress_pod_labels=dict(ingress.pod_labels) if ingress else {},
            cluster_issuer=issuer,
            monitoring=monitoring is not None,
            monitoring_crds=tuple(crds),
            monitoring_namespace=monitoring.namespace_name if monitoring else None,
            load_balancer_address=ingress.load_balancer_address if ingress else None,
            argocd_namespace=argocd.namespace_name if argocd else None,
        )
        self.register_outputs(
            {
                "addons": sorted(self.addons),
                "ingress_class": ingress_class,
                "load_balancer_address": self.info.load_balancer_address,
                "cluster_issuer": issuer,
                "monitoring_namespace": self.info.monitoring_namespace,
            }
        )
