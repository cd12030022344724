"""The platform layer: the add-ons every cluster gets, from one typed `PlatformArgs`.

`Platform` installs the enabled add-ons on one `ClusterHandle` side by side: an add-on waits for
another only where it needs something from it (ClusterIssuers need cert-manager's CRDs,
ServiceMonitors need the monitoring release's CRDs). Turning an add-on off removes only it.
Stack config key `skyfleet:platform` (camelCase) is read by `parse_platform_config`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from components.cluster.handle import ClusterFacts, ClusterHandle
from components.errors import Problems

from .addon import NO_PLATFORM, AddonArgs, HelmAddon
from .argocd import ApplicationSetArgs, AppProjectArgs, ArgoCD, ArgoCDArgs, GitRepository, SyncRetryArgs
from .cert_manager import CertManager, CertManagerArgs
from .cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from .config import from_config
from .external_dns import ExternalDns, ExternalDnsArgs
from .gateway import create_gateway, listener_name
from .gateway_api import GatewayApiArgs, GatewayApiCrds
from .info import PlatformInfo
from .ingress import IngressController, IngressControllerArgs
from .metrics_server import MetricsServer, MetricsServerArgs
from .monitoring import Monitoring, MonitoringArgs
from .registry import ADDONS, Addon, PlatformArgs

__all__ = [
    "ADDONS", "Addon", "AddonArgs", "AppProjectArgs", "ApplicationSetArgs", "ArgoCD", "ArgoCDArgs", "CertManager",
    "CertManagerArgs", "ClusterAutoscaler", "ClusterAutoscalerArgs", "ExternalDns",
    "ExternalDnsArgs", "GatewayApiArgs", "GatewayApiCrds", "GitRepository", "HelmAddon",
    "IngressController", "IngressControllerArgs", "MetricsServer", "MetricsServerArgs",
    "Monitoring", "MonitoringArgs", "Platform", "PlatformArgs", "PlatformInfo", "SyncRetryArgs",
    "addons_to_install", "parse_platform_config", "planned_info", "platform_namespaces",
]

CONFIG_KEY = "platform"


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
    chosen = args.addons()
    return {
        addon.key: chosen[addon.key].enabled and addon.component.wanted_on(handle)
        for addon in ADDONS
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


def planned_info(args: PlatformArgs, cluster: ClusterFacts, *, production: bool) -> PlatformInfo:
    """The names `Platform(..., args)` will give workloads on `cluster` (ingress class, issuer,
    namespaces), from the config alone and by the add-ons' own `plans`, so services are checked
    against the platform before anything is registered. Resources to wait for are left unset."""
    install = addons_to_install(args, cluster)
    chosen = args.addons()
    info = NO_PLATFORM
    for addon in ADDONS:
        if install[addon.key]:
            info = addon.component.plans(chosen[addon.key], info, production=production)
    return info


def platform_namespaces(args: PlatformArgs, cluster: ClusterFacts) -> dict[str, str]:
    """Namespace -> the config key of the add-on that creates it on `cluster`."""
    install = addons_to_install(args, cluster)
    chosen = args.addons()
    return {namespace: addon.key
            for addon in reversed(ADDONS) if install[addon.key]
            for namespace in addon.component.planned_namespaces(chosen[addon.key])}


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
        self.addons: dict[str, HelmAddon | GatewayApiCrds] = {}
        chosen = args.addons()
        # Each add-on sees what those before it in ADDONS provide (the ingress class, the
        # ClusterIssuer, the monitoring CRDs), and adds its own.
        info = NO_PLATFORM
        for addon in ADDONS:
            if install[addon.key]:
                # Each row's component takes the args of its own PlatformArgs field
                # (tests/platform/test_registry.py), which the union type cannot say.
                built = addon.component(
                    f"{name}-{addon.suffix}", handle, chosen[addon.key],  # type: ignore[arg-type]
                    platform=info, opts=child,
                )
                self.addons[addon.key] = built
                info = built.provides(info)
        if info.gateway is not None:
            info = self._gateway(name, handle, info, args.ingress.gateway_hosts)
        self.info = info
        self.register_outputs(
            {
                "addons": sorted(self.addons),
                "gateway": info.gateway,
                "ingress_class": info.ingress_class,
                "load_balancer_address": info.load_balancer_address,
                "cluster_issuer": info.cluster_issuer,
                "monitoring_namespace": info.monitoring_namespace,
                # What the preview's API check judges this cluster's resources against.
                "kubernetes_version": handle.kubernetes_version,
                "k8s_provider": handle.provider.urn,
            }
        )

    def _gateway(
        self, name: str, handle: ClusterHandle, info: PlatformInfo, hosts: Mapping[str, Sequence[str]]
    ) -> PlatformInfo:
        """The cluster's Gateway, made once every add-on is known: its class comes from the
        ingress controller, its certificates' issuer from cert-manager."""
        assert info.gateway is not None
        self.gateway = create_gateway(
            f"{name}-gateway", handle,
            gateway=info.gateway,
            class_name=info.ingress_class or "",
            hosts=hosts,
            issuer=info.cluster_issuer,
            depends_on=info.gateway_ready,
            parent=self,
        )
        return dataclasses.replace(
            info,
            gateway_listeners={host: listener_name(host) for host in hosts},
            gateway_ready=(*info.gateway_api_crds, self.gateway),
        )
