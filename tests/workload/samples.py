"""A valid service and platform to vary in tests: each test changes only what it is about."""

from __future__ import annotations

from typing import Any

from components.errors import Problems
from components.platform.info import PlatformInfo
from components.workload import ContainerPort, Probe, ServiceSpec, validate_spec

PLATFORM = PlatformInfo(
    ingress_class="traefik",
    ingress_namespace="ingress",
    ingress_pod_labels={"app.kubernetes.io/name": "traefik"},
    cluster_issuer="letsencrypt",
    monitoring=True,
    monitoring_namespace="monitoring",
    gateway="ingress/traefik",
    gateway_listeners={"api.example.com": "https-api-example-com", "web.example.com": "https-web-example-com"},
)


def service(**changes: Any) -> ServiceSpec:
    fields: dict[str, Any] = {
        "name": "api",
        "namespace": "apps",
        "image": "ghcr.io/skyfleet/api:1.4.2",
        "ports": {"http": ContainerPort(port=8080), "metrics": ContainerPort(port=9090)},
        "liveness": Probe.http_get("/livez"),
        "readiness": Probe.http_get("/readyz"),
    }
    fields.update(changes)
    return ServiceSpec(**fields)


def problems(spec: ServiceSpec) -> dict[str, str]:
    """path -> rule for every problem `spec` has."""
    found = Problems()
    validate_spec(spec, found)
    return {p.path: p.rule for p in found.found}
