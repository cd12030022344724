"""The cluster's one Gateway: where every HTTPRoute attaches, with TLS from cert-manager.

Listeners (`plan_listeners`, pure):
- `http` on port 8000 (Traefik's `web` entry point, behind the load balancer's port 80): for
  cert-manager's ACME HTTP-01 solver routes, which it creates in the Gateway's namespace
  (`allowedRoutes: Same`);
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

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.handle import ClusterHandle

HTTP_LISTENER = "http"
HTTP_PORT = 8000  # Traefik's `web` entry point
HTTPS_PORT = 8443  # Traefik's `websecure` entry point
ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"


def listener_name(host: str) -> str:
    """The HTTPS listener (an HTTPRoute's `sectionName`) for `host`."""
    return "https-" + host.replace(".", "-")


def tls_secret(host: str) -> str:
    return host.replace(".", "-") + "-tls"


def plan_listeners(hosts: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """The Gateway's listeners for `hosts` (host name -> namespaces whose routes may attach)."""
    listeners: list[dict[str, Any]] = [{
        "name": HTTP_LISTENER, "port": HTTP_PORT, "protocol": "HTTP",
        "allowedRoutes": {"namespaces": {"from": "Same"}},
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
    """The Gateway `gateway` ("namespace/name") of class `class_name`; it waits for the CRDs and
    the controller's release (its GatewayClass)."""
    namespace, _, gateway_name = gateway.partition("/")
    metadata: dict[str, Any] = {"name": gateway_name, "namespace": namespace}
    if issuer is not None:
        metadata["annotations"] = {ISSUER_ANNOTATION: issuer}
    return k8s.apiextensions.CustomResource(
        name,
        api_version="gateway.networking.k8s.io/v1",
        kind="Gateway",
        metadata=metadata,
        spec={"gatewayClassName": class_name, "listeners": plan_listeners(hosts)},
        opts=handle.k8s_options(parent, depends_on=[*handle.ready, *depends_on]),
    )
