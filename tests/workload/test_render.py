"""Each default, checked on the pure manifests (what Microservice sends is tested under mocks)."""

import dataclasses

from components.workload import (
    Autoscaling,
    ContainerPort,
    MetricsSpec,
    RouteSpec,
)
from components.workload import render as r

from .samples import PLATFORM, service


def _pod(spec=None):
    return r.render_deployment(spec or service(), checksum="c")["spec"]["template"]["spec"]


def _container(spec=None):
    (container,) = _pod(spec)["containers"]
    return container


def _all(spec=None, platform=PLATFORM):
    return r.render_service_objects(spec or service(), platform, secret_values={"dbKey": "pw"})


def test_the_pod_meets_pod_security_restricted():
    assert _pod()["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 65532,
        "runAsGroup": 65532,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert _container()["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def test_tmp_is_a_writable_empty_dir():
    assert _pod()["volumes"] == [{"name": "tmp", "emptyDir": {}}]
    assert _container()["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]


def test_requests_and_limits_are_set_by_default():
    assert _container()["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"cpu": "500m", "memory": "256Mi"},
    }


def test_probes_are_rendered():
    container = _container()
    assert container["livenessProbe"]["httpGet"] == {
        "path": "/livez",
        "port": "http",
        "scheme": "HTTP",
    }
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert "startupProbe" not in container


def test_a_rollout_never_drops_below_the_desired_count():
    strategy = r.render_deployment(service(), checksum="c")["spec"]["strategy"]
    assert strategy == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
    }


def test_pods_spread_across_zones_and_nodes_best_effort():
    spread = _pod()["topologySpreadConstraints"]
    assert [(c["topologyKey"], c["whenUnsatisfiable"]) for c in spread] == [
        ("topology.kubernetes.io/zone", "ScheduleAnyway"),
        ("kubernetes.io/hostname", "ScheduleAnyway"),
    ]


def test_the_service_account_token_is_not_mounted_by_default():
    assert _pod()["automountServiceAccountToken"] is False
    assert r.render_service_account(service())["automountServiceAccountToken"] is False


def test_the_service_account_token_is_mounted_when_asked():
    assert (
        _pod(service(automount_service_account_token=True))["automountServiceAccountToken"] is True
    )


def test_every_object_is_named_after_the_service_in_its_namespace():
    assert {(o["metadata"]["name"], o["metadata"]["namespace"]) for o in _all()} == {
        ("api", "apps"), ("api-dashboard", "apps")
    }


STANDARD_LABELS = {
    "app.kubernetes.io/name": "api",
    "app.kubernetes.io/instance": "api",
    "app.kubernetes.io/component": "server",
    "app.kubernetes.io/part-of": "apps",
    "app.kubernetes.io/managed-by": "skyfleet",
    "skyfleet.io/workload": "api",
}


def test_every_object_carries_the_standard_labels():
    for obj in _all():
        assert STANDARD_LABELS.items() <= obj["metadata"]["labels"].items(), obj["kind"]


def test_only_the_deployment_and_its_pods_carry_the_image_version():
    # An image bump must change the Deployment alone, not every object of the service.
    versioned = {o["kind"] for o in _all() if "app.kubernetes.io/version" in o["metadata"]["labels"]}
    deployment = r.render_deployment(service(), checksum="c")
    assert versioned == {"Deployment"}
    assert deployment["metadata"]["labels"]["app.kubernetes.io/version"] == "1.4.2"
    assert deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"] == "1.4.2"


def test_the_selector_leaves_out_the_version():
    selector = r.render_deployment(service(), checksum="c")["spec"]["selector"]["matchLabels"]
    assert selector == {"app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api"}


def test_two_replicas_by_default():
    assert r.render_deployment(service(), checksum="c")["spec"]["replicas"] == 2


def test_replicas_are_left_to_the_autoscaler():
    spec = service(autoscaling=Autoscaling(max_replicas=6))
    assert "replicas" not in r.render_deployment(spec, checksum="c")["spec"]


def test_the_autoscaler_targets_cpu_and_scales_down_slowly():
    hpa = r.render_hpa(service(autoscaling=Autoscaling(max_replicas=6)))
    assert hpa is not None
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    assert hpa["spec"]["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 70},
            },
        }
    ]
    assert hpa["spec"]["behavior"] == {"scaleDown": {"stabilizationWindowSeconds": 300}}


def test_the_disruption_budget_allows_one_pod_down():
    assert r.render_pdb(service())["spec"]["maxUnavailable"] == 1


def test_service_ports_are_the_container_ports():
    assert r.render_service(service())["spec"]["ports"] == [
        {"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"},
        {"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"},
    ]


def test_an_ingress_route_uses_the_platform_class_with_tls_from_cert_manager():
    ingress = r.render_ingress(service(route=RouteSpec(host="api.example.com", api="ingress")), PLATFORM)
    assert ingress is not None
    assert ingress["spec"]["ingressClassName"] == "traefik"
    assert ingress["metadata"]["annotations"] == {"cert-manager.io/cluster-issuer": "letsencrypt"}
    assert ingress["spec"]["tls"] == [{"hosts": ["api.example.com"], "secretName": "api-tls"}]


def test_a_route_is_an_http_route_on_the_https_listener_of_its_host_by_default():
    spec = service(route=RouteSpec(host="api.example.com", path="/v1"))
    kinds = [o["kind"] for o in _all(spec)]
    assert "HTTPRoute" in kinds and "Ingress" not in kinds
    route = r.render_http_route(spec, PLATFORM)
    assert route is not None and route["spec"] == {
        "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "traefik",
                        "namespace": "ingress", "sectionName": "https-api-example-com"}],
        "hostnames": ["api.example.com"],
        "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/v1"}}],
                   "backendRefs": [{"name": "api", "port": 8080}]}],
    }


def test_the_network_policy_admits_only_ingress_callers_and_prometheus():
    spec = service(
        route=RouteSpec(host="api.example.com"),
        callers=["web", "ops/cron"],
        metrics=MetricsSpec(),
    )
    rules = r.render_network_policy(spec, PLATFORM)["spec"]["ingress"]
    assert [rule["from"] for rule in rules] == [
        [
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}},
                "podSelector": {"matchLabels": {"app.kubernetes.io/name": "traefik"}},
            }
        ],
        [
            {
                "podSelector": {"matchLabels": {"app.kubernetes.io/name": "cron"}},
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ops"}},
            },
            {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "web"}}},
        ],
        [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
    ]
    assert [rule["ports"] for rule in rules] == [[{"port": 8080, "protocol": "TCP"}]] * 2 + [
        [{"port": 9090, "protocol": "TCP"}]
    ]


def test_without_ingress_callers_or_metrics_nothing_is_admitted():
    assert r.render_network_policy(service(), PLATFORM)["spec"]["ingress"] == []


def test_a_service_monitor_scrapes_the_metrics_port():
    monitor = r.render_service_monitor(service(metrics=MetricsSpec()), PLATFORM)
    assert monitor is not None
    assert monitor["spec"]["endpoints"] == [
        {"port": "metrics", "path": "/metrics", "interval": "30s"}
    ]


def test_no_service_monitor_without_the_prometheus_operator():
    platform = dataclasses.replace(PLATFORM, monitoring=False)
    assert r.render_service_monitor(service(metrics=MetricsSpec()), platform) is None


def test_config_and_secrets_reach_the_container_by_reference():
    spec = service(
        config={"LOG_LEVEL": "info"}, secrets={"DB_PASSWORD": "dbKey"}, env={"MODE": "x"}
    )
    assert _container(spec)["env"] == [
        {"name": "MODE", "value": "x"},
        {
            "name": "LOG_LEVEL",
            "valueFrom": {"configMapKeyRef": {"name": "api", "key": "LOG_LEVEL"}},
        },
        {
            "name": "DB_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": "api", "key": "DB_PASSWORD"}},
        },
    ]


def test_the_secret_is_keyed_by_env_name_with_the_config_value():
    secret = r.render_secret(service(secrets={"DB_PASSWORD": "dbKey"}), {"dbKey": "pw"})
    assert secret is not None and secret["stringData"] == {"DB_PASSWORD": "pw"}


def test_the_checksum_changes_with_the_config():
    assert r.config_checksum({"A": "1"}, {}) != r.config_checksum({"A": "2"}, {})


def test_the_checksum_changes_with_a_secret():
    assert r.config_checksum({}, {"P": "one"}, "k") != r.config_checksum({}, {"P": "two"}, "k")


def test_the_checksum_depends_on_its_key():
    assert r.config_checksum({}, {"P": "one"}, "k1") != r.config_checksum({}, {"P": "one"}, "k2")


def test_the_checksum_is_a_pod_annotation():
    template = r.render_deployment(service(), checksum="abc")["spec"]["template"]
    assert template["metadata"]["annotations"] == {"skyfleet.io/config-checksum": "abc"}


def test_the_namespace_enforces_pod_security_restricted():
    labels = r.render_namespace("apps")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["skyfleet.io/workload-namespace"] == "true"


def test_a_digest_only_image_has_no_version_label():
    spec = service(image="ghcr.io/skyfleet/api@sha256:" + "a" * 64)
    assert "app.kubernetes.io/version" not in r.labels(spec)


def test_extra_writable_paths_get_their_own_volumes():
    spec = service(writable_paths=["/tmp", "/var/cache/nginx"])
    assert [v["name"] for v in _pod(spec)["volumes"]] == ["tmp", "var-cache-nginx"]


def test_udp_ports_keep_their_protocol_in_the_service():
    spec = service(
        ports={"http": ContainerPort(port=8080), "dns": ContainerPort(port=53, protocol="UDP")}
    )
    assert {p["name"]: p["protocol"] for p in r.render_service(spec)["spec"]["ports"]} == {
        "dns": "UDP",
        "http": "TCP",
    }


def test_the_git_checksum_follows_the_config_map_and_nothing_else():
    base = r.config_map_checksum({"LOG_LEVEL": "info"})
    assert base == r.config_map_checksum({"LOG_LEVEL": "info"})
    assert base != r.config_map_checksum({"LOG_LEVEL": "debug"})
    assert len(base) == 64


def test_argo_cd_owns_every_kind_but_namespaces_service_accounts_and_secrets():
    owners = {m["kind"]: r.owned_by_argocd(m) for m in _all(service(secrets={"PW": "dbKey"}, config={"A": "b"}))}
    assert {kind for kind, argo in owners.items() if not argo} == {"ServiceAccount", "Secret"}
    assert not r.owned_by_argocd(r.render_namespace("apps"))
