"""Can the machine running `pulumi up` reach each cluster's API server? Pure, checked before
anything is registered.

The add-ons and workloads are Kubernetes resources: `pulumi up` creates them through each
cluster's endpoint, so an endpoint the deployer cannot reach fails the deploy at the first
Kubernetes resource, after the cloud resources were already created. The stack says where the
deployer is (`skyfleet:deployer`: `internet` or inside the cluster's `cluster` network, and the
source ranges the API server sees); each cloud says which ranges its endpoint admits
(`CloudSpec.private_endpoint_admits`, `CloudSpec.endpoint_limit_problem`). Networks are compared
with `ipaddress`: every deployer range must lie inside one admitted range.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .args import ClusterArgs

DeployerNetwork = Literal["internet", "cluster", "workstation"]


@dataclass(frozen=True)
class DeployerView:
    """What the check needs of `skyfleet:deployer`: where it runs, the ranges it comes from."""

    network: DeployerNetwork
    sources: tuple[ipaddress.IPv4Network, ...]


def _networks(cidrs: Iterable[str]) -> list[ipaddress.IPv4Network]:
    found = []
    for cidr in cidrs:
        try:
            found.append(ipaddress.IPv4Network(cidr))
        except ValueError:  # reported by validation, with its field
            continue
    return found


def uncovered(sources: Sequence[ipaddress.IPv4Network], admitted: Iterable[str]) -> list[str]:
    """The source ranges that no admitted range contains."""
    allowed = _networks(admitted)
    return [str(s) for s in sources if not any(s.subnet_of(a) for a in allowed)]


def unreachable(args: ClusterArgs, deployer: DeployerView) -> str | None:
    """Why `deployer` cannot reach the cluster's API endpoint, or None when it can (or when
    nothing can be said: a cluster Skyfleet does not run, a person's workstation)."""
    from .clouds import SPECS

    spec = SPECS[args.cloud]
    if not spec.managed or deployer.network == "workstation":
        return None
    limit = spec.endpoint_limit_problem(args)
    if limit:
        return limit
    endpoint = args.endpoint
    sources = deployer.sources
    if deployer.network == "internet":
        if not endpoint.public:
            return ("the API endpoint is private, and the deployer (skyfleet:deployer.network: "
                    "internet) is outside the network: run it inside (network: cluster, a "
                    "self-hosted runner there) rather than opening the endpoint")
        admitted: Sequence[str] = endpoint.public_access_cidrs
        what = "endpoint.publicAccessCidrs"
        if not admitted:  # validation refuses an open production endpoint
            return None
    else:
        admitted, what = spec.private_endpoint_admits(args)
    if not sources:
        return (f"the endpoint admits only {', '.join(admitted) or 'its own members'} ({what}), and "
                "skyfleet:deployer.egressCidrs is empty: nothing shows the deployer is admitted")
    missing = uncovered(sources, admitted)
    if missing:
        return (f"the deployer's ranges {', '.join(missing)} (skyfleet:deployer.egressCidrs) are "
                f"outside what the endpoint admits: {', '.join(admitted) or 'only its own members'} "
                f"({what})")
    return None
