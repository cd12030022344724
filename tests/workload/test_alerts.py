"""Every service's alerts, judged by the real engine: `promtool check rules` parses them and
`promtool test rules` evaluates each against a series that must fire it and one that must not.

The series and the expected alerts below are written by hand from what kube-state-metrics and
Traefik export, not from the rules under test: the rules are rendered from the shipped
`stacks/workloads.yaml` services (`web`: public route and autoscaling; `api`: neither).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.platform.route_metrics import TRAEFIK_ROUTE_METRICS
from components.workload import alerts, load_workloads
from components.workload.render import render_service_objects
from components.workload.spec import Slo

from . import promtool
from .samples import PLATFORM

PROJECT = Path(__file__).resolve().parents[2]
SPECS = {spec.name: spec for spec in load_workloads(PROJECT / "stacks" / "workloads.yaml")}
CRD = PROJECT.parent / "shared" / "k8s-data" / "crds" / "prometheus-operator-kube-prometheus-stack-88.5.3"
TRAEFIK = PLATFORM.__class__(**{**PLATFORM.__dict__, "route_metrics": TRAEFIK_ROUTE_METRICS})


def _rule(name: str, **changes: Any) -> dict[str, Any]:
    spec = SPECS[name]
    if changes:
        spec = spec.__class__(**{**spec.__dict__, **changes})
    rule = alerts.render_prometheus_rule(spec, {"name": name, "namespace": "apps"}, monitoring=True,
                                         route_metrics=TRAEFIK_ROUTE_METRICS)
    assert rule is not None
    return rule


def _alert_names(rule: dict[str, Any]) -> list[str]:
    return [r["alert"] for group in rule["spec"]["groups"] for r in group["rules"]]


# --- what each service gets -------------------------------------------------------------------

def test_a_service_with_a_route_and_autoscaling_gets_every_alert():
    assert _alert_names(_rule("web")) == [
        "SkyfleetServiceCrashLooping", "SkyfleetServiceReplicasUnavailable", "SkyfleetServiceAutoscalerAtMaximum",
        "SkyfleetServiceErrorBudgetBurn1h", "SkyfleetServiceErrorBudgetBurn6h", "SkyfleetServiceErrorBudgetBurn3d",
        "SkyfleetServiceLatencyHigh",
    ]


def test_a_service_without_route_or_autoscaling_gets_the_pod_alerts_only():
    assert _alert_names(_rule("api")) == ["SkyfleetServiceCrashLooping", "SkyfleetServiceReplicasUnavailable"]


def test_route_alerts_need_the_ingress_controllers_metrics():
    rule = alerts.render_prometheus_rule(SPECS["web"], {"name": "web"}, monitoring=True, route_metrics=None)
    assert rule is not None
    assert not any("Budget" in name or "Latency" in name for name in _alert_names(rule))


def test_no_prometheus_rule_without_the_prometheus_operator():
    assert alerts.render_prometheus_rule(SPECS["web"], {"name": "web"}, monitoring=False,
                                         route_metrics=TRAEFIK_ROUTE_METRICS) is None


def test_every_alert_names_its_service_and_a_runbook_section_that_exists():
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
        for line in (PROJECT / "docs" / "runbooks.md").read_text().splitlines()
        if line.startswith("## ")
    }
    for name in SPECS:
        for group in _rule(name)["spec"]["groups"]:
            for rule in group["rules"]:
                assert rule["labels"]["service"] == name and rule["labels"]["namespace"] == "apps"
                path, _, anchor = rule["annotations"]["runbook_url"].partition("#")
                assert path == "docs/runbooks.md" and anchor in headings, rule["alert"]


def test_the_burn_rate_thresholds_follow_the_services_objective():
    strict = _rule("web", slo=Slo(availability=99.99))
    expr = next(r["expr"] for r in strict["spec"]["groups"][0]["rules"] if r["alert"].endswith("Burn1h"))
    assert expr.count("> 0.00144)") == 2  # 14.4 x (1 - 0.9999), in both windows


def test_the_services_objects_include_its_rule_and_dashboard_on_a_monitored_platform():
    kinds = [(o["kind"], o["metadata"]["name"]) for o in render_service_objects(SPECS["web"], TRAEFIK)]
    assert ("PrometheusRule", "web") in kinds and ("ConfigMap", "web-dashboard") in kinds


# --- the real CRD and the real engine --------------------------------------------------------

def test_the_prometheus_rule_validates_against_the_real_crd():
    import jsonschema

    path = CRD / "crd-prometheusrules.yaml"
    if not path.exists():
        pytest.skip(f"{path} is absent: the upstream CRDs live in ../shared/k8s-data")
    crd = yaml.safe_load(path.read_text())
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    validator = jsonschema.Draft202012Validator(version["schema"]["openAPIV3Schema"])
    for name in SPECS:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_rule(name))]
        assert errors == [], name


@pytest.mark.parametrize("name", sorted(SPECS))
def test_promtool_accepts_every_rule(name, tmp_path):
    done = promtool.check_rules(_rule(name)["spec"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


POD = {"namespace": "apps", "pod": "web-5d9f8c7b6d-x2x9z", "container": "web"}


def _series(metric: str, labels: dict[str, str], values: str) -> dict[str, str]:
    inner = ", ".join(f'{k}="{v}"' for k, v in labels.items())
    return {"series": f"{metric}{{{inner}}}", "values": values}


def _annotations(alert: str, labels: dict[str, str]) -> dict[str, str]:
    """The rule's annotations as Prometheus expands them for these labels: promtool compares
    annotations too, and which alert fires (the labels) is what these cases are about."""
    (rule,) = [r for r in _rule("web")["spec"]["groups"][0]["rules"] if r["alert"] == alert]
    return {key: re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], text)
            for key, text in rule["annotations"].items()}


def _expect(alert: str, at: str, fired: list[dict[str, str]]) -> dict[str, Any]:
    return {"eval_time": at, "alertname": alert,
            "exp_alerts": [{"exp_labels": labels, "exp_annotations": _annotations(alert, labels)} for labels in fired]}


def _labels(severity: str, **extra: str) -> dict[str, str]:
    return {**extra, "severity": severity, "service": "web", "namespace": "apps"}


# Traefik v3.7's name for the load-balancer service behind rule 0 of HTTPRoute apps/web on the
# Gateway traefik/traefik's websecure entry point, backend 0 (Service apps/web): the format of
# pkg/provider/kubernetes/gateway/httproute.go (see its kubernetes_test.go), with the first 10
# bytes of the rule's sha256 in the middle (their value does not matter here).
GATEWAY_WEB = ("httproute-apps-web-gw-traefik-traefik-ep-websecure-0-1f2e3d4c5b6a79880123-svc-apps-web-0"
               "@kubernetesgateway")


def _requests(errors_per_minute: str, service: str = GATEWAY_WEB) -> list[dict[str, str]]:
    """1000 requests a minute to the route, `errors_per_minute` of them 5xx, for 4 hours."""
    ok = 1000 - float(errors_per_minute)
    return [
        _series("traefik_service_requests_total", {"service": service, "code": "200"}, f"0+{ok}x240"),
        _series("traefik_service_requests_total", {"service": service, "code": "503"}, f"0+{errors_per_minute}x240"),
    ]


def _latency(per_bucket: dict[str, int]) -> list[dict[str, str]]:
    """Cumulative request counts per minute by Traefik's default buckets (0.1, 0.3, 1.2, 5 s)."""
    service = GATEWAY_WEB
    return [
        _series("traefik_service_request_duration_seconds_bucket", {"service": service, "code": "200", "le": le},
                f"0+{count}x60")
        for le, count in per_bucket.items()
    ]


# (what is shown, input series, alert, evaluated at, labels of the alerts expected to fire)
CASES: list[tuple[str, list[dict[str, str]], str, str, list[dict[str, str]]]] = [
    ("crash-looping for 20 minutes fires",
     [_series("kube_pod_container_status_waiting_reason", {**POD, "reason": "CrashLoopBackOff"}, "1x30")],
     "SkyfleetServiceCrashLooping", "20m",
     [_labels("warning", pod=POD["pod"], container="web", reason="CrashLoopBackOff")]),
    ("crash-looping for 10 minutes does not fire yet",
     [_series("kube_pod_container_status_waiting_reason", {**POD, "reason": "CrashLoopBackOff"}, "1x10")],
     "SkyfleetServiceCrashLooping", "10m", []),
    ("another service's pod crash-looping does not fire web's alert",
     [_series("kube_pod_container_status_waiting_reason",
              {"namespace": "apps", "pod": "web-admin-6c7d8f9b5-abcde", "container": "web",
               "reason": "CrashLoopBackOff"},
              "1x30")],
     "SkyfleetServiceCrashLooping", "20m", []),
    ("1 of 2 replicas available for 20 minutes fires",
     [_series("kube_deployment_status_replicas_available", {"namespace": "apps", "deployment": "web"}, "1x30"),
      _series("kube_deployment_spec_replicas", {"namespace": "apps", "deployment": "web"}, "2x30")],
     "SkyfleetServiceReplicasUnavailable", "20m", [_labels("warning", deployment="web")]),
    ("every replica available does not fire",
     [_series("kube_deployment_status_replicas_available", {"namespace": "apps", "deployment": "web"}, "2x30"),
      _series("kube_deployment_spec_replicas", {"namespace": "apps", "deployment": "web"}, "2x30")],
     "SkyfleetServiceReplicasUnavailable", "20m", []),
    ("the autoscaler at its maximum for 20 minutes fires",
     [_series("kube_horizontalpodautoscaler_status_current_replicas",
              {"namespace": "apps", "horizontalpodautoscaler": "web"}, "6x30"),
      _series("kube_horizontalpodautoscaler_spec_max_replicas",
              {"namespace": "apps", "horizontalpodautoscaler": "web"}, "6x30")],
     "SkyfleetServiceAutoscalerAtMaximum", "20m", [_labels("warning", horizontalpodautoscaler="web")]),
    ("the autoscaler below its maximum does not fire",
     [_series("kube_horizontalpodautoscaler_status_current_replicas",
              {"namespace": "apps", "horizontalpodautoscaler": "web"}, "5x30"),
      _series("kube_horizontalpodautoscaler_spec_max_replicas",
              {"namespace": "apps", "horizontalpodautoscaler": "web"}, "6x30")],
     "SkyfleetServiceAutoscalerAtMaximum", "20m", []),
    # 99.9% objective: the 1h alert needs > 1.44% errors, the 6h one > 0.6%, the 3d one > 0.1%.
    ("5% errors burn the budget in hours and page", _requests("50"),
     "SkyfleetServiceErrorBudgetBurn1h", "90m", [_labels("critical")]),
    ("1% errors do not page on the 1h window", _requests("10"), "SkyfleetServiceErrorBudgetBurn1h", "90m", []),
    ("1% errors page on the 6h window", _requests("10"),
     "SkyfleetServiceErrorBudgetBurn6h", "90m", [_labels("critical")]),
    ("0.5% errors do not page on the 6h window", _requests("5"), "SkyfleetServiceErrorBudgetBurn6h", "90m", []),
    ("0.5% errors open a ticket on the 3d window", _requests("5"),
     "SkyfleetServiceErrorBudgetBurn3d", "90m", [_labels("warning")]),
    ("0.05% errors stay within the budget", _requests("0.5"), "SkyfleetServiceErrorBudgetBurn3d", "90m", []),
    ("another Gateway route's errors do not burn web's budget",
     _requests("50", service=GATEWAY_WEB.replace("apps-web", "apps-webshop")),
     "SkyfleetServiceErrorBudgetBurn1h", "90m", []),
    ("errors of a route to web from another namespace do not burn web's budget",
     _requests("50", service=GATEWAY_WEB.replace("apps-web", "shop-web")),
     "SkyfleetServiceErrorBudgetBurn1h", "90m", []),
    ("errors an Ingress of web would see do not count for its HTTPRoute",
     _requests("50", service="apps-web-http@kubernetes"),
     "SkyfleetServiceErrorBudgetBurn1h", "90m", []),
    ("most requests slower than 0.3 s put p95 above 0.5 s",
     _latency({"0.1": 10, "0.3": 20, "1.2": 100, "5.0": 100, "+Inf": 100}),
     "SkyfleetServiceLatencyHigh", "30m", [_labels("warning")]),
    ("p95 under 0.3 s does not fire",
     _latency({"0.1": 90, "0.3": 98, "1.2": 100, "5.0": 100, "+Inf": 100}),
     "SkyfleetServiceLatencyHigh", "30m", []),
]


@pytest.mark.parametrize(("shown", "series", "alert", "at", "fired"), CASES, ids=[c[0] for c in CASES])
def test_promtool_evaluates_each_alert(shown, series, alert, at, fired, tmp_path):
    done = promtool.unit_test_rules(
        _rule("web")["spec"], [{"interval": "1m", "input_series": series, "alert_rule_test": [
            _expect(alert, at, fired)]}], tmp_path,
    )
    assert done.returncode == 0, f"{shown}:\n{done.stdout}{done.stderr}"


def test_an_ingress_route_is_measured_by_traefiks_ingress_service_name(tmp_path):
    # Traefik's kubernetes (Ingress) provider names the backend <namespace>-<service>-<port>.
    web = SPECS["web"]
    assert web.route is not None
    rule = _rule("web", route=dataclasses.replace(web.route, api="ingress"))
    tests = [{"interval": "1m", "input_series": series, "alert_rule_test": [
        _expect("SkyfleetServiceErrorBudgetBurn1h", "90m", fired)]}
        for series, fired in ((_requests("50", service="apps-web-http@kubernetes"), [_labels("critical")]),
                              (_requests("50", service=GATEWAY_WEB), []))]
    done = promtool.unit_test_rules(rule["spec"], tests, tmp_path)
    assert done.returncode == 0, f"{done.stdout}{done.stderr}"


def test_promtool_catches_a_wrong_expectation(tmp_path):
    """The harness can fail: claiming that a healthy Deployment fires is refused by promtool."""
    series = [_series("kube_deployment_status_replicas_available", {"namespace": "apps", "deployment": "web"}, "2x30"),
              _series("kube_deployment_spec_replicas", {"namespace": "apps", "deployment": "web"}, "2x30")]
    done = promtool.unit_test_rules(
        _rule("web")["spec"], [{"interval": "1m", "input_series": series, "alert_rule_test": [
            _expect("SkyfleetServiceReplicasUnavailable", "20m", [_labels("warning", deployment="web")])]}],
        tmp_path,
    )
    assert done.returncode != 0


# --- the objective is checked like every other field ------------------------------------------

def test_an_objective_the_fastest_burn_alert_could_never_reach_is_refused():
    from .samples import problems, service

    assert "slo.availability" in problems(service(slo=Slo(availability=90)))
    assert "slo.availability" in problems(service(slo=Slo(availability=100)))
    assert "slo.availability" not in problems(service(slo=Slo(availability=99.5)))


def test_a_latency_objective_must_be_a_positive_number_of_seconds():
    from .samples import problems, service

    assert "slo.latencySeconds" in problems(service(slo=Slo(latency_seconds=0)))
    assert "slo.latencySeconds" in problems(service(slo=Slo(latency_seconds=float("inf"))))


def test_the_objective_is_read_from_yaml_in_camel_case():
    from components.errors import Problems
    from components.workload.parse import parse_workloads

    found = Problems()
    raw = yaml.safe_load((PROJECT / "stacks" / "workloads.yaml").read_text())
    raw["services"]["web"]["slo"] = {"availability": 99, "latencySeconds": 0.25}
    (web, _) = parse_workloads(raw, found)
    assert found.found == [] and web.slo == Slo(availability=99, latency_seconds=0.25)
