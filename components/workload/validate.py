"""The rules a `ServiceSpec` must satisfy, checked before anything is created.

Every broken rule is recorded (never raised) with a camelCase path relative to the service, so a
problem reads the same whether the service came from YAML or from Python.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from components.cluster.clouds import CLOUDS, SPECS
from components.cluster.roles import role_problem
from components.errors import Problems
from components.names import (
    check_dns1035_label,
    check_dns1123_label,
    check_dns1123_subdomain,
    check_label_value,
)

from . import alerts, rules
from .probes import Exec, HttpGet, Probe
from .spec import Resources, Rollout, RouteSpec, ServiceSpec, volume_name

if TYPE_CHECKING:  # only annotations: importing the platform package pulls in every add-on
    from components.platform.info import PlatformInfo


def validate_spec(spec: ServiceSpec, problems: Problems) -> None:
    """Records every rule `spec` breaks; paths are camelCase, relative to the service."""
    check_dns1035_label(problems, "name", spec.name)
    if check_dns1123_label(problems, "namespace", spec.namespace):
        problems.check(spec.namespace not in KUBERNETES_NAMESPACES, "namespace", spec.namespace,
                       "belongs to Kubernetes itself: put services in a namespace of their own")
    _check_image(spec.image, problems)
    _check_ports(spec, problems)
    _check_probes(spec, problems)
    _check_resources(spec.resources, problems)
    _check_replicas(spec, problems)
    _check_disruption(spec, problems)
    _check_rollout(spec.rollout, problems)
    if spec.route is not None:
        _check_route(spec, spec.route, problems)
    if spec.metrics is not None:
        _check_port_ref(spec, "metrics.port", spec.metrics.port, problems)
        _check_path("metrics.path", spec.metrics.path, problems)
        problems.check(
            rules.is_duration(spec.metrics.interval),
            "metrics.interval",
            spec.metrics.interval,
            rules.DURATION_RULE,
        )
    _check_slo(spec, problems)
    _check_environment(spec, problems)
    _check_cloud_access(spec, problems)
    _check_callers(spec, problems)
    problems.check(
        spec.run_as_user > 0,
        "runAsUser",
        spec.run_as_user,
        "must be a non-root UID (> 0): the pod runs with runAsNonRoot",
    )
    _check_writable_paths(spec.writable_paths, problems)
    check_label_value(problems, "component", spec.component)
    if spec.part_of is not None:
        check_label_value(problems, "partOf", spec.part_of)


def check_platform(spec: ServiceSpec, platform: PlatformInfo, problems: Problems) -> None:
    """What the cluster's platform must provide for `spec` (a ServiceMonitor without the
    Prometheus Operator is left out with a warning by `Microservice`, not an error)."""
    route = spec.route
    if route is None:
        return
    if route.api == "gateway":
        if not problems.check(
            platform.gateway is not None,
            "route",
            route.host,
            "needs the cluster's Gateway, and the platform has none (ingress-nginx serves no "
            "Gateway API): use controller: traefik, or api: ingress",
        ):
            return
        problems.check(
            route.host in platform.gateway_listeners,
            "route.host",
            route.host,
            "has no HTTPS listener on the cluster's Gateway: add it to "
            "platform.ingress.gatewayHosts (a Fleet adds its services' hosts itself)",
        )
    else:
        if not problems.check(
            platform.ingress_class is not None,
            "route",
            route.host,
            "needs an ingress controller, and the platform installs none",
        ):
            return
    if route.tls:
        problems.check(
            platform.cluster_issuer is not None,
            "route.tls",
            True,
            "needs cert-manager's ClusterIssuer, and the platform installs none; "
            "set tls: false only for a private endpoint (with api: ingress)",
        )
    problems.check(
        platform.ingress_namespace is not None,
        "route",
        route.host,
        "needs the ingress controller's namespace (for the NetworkPolicy), and the "
        "platform reports none",
    )


def _check_image(image: str, problems: Problems) -> None:
    ref = rules.parse_image(image)
    if not problems.check(ref is not None, "image", image, "must be an image reference"):
        return
    assert ref is not None
    if problems.check(
        ref.tag is not None or ref.digest is not None,
        "image",
        image,
        "must name a tag or digest, so every cluster runs the same build",
    ):
        problems.check(
            ref.tag != "latest" or ref.digest is not None,
            "image",
            image,
            "must not use the 'latest' tag: it changes under a running service",
        )


def _check_ports(spec: ServiceSpec, problems: Problems) -> None:
    problems.check(bool(spec.ports), "ports", dict(spec.ports), "must declare at least one port")
    seen: dict[tuple[int, str], str] = {}
    for name, port in spec.ports.items():
        problems.check(rules.is_port_name(name), f"ports.{name}", name, rules.PORT_NAME_RULE)
        if not problems.check(
            isinstance(port.port, int) and 1 <= port.port <= 65535,
            f"ports.{name}.port",
            port.port,
            "must be a port number 1-65535",
        ):
            continue
        other = seen.setdefault((port.port, port.protocol), name)
        problems.check(
            other == name, f"ports.{name}.port", port.port, f"is already declared by port {other!r}"
        )


def _check_port_ref(spec: ServiceSpec, path: str, port: str | int, problems: Problems) -> None:
    """A named reference must be one of the service's container ports."""
    if not spec.ports:
        return  # "must declare at least one port" says it already
    if isinstance(port, int) and not isinstance(port, bool):
        problems.check(1 <= port <= 65535, path, port, "must be a port number 1-65535")
        return
    known = ", ".join(sorted(spec.ports)) or "none"
    problems.check(
        port in spec.ports,
        path,
        port,
        f"is not a container port of service {spec.name!r} (ports: {known})",
    )


def _check_path(path: str, value: str, problems: Problems) -> None:
    problems.check(
        isinstance(value, str) and value.startswith("/"), path, value, "must start with '/'"
    )


def _check_probes(spec: ServiceSpec, problems: Problems) -> None:
    for key in ("liveness", "readiness"):
        problems.check(
            getattr(spec, key) is not None,
            key,
            None,
            "is required: without it Kubernetes cannot tell a broken pod from a healthy one",
        )
    for key in ("liveness", "readiness", "startup"):
        probe: Probe | None = getattr(spec, key)
        if probe is None:
            continue
        if isinstance(probe.action, Exec):
            problems.check(
                bool(probe.action.command),
                f"{key}.exec.command",
                list(probe.action.command),
                "must not be empty",
            )
        else:
            action_key = "httpGet" if isinstance(probe.action, HttpGet) else "tcpSocket"
            _check_port_ref(spec, f"{key}.{action_key}.port", probe.action.port, problems)
            if isinstance(probe.action, HttpGet):
                _check_path(f"{key}.httpGet.path", probe.action.path, problems)
        for attr, camel, least in (
            ("initial_delay_seconds", "initialDelaySeconds", 0),
            ("period_seconds", "periodSeconds", 1),
            ("timeout_seconds", "timeoutSeconds", 1),
            ("failure_threshold", "failureThreshold", 1),
            ("success_threshold", "successThreshold", 1),
        ):
            value = getattr(probe, attr)
            problems.check(value >= least, f"{key}.{camel}", value, f"must be >= {least}")
        if key != "readiness":
            problems.check(
                probe.success_threshold == 1,
                f"{key}.successThreshold",
                probe.success_threshold,
                f"must be 1 for a {key} probe (Kubernetes rule)",
            )


def _check_resources(resources: Resources, problems: Problems) -> None:
    for resource in ("cpu", "memory"):
        request = getattr(resources.requests, resource)
        limit = getattr(resources.limits, resource)
        asked = _positive_quantity(f"resources.requests.{resource}", request, problems, resource)
        capped = _positive_quantity(f"resources.limits.{resource}", limit, problems, resource)
        if asked is not None and capped is not None:
            problems.check(
                asked <= capped,
                f"resources.requests.{resource}",
                request,
                f"must not exceed the limit ({limit})",
            )


def _positive_quantity(path: str, value: str, problems: Problems, resource: str) -> Decimal | None:
    amount = rules.parse_quantity(value)
    if not problems.check(amount is not None, path, value, rules.QUANTITY_RULE):
        return None
    assert amount is not None
    if not problems.check(amount > 0, path, value, "must be greater than zero"):
        return None
    return amount if rules.check_quantity_bounds(problems, path, value, amount, resource) else None


def _check_replicas(spec: ServiceSpec, problems: Problems) -> None:
    if spec.replicas is not None:
        problems.check(spec.replicas >= 1, "replicas", spec.replicas, "must be >= 1")
        problems.check(
            spec.autoscaling is None,
            "replicas",
            spec.replicas,
            "must be unset when autoscaling is set: the HPA owns the replica count",
        )
    hpa = spec.autoscaling
    if hpa is None:
        return
    problems.check(
        hpa.min_replicas >= 1, "autoscaling.minReplicas", hpa.min_replicas, "must be >= 1"
    )
    problems.check(
        hpa.min_replicas <= hpa.max_replicas,
        "autoscaling.minReplicas",
        hpa.min_replicas,
        f"must not exceed autoscaling.maxReplicas ({hpa.max_replicas})",
    )
    for attr, camel in (
        ("cpu_utilization", "cpuUtilization"),
        ("memory_utilization", "memoryUtilization"),
    ):
        value = getattr(hpa, attr)
        if value is not None:
            problems.check(value >= 1, f"autoscaling.{camel}", value, "must be a percentage >= 1")
    problems.check(
        hpa.cpu_utilization is not None or hpa.memory_utilization is not None,
        "autoscaling",
        None,
        "needs cpuUtilization or memoryUtilization to scale on",
    )
    problems.check(
        0 <= hpa.scale_down_stabilization_seconds <= 3600,
        "autoscaling.scaleDownStabilizationSeconds",
        hpa.scale_down_stabilization_seconds,
        "must be 0-3600 seconds (Kubernetes limit)",
    )


def _check_disruption(spec: ServiceSpec, problems: Problems) -> None:
    """Rejects a PDB that blocks every node drain: a cluster upgrade would hang on it."""
    budget = spec.disruption
    if not problems.check(
        budget.max_unavailable is None or budget.min_available is None,
        "disruption",
        None,
        "set maxUnavailable or minAvailable, not both",
    ):
        return
    key, value = budget.effective()
    parsed = rules.int_or_percent(value)
    if not problems.check(
        parsed is not None, f"disruption.{key}", value, rules.INT_OR_PERCENT_RULE
    ):
        return
    assert parsed is not None
    amount, percent = parsed
    floor = spec.replica_floor
    if key == "maxUnavailable":
        problems.check(
            amount > 0,
            f"disruption.{key}",
            value,
            "must be > 0: a budget that allows no eviction blocks every node drain",
        )
        return
    # Kubernetes rounds a minAvailable percentage up.
    needed = math.ceil(amount * floor / 100) if percent else amount
    problems.check(
        needed < floor,
        f"disruption.{key}",
        value,
        f"must be below the replica floor ({floor}): otherwise no pod may ever be "
        "evicted and every node drain blocks",
    )


def _check_rollout(rollout: Rollout, problems: Problems) -> None:
    unavailable = rules.int_or_percent(rollout.max_unavailable)
    surge = rules.int_or_percent(rollout.max_surge)
    problems.check(
        unavailable is not None,
        "rollout.maxUnavailable",
        rollout.max_unavailable,
        rules.INT_OR_PERCENT_RULE,
    )
    problems.check(
        surge is not None, "rollout.maxSurge", rollout.max_surge, rules.INT_OR_PERCENT_RULE
    )
    if unavailable is not None and surge is not None:
        problems.check(
            unavailable[0] > 0 or surge[0] > 0,
            "rollout",
            None,
            "maxUnavailable and maxSurge cannot both be 0: the rollout could never start",
        )


def _check_slo(spec: ServiceSpec, problems: Problems) -> None:
    availability, latency = spec.slo.availability, spec.slo.latency_seconds
    # The fastest burn-rate alert fires at 14.4 times the error budget (alerts.py); with a budget
    # above 1/14.4 of all requests it would need more than every request to fail.
    floor = 100 * (1 - 1 / alerts.FAST_BURN)
    problems.check(
        isinstance(availability, int | float) and math.isfinite(availability) and floor < availability < 100,
        "slo.availability",
        availability,
        f"must be a percentage above {floor:.2f} and below 100 (a lower objective leaves the "
        f"{alerts.FAST_BURN}x burn-rate alert nothing to fire on)",
    )
    problems.check(
        isinstance(latency, int | float) and math.isfinite(latency) and 0 < latency <= 60,
        "slo.latencySeconds",
        latency,
        "must be a number of seconds above 0 and at most 60",
    )


def _check_route(spec: ServiceSpec, route: RouteSpec, problems: Problems) -> None:
    host = route.host
    bare = host[2:] if isinstance(host, str) and host.startswith("*.") else host
    if check_dns1123_subdomain(problems, "route.host", bare) and problems.check(
        "." in bare, "route.host", host, "must be a fully qualified hostname"
    ):
        # Kubernetes checks only the whole name (253); DNS and ACME refuse a label above 63.
        problems.check(all(len(label) <= 63 for label in bare.split(".")), "route.host", host,
                       "must be a hostname whose labels are at most 63 characters (RFC 1035)")
    _check_path("route.path", route.path, problems)
    _check_port_ref(spec, "route.port", route.port, problems)
    problems.check(
        route.tls or route.api == "ingress", "route.tls", route.tls,
        "can only be false with api: ingress: the Gateway serves route hosts over HTTPS only",
    )
    problems.check(
        route.api == "ingress" or not str(host).startswith("*"), "route.host", host,
        "cannot be a wildcard on the Gateway: ACME HTTP-01 cannot issue wildcard certificates",
    )


def _check_environment(spec: ServiceSpec, problems: Problems) -> None:
    owner: dict[str, str] = {}
    for section, names in (("config", spec.config), ("secrets", spec.secrets), ("env", spec.env)):
        for env_name, value in names.items():
            path = f"{section}.{env_name}"
            problems.check(rules.is_env_name(env_name), path, env_name, rules.ENV_NAME_RULE)
            problems.check(
                isinstance(value, str), path, value, "must be a string (quote it in YAML)"
            )
            first = owner.setdefault(env_name, section)
            problems.check(
                first == section, path, env_name, f"is already set by {first}.{env_name}"
            )
    for env_name, key in spec.secrets.items():
        problems.check(
            isinstance(key, str) and key != "",
            f"secrets.{env_name}",
            key,
            "must name a key of the stack's skyfleet:secrets config",
        )


def _check_cloud_access(spec: ServiceSpec, problems: Problems) -> None:
    for cloud, roles in spec.cloud_access.items():
        path = f"cloudAccess.{cloud}"
        if not problems.check(cloud in CLOUDS, path, cloud, f"must be one of {', '.join(CLOUDS)}"):
            continue
        if not problems.check(bool(roles), path, list(roles), "must list at least one role identifier"):
            continue
        rule = SPECS[cloud].access_role
        for i, role in enumerate(roles):
            # Another cloud's role format under this cloud's key fails only at `pulumi up`.
            if rule is not None and not rule.check(problems, f"{path}[{i}]", role):
                continue
            if rule is None and not problems.check(
                    isinstance(role, str) and bool(role), f"{path}[{i}]", role, "must not be empty"):
                continue
            # The form the cloud's binder resolves (Azure: a built-in name from the cited table).
            why = role_problem(str(cloud), role)
            problems.check(why is None, f"{path}[{i}]", role, why or "")


def _check_callers(spec: ServiceSpec, problems: Problems) -> None:
    for i, caller in enumerate(spec.callers):
        path = f"callers[{i}]"
        namespace, _, name = caller.rpartition("/") if isinstance(caller, str) else ("", "", caller)
        if namespace:
            check_dns1123_label(problems, path, namespace)
        if check_dns1035_label(problems, path, name):
            problems.check(
                (namespace or spec.namespace, name) != (spec.namespace, spec.name),
                path,
                caller,
                "is the service itself",
            )


def _check_writable_paths(paths: Sequence[str], problems: Problems) -> None:
    volumes: dict[str, str] = {}
    for i, path in enumerate(paths):
        where = f"writablePaths[{i}]"
        if not problems.check(
            isinstance(path, str) and path.startswith("/") and path != "/",
            where,
            path,
            "must be an absolute directory other than /",
        ):
            continue
        volume = volume_name(path)
        if check_dns1123_label(problems, where, volume):
            first = volumes.setdefault(volume, path)
            problems.check(first == path, where, path, f"maps to the same volume as {first!r}")


# Namespaces Kubernetes itself owns: a service there would share them with the control plane's
# own objects (and Skyfleet would try to create, and on destroy delete, a namespace it does not own).
KUBERNETES_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def validate_services(specs: Sequence[ServiceSpec], written: Sequence[str], problems: Problems) -> None:
    """What services mean to each other: every caller names a service, no two services route the
    same host and path. `written` holds every service name of the file, including those whose own
    problems kept them out of `specs` (a caller naming one is not a second mistake)."""
    by_place = {(spec.namespace, spec.name) for spec in specs}
    unusable = {name.lower() for name in written} - {spec.name for spec in specs}
    routes: dict[tuple[str, str], str] = {}
    for spec in specs:
        for i, caller in enumerate(spec.callers):
            namespace, _, name = caller.rpartition("/")
            place = (namespace or spec.namespace, name)
            problems.check(place in by_place or name.lower() in unusable, f"{spec.name}.callers[{i}]", caller,
                           f"names no service: none is called {name!r} in namespace {place[0]!r} "
                           f"(services: {', '.join(sorted(f'{n}/{s}' for n, s in by_place))})")
        if spec.route is not None:
            route = (spec.route.host.lower(), spec.route.path)
            owner = routes.setdefault(route, spec.name)
            problems.check(owner == spec.name, f"{spec.name}.route", f"{route[0]}{route[1]}",
                           f"is already routed to service {owner!r}: two services cannot share a host and path")
