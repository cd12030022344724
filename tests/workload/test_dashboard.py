"""Each service's Grafana dashboard: what it shows, that Grafana's sidecar loads it, and that every
PromQL query on it parses in the real engine (promtool checks them as recording rules)."""

from __future__ import annotations

import json
from pathlib import Path

from components.platform.route_metrics import TRAEFIK_ROUTE_METRICS
from components.workload import load_workloads
from components.workload.dashboard import dashboard_model, render_dashboard_config_map

from . import promtool

PROJECT = Path(__file__).resolve().parents[2]
SPECS = {spec.name: spec for spec in load_workloads(PROJECT / "stacks" / "workloads.yaml")}
META = {"name": "web", "namespace": "apps", "labels": {"app.kubernetes.io/name": "web"}}


def _titles(name: str) -> list[str]:
    return [p["title"] for p in dashboard_model(SPECS[name], TRAEFIK_ROUTE_METRICS)["panels"]]


def test_a_routed_service_shows_requests_errors_latency_resources_restarts_replicas_and_logs():
    assert _titles("web") == [
        "Requests per second", "5xx ratio", "Latency", "CPU", "Memory", "Restarts", "Replicas", "Logs",
    ]


def test_a_service_without_a_route_shows_its_pods_and_logs():
    assert _titles("api") == ["CPU", "Memory", "Restarts", "Replicas", "Logs"]


def test_cpu_and_memory_are_shown_against_requests_and_limits():
    panels = {p["title"]: p for p in dashboard_model(SPECS["api"], None)["panels"]}
    for title in ("CPU", "Memory"):
        assert [t["legendFormat"] for t in panels[title]["targets"]] == ["{{pod}}", "request", "limit"]


def test_replicas_are_shown_against_the_autoscalers_range():
    panels = {p["title"]: p for p in dashboard_model(SPECS["web"], TRAEFIK_ROUTE_METRICS)["panels"]}
    assert [t["legendFormat"] for t in panels["Replicas"]["targets"]] == [
        "available", "desired", "autoscaler min", "autoscaler max",
    ]


def test_the_logs_panel_reads_the_services_logs_from_loki():
    (logs,) = [p for p in dashboard_model(SPECS["web"], None)["panels"] if p["type"] == "logs"]
    assert logs["datasource"] == {"type": "loki", "uid": "loki"}
    assert logs["targets"][0]["expr"] == '{namespace="apps", service="web"}'


def test_the_config_map_carries_the_label_grafanas_sidecar_loads():
    cm = render_dashboard_config_map(SPECS["web"], META, monitoring=True, route_metrics=None)
    assert cm is not None
    assert cm["metadata"]["name"] == "web-dashboard" and cm["metadata"]["namespace"] == "apps"
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    model = json.loads(cm["data"]["web.json"])
    assert model["uid"] == "skyfleet-apps-web" and len(model["uid"]) <= 40


def test_no_dashboard_without_grafana():
    assert render_dashboard_config_map(SPECS["web"], META, monitoring=False, route_metrics=None) is None


def test_panel_ids_are_unique():
    ids = [p["id"] for p in dashboard_model(SPECS["web"], TRAEFIK_ROUTE_METRICS)["panels"]]
    assert len(ids) == len(set(ids))


def test_every_promql_query_on_the_dashboards_parses(tmp_path):
    rules = [
        {"record": f"skyfleet:dashboard:{name}:{i}", "expr": target["expr"]}
        for name in SPECS
        for panel in dashboard_model(SPECS[name], TRAEFIK_ROUTE_METRICS)["panels"]
        if panel["datasource"]["type"] == "prometheus"
        for i, target in enumerate(panel["targets"])
    ]
    assert len(rules) > 10
    done = promtool.check_rules({"groups": [{"name": "dashboards", "rules": rules}]}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_fleet_view_has_a_tile_per_service_red_while_an_alert_fires():
    from components.workload.dashboard import fleet_dashboard_model

    model = fleet_dashboard_model("east", list(SPECS.values()))
    assert [p["title"] for p in model["panels"]] == ["apps/api", "apps/web"]
    (web,) = [p for p in model["panels"] if p["title"] == "apps/web"]
    assert 'ALERTS{alertstate="firing", namespace="apps", service="web"}' in web["targets"][0]["expr"]
    assert web["fieldConfig"]["defaults"]["links"][0]["url"] == "/d/skyfleet-apps-web"


def test_every_promql_query_on_the_fleet_view_parses(tmp_path):
    from components.workload.dashboard import fleet_dashboard_model

    rules = [{"record": f"skyfleet:fleet:{i}", "expr": p["targets"][0]["expr"]}
             for i, p in enumerate(fleet_dashboard_model("east", list(SPECS.values()))["panels"])]
    done = promtool.check_rules({"groups": [{"name": "fleet", "rules": rules}]}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
