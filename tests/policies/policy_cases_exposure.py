"""Violating and compliant inputs for LoadBalancer Services, Ingress TLS and the Gateway API
(policies/exposure.py)."""

from __future__ import annotations

from policy_testing import (
    DELETE,
    GATEWAY,
    HTTP_ROUTE,
    INGRESS,
    SECURE_GATEWAY,
    SECURE_HTTP_ROUTE,
    SECURE_INGRESS,
    SECURE_SERVICE,
    SERVICE,
    Case,
    at,
    complies,
    resource,
    urn,
    violates,
)

LB = at(SECURE_SERVICE, "spec.type", "LoadBalancer")
CONTROLLER_SERVICE = "skyfleet:platform:IngressController$kubernetes:core/v1:Service"
TRAEFIK_LABEL = {"app.kubernetes.io/name": "traefik"}
HTTP_ONLY = at(SECURE_GATEWAY, "spec.listeners", [SECURE_GATEWAY["spec"]["listeners"][0]])
REDIRECT = {"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}


def route(path: str, value: object, gateway: dict = SECURE_GATEWAY) -> list[dict]:
    return [resource(GATEWAY, gateway, "public"), resource(HTTP_ROUTE, at(SECURE_HTTP_ROUTE, path, value), "api")]


SERVICES = [
    violates("app-load-balancer", "no-load-balancer-services", SERVICE, LB),
    violates("label-cannot-claim-exemption", "no-load-balancer-services", SERVICE,
             at(LB, "metadata.labels", TRAEFIK_LABEL)),
    violates("annotation-cannot-claim-exemption", "no-load-balancer-services", SERVICE,
             at(LB, "metadata.annotations", {"skyfleet.io/ingress-controller": "true"})),
    complies("cluster-ip", "no-load-balancer-services", SERVICE, SECURE_SERVICE),
    Case("ingress-controller-component-service", "no-load-balancer-services",
         [{**resource(SERVICE, LB, "traefik"), "urn": urn(CONTROLLER_SERVICE, "traefik")}], False),
    complies("service-allowed-in-pack-config", "no-load-balancer-services", SERVICE, LB,
             config={"no-load-balancer-services": {"allowedServices": ["apps/api"]}}),
]  # fmt: skip

INGRESSES = [
    violates("plain-http", "ingress-tls", INGRESS, at(SECURE_INGRESS, "spec.tls", DELETE)),
    violates("host-not-covered", "ingress-tls", INGRESS,
             at(SECURE_INGRESS, "spec.rules", [{"host": "admin.example.com"}]),
             expect="admin.example.com"),
    violates("catch-all-rule-over-plain-http", "ingress-tls", INGRESS,
             at(SECURE_INGRESS, "spec.rules", [{"host": "api.example.com"}, {"http": {}}]),
             expect="catch-all"),
    violates("default-backend-over-plain-http", "ingress-tls", INGRESS,
             at(SECURE_INGRESS, "spec.defaultBackend", {"service": {"name": "api"}})),
    violates("wildcard-covers-one-label-only", "ingress-tls", INGRESS,
             at(at(SECURE_INGRESS, "spec.tls.0.hosts", ["*.example.com"]),
                "spec.rules", [{"host": "a.b.example.com"}])),
    complies("tls-for-host", "ingress-tls", INGRESS, SECURE_INGRESS),
    complies("wildcard-certificate", "ingress-tls", INGRESS,
             at(SECURE_INGRESS, "spec.tls.0.hosts", ["*.example.com"])),
    complies("tls-without-hosts-covers-all", "ingress-tls", INGRESS,
             at(at(SECURE_INGRESS, "spec.tls", [{"secretName": "default-tls"}]),
                "spec.rules", [{"host": "admin.example.com"}, {"http": {}}])),
]  # fmt: skip

GATEWAYS = [
    violates("gateway-http-only", "gateway-tls", GATEWAY, HTTP_ONLY, expect="plain HTTP only"),
    violates("gateway-http-host-without-https", "gateway-tls", GATEWAY,
             at(at(SECURE_GATEWAY, "spec.listeners.0.hostname", "admin.example.com"),
                "spec.listeners.1.hostname", "api.example.com"), expect="admin.example.com"),
    violates("gateway-https-without-certificate", "gateway-tls", GATEWAY,
             at(SECURE_GATEWAY, "spec.listeners.1.tls", {"mode": "Terminate"})),
    complies("gateway-https-for-every-http-host", "gateway-tls", GATEWAY, SECURE_GATEWAY),
    complies("gateway-wildcard-https-covers-http-host", "gateway-tls", GATEWAY,
             at(at(SECURE_GATEWAY, "spec.listeners.0.hostname", "api.example.com"),
                "spec.listeners.1.hostname", "*.example.com")),
    complies("internal-gateway-class", "gateway-tls", GATEWAY, HTTP_ONLY,
             config={"gateway-tls": {"internalGatewayClasses": ["traefik"]}}),
    Case("route-on-http-listener", "httproute-tls",
         route("spec.parentRefs.0.sectionName", "http"), True, expect="api.example.com"),
    Case("catch-all-route-on-http-only-gateway", "httproute-tls",
         route("spec", {"parentRefs": [{"name": "public", "namespace": "traefik"}],
                        "rules": [{"backendRefs": [{"name": "api", "port": 80}]}]}, HTTP_ONLY),
         True, expect="catch-all"),
    Case("route-without-section-attaches-to-http-too", "httproute-tls",
         route("spec.parentRefs", [{"name": "public", "namespace": "traefik"}]), True,
         expect="listener http"),
    Case("route-on-https-listener", "httproute-tls", route("spec.hostnames", ["api.example.com"]),
         False),
    Case("redirect-route-on-http-listener", "httproute-tls",
         route("spec.rules", [{"filters": [REDIRECT]}], HTTP_ONLY), False),
    Case("route-on-port-443", "httproute-tls",
         route("spec.parentRefs", [{"name": "public", "namespace": "traefik", "port": 443}]),
         False),
]  # fmt: skip

CASES = [*SERVICES, *INGRESSES, *GATEWAYS]
