"""The one table of add-ons: each row names its config key, component class and child name.

Adding an add-on is its module, one `PlatformArgs` field and one `ADDONS` row here, and its
chart's row in charts.py. The Platform installs the rows in this order, each after the rows it
needs something from (`PlatformInfo` carries what earlier add-ons provide, by name): monitoring
first (others' ServiceMonitors need its CRDs), the ingress controller before cert-manager (its
HTTP-01 solver uses the ingress class) and both before Argo CD (its Ingress uses them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from components.errors import Problems

from .addon import AddonArgs, HelmAddon
from .argocd import ArgoCD, ArgoCDArgs
from .cert_manager import CertManager, CertManagerArgs
from .cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from .config import camel
from .external_dns import ExternalDns, ExternalDnsArgs
from .gateway_api import GatewayApiArgs, GatewayApiCrds
from .ingress import IngressController, IngressControllerArgs
from .log_collector import LogCollector, LogCollectorArgs
from .logging import Logging, LoggingArgs
from .metrics_server import MetricsServer, MetricsServerArgs
from .monitoring import Monitoring, MonitoringArgs


@dataclass(frozen=True, kw_only=True)
class PlatformArgs:
    gateway_api: GatewayApiArgs = field(default_factory=GatewayApiArgs)
    """The Gateway API CRDs (standard channel, v1.6.1). Default: on."""
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
    logging: LoggingArgs = field(default_factory=LoggingArgs)
    """Loki, its logs in the cloud's object storage. Default: on."""
    log_collector: LogCollectorArgs = field(default_factory=LogCollectorArgs)
    """Grafana Alloy on every node, shipping pod logs to Loki. Default: on (where Loki is)."""

    def addons(self) -> dict[str, AddonArgs | GatewayApiArgs]:
        """Each add-on's args keyed by its config key (`certManager`, ...)."""
        return {camel(f.name): getattr(self, f.name) for f in dataclasses.fields(self)}

    def check(self, problems: Problems) -> None:
        for key, args in self.addons().items():
            with problems.under(key) as at:
                args.check(at)
        problems.check(
            not self.log_collector.enabled or self.logging.enabled,
            "logCollector.enabled",
            True,
            "the log collector ships to Loki: with `logging: {enabled: false}` turn it off too",
        )


@dataclass(frozen=True)
class Addon:
    """One row: the `PlatformArgs` field in camelCase (its config key), the component, and the
    suffix of its child name (`<platform>-<suffix>`)."""

    key: str
    component: type[HelmAddon] | type[GatewayApiCrds]
    suffix: str


ADDONS: tuple[Addon, ...] = (
    # First: the ingress controller's GatewayClass and Gateway, cert-manager's Gateway API
    # support and every HTTPRoute need these CRDs.
    Addon("gatewayApi", GatewayApiCrds, "gateway-api"),
    # Loki first: the collector pushes to it and Grafana reads it (`PlatformInfo.logs_url`).
    Addon("logging", Logging, "logging"),
    Addon("logCollector", LogCollector, "log-collector"),
    Addon("monitoring", Monitoring, "monitoring"),
    Addon("ingress", IngressController, "ingress"),
    Addon("certManager", CertManager, "cert-manager"),
    Addon("argocd", ArgoCD, "argocd"),
    Addon("metricsServer", MetricsServer, "metrics-server"),
    Addon("clusterAutoscaler", ClusterAutoscaler, "cluster-autoscaler"),
    Addon("externalDns", ExternalDns, "external-dns"),
)
