"""How an ingress controller's Prometheus metrics name one service's route traffic.

The ingress add-on hands this to workloads through `PlatformInfo.route_metrics`, so a service's
alerts and dashboard measure its route without knowing which controller serves it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RouteMetrics:
    """How an ingress controller's Prometheus metrics name one service's route traffic."""

    requests: str
    """Counter of requests, with the status code as the label `code_label`."""
    duration_bucket: str
    """Histogram buckets of request durations, in seconds."""
    code_label: str
    """The label holding the HTTP status code."""
    selector: str
    """Label matchers selecting one backend, formatted with namespace, name, port, port_name."""


# Traefik names a Kubernetes backend `<namespace>-<service>-<port>@<provider>`, the provider being
# `kubernetes` for Ingress and `kubernetesgateway` for HTTPRoute (traefik/traefik PR #10758; the
# metrics are documented at doc.traefik.io/traefik/observability/metrics/overview/).
TRAEFIK_ROUTE_METRICS = RouteMetrics(
    requests="traefik_service_requests_total",
    duration_bucket="traefik_service_request_duration_seconds_bucket",
    code_label="code",
    selector='service=~"{namespace}-{name}-({port}|{port_name})@kubernetes(gateway)?"',
)
