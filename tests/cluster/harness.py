"""Runs cluster components under the offline preview and reads what they registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from components.cluster import ClusterArgs, create_cluster
from components.cluster.base import ClusterComponent
from skyfleet.preview import wire
from skyfleet.preview.monitor import Recorded
from skyfleet.preview.runner import Plan, run_program

REGIONS = {"aws": "us-east-1", "gcp": "europe-west1", "azure": "westeurope"}
GCP_CONFIG = {"gcp:project": "skyfleet-test"}


def cluster_args(cloud: str = "aws", **overrides: Any) -> ClusterArgs:
    fields: dict[str, Any] = {"name": "main", "cloud": cloud, "region": REGIONS.get(cloud, "")}
    return ClusterArgs(**{**fields, **overrides})


def preview(
    args: ClusterArgs,
    *,
    then: Callable[[ClusterComponent], None] | None = None,
    config: dict[str, str] | None = None,
) -> Plan:
    """The plan of a program that creates the cluster and exports its handle's outputs."""

    def program() -> None:
        cluster = create_cluster(args)
        pulumi.export("kubeconfig", cluster.handle.kubeconfig)
        pulumi.export("oidcIssuerUrl", cluster.handle.oidc_issuer_url)
        if then is not None:
            then(cluster)

    return run_program(program, stack="test", config={**GCP_CONFIG, **(config or {})})


def one(plan: Plan, type_token: str, name: str) -> Recorded:
    found = [r for r in plan.resources if r.type == type_token and r.name == name]
    assert len(found) == 1, f"expected one {type_token} named {name}, got {len(found)}"
    return found[0]


def inputs(resource: Recorded) -> dict[str, Any]:
    """Inputs as sent, secrets revealed (use `resource.inputs` to see the markers)."""
    return wire.reveal(resource.inputs)


def state(resource: Recorded) -> dict[str, Any]:
    """Inputs plus what the (emulated) provider computed."""
    return wire.reveal(resource.state)


def component(plan: Plan) -> Recorded:
    found = [r for r in plan.resources if r.type.startswith("skyfleet:cluster:")]
    assert len(found) == 1
    return found[0]


def bind_external_dns(roles: list[str]) -> Callable[[Any], None]:
    """A `then=` step: binds an external-dns ServiceAccount with this cloud's `roles` and
    exports what the binder returns: ServiceAccount annotations (`binding`), pod labels
    (`podLabels`)."""

    def bind(cluster: Any) -> None:
        binding = cluster.handle.identity.bind(
            "main-external-dns",
            namespace="external-dns",
            service_account="external-dns",
            roles=roles,
            parent=cluster,
        )
        pulumi.export("binding", binding.service_account_annotations)
        pulumi.export("podLabels", binding.pod_labels)

    return bind
