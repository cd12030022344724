"""One Grafana dashboard per service, provisioned as code (pure).

The dashboard is a ConfigMap labelled `grafana_dashboard: "1"`, which the Grafana sidecar of
kube-prometheus-stack loads from every namespace (its values set `sidecar.dashboards.label:
grafana_dashboard`, `labelValue: "1"` and `searchNamespace: ALL`: prometheus-community/helm-charts
@ kube-prometheus-stack-88.5.3 : charts/kube-prometheus-stack/values.yaml). It shows the golden
signals of the service's route, its pods' CPU and memory against their requests and limits,
restarts, replicas against the autoscaler's range, and its logs, so a service's logs are one
click from its metrics.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .alerts import error_ratio, measures_route, pod_selector, route_selector
from .spec import ServiceSpec

if TYPE_CHECKING:  # only annotations: importing the platform package pulls in every add-on
    from components.platform.route_metrics import RouteMetrics

DASHBOARD_LABEL = "grafana_dashboard"
PROMETHEUS_DATASOURCE = {"type": "prometheus", "uid": "prometheus"}  # kube-prometheus-stack's uid
LOKI_DATASOURCE = {"type": "loki", "uid": "loki"}  # the uid the logging add-on provisions


def dashboard_uid(spec: ServiceSpec) -> str:
    """Stable across clusters and runs, at most Grafana's 40 characters."""
    return f"skyfleet-{spec.namespace}-{spec.name}"[:40]


def render_dashboard_config_map(
    spec: ServiceSpec,
    metadata: Mapping[str, Any],
    *,
    monitoring: bool,
    route_metrics: RouteMetrics | None,
) -> dict[str, Any] | None:
    """The dashboard ConfigMap (None when the platform runs no Grafana)."""
    if not monitoring:
        return None
    labels = {**metadata.get("labels", {}), DASHBOARD_LABEL: "1"}
    model = dashboard_model(spec, route_metrics)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {**metadata, "name": f"{spec.name}-dashboard", "labels": labels},
        "data": {f"{spec.name}.json": json.dumps(model, indent=1, sort_keys=True)},
    }


def _panel(title: str, targets: list[tuple[str, str]], unit: str, grid: tuple[int, int]) -> dict[str, Any]:
    x, y = grid
    return {
        "type": "timeseries",
        "title": title,
        "datasource": PROMETHEUS_DATASOURCE,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend, "datasource": PROMETHEUS_DATASOURCE}
            for i, (expr, legend) in enumerate(targets)
        ],
    }


def _resource_targets(spec: ServiceSpec, usage: str, resource: str) -> list[tuple[str, str]]:
    pods = pod_selector(spec)
    return [
        (usage, "{{pod}}"),
        (f'sum(kube_pod_container_resource_requests{{{pods}, resource="{resource}"}}) by (pod)', "request"),
        (f'sum(kube_pod_container_resource_limits{{{pods}, resource="{resource}"}}) by (pod)', "limit"),
    ]


def dashboard_model(spec: ServiceSpec, route_metrics: RouteMetrics | None) -> dict[str, Any]:
    """The Grafana dashboard JSON model of one service."""
    pods = pod_selector(spec)
    who = f"{spec.namespace}/{spec.name}"
    panels: list[dict[str, Any]] = []
    if route_metrics is not None and measures_route(spec, route_metrics):
        route = route_selector(spec, route_metrics)
        panels += [
            _panel("Requests per second", [(f"sum(rate({route_metrics.requests}{{{route}}}[5m])) by "
                                            f"({route_metrics.code_label})", "{{code}}")], "reqps", (0, 0)),
            _panel("5xx ratio", [(error_ratio(spec, route_metrics, "5m"), "5xx")], "percentunit", (12, 0)),
            _panel("Latency", [(f"histogram_quantile({q}, sum by (le) (rate({route_metrics.duration_bucket}"
                                f"{{{route}}}[5m])))", f"p{int(q * 100)}") for q in (0.5, 0.95, 0.99)],
                   "s", (0, 8)),
        ]
    top = 16 if panels else 0
    panels += [
        _panel("CPU", _resource_targets(
            spec, f"sum(rate(container_cpu_usage_seconds_total{{{pods}}}[5m])) by (pod)", "cpu"), "cores", (0, top)),
        _panel("Memory", _resource_targets(
            spec, f"sum(container_memory_working_set_bytes{{{pods}}}) by (pod)", "memory"), "bytes", (12, top)),
        _panel("Restarts", [(f"sum(increase(kube_pod_container_status_restarts_total{{{pods}}}[15m])) by (pod)",
                             "{{pod}}")], "short", (0, top + 8)),
        _panel("Replicas", _replica_targets(spec), "short", (12, top + 8)),
        {
            "type": "logs",
            "title": "Logs",
            "datasource": LOKI_DATASOURCE,
            "gridPos": {"h": 10, "w": 24, "x": 0, "y": top + 16},
            "targets": [{"refId": "A", "datasource": LOKI_DATASOURCE,
                         "expr": f'{{namespace="{spec.namespace}", service="{spec.name}"}}'}],
        },
    ]
    for panel_id, panel in enumerate(panels, start=1):
        panel["id"] = panel_id
    return {
        "uid": dashboard_uid(spec),
        "title": f"Service {who}",
        "tags": ["skyfleet", "service"],
        "timezone": "utc",
        "schemaVersion": 39,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "panels": panels,
    }


def _replica_targets(spec: ServiceSpec) -> list[tuple[str, str]]:
    deployment = f'namespace="{spec.namespace}", deployment="{spec.name}"'
    targets = [
        (f"kube_deployment_status_replicas_available{{{deployment}}}", "available"),
        (f"kube_deployment_spec_replicas{{{deployment}}}", "desired"),
    ]
    if spec.autoscaling is not None:
        hpa = f'namespace="{spec.namespace}", horizontalpodautoscaler="{spec.name}"'
        targets += [
            (f"kube_horizontalpodautoscaler_spec_min_replicas{{{hpa}}}", "autoscaler min"),
            (f"kube_horizontalpodautoscaler_spec_max_replicas{{{hpa}}}", "autoscaler max"),
        ]
    return targets


FLEET_DASHBOARD = "skyfleet-services"


def fleet_dashboard_model(cluster: str, specs: Sequence[ServiceSpec]) -> dict[str, Any]:
    """One dashboard per cluster: a tile per service, red while any of its alerts fires, linking
    to the service's own dashboard."""
    panels = []
    for i, spec in enumerate(sorted(specs, key=lambda s: (s.namespace, s.name))):
        firing = f'sum(ALERTS{{alertstate="firing", namespace="{spec.namespace}", service="{spec.name}"}}) or vector(0)'
        panels.append({
            "id": i + 1,
            "type": "stat",
            "title": f"{spec.namespace}/{spec.name}",
            "datasource": PROMETHEUS_DATASOURCE,
            "gridPos": {"h": 4, "w": 6, "x": (i % 4) * 6, "y": (i // 4) * 4},
            "targets": [{"refId": "A", "expr": firing, "legendFormat": "firing alerts",
                         "datasource": PROMETHEUS_DATASOURCE}],
            "fieldConfig": {
                "defaults": {
                    "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                                 {"color": "red", "value": 1}]},
                    "links": [{"title": "Service dashboard", "url": f"/d/{dashboard_uid(spec)}"}],
                },
                "overrides": [],
            },
            "options": {"colorMode": "background", "reduceOptions": {"calcs": ["lastNotNull"]}},
        })
    return {
        "uid": f"skyfleet-fleet-{cluster}"[:40],
        "title": f"Services on {cluster}",
        "tags": ["skyfleet", "fleet"],
        "timezone": "utc",
        "schemaVersion": 39,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "panels": panels,
    }


def render_fleet_dashboard_config_map(cluster: str, specs: Sequence[ServiceSpec], namespace: str) -> dict[str, Any]:
    """The cluster's fleet view as a ConfigMap in the monitoring namespace."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": FLEET_DASHBOARD,
            "namespace": namespace,
            "labels": {DASHBOARD_LABEL: "1", "app.kubernetes.io/managed-by": "skyfleet"},
        },
        "data": {
            f"{FLEET_DASHBOARD}.json": json.dumps(fleet_dashboard_model(cluster, specs), indent=1, sort_keys=True)
        },
    }
