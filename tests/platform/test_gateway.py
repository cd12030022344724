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


HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"


def _admits(listener: dict, route_namespace: str, gateway_namespace: str) -> bool:
    """Gateway API's allowedRoutes.namespaces, for a namespace labelled only with its name
    (https://gateway-api.sigs.k8s.io/reference/spec/#routenamespaces)."""
    namespaces = listener["allowedRoutes"]["namespaces"]
    if namespaces["from"] == "All":
        return True
    if namespaces["from"] == "Same":
        return route_namespace == gateway_namespace
    return all(route_namespace in e["values"] for e in namespaces["selector"]["matchExpressions"]
               if e["key"] == "kubernetes.io/metadata.name" and e["operator"] == "In")


def test_cert_managers_solver_routes_for_ingresses_in_other_namespaces_attach_to_the_http_listener():
    # cert-manager creates a solver HTTPRoute in the Certificate's namespace: argocd for Argo
    # CD's Ingress, a service's for an `api: ingress` route.
    plan = preview_platform(HOSTS).plan
    gateway = wire.reveal(one(plan, GATEWAY).inputs)
    issuer = wire.reveal(one(plan, "kubernetes:cert-manager.io/v1:ClusterIssuer",
                             name="main-platform-cert-manager-letsencrypt-staging").inputs)
    (solver,) = issuer["spec"]["acme"]["solvers"]
    (parent,) = solver["http01"]["gatewayHTTPRoute"]["parentRefs"]
    (listener,) = [entry for entry in gateway["spec"]["listeners"] if entry["name"] == parent["sectionName"]]
    assert listener["protocol"] == "HTTP"
    for namespace in ("argocd", "apps", "traefik"):
        assert _admits(listener, namespace, gateway["metadata"]["namespace"]), namespace


def test_plain_http_requests_are_redirected_to_https_with_a_301():
    route = wire.reveal(one(preview_platform(HOSTS).plan, HTTP_ROUTE).inputs)
    assert route["metadata"]["namespace"] == "traefik"
    assert route["spec"]["parentRefs"] == [
        {"name": "traefik", "namespace": "traefik", "kind": "Gateway", "sectionName": "http"},
    ]
    assert route["spec"]["rules"] == [{
        "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
        "filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}],
    }]
    assert "hostnames" not in route["spec"]


def test_the_redirect_waits_for_the_gateway():
    plan = preview_platform(HOSTS).plan
    assert one(plan, GATEWAY).urn in one(plan, HTTP_ROUTE).dependencies
