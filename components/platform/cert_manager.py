"""cert-manager plus two Let's Encrypt ClusterIssuers that solve ACME HTTP-01 via the ingress class.

`letsencrypt-staging` is for anything disposable: its certificates are not browser-trusted but
its rate limits are generous. `letsencrypt-prod` issues trusted certificates under Let's
Encrypt's production limits (https://letsencrypt.org/docs/rate-limits/), which churning dev
stacks can exhaust; that is why a dev cluster's default issuer is staging.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import pulumi_kubernetes as k8s

from components.cluster.handle import ClusterHandle
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout
from .checks import check_email, check_replicas
from .info import PlatformInfo
from .workload_shape import component_labels, ha_replicas, pdb_enabled, resources, spread

Issuer = Literal["letsencrypt-staging", "letsencrypt-prod"]
ACME_SERVERS: Mapping[Issuer, str] = {
    "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
    "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
}
# cert-manager's three Deployments, keyed by the value section each is configured under
# ("" is the top level, the controller).
_COMPONENTS = {"": "cert-manager-controller", "webhook": "cert-manager-webhook",
               "cainjector": "cert-manager-cainjector"}


@dataclass(frozen=True, kw_only=True)
class CertManagerArgs(AddonArgs):
    replicas: int | None = None
    """Replicas of the controller, webhook and cainjector. Default: None, 2 in production (the
    webhook answers every certificate write; the others fail over by leader election), else 1."""
    acme_email: str | None = None
    """Contact address registered with Let's Encrypt. Default: None, register without one (Let's
    Encrypt no longer sends expiry mail, so the address is only a contact)."""
    issuers: bool = True
    """Create the letsencrypt-staging and letsencrypt-prod ClusterIssuers. Default: True."""
    default_issuer: Issuer | None = None
    """Issuer workloads' Ingresses use. Default: None, letsencrypt-prod in production, else
    letsencrypt-staging."""
    service_monitor: bool = True
    """A ServiceMonitor for cert-manager's metrics when monitoring is installed. Default: True."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        check_replicas(problems, "replicas", self.replicas)
        if self.acme_email is not None:
            check_email(problems, "acmeEmail", self.acme_email)
        if self.default_issuer is not None and not self.issuers:
            problems.add("defaultIssuer", self.default_issuer, "needs issuers: true")


def default_issuer_of(args: CertManagerArgs, production: bool) -> str | None:
    """The ClusterIssuer workloads' Ingresses ask for (None without issuers)."""
    default: Issuer = "letsencrypt-prod" if production else "letsencrypt-staging"
    return (args.default_issuer or default) if args.issuers else None


class CertManager(HelmAddon):
    """`skyfleet:platform:CertManager`: certificates for every Ingress, from Let's Encrypt."""

    TYPE = "skyfleet:platform:CertManager"
    ARGS = CertManagerArgs
    # Every cert-manager pod runs non-root, read-only, seccomp RuntimeDefault, no capabilities:
    # the chart meets the restricted level as shipped.
    LAYOUT = Layout("cert-manager", namespace="cert-manager", release_name="cert-manager", pod_security="restricted")

    def build(self, handle: ClusterHandle, args: CertManagerArgs, platform: PlatformInfo) -> None:
        monitoring_crds = platform.monitoring_crds
        ingress_class = platform.ingress_class
        replicas = ha_replicas(args.replicas, handle.production)
        service_monitor = args.service_monitor and bool(monitoring_crds)
        gateway = platform.gateway
        typed = self._typed(replicas, service_monitor)
        if gateway is not None:
            # Gateway API support (the gateway-shim and gatewayHTTPRoute solvers): cert-manager
            # v1.21.1 values.yaml documents `config.gatewayAPI.enabled` in its
            # ControllerConfiguration; it watches Gateways only if their CRDs exist when it
            # starts, hence the wait for them.
            typed["config"] = {
                "apiVersion": "controller.config.cert-manager.io/v1alpha1",
                "kind": "ControllerConfiguration",
                "gatewayAPI": {"enabled": True},
            }
        self.install(
            typed=typed,
            defaults=self._defaults(),
            depends_on=[
                *(monitoring_crds if service_monitor else ()),
                *(platform.gateway_api_crds if gateway is not None else ()),
            ],
        )
        self.issuers: dict[str, k8s.apiextensions.CustomResource] = {}
        if args.issuers:
            for issuer in ACME_SERVERS:
                self.issuers[issuer] = self._cluster_issuer(
                    issuer, args.acme_email, ingress_class, gateway
                )
        self.default_issuer = default_issuer_of(args, handle.production)
        self.finish(cluster_issuers=sorted(self.issuers), default_issuer=self.default_issuer)

    @classmethod
    def plans(cls, args: CertManagerArgs, platform: PlatformInfo, *, production: bool) -> PlatformInfo:
        return replace(platform, cluster_issuer=default_issuer_of(args, production))

    @staticmethod
    def _typed(replicas: int, service_monitor: bool) -> dict[str, Any]:
        # With no minAvailable/maxUnavailable the chart's PDBs default to minAvailable: 1.
        per_component = {
            "replicaCount": replicas,
            "podDisruptionBudget": {"enabled": pdb_enabled(replicas)},
        }
        return {
            # The chart installs and upgrades the CRDs with the release (crds.enabled) and keeps
            # them when it is uninstalled (crds.keep), so removing cert-manager never cascades
            # into deleting every Certificate in the cluster.
            "crds": {"enabled": True, "keep": True},
            **per_component,
            "webhook": dict(per_component),
            "cainjector": dict(per_component),
            "prometheus": {"enabled": True, "servicemonitor": {"enabled": service_monitor}},
        }

    def _defaults(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            # Leader-election leases live in cert-manager's own namespace rather than the
            # chart's default kube-system, so cert-manager needs no rights in kube-system.
            "global": {"leaderElection": {"namespace": self.namespace_name}},
        }
        for section, component in _COMPONENTS.items():
            labels = component_labels(component)
            shape = {
                "podLabels": labels,
                "topologySpreadConstraints": spread(labels),
                "resources": resources("50m", "64Mi", "256Mi"),
            }
            if section:
                values[section] = shape
            else:
                values.update(shape)
        # The post-install Job that waits for the webhook.
        values["startupapicheck"] = {"resources": resources("10m", "32Mi", "64Mi")}
        return values

    def _cluster_issuer(
        self, issuer: Issuer, email: str | None, ingress_class: str | None, gateway: str | None
    ) -> k8s.apiextensions.CustomResource:
        acme: dict[str, Any] = {
            "server": ACME_SERVERS[issuer],
            "privateKeySecretRef": {"name": f"{issuer}-account-key"},
            "solvers": [{"http01": _solver(ingress_class, gateway)}],
        }
        if email is not None:
            acme["email"] = email
        return k8s.apiextensions.CustomResource(
            f"{self.addon_name}-{issuer}",
            api_version="cert-manager.io/v1",
            kind="ClusterIssuer",
            metadata={"name": issuer},
            spec={"acme": acme},
            # The ClusterIssuer CRD and the webhook that admits it come with the release.
            opts=self.k8s_options(depends_on=[self.release]),
        )


def _solver(ingress_class: str | None, gateway: str | None) -> dict[str, Any]:
    """ACME HTTP-01 through the cluster's Gateway (an HTTPRoute on its `http` listener) when
    there is one, else through an Ingress of the ingress class. cert-manager creates the solver
    HTTPRoute in the Certificate's namespace, so it covers Ingresses' certificates too (Argo CD's
    in argocd, `api: ingress` routes in theirs) only because the `http` listener admits routes
    from every namespace (gateway.py):
    https://cert-manager.io/docs/configuration/acme/http01/#configuring-the-http-01-gateway-api-solver
    """
    if gateway is not None:
        namespace, _, name = gateway.partition("/")
        parent = {"name": name, "namespace": namespace, "kind": "Gateway", "sectionName": "http"}
        return {"gatewayHTTPRoute": {"parentRefs": [parent]}}
    ingress: dict[str, Any] = {}
    if ingress_class is not None:
        # Without a class the solver's Ingress falls to the cluster's default IngressClass.
        ingress["ingressClassName"] = ingress_class
    return {"ingress": ingress}
