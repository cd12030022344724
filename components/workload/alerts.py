"""The alerts every service gets: one PrometheusRule rendered from its `ServiceSpec` (pure).

Every service is watched for what the seed article promises Kubernetes takes care of and what an
operator must hear about when it cannot: pods crash-looping, a Deployment short of the replicas
it wants, an autoscaler pinned at its maximum. A service with a public route also gets its route
measured against its objectives (`ServiceSpec.slo`): multi-window, multi-burn-rate alerts on the
5xx ratio (the Google SRE workbook, "Alerting on SLOs", table 6: 14.4x over 1 h and 6x over 6 h
page, 1x over 3 days opens a ticket; each long window is paired with a short one, 1/12 of it, so
an alert stops soon after the errors do) and an alert on its p95 latency.

Metric names are kube-state-metrics' (v2, shipped by kube-prometheus-stack) and the ingress
controller's (`PlatformInfo.route_metrics`, which the ingress add-on supplies). Alert names are the same for
every service; the `service` and `namespace` labels say which one, and each rule's `runbook_url`
points at its section of `docs/runbooks.md`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .spec import ServiceSpec

if TYPE_CHECKING:  # only annotations: importing the platform package pulls in every add-on
    from components.platform.route_metrics import RouteMetrics

RUNBOOKS = "docs/runbooks.md"
"""Where each alert's runbook section lives, relative to the repository root."""

FAST_BURN = Decimal("14.4")
"""The fastest burn rate that pages: 2% of a 30-day budget spent in one hour."""

# (burn rate, long window, short window, severity), SRE workbook table 6.
BURN_RATES: tuple[tuple[Decimal, str, str, str], ...] = (
    (FAST_BURN, "1h", "5m", "critical"),
    (Decimal("6"), "6h", "30m", "critical"),
    (Decimal("1"), "3d", "6h", "warning"),
)


Rule = dict[str, Any]


def runbook_anchor(alert: str) -> str:
    """The Markdown anchor of an alert's runbook section (its heading is the alert name)."""
    return alert.lower()


def render_prometheus_rule(
    spec: ServiceSpec,
    metadata: Mapping[str, Any],
    *,
    monitoring: bool,
    route_metrics: RouteMetrics | None,
    runbook_base: str = RUNBOOKS,
) -> dict[str, Any] | None:
    """The service's PrometheusRule (None when the platform runs no Prometheus Operator).
    `metadata` is the service's own (name, namespace, labels); route alerts need `route_metrics`."""
    if not monitoring:
        return None
    rules = [*_pod_rules(spec)]
    if route_metrics is not None and measures_route(spec, route_metrics):
        rules += _route_rules(spec, route_metrics)
    for rule in rules:
        rule["labels"] = {**rule["labels"], "service": spec.name, "namespace": spec.namespace}
        rule["annotations"]["runbook_url"] = f"{runbook_base}#{runbook_anchor(rule['alert'])}"
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": dict(metadata),
        "spec": {"groups": [{"name": f"{spec.name}.rules", "rules": rules}]},
    }


def _matchers(**labels: str) -> str:
    """PromQL equality matchers, in the order given."""
    return ", ".join(f'{key}="{value}"' for key, value in labels.items())


def _regex_matcher(label: str, pattern: str) -> str:
    """A PromQL regular-expression matcher (anchored by Prometheus at both ends)."""
    return f'{label}=~"{pattern}"'


def pod_selector(spec: ServiceSpec) -> str:
    """Matchers for the service's containers: a Deployment's pods are `<name>-<rs hash>-<suffix>`."""
    pod = _regex_matcher("pod", f"{spec.name}-[a-z0-9]+-[a-z0-9]+")
    return f"{_matchers(namespace=spec.namespace)}, {pod}, {_matchers(container=spec.name)}"


def _alert(name: str, expr: str, duration: str, severity: str, summary: str, description: str) -> Rule:
    return {
        "alert": name,
        "expr": expr,
        "for": duration,
        "labels": {"severity": severity},
        "annotations": {"summary": summary, "description": description},
    }


def _pod_rules(spec: ServiceSpec) -> list[Rule]:
    deployment = _matchers(namespace=spec.namespace, deployment=spec.name)
    who = f"{spec.namespace}/{spec.name}"
    rules = [
        _alert(
            "SkyfleetServiceCrashLooping",
            # As kubernetes-mixin's KubePodCrashLooping: the waiting reason, held for 5 minutes.
            f'max_over_time(kube_pod_container_status_waiting_reason{{{pod_selector(spec)}, '
            f'reason="CrashLoopBackOff"}}[5m]) >= 1',
            "15m", "warning",
            f"{who}: a container is crash-looping",
            f"Pod {{{{ $labels.pod }}}} of {who} has been in CrashLoopBackOff for 15 minutes.",
        ),
        _alert(
            "SkyfleetServiceReplicasUnavailable",
            f"kube_deployment_status_replicas_available{{{deployment}}} < "
            f"kube_deployment_spec_replicas{{{deployment}}}",
            "15m", "warning",
            f"{who}: fewer replicas available than desired",
            f"Deployment {who} has had fewer available replicas than it wants for 15 minutes.",
        ),
    ]
    if spec.autoscaling is not None:
        hpa = _matchers(namespace=spec.namespace, horizontalpodautoscaler=spec.name)
        rules.append(
            _alert(
                "SkyfleetServiceAutoscalerAtMaximum",
                f"kube_horizontalpodautoscaler_status_current_replicas{{{hpa}}} >= "
                f"kube_horizontalpodautoscaler_spec_max_replicas{{{hpa}}}",
                "15m", "warning",
                f"{who}: the autoscaler is pinned at its maximum",
                f"{who} has run at maxReplicas ({spec.autoscaling.max_replicas}) for 15 minutes: "
                "it cannot absorb more load.",
            )
        )
    return rules


def measures_route(spec: ServiceSpec, metrics: RouteMetrics) -> bool:
    """Whether the controller's metrics name the service's public route (it has one, of an API
    the controller serves)."""
    return spec.route is not None and metrics.selector(spec.route.api) is not None


def route_selector(spec: ServiceSpec, metrics: RouteMetrics) -> str:
    """The ingress controller's matchers for the service's public route (its HTTPRoute or its
    Ingress: the controller names the two differently)."""
    assert spec.route is not None
    port_name = spec.route.port
    selector = metrics.selector(spec.route.api)
    assert selector is not None, "measures_route first"
    return selector.format(
        namespace=spec.namespace, name=spec.name, port=spec.ports[port_name].port, port_name=port_name
    )


def error_ratio(spec: ServiceSpec, metrics: RouteMetrics, window: str) -> str:
    """The share of the route's requests answered with a 5xx over `window`."""
    selector = route_selector(spec, metrics)
    errors = f'{metrics.requests}{{{selector}, {metrics.code_label}=~"5.."}}'
    total = f"{metrics.requests}{{{selector}}}"
    return f"sum(rate({errors}[{window}])) / sum(rate({total}[{window}]))"


def _number(value: Decimal) -> str:
    """A threshold as PromQL reads it, without binary-float noise (0.0144, not 0.014400000000000001)."""
    return format(value.normalize(), "f")


def _route_rules(spec: ServiceSpec, metrics: RouteMetrics) -> list[Rule]:
    who = f"{spec.namespace}/{spec.name}"
    budget = (Decimal(100) - Decimal(str(spec.slo.availability))) / Decimal(100)
    rules = []
    for rate, long, short, severity in BURN_RATES:
        threshold = _number(rate * budget)
        rules.append(
            _alert(
                f"SkyfleetServiceErrorBudgetBurn{long}",
                f"({error_ratio(spec, metrics, long)} > {threshold}) and "
                f"({error_ratio(spec, metrics, short)} > {threshold})",
                "2m" if severity == "critical" else "15m", severity,
                f"{who}: spending its error budget {rate}x too fast",
                f"{who} answered more than {threshold} of its requests with a 5xx over {long} and "
                f"over {short}: at this rate its {spec.slo.availability}% objective is missed.",
            )
        )
    selector = route_selector(spec, metrics)
    latency = _number(Decimal(str(spec.slo.latency_seconds)))
    rules.append(
        _alert(
            "SkyfleetServiceLatencyHigh",
            f"histogram_quantile(0.95, sum by (le) (rate({metrics.duration_bucket}{{{selector}}}[5m]))) "
            f"> {latency}",
            "10m", "warning",
            f"{who}: p95 latency above {latency} s",
            f"The 95th percentile latency of {who}'s route has been above its objective of {latency} s "
            "for 10 minutes.",
        )
    )
    return rules
