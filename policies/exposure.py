"""Exposure policies: LoadBalancer Services, Ingress TLS and the Gateway API.

A listener or rule that serves a host without TLS is reported, and so is a catch-all (no host)
that serves every other host over plain HTTP. Gateway API kinds are the v1 (and v1beta1)
`gateway.networking.k8s.io` Gateway and HTTPRoute (https://gateway-api.sigs.k8s.io/reference/spec/).
"""

from __future__ import annotations

from collections.abc import Iterator

from .define import (
    MANDATORY,
    Config,
    Findings,
    PolicyList,
    Resources,
    blame,
    each_whole,
    list_setting,
    of_type,
    parent_types,
    violation,
)
from .props import Props, as_list, as_map, dig, number, strings

SERVICE = "kubernetes:core/v1:Service"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
GATEWAYS = (
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway",
)
HTTP_ROUTES = (
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    "kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute",
)
INGRESS_CONTROLLER_TYPE = "skyfleet:platform:IngressController"
SECURE_PROTOCOLS = ("HTTPS", "TLS")


POLICIES = PolicyList()


def _namespaced_name(props: Props) -> str:
    return f"{dig(props, 'metadata', 'namespace') or 'default'}/{dig(props, 'metadata', 'name')}"


@POLICIES.placed(
    "no-load-balancer-services", MANDATORY, each_whole(SERVICE),
    settings=[
        list_setting(
            "ingressControllerTypes",
            [INGRESS_CONTROLLER_TYPE],
            "Component types whose Services may be load balancers (from the URN's parents).",
        ),
        list_setting("allowedServices", [], "Further Services allowed as load balancers: namespace/name."),
    ],
)
def check_load_balancer(service: Props, config: Config, urn: str) -> Iterator[str]:
    """Only the ingress controller exposes a Service of type LoadBalancer."""
    if dig(service, "spec", "type") != "LoadBalancer":
        return
    # The exemption comes from where the Service was declared (its parent chain) or from the
    # pack's own config, never from a label or annotation the Service could set on itself.
    if set(parent_types(urn)) & set(config["ingressControllerTypes"]):
        return
    if _namespaced_name(service) in config["allowedServices"]:
        return
    yield violation(
        "Service of type LoadBalancer exposes the workload outside the ingress controller",
        "use type ClusterIP behind an Ingress or HTTPRoute; a Service that must stay a load "
        "balancer is listed as <namespace>/<name> in the policy's allowedServices",
    )


def covers(certificate_host: str | None, host: str | None) -> bool:
    """Whether TLS for `certificate_host` (None: every host) serves `host` (None: any)."""
    if certificate_host is None:
        return True
    if host is None:
        return False
    if certificate_host == host:
        return True
    # A wildcard matches exactly one leading label (RFC 6125 section 6.4.3).
    return certificate_host.startswith("*.") and host.split(".", 1)[-1] == certificate_host[2:]


@POLICIES.resource("ingress-tls", MANDATORY, each_whole(INGRESS))
def check_ingress_tls(ingress: Props, config: Config) -> Iterator[str]:
    """Ingresses terminate TLS for every host, with no plain-HTTP catch-all."""
    spec = as_map(ingress.get("spec"))
    tls = [as_map(entry) for entry in as_list(spec.get("tls"))]
    fix = "add spec.tls with a secretName (cert-manager issues it) covering every rule host"
    if not tls:
        yield violation("Ingress serves plain HTTP (no spec.tls)", fix)
        return
    # An entry without hosts is the controller's certificate for every host (the API's default).
    certificate_hosts: list[str | None] = []
    for entry in tls:
        certificate_hosts += strings(entry.get("hosts")) or [None]
    rules = [as_map(rule) for rule in as_list(spec.get("rules"))]
    hosts = [h for rule in rules if isinstance(h := rule.get("host"), str) and h]
    uncovered = [h for h in hosts if not any(covers(c, h) for c in certificate_hosts)]
    if uncovered:
        yield violation(f"Ingress hosts without TLS: {', '.join(uncovered)}", fix)
    catch_all = len(hosts) < len(rules) or spec.get("defaultBackend") is not None
    if catch_all and None not in certificate_hosts:
        yield violation(
            "Ingress has a catch-all (a rule without host, or defaultBackend) that serves "
            "every other host over plain HTTP",
            "give every rule a host that spec.tls covers and drop defaultBackend, or add a "
            "spec.tls entry without hosts",
        )


def _listeners(gateway: Props) -> list[Props]:
    return [as_map(listener) for listener in as_list(dig(gateway, "spec", "listeners"))]


def _hostname(listener: Props) -> str | None:
    host = listener.get("hostname")
    return host if isinstance(host, str) and host else None


@POLICIES.resource(
    "gateway-tls", MANDATORY, each_whole(*GATEWAYS),
    settings=[
        list_setting("internalGatewayClasses", [], "GatewayClasses that are not reachable from the internet (skipped).")
    ],
)
def check_gateway_tls(gateway: Props, config: Config) -> Iterator[str]:
    """Gateway listeners offer TLS for every host they serve."""
    if dig(gateway, "spec", "gatewayClassName") in config["internalGatewayClasses"]:
        return
    listeners = _listeners(gateway)
    secure = [ls for ls in listeners if ls.get("protocol") in SECURE_PROTOCOLS]
    for listener in secure:
        tls = as_map(listener.get("tls"))
        terminates = tls.get("mode", "Terminate") == "Terminate"
        if terminates and not as_list(tls.get("certificateRefs")):
            yield violation(
                f'listener "{listener.get("name")}" terminates TLS without a certificate',
                "set tls.certificateRefs to the Secret cert-manager issues",
            )
    plain = [ls for ls in listeners if ls.get("protocol") == "HTTP"]
    if plain and not secure:
        yield violation(
            "Gateway serves plain HTTP only (no HTTPS or TLS listener)",
            "add an HTTPS listener with tls.certificateRefs (keep HTTP only to redirect)",
        )
        return
    # A hostname-less HTTP listener next to HTTPS ones is the usual redirect listener: what it
    # serves is decided by the routes attached to it (httproute-tls).
    for listener in (ls for ls in plain if _hostname(ls)):
        if not any(covers(_hostname(s), _hostname(listener)) for s in secure):
            yield violation(
                f'HTTP listener "{listener.get("name")}" serves {_hostname(listener)}, which no '
                "HTTPS listener serves",
                "add an HTTPS listener with tls.certificateRefs for the same hostname",
            )


def _attached(route: Props, parent: Props, gateways: dict[str, Props]) -> list[Props]:
    """The listeners of a Gateway in the stack that an HTTPRoute parentRef attaches to."""
    if parent.get("kind", "Gateway") != "Gateway":
        return []
    namespace = parent.get("namespace") or dig(route, "metadata", "namespace") or "default"
    gateway = gateways.get(f"{namespace}/{parent.get('name')}")
    if gateway is None:
        return []
    listeners = _listeners(gateway)
    if parent.get("sectionName"):
        listeners = [ls for ls in listeners if ls.get("name") == parent.get("sectionName")]
    if parent.get("port") is not None:
        listeners = [ls for ls in listeners if number(ls.get("port")) == number(parent["port"])]
    return listeners


def _redirects_to_https(route: Props) -> bool:
    rules = [as_map(rule) for rule in as_list(dig(route, "spec", "rules"))]
    return bool(rules) and all(
        any(
            as_map(f).get("type") == "RequestRedirect"
            and dig(f, "requestRedirect", "scheme") == "https"
            for f in as_list(rule.get("filters"))
        )
        for rule in rules
    )


@POLICIES.stack("httproute-tls", MANDATORY)
def check_routes_use_tls(resources: Resources, config: Config) -> Findings:
    """HTTPRoutes are not served over plain-HTTP listeners, except redirects."""
    gateways = {_namespaced_name(r.props): r.props for r in of_type(resources, *GATEWAYS)}
    for route in of_type(resources, *HTTP_ROUTES):
        plain = [
            str(listener.get("name"))
            for parent in as_list(dig(route.props, "spec", "parentRefs"))
            for listener in _attached(route.props, as_map(parent), gateways)
            if listener.get("protocol") == "HTTP"
        ]
        if plain and not _redirects_to_https(route.props):
            hosts = strings(dig(route.props, "spec", "hostnames"))
            yield blame(
                route,
                f'HTTPRoute "{_namespaced_name(route.props)}" is served over plain HTTP '
                f"(listener {', '.join(plain)}) for "
                f"{', '.join(hosts) if hosts else 'every host (catch-all)'}",
                "attach it to the HTTPS listener only (parentRefs[].sectionName), or make "
                "it a RequestRedirect to scheme https",
            )
