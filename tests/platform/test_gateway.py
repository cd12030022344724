"""The cluster's Gateway: listeners, TLS through cert-manager, and who may attach."""

from __future__ import annotations

from platform_harness import default_platform, one, preview_platform, releases

from components.platform import IngressControllerArgs, PlatformArgs
from components.platform.gateway import plan_listeners
from skyfleet.preview import wire

GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
HOSTS = PlatformArgs(ingress=IngressControllerArgs(gateway_hosts={"web.example.com": ["apps"]}))


def test_an_http_listener_for_acme_and_one_https_listener_per_host():
    listeners = plan_listeners({"b.example.com": ["x"], "a.example.com": ["y", "x"]})
    assert [(entry["name"], entry.get("hostname"), entry["port"], entry["protocol"]) for entry in listeners] == [
        ("http", None, 8000, "HTTP"),
        ("https-a-example-com", "a.example.com", 8443, "HTTPS"),
        ("https-b-example-com", "b.example.com", 8443, "HTTPS"),
    ]
    assert listeners[1]["tls"] == {
        "mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": "a-example-com-tls"}],
    }


def test_only_the_namespaces_that_declared_a_host_may_attach_to_its_listener():
    (_, https) = plan_listeners({"a.example.com": ["y", "x", "y"]})
    assert https["allowedRoutes"]["namespaces"] == {"from": "Selector", "selector": {"matchExpressions": [
        {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["x", "y"]},
    ]}}


def test_the_gateway_names_the_clusters_issuer_for_cert_manager():
    gateway = wire.reveal(one(preview_platform(HOSTS).plan, GATEWAY).inputs)
    assert gateway["metadata"] == {
        "name": "traefik", "namespace": "traefik",
        "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt-staging"},
    }
    assert gateway["spec"]["gatewayClassName"] == "traefik"


def test_the_gateway_waits_for_the_crds_and_the_controller_release():
    plan = preview_platform(HOSTS).plan
    gateway = one(plan, GATEWAY)
    assert releases(plan)["traefik"].urn in gateway.dependencies
    assert one(plan, "kubernetes:yaml/v2:ConfigFile").urn in gateway.dependencies


def test_workloads_learn_the_gateway_and_the_listener_of_each_host():
    info = preview_platform(HOSTS).built.info
    assert (info.gateway, dict(info.gateway_listeners)) == (
        "traefik/traefik", {"web.example.com": "https-web-example-com"},
    )


def test_traefik_renders_the_gateway_class_but_not_its_own_gateway():
    values = wire.reveal(releases(default_platform().plan)["traefik"].inputs)["values"]
    assert values["gatewayClass"] == {"enabled": True, "name": "traefik"}
    assert values["gateway"] == {"enabled": False}
    assert values["providers"]["kubernetesGateway"] == {"enabled": True}


def test_ingress_nginx_gets_no_gateway():
    preview = preview_platform(PlatformArgs(ingress=IngressControllerArgs(controller="ingress-nginx")))
    assert preview.plan.by_type(GATEWAY) == []
    assert preview.built.info.gateway is None
