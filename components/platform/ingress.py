"""The ingress controller: Traefik by default, ingress-nginx for teams still migrating off it.

Traefik v3 serves both Ingress and Gateway API routes. ingress-nginx was retired upstream in
March 2026 (no further releases or security fixes), so it stays selectable only to move existing
Ingresses over one cluster at a time:
https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/

Both expose the cloud's load balancer address in one form (`load_balancer_address`), read from
the controller's Service after the release, whichever field the cloud fills (hostname or ip).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.handle import ClusterHandle
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout, PodSecurityLevel, helm_fullname
from .checks import check_hostname, check_namespace, check_replicas
from .config import camel
from .gateway import listener_name
from .info import PlatformInfo
from .route_metrics import TRAEFIK_ROUTE_METRICS, RouteMetrics
from .workload_shape import RESTRICTED_POD_SECURITY_CONTEXT, component_labels, pdb, resources, spread

Controller = Literal["traefik", "ingress-nginx"]

# The label on the controller's pods (PlatformInfo.ingress_pod_labels): workloads' NetworkPolicies
# admit traffic from exactly these pods.
POD_LABELS = component_labels("ingress-controller")


@dataclass(frozen=True, kw_only=True)
class IngressControllerArgs(AddonArgs):
    controller: Controller = "traefik"
    """Which controller: "traefik" or "ingress-nginx" (retired upstream). Default: "traefik"."""
    replicas: int = 2
    """Controller replicas. Default: 2, so a node drain or a zone outage leaves one serving."""
    class_name: str | None = None
    """IngressClass name. Default: None, "traefik" or "nginx" after the controller."""
    default_class: bool = True
    """Make the IngressClass the default (for Ingresses naming none). Default: True."""
    gateway_api: bool | None = None
    """Serve Gateway API routes (Traefik only). Default: None, on for Traefik, off for nginx."""
    gateway_hosts: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """HTTPS host names the cluster's Gateway serves, each with the namespaces whose HTTPRoutes
    may attach to it. Default: {}; a Fleet adds every service's route host."""
    service_monitor: bool = True
    """A ServiceMonitor for the controller's metrics when monitoring is installed. Default: True."""
    service_annotations: Mapping[str, str] = field(default_factory=dict)
    """Extra annotations on the load balancer Service, over the cloud's own. Default: {}."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        check_replicas(problems, "replicas", self.replicas)
        if self.class_name is not None:
            check_hostname(problems, "className", self.class_name)
        if self.controller == "ingress-nginx" and self.gateway_api:
            problems.add("gatewayApi", self.gateway_api, "ingress-nginx does not serve Gateway API")
        for host, namespaces in self.gateway_hosts.items():
            check_hostname(problems, f"gatewayHosts.{host}", host)
            for index, namespace in enumerate(namespaces):
                check_namespace(problems, f"gatewayHosts.{host}[{index}]", namespace)


@dataclass(frozen=True)
class _Wiring:
    """What a controller's values are built from (the same for both controllers)."""

    replicas: int
    class_name: str
    default_class: bool
    gateway_api: bool
    service_monitor: bool
    service_annotations: Mapping[str, str]


@dataclass(frozen=True)
class _ControllerShape:
    chart_key: str
    class_name: str
    pod_security: PodSecurityLevel
    # Whether the controller validates Ingresses with an admission webhook: then whoever
    # creates an Ingress must wait for the controller's release (the webhook must answer).
    admission_webhook: bool
    service_name: Callable[[str], str]  # release name -> the LoadBalancer Service's name
    typed: Callable[[_Wiring], dict[str, Any]]
    defaults: Callable[[], dict[str, Any]]
    warning: str | None = None  # logged on every update while this controller is in use
    # How its metrics name a service's route (None: not known, so services get no route alerts).
    route_metrics: RouteMetrics | None = None


def _traefik_typed(w: _Wiring) -> dict[str, Any]:
    return {
        "deployment": {"replicas": w.replicas, "podLabels": dict(POD_LABELS)},
        "podDisruptionBudget": pdb(w.replicas),
        "ingressClass": {"enabled": True, "isDefaultClass": w.default_class, "name": w.class_name},
        "providers": {
            "kubernetesIngress": {"enabled": True},
            "kubernetesGateway": {"enabled": w.gateway_api},
        },
        # The chart's GatewayClass names this controller; its default Gateway stays off: the
        # Platform makes the cluster's one Gateway itself (`gateway.py`), with a listener per
        # TLS host name so cert-manager can issue a certificate for each.
        "gatewayClass": {"enabled": w.gateway_api, "name": w.class_name},
        "gateway": {"enabled": False},
        # traefik 41.x takes the Service type under `service.spec` (values.yaml); a top-level
        # `service.type` is silently ignored.
        "service": {"spec": {"type": "LoadBalancer"}, "annotations": dict(w.service_annotations)},
        # The chart's ServiceMonitor needs its dedicated metrics Service.
        "metrics": {
            "prometheus": {
                "service": {"enabled": w.service_monitor},
                "serviceMonitor": {"enabled": w.service_monitor},
            }
        },
        # The chart sets non-root and drops capabilities but no seccomp profile, which the
        # "restricted" Pod Security level (enforced on this namespace) requires.
        "podSecurityContext": dict(RESTRICTED_POD_SECURITY_CONTEXT),
    }


def _traefik_defaults() -> dict[str, Any]:
    return {
        "resources": resources("100m", "128Mi", "512Mi"),
        "topologySpreadConstraints": spread(POD_LABELS),
    }


def _nginx_typed(w: _Wiring) -> dict[str, Any]:
    return {
        "controller": {
            "replicaCount": w.replicas,
            # The chart renders its PodDisruptionBudget whenever replicaCount > 1.
            "minAvailable": 1,
            "podLabels": dict(POD_LABELS),
            "ingressClass": w.class_name,
            "ingressClassResource": {
                "enabled": True, "name": w.class_name, "default": w.default_class,
            },
            "service": {"type": "LoadBalancer", "annotations": dict(w.service_annotations)},
            "metrics": {"enabled": True, "serviceMonitor": {"enabled": w.service_monitor}},
        }
    }


def _nginx_defaults() -> dict[str, Any]:
    return {
        "controller": {
            "resources": resources("100m", "128Mi", "512Mi"),
            "topologySpreadConstraints": spread(POD_LABELS),
        }
    }


# The only branching on the controller: chart, class, Service name, values.
CONTROLLERS: Mapping[Controller, _ControllerShape] = {
    "traefik": _ControllerShape(
        chart_key="traefik",
        class_name="traefik",
        # Traefik runs as non-root on unprivileged ports (8000/8443); with a seccomp profile
        # (set in its values) it meets the restricted level.
        pod_security="restricted",
        admission_webhook=False,
        service_name=lambda release: helm_fullname(release, "traefik"),
        typed=_traefik_typed,
        defaults=_traefik_defaults,
        route_metrics=TRAEFIK_ROUTE_METRICS,
    ),
    "ingress-nginx": _ControllerShape(
        chart_key="ingress-nginx",
        class_name="nginx",
        # The chart's controller and admission-webhook Jobs run non-root with RuntimeDefault
        # seccomp, drop ALL and add only NET_BIND_SERVICE, which restricted allows.
        pod_security="restricted",
        admission_webhook=True,
        service_name=lambda release: f"{helm_fullname(release, 'ingress-nginx')}-controller",
        typed=_nginx_typed,
        defaults=_nginx_defaults,
        warning="ingress-nginx is deprecated: it was retired upstream in March 2026 "
        "(https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/), gets no security "
        "fixes after its last release (chart 4.15.1, pinned here) and serves no Gateway API; "
        "move to Traefik (controller: traefik) and routes on the cluster's Gateway.",
    ),
}


def ingress_class_of(args: IngressControllerArgs) -> str:
    """The IngressClass the controller serves (what workloads' Ingresses name)."""
    return args.class_name or CONTROLLERS[args.controller].class_name


def ingress_namespace_of(args: IngressControllerArgs) -> str:
    return args.namespace or CONTROLLERS[args.controller].chart_key


def serves_gateway_api(args: IngressControllerArgs) -> bool:
    """Whether the controller's Gateway API provider is on (Traefik unless turned off)."""
    return args.gateway_api if args.gateway_api is not None else args.controller == "traefik"


def has_gateway(args: IngressControllerArgs) -> bool:
    """Whether the cluster gets its Gateway: once some route host needs an HTTPS listener (a
    Gateway with nothing but plain HTTP would serve nothing; cert-manager's HTTP-01 solver then
    goes through an Ingress of this class, which Traefik serves too)."""
    return serves_gateway_api(args) and bool(args.gateway_hosts)


class IngressController(HelmAddon):
    """`skyfleet:platform:IngressController`: the ingress controller and its load balancer."""

    TYPE = "skyfleet:platform:IngressController"
    ARGS = IngressControllerArgs

    @classmethod
    def planned_namespace(cls, args: IngressControllerArgs) -> str:
        return ingress_namespace_of(args)

    def own_layout(self, args: IngressControllerArgs, handle: ClusterHandle) -> Layout:
        # Chart, namespace, release name and Pod Security level all follow the controller.
        shape = CONTROLLERS[args.controller]
        return Layout(shape.chart_key, shape.chart_key, shape.chart_key, shape.pod_security)

    def build(self, handle: ClusterHandle, args: IngressControllerArgs, platform: PlatformInfo) -> None:
        monitoring_crds = platform.monitoring_crds
        shape = CONTROLLERS[args.controller]
        if shape.warning:
            pulumi.log.warn(shape.warning, resource=self)
        self.class_name = ingress_class_of(args)
        self.pod_labels: Mapping[str, str] = dict(POD_LABELS)
        # A ServiceMonitor needs the Prometheus Operator's CRD, so only then does this release
        # wait for the monitoring release that ships it.
        service_monitor = args.service_monitor and bool(monitoring_crds)
        wiring = _Wiring(
            replicas=args.replicas,
            class_name=self.class_name,
            default_class=args.default_class,
            gateway_api=serves_gateway_api(args),
            service_monitor=service_monitor,
            service_annotations={
                **handle.profile.load_balancer_annotations, **args.service_annotations,
            },
        )
        # The Gateway API provider lists GatewayClasses, Gateways and routes at start, and the
        # chart renders a GatewayClass: both need the CRDs first.
        self.gateway_api = wiring.gateway_api
        self.has_gateway = has_gateway(args)
        self.install(
            typed=shape.typed(wiring),
            defaults=shape.defaults(),
            depends_on=[
                *(monitoring_crds if service_monitor else ()),
                *(platform.gateway_api_crds if wiring.gateway_api else ()),
            ],
        )
        # Route alerts and dashboards need the controller's metrics in Prometheus.
        self.route_metrics = shape.route_metrics if service_monitor else None
        self.admission_ready: list[pulumi.Resource] = (
            [self.release] if shape.admission_webhook else []
        )
        self.load_balancer_address = self._read_address(shape.service_name(self.release_name))
        self.finish(
            ingress_class=self.class_name,
            load_balancer_address=self.load_balancer_address,
        )

    @classmethod
    def plans(cls, args: IngressControllerArgs, platform: PlatformInfo, *, production: bool) -> PlatformInfo:
        gateway = f"{ingress_namespace_of(args)}/{ingress_class_of(args)}" if has_gateway(args) else None
        return replace(platform, ingress_class=ingress_class_of(args), ingress_namespace=ingress_namespace_of(args),
                       ingress_pod_labels=dict(POD_LABELS), gateway=gateway,
                       gateway_listeners={host: listener_name(host) for host in args.gateway_hosts} if gateway else {})

    def provides(self, platform: PlatformInfo) -> PlatformInfo:
        return replace(
            super().provides(platform),
            load_balancer_address=self.load_balancer_address,
            ingress_ready=tuple(self.admission_ready),
            route_metrics=self.route_metrics,
            # The cluster's Gateway is named after the GatewayClass, in the controller's namespace.
            gateway=f"{self.namespace_name}/{self.class_name}" if self.has_gateway else None,
            gateway_ready=(*platform.gateway_api_crds, self.release) if self.has_gateway else (),
        )

    def _read_address(self, service_name: str) -> pulumi.Output[str]:
        """Reads the controller's Service once the release is deployed (Helm waited for its load
        balancer) and returns the address in the cloud's field: hostname on AWS, ip elsewhere."""
        service_id = self.release.status.apply(lambda _: f"{self.namespace_name}/{service_name}")
        service = k8s.core.v1.Service.get(
            f"{self.addon_name}-lb",
            # The id waits for the release's status: a first preview reads nothing (unknown),
            # an update reads the Service Helm created.
            service_id,
            opts=pulumi.ResourceOptions(
                parent=self, provider=self.handle.provider, depends_on=[self.release]
            ),
        )
        address_field = self.handle.profile.load_balancer_address_field
        return service.status.apply(lambda status: load_balancer_address(status, address_field))


def load_balancer_address(status: Any, address_field: str) -> str:
    """`status.loadBalancer.ingress[0].<field>` of a Service, or "" while there is none."""
    balancer = _get(status, "load_balancer")
    ingress = _get(balancer, "ingress") or []
    if not ingress:
        return ""
    return str(_get(ingress[0], address_field) or "")


def _get(obj: Any, attribute: str) -> Any:
    """An attribute of an SDK output type, else the key (snake or camelCase) of a plain mapping."""
    if obj is None:
        return None
    value = getattr(obj, attribute, None)
    if value is None and isinstance(obj, Mapping):
        value = obj.get(attribute, obj.get(camel(attribute)))
    return value
