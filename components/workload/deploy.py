"""The Fleet's entry point: every service of `workloads.yaml` on one cluster, namespaces once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import pulumi

from components.cluster.handle import ClusterHandle
from components.errors import Problems

from . import dashboard
from .microservice import Delivery, Microservice, check_service, create_object, create_service_namespace
from .spec import ServiceSpec

if TYPE_CHECKING:  # only annotations: importing the platform package pulls in every add-on
    from components.platform.info import PlatformInfo


def deploy_services(
    handle: ClusterHandle,
    platform: PlatformInfo,
    services: Sequence[ServiceSpec],
    secrets: pulumi.Input[Mapping[str, str]] | None,
    *,
    parent: pulumi.Resource,
    delivery: Delivery = "pulumi",
    after: Mapping[str, Sequence[pulumi.Resource]] | None = None,
) -> dict[str, Microservice]:
    """Creates each namespace once, then each service in it; returns the services by name.

    `delivery="argocd"`: Pulumi creates the namespaces, ServiceAccounts and Secrets only; each
    service's other objects are in its `git_objects`, for Argo CD (see `Microservice`).

    `after`: service name -> what that service's objects wait for (the Fleet's previous wave of
    the same service, components/rollout.py); default: nothing.

    `secrets` is the stack's `skyfleet:secrets` config. Pass the plain mapping
    (`Config.get_object("secrets")`): its keys are then checked with everything else before any
    resource exists, and each value is made a Pulumi secret here. An `Output` is accepted too, but
    a missing key then only surfaces when the value resolves.
    """
    plain = secrets if isinstance(secrets, Mapping) else None
    problems = Problems()
    seen: set[str] = set()
    for spec in services:
        with problems.under(f"services.{spec.name}") as scoped:
            scoped.check(spec.name not in seen, "name", spec.name, "is used by another service")
            seen.add(spec.name)
            check_service(spec, platform, scoped, secret_keys=None if plain is None else set(plain))
    problems.raise_if_any(f"cluster {handle.name}")

    namespaces = {
        ns: create_service_namespace(f"{handle.name}-ns-{ns}", ns, handle, parent=parent)
        for ns in sorted({spec.namespace for spec in services})
    }
    if platform.monitoring and platform.monitoring_namespace and services:
        # The fleet view: one tile per service with its alert state. In the monitoring namespace
        # (it belongs to no single service), after the release that creates that namespace.
        create_object(
            f"{handle.name}-fleet-dashboard",
            dashboard.render_fleet_dashboard_config_map(handle.name, services, platform.monitoring_namespace),
            handle.k8s_options(parent, depends_on=[*handle.ready, *platform.monitoring_crds]),
        )
    return {
        spec.name: Microservice(
            f"{handle.name}-{spec.name}",
            handle,
            spec,
            platform,
            pulumi.ResourceOptions(parent=parent),
            secret_values=_secret_values(spec, secrets, plain),
            namespace=namespaces[spec.namespace],
            delivery=delivery,
            after=(after or {}).get(spec.name, ()),
        )
        for spec in services
    }


def _secret_values(
    spec: ServiceSpec,
    secrets: pulumi.Input[Mapping[str, str]] | None,
    plain: Mapping[str, str] | None,
) -> dict[str, pulumi.Input[str]]:
    keys = sorted(set(spec.secrets.values()))
    if plain is not None:
        return {key: pulumi.Output.secret(plain[key]) for key in keys}
    whole: pulumi.Output[Mapping[str, str]] = pulumi.Output.secret(secrets or {})
    return {key: whole.apply(_lookup(key, spec.name)) for key in keys}


def _lookup(key: str, service: str) -> Callable[[Mapping[str, str]], str]:
    def pick(values: Mapping[str, str]) -> str:
        if key not in values:
            raise KeyError(f"service {service}: no key {key!r} in the stack's skyfleet:secrets")
        return values[key]

    return pick
