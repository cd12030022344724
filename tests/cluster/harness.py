"""Runs cluster components under the offline preview and reads what they registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from components.cluster import ClusterArgs, EndpointArgs, NodePoolArgs, create_cluster
from components.cluster.base import ClusterComponent
from components.cluster.clouds import SPECS
from components.cluster.handle import IdentityRequest
from skyfleet.preview import wire
from skyfleet.preview.monitor import Recorded
from skyfleet.preview.runner import Plan, run_program

# A region of each managed cloud: the example its cloud.py gives.
REGIONS = {name: spec.region_example for name, spec in SPECS.items() if spec.managed}
GCP_CONFIG = {"gcp:project": "skyfleet-test"}


def cluster_args(cloud: str = "aws", **overrides: Any) -> ClusterArgs:
    fields: dict[str, Any] = {"name": "main", "cloud": cloud, "region": REGIONS.get(cloud, "")}
    return ClusterArgs(**{**fields, **overrides})


def dev_pools(*, general: NodePoolArgs | None = None, batch: NodePoolArgs | None = None) -> dict[str, NodePoolArgs]:
    """A small system pool, a general pool and a spot batch pool that scales to zero."""
    return {
        "system": NodePoolArgs(system=True, size="small"),
        "general": general or NodePoolArgs(),
        "batch": batch or NodePoolArgs(spot=True, min_size=0, max_size=10),
    }


# The public endpoint a production cluster may have: reachable from one listed range only.
PUBLIC_ENDPOINT = EndpointArgs(public=True, public_access_cidrs=("203.0.113.0/24",))


def prod_args(cloud: str, **overrides: Any) -> ClusterArgs:
    """A production cluster with a public endpoint restricted to one CIDR."""
    return cluster_args(cloud, production=True, endpoint=PUBLIC_ENDPOINT, **overrides)


def preview(
    args: ClusterArgs,
    *,
    then: Callable[[ClusterComponent], None] | None = None,
    config: dict[str, str] | None = None,
    deployed: Plan | None = None,
) -> Plan:
    """The plan of a program that creates the cluster and exports its handle's outputs;
    `deployed`: what an earlier `pulumi up` left in the cloud (invokes read it)."""

    def program() -> None:
        cluster = create_cluster(args)
        pulumi.export("kubeconfig", cluster.handle.kubeconfig)
        pulumi.export("oidcIssuerUrl", cluster.handle.oidc_issuer_url)
        if then is not None:
            then(cluster)

    return run_program(program, stack="test", config={**GCP_CONFIG, **(config or {})},
                       deployed=deployed)


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
            IdentityRequest("main-external-dns", "external-dns", "external-dns", roles, cluster)
        )
        pulumi.export("binding", binding.service_account_annotations)
        pulumi.export("podLabels", binding.pod_labels)

    return bind
