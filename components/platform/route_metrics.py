"""How an ingress controller's Prometheus metrics name one service's route traffic.

The ingress add-on hands this to workloads through `PlatformInfo.route_metrics`, so a service's
alerts and dashboard measure its route without knowing which controller serves it, whether the
route is an HTTPRoute on the cluster's Gateway or an Ingress.
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
    ingress_selector: str
    """Label matchers selecting one service's backend behind an Ingress, formatted with
    namespace, name, port, port_name."""
    gateway_selector: str | None = None
    """The same for an HTTPRoute of the service (named after it, in its namespace) on the
    cluster's Gateway (None: the controller serves no Gateway API)."""

    def selector(self, api: str) -> str | None:
        """The matchers for a route of `api` ("gateway" or "ingress")."""
        return self.gateway_selector if api == "gateway" else self.ingress_selector


# Traefik records service metrics on each load-balancer service (the one holding the servers),
# labelled `service="<name>@<provider>"` (pkg/server/service/service.go, getLoadBalancerServiceHandler,
# traefik v3.7.9), and names it per provider:
# - Ingress (provider `kubernetes`): `<namespace>-<service>-<port name or number>`
#   (pkg/provider/kubernetes/ingress/kubernetes.go);
# - HTTPRoute (provider `kubernetesgateway`), since v3.7.6 (commit 8aada7a "Avoid collisions for
#   Gateway API services names"): `<route key>-<rule hash>-svc-<namespace>-<backend>-<index>`, the
#   route key being `httproute-<namespace>-<route>-gw-<gateway ns>-<gateway>-ep-<entry point>-<rule>`
#   (pkg/provider/kubernetes/gateway/httproute.go, loadHTTPRoute and loadService; the names in
#   kubernetes_test.go, e.g. "httproute-default-http-app-1-gw-default-my-gateway-ep-web-0-
#   af329269dd38031b03e3-svc-default-whoami-0"). The weighted service above it records nothing,
#   so nothing is counted twice. Chart 41.3.0 runs Traefik v3.7.11.
# Metrics: https://doc.traefik.io/traefik/observability/metrics/overview/
TRAEFIK_ROUTE_METRICS = RouteMetrics(
    requests="traefik_service_requests_total",
    duration_bucket="traefik_service_request_duration_seconds_bucket",
    code_label="code",
    ingress_selector='service=~"{namespace}-{name}-({port}|{port_name})@kubernetes"',
    gateway_selector='service=~"httproute-{namespace}-{name}-gw-.+-svc-{namespace}-{name}-[0-9]+@kubernetesgateway"',
)
