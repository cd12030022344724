"""Defects found by rendering the real charts with the values Skyfleet sends, one test each."""

from __future__ import annotations

from platform_harness import default_platform, one, values

from components.platform.monitoring import retention_size
from skyfleet.preview import wire

NAMESPACE = "kubernetes:core/v1:Namespace"


def _namespaces(plan) -> dict[str, str]:
    return {
        wire.reveal(r.inputs)["metadata"]["name"]:
            wire.reveal(r.inputs)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        for r in plan.by_type(NAMESPACE)
    }


def test_the_azure_load_balancer_probes_the_exposed_ports_over_tcp():
    annotations = values(default_platform("azure").plan, "traefik")["service"]["annotations"]
    assert annotations["service.beta.kubernetes.io/azure-load-balancer-health-probe-protocol"] == "tcp"
    assert not any("request-path" in key for key in annotations)


def test_node_exporter_has_its_own_privileged_namespace_and_monitoring_is_restricted():
    plan = default_platform().plan
    namespaces = _namespaces(plan)
    assert (namespaces["node-exporter"], namespaces["monitoring"]) == ("privileged", "restricted")
    assert values(plan, "kube-prometheus-stack")["prometheus-node-exporter"]["namespaceOverride"] == "node-exporter"


def test_every_platform_namespace_but_node_exporters_enforces_restricted():
    namespaces = _namespaces(default_platform("aws", production=True).plan)
    assert {name for name, level in namespaces.items() if level != "restricted"} == {"node-exporter"}


def test_grafana_runs_no_root_chown_init_container_and_no_test_pod():
    grafana = values(default_platform().plan, "kube-prometheus-stack")["grafana"]
    assert grafana["initChownData"] == {"enabled": False}
    assert grafana["testFramework"] == {"enabled": False}


def test_every_monitoring_container_has_requests_and_limits():
    sent = values(default_platform().plan, "kube-prometheus-stack")
    for section in (sent["kube-state-metrics"], sent["prometheus-node-exporter"], sent["prometheusOperator"],
                    sent["prometheusOperator"]["admissionWebhooks"]["patch"], sent["grafana"]["sidecar"]):
        assert set(section["resources"]) == {"requests", "limits"}


def test_prometheus_and_alertmanager_spread_over_zones():
    sent = values(default_platform().plan, "kube-prometheus-stack")
    for spec in (sent["prometheus"]["prometheusSpec"], sent["alertmanager"]["alertmanagerSpec"]):
        keys = [c["topologyKey"] for c in spec["topologySpreadConstraints"]]
        assert "topology.kubernetes.io/zone" in keys


def test_prometheus_deletes_old_blocks_before_its_volume_fills():
    spec = values(default_platform().plan, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    assert spec["retentionSize"] == "43520MB"  # 85% of the default 50Gi volume
    assert retention_size("10Gi") == "8704MB" and retention_size("100G") == "81062MB"


def test_argo_cd_notifications_and_every_redis_ha_container_have_limits():
    sent = values(default_platform("aws", production=True).plan, "argocd")
    redis_ha = sent["redis-ha"]
    sections = [sent["notifications"], sent["redisSecretInit"], redis_ha["redis"], redis_ha["sentinel"],
                redis_ha["splitBrainDetection"], redis_ha["init"], redis_ha["configmapTest"],
                redis_ha["haproxy"], redis_ha["haproxy"]["init"], redis_ha["haproxy"]["tests"]]
    for section in sections:
        assert section["resources"]["limits"]


def test_redis_ha_gets_disruption_budgets():
    redis_ha = values(default_platform("aws", production=True).plan, "argocd")["redis-ha"]
    assert redis_ha["enabled"] is True
    assert redis_ha["podDisruptionBudget"] == {"maxUnavailable": 1}
    assert redis_ha["haproxy"]["podDisruptionBudget"] == {"maxUnavailable": 1}


def test_cert_managers_startup_check_has_limits():
    assert values(default_platform().plan, "cert-manager")["startupapicheck"]["resources"]["limits"]


def test_the_node_exporter_namespace_exists_before_the_release():
    plan = default_platform().plan
    namespace = next(r for r in plan.by_type(NAMESPACE) if r.name.endswith("node-exporter-ns"))
    release = one(plan, "kubernetes:helm.sh/v3:Release", "main-platform-monitoring-release")
    assert namespace.urn in release.dependencies


def test_argo_cds_url_is_never_the_charts_example_host():
    sent = values(default_platform().plan, "argocd")
    assert sent["global"]["domain"] == "localhost:8080"


def test_the_node_exporter_namespace_says_why_it_is_privileged_in_the_annotation_the_pack_reads():
    from components.platform.addon import POD_SECURITY_EXCEPTION
    from policies.pod_security import POD_SECURITY_EXCEPTION as READ_BY_THE_PACK

    namespace = next(r for r in default_platform().plan.by_type(NAMESPACE) if r.name.endswith("node-exporter-ns"))
    annotations = wire.reveal(namespace.inputs)["metadata"]["annotations"]
    assert POD_SECURITY_EXCEPTION == READ_BY_THE_PACK
    assert "hostPID" in annotations[READ_BY_THE_PACK]
