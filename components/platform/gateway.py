"""The cluster's one Gateway: where every HTTPRoute attaches, with TLS from cert-manager.

Listeners (`plan_listeners`, pure):
- `http` on port 8000 (Traefik's `web` entry point, behind the load balancer's port 80): for
  cert-manager's ACME HTTP-01 solver routes and the HTTP->HTTPS redirect (`redirect_route`).
  cert-manager creates each solver HTTPRoute in its Certificate's namespace (argocd for Argo
  CD's Ingress, a service's namespace for an `api: ingress` route), so every namespace may
  attach (`allowedRoutes: All`); the policy pack's `httproute-tls` refuses any route on it that
  is not a redirect to https, whatever its namespace.
  https://cert-manager.io/docs/configuration/acme/http01/#configuring-the-http-01-gateway-api-solver
- one `https-<host>` listener per host name on port 8443 (`websecure`), terminating TLS with the
  Secret `<host>-tls`. cert-manager's gateway-shim issues one Certificate per listener host name
  from the ClusterIssuer named in the Gateway's annotation, so each host needs its own listener:
  https://cert-manager.io/docs/usage/gateway/
  Only the namespaces that declared a route for that host may attach to its listener, so no
  other namespace can take the host over.

Traefik maps a listener to the entry point with the same port:
https://doc.traefik.io/traefik/reference/install-configuration/providers/kubernetes/kubernetes-gateway/
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.handle import ClusterHandle
from components.errors import Problems

HTTP_LISTENER = "http"
HTTP_PORT = 8000  # Traefik's `web` entry point
HTTPS_PORT = 8443  # Traefik's `websecure` entry point
ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"
# Gateway API v1.6.1 standard, gateway.networking.k8s.io_gateways.yaml: spec.listeners has
# maxItems 64, and a listener's name (an HTTPRoute's sectionName) is at most 253 characters of
# this pattern. The API server refuses a Gateway beyond them, so `pulumi up` would fail there.
MAX_LISTENERS = 64
MAX_LISTENER_NAME = 253
LISTENER_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def listener_name(host: str) -> str:
    """The HTTPS listener (an HTTPRoute's `sectionName`) for `host`."""
    return "https-" + host.replace(".", "-")


def check_listener_name(problems: Problems, path: str, host: str) -> bool:
    """`host` gives a listener name the Gateway CRD accepts."""
    name = listener_name(host)
    return problems.check(
        len(name) <= MAX_LISTENER_NAME and LISTENER_NAME.fullmatch(name) is not None, path, host,
        f"makes the Gateway listener name {name!r} ({len(name)} characters): a listener name is "
        f"at most {MAX_LISTENER_NAME} characters of [a-z0-9.-] (Gateway API), so a Gateway host is "
        f"at most {MAX_LISTENER_NAME - len(listener_name(''))} characters",
    )


def check_listener_count(problems: Problems, path: str, hosts: Iterable[str]) -> None:
    """`hosts` fit one Gateway: one listener each plus `http`, all names distinct."""
    by_name: dict[str, list[str]] = {}
    for host in sorted(set(hosts)):
        by_name.setdefault(listener_name(host), []).append(host)
    count = len(by_name) + 1
    problems.check(
        count <= MAX_LISTENERS, path, f"{len(by_name)} Gateway hosts",
        f"need {count} Gateway listeners (one per route host plus http): a Gateway has at most "
        f"{MAX_LISTENERS} (Gateway API), so use at most {MAX_LISTENERS - 1} hosts on one cluster",
    )
    for name, same in sorted(by_name.items()):
        problems.check(
            len(same) == 1, path, same,
            f"all map to the Gateway listener name {name!r} ('.' becomes '-'); listener names "
            "must be unique: rename one host",
        )


def tls_secret(host: str) -> str:
    return host.replace(".", "-") + "-tls"


def plan_listeners(hosts: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """The Gateway's listeners for `hosts` (host name -> namespaces whose routes may attach)."""
    listeners: list[dict[str, Any]] = [{
        "name": HTTP_LISTENER, "port": HTTP_PORT, "protocol": "HTTP",
        "allowedRoutes": {"namespaces": {"from": "All"}},
    }]
    for host in sorted(hosts):
        listeners.append({
            "name": listener_name(host),
            "hostname": host,
            "port": HTTPS_PORT,
            "protocol": "HTTPS",
            "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": tls_secret(host)}]},
            "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [{
                "key": "kubernetes.io/metadata.name", "operator": "In",
                "values": sorted(set(hosts[host])),
            }]}}},
        })
    return listeners


def create_gateway(
    name: str,
    handle: ClusterHandle,
    *,
    gateway: str,
    class_name: str,
    hosts: Mapping[str, Sequence[str]],
    issuer: str | None,
    depends_on: Sequence[pulumi.Resource],
    parent: pulumi.Resource,
) -> k8s.apiextensions.CustomResource:
    """The Gateway `gateway` ("namespace/name") of class `class_name`, and its HTTP->HTTPS
    redirect; it waits for the CRDs and the controller's release (its GatewayClass)."""
    namespace, _, gateway_name = gateway.partition("/")
    metadata: dict[str, Any] = {"name": gateway_name, "namespace": namespace}
    if issuer is not None:
        metadata["annotations"] = {ISSUER_ANNOTATION: issuer}
    created = k8s.apiextensions.CustomResource(
        name,
        api_version="gateway.networking.k8s.io/v1",
        kind="Gateway",
        metadata=metadata,
        spec={"gatewayClassName": class_name, "listeners": plan_listeners(hosts)},
        opts=handle.k8s_options(parent, depends_on=[*handle.ready, *depends_on]),
    )
    k8s.apiextensions.CustomResource(
        f"{name}-redirect",
        api_version="gateway.networking.k8s.io/v1",
        kind="HTTPRoute",
        metadata={"name": f"{gateway_name}-https-redirect", "namespace": namespace},
        spec=redirect_route(namespace, gateway_name),
        opts=handle.k8s_options(parent, depends_on=[created]),
    )
    return created


def redirect_route(namespace: str, gateway_name: str) -> dict[str, Any]:
    """The spec of the HTTPRoute that answers every plain-HTTP request with a 301 to https (the
    port left unset, so the redirect goes to 443, the scheme's well-known port). cert-manager's
    solver routes still win for their challenge paths: HTTPRoute precedence puts a route with a
    hostname before one without and an Exact path before a PathPrefix
    (https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule)."""
    return {
        "parentRefs": [{"name": gateway_name, "namespace": namespace, "kind": "Gateway",
                        "sectionName": HTTP_LISTENER}],
        "rules": [{
            "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
            "filters": [{"type": "RequestRedirect",
                         "requestRedirect": {"scheme": "https", "statusCode": 301}}],
        }],
    }
