"""kube-prometheus-stack: the Grafana password stays secret, every ServiceMonitor is scraped."""

from __future__ import annotations

import json

from platform_harness import SECRET, default_platform, one, preview_platform, values

from components.platform import MonitoringArgs, PlatformArgs
from skyfleet.preview import wire

PASSWORD = "random:index/randomPassword:RandomPassword"


def test_grafana_password_never_appears_in_any_release_input():
    plan = default_platform().plan
    password = wire.reveal(one(plan, PASSWORD).state["result"])
    assert len(password) == 32
    for release in plan.by_type("kubernetes:helm.sh/v3:Release"):
        assert password not in json.dumps(wire.reveal(release.inputs)), release.name


def test_grafana_password_is_a_secret_in_its_kubernetes_secret():
    secret = one(default_platform().plan, SECRET, "main-platform-monitoring-grafana-admin")
    string_data = secret.inputs["stringData"]
    assert wire.is_secret(string_data) or wire.is_secret(string_data["admin-password"])


def test_grafana_reads_its_admin_credentials_from_the_secret():
    assert values(default_platform().plan, "kube-prometheus-stack")["grafana"]["admin"] == {
        "existingSecret": "grafana-admin",
        "userKey": "admin-user",
        "passwordKey": "admin-password",
    }


def test_prometheus_selects_every_monitor_and_rule_in_the_cluster():
    spec = values(default_platform().plan, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    for kind in ("serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"):
        assert spec[f"{kind}SelectorNilUsesHelmValues"] is False, kind


def test_storage_uses_the_clouds_storage_class():
    sent = values(default_platform("gcp").plan, "kube-prometheus-stack")
    claim = sent["prometheus"]["prometheusSpec"]["storageSpec"]["volumeClaimTemplate"]["spec"]
    assert claim["storageClassName"] == "standard-rwo"
    assert claim["resources"] == {"requests": {"storage": "50Gi"}}
    assert sent["grafana"]["persistence"]["storageClassName"] == "standard-rwo"


def test_retention_and_storage_class_are_typed_fields():
    args = PlatformArgs(monitoring=MonitoringArgs(retention="30d", storage_class="fast"))
    spec = values(preview_platform(args).plan, "kube-prometheus-stack")["prometheus"][
        "prometheusSpec"
    ]
    assert spec["retention"] == "30d"
    assert spec["storageSpec"]["volumeClaimTemplate"]["spec"]["storageClassName"] == "fast"


def test_production_runs_prometheus_and_alertmanager_in_pairs_with_pdbs():
    sent = values(default_platform(production=True).plan, "kube-prometheus-stack")
    assert sent["prometheus"]["prometheusSpec"]["replicas"] == 2
    assert sent["alertmanager"]["alertmanagerSpec"]["replicas"] == 2
    assert sent["prometheus"]["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}
    assert sent["alertmanager"]["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}


def test_unreachable_managed_control_plane_targets_are_not_scraped():
    sent = values(default_platform().plan, "kube-prometheus-stack")
    for part in ("kubeEtcd", "kubeScheduler", "kubeControllerManager", "kubeProxy"):
        assert sent[part] == {"enabled": False}, part


def test_grafana_can_be_left_out_and_then_no_password_is_made():
    plan = preview_platform(PlatformArgs(monitoring=MonitoringArgs(grafana=False))).plan
    assert values(plan, "kube-prometheus-stack")["grafana"]["enabled"] is False
    assert plan.by_type(PASSWORD) == []


def test_grafana_admin_password_output_is_secret():
    outputs = one(default_platform().plan, "skyfleet:platform:Monitoring").outputs
    assert wire.is_secret(outputs["grafana_admin_password"])
