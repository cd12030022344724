"""The typed description of one service (pure, no resources); its rules are in `validate.py`.

Every field states its default. The YAML form (`stacks/workloads.yaml`, read by `parse.py`) uses
the same names in camelCase.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from components.cluster.cloud import Cloud

from .probes import Probe

Protocol = Literal["TCP", "UDP", "SCTP"]
IntOrPercent = int | str


@dataclass(frozen=True, kw_only=True)
class ContainerPort:
    port: int
    """Port number the container listens on; the Service exposes the same number (no default)."""
    protocol: Protocol = "TCP"
    """Transport protocol (default: "TCP")."""


@dataclass(frozen=True, kw_only=True)
class Requests:
    """What the scheduler reserves per pod; the HPA's utilization targets are relative to it."""

    cpu: str = "100m"
    """CPU request (default: "100m")."""
    memory: str = "128Mi"
    """Memory request (default: "128Mi")."""


@dataclass(frozen=True, kw_only=True)
class Limits:
    """The most a pod may use: memory above it is OOM-killed, CPU above it is throttled."""

    cpu: str = "500m"
    """CPU limit (default: "500m")."""
    memory: str = "256Mi"
    """Memory limit (default: "256Mi")."""


@dataclass(frozen=True, kw_only=True)
class Resources:
    requests: Requests = Requests()
    """Per-pod requests (default: 100m CPU, 128Mi memory)."""
    limits: Limits = Limits()
    """Per-pod limits (default: 500m CPU, 256Mi memory)."""


@dataclass(frozen=True, kw_only=True)
class Autoscaling:
    """A HorizontalPodAutoscaler (autoscaling/v2) owning the Deployment's replica count."""

    max_replicas: int
    """Upper bound (no default: the one number only the service's owner knows)."""
    min_replicas: int = 2
    """Lower bound; 2 keeps a replica serving while another restarts (default: 2)."""
    cpu_utilization: int | None = 70
    """Target average CPU, percent of the request (default: 70; None: not a scaling metric)."""
    memory_utilization: int | None = None
    """Target average memory, percent of the request (default: None: not a scaling metric)."""
    scale_down_stabilization_seconds: int = 300
    """How long load must stay low before scaling down, to avoid flapping (default: 300)."""


@dataclass(frozen=True, kw_only=True)
class Disruption:
    """The PodDisruptionBudget: how many pods a node drain may evict at once. Set at most one."""

    max_unavailable: IntOrPercent | None = None
    """Pods a drain may take down together (default: 1 when min_available is unset)."""
    min_available: IntOrPercent | None = None
    """Pods that must stay up during a drain (default: None; must leave a drain room to evict)."""

    def effective(self) -> tuple[str, IntOrPercent]:
        """The one PDB field to set, as (Kubernetes field name, value)."""
        if self.min_available is not None:
            return "minAvailable", self.min_available
        return "maxUnavailable", 1 if self.max_unavailable is None else self.max_unavailable


@dataclass(frozen=True, kw_only=True)
class Rollout:
    """The Deployment's rolling update: by default a new pod is ready before an old one stops."""

    max_unavailable: IntOrPercent = 0
    """Pods below the desired count during a rollout (default: 0, so capacity never dips)."""
    max_surge: IntOrPercent = 1
    """Extra pods above the desired count during a rollout (default: 1)."""


RouteApi = Literal["gateway", "ingress"]


@dataclass(frozen=True, kw_only=True)
class RouteSpec:
    host: str
    """Public hostname (no default)."""
    path: str = "/"
    """Path prefix routed to the service (default: "/")."""
    port: str = "http"
    """Container port name traffic goes to (default: "http")."""
    tls: bool = True
    """Serve HTTPS with a certificate from the platform's ClusterIssuer (default: True)."""
    api: RouteApi = "gateway"
    """"gateway": an HTTPRoute on the cluster's Gateway (its HTTPS listener for `host`);
    "ingress": an Ingress of the platform's ingress class, for controllers or tools that need
    one (default: "gateway")."""


# The name the field had before routes became HTTPRoutes (`ingress:` in workloads.yaml still
# reads into a RouteSpec, with a warning).
IngressSpec = RouteSpec


@dataclass(frozen=True, kw_only=True)
class MetricsSpec:
    port: str = "metrics"
    """Container port name Prometheus scrapes (default: "metrics")."""
    path: str = "/metrics"
    """Scrape path (default: "/metrics")."""
    interval: str = "30s"
    """Scrape interval, a Prometheus duration (default: "30s")."""


@dataclass(frozen=True, kw_only=True)
class Slo:
    """What the service promises on its public route; its alerts burn against these figures."""

    availability: float = 99.9
    """Percent of requests over 30 days that must not fail with a 5xx (default: 99.9, about 43
    minutes of errors a month: the SRE workbook's usual starting point)."""
    latency_seconds: float = 0.5
    """The p95 latency of the route, in seconds, the service stays below (default: 0.5)."""


@dataclass(frozen=True, kw_only=True)
class ServiceSpec:
    name: str
    """Service name: a DNS-1035 label; every object the service owns carries it (no default)."""
    namespace: str
    """Namespace, shared with other services or not (no default)."""
    image: str
    """Image with a tag or digest; "latest" is rejected (no default)."""
    ports: Mapping[str, ContainerPort]
    """Container ports by IANA name; the Service exposes each (no default: at least one)."""
    liveness: Probe | None = None
    """Restarts a wedged container (default: None, which is an error: required)."""
    readiness: Probe | None = None
    """Keeps traffic off a pod until it can serve (default: None, which is an error: required)."""
    startup: Probe | None = None
    """Holds liveness off while a slow container starts (default: None)."""
    resources: Resources = Resources()
    """Requests and limits (default: Resources())."""
    replicas: int | None = None
    """Pod count without autoscaling (default: 2; must be unset when autoscaling is set)."""
    autoscaling: Autoscaling | None = None
    """A HorizontalPodAutoscaler owning the replica count (default: None)."""
    disruption: Disruption = Disruption()
    """PodDisruptionBudget (default: maxUnavailable 1)."""
    rollout: Rollout = Rollout()
    """Rolling update (default: maxUnavailable 0, maxSurge 1)."""
    route: RouteSpec | None = None
    """Public HTTP(S) route (default: None: reachable inside the cluster only). `ingress:` in
    workloads.yaml is the old name, still read (with a warning) as a route."""
    config: Mapping[str, str] = field(default_factory=dict)
    """Non-secret settings: a ConfigMap, each key an environment variable (default: none)."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """ENV_NAME -> key in the stack's `skyfleet:secrets` config; a Secret (default: none)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Literal environment variables set in the pod spec (default: none)."""
    cloud_access: Mapping[Cloud, Sequence[str]] = field(default_factory=dict)
    """Cloud roles per cloud, bound to the ServiceAccount by workload identity (default: none)."""
    metrics: MetricsSpec | None = None
    """A ServiceMonitor so Prometheus scrapes the service (default: None)."""
    slo: Slo = Slo()
    """Objectives of the public route that its burn-rate and latency alerts measure (default:
    99.9% availability, p95 below 0.5 s); without a route only the pod alerts apply."""
    callers: Sequence[str] = ()
    """Services allowed to call it: "name" (same namespace) or "namespace/name" (default: none)."""
    automount_service_account_token: bool = False
    """Mount a Kubernetes API token in the pod (default: False: few services call the API)."""
    command: Sequence[str] = ()
    """Overrides the image's entrypoint (default: the image's)."""
    args: Sequence[str] = ()
    """Overrides the image's arguments (default: the image's)."""
    topology_spread: bool = True
    """Spread pods across zones and nodes, best effort (default: True)."""
    run_as_user: int = 65532
    """Non-root UID the container runs as (default: 65532, distroless' "nonroot")."""
    writable_paths: Sequence[str] = ("/tmp",)
    """Directories backed by an emptyDir, the root filesystem being read-only (default: /tmp)."""
    component: str = "server"
    """The app.kubernetes.io/component label (default: "server")."""
    part_of: str | None = None
    """The app.kubernetes.io/part-of label (default: None: the namespace)."""

    @property
    def replica_floor(self) -> int:
        """The fewest pods the service runs: what the PDB is checked against."""
        if self.autoscaling is not None:
            return self.autoscaling.min_replicas
        return 2 if self.replicas is None else self.replicas


def volume_name(path: str) -> str:
    """The emptyDir volume for a writable path: "/var/cache/nginx" -> "var-cache-nginx"."""
    return "-".join(part for part in path.lower().replace("_", "-").split("/") if part)[:63]
