"""Where `pulumi up` runs for a stack (`skyfleet:deployer`), and what CI does with that.

The Kubernetes resources of a stack (add-ons, workloads) are created through each cluster's API
server, so the machine running `pulumi up` must reach every cluster endpoint of the stack. The
stack says where that machine is; the preview checks each cluster endpoint against it
(`components.cluster.reachability`) and CI runs the stack's legs on the runner it names:

```yaml
skyfleet:deployer:
  network: cluster                       # internet | cluster | workstation
  egressCidrs: [10.20.0.0/16]            # the addresses the API server sees requests come from
  runner: [self-hosted, skyfleet-aws-prod]   # `runs-on` of the stack's CI legs
  ci: true                               # false: CI never runs this stack
```

Pure: no Pulumi import, so `skyfleet diff` reads the same facts for the CI matrix that the
preview validates.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from components.errors import Problems

if TYPE_CHECKING:
    from components.cluster.args import ClusterArgs

Network = Literal["internet", "cluster", "workstation"]
# GitHub-hosted runners: no stable egress address and no route into a private network.
HOSTED_RUNNER = "ubuntu-latest"


@dataclass(frozen=True, kw_only=True)
class DeployerArgs:
    """Where `pulumi up` (and the cloud `pulumi preview`) of the stack runs."""

    network: Network = "internet"
    """Default "internet": `internet` (a runner outside every cluster network, coming from
    `egressCidrs`), `cluster` (a runner inside the clusters' VPC / VNet, or a network peered with
    it, coming from `egressCidrs`), or `workstation` (a person's machine with its own kubeconfig:
    nothing is checked, and `ci` must be false)."""
    egress_cidrs: Sequence[str] = ()
    """Default (): the source ranges the API servers see: public egress ranges on the internet
    (a NAT gateway, a larger runner's static IPs), the runner's subnet inside the network. Empty
    with an allow-listed endpoint is unreachable: the preview cannot prove the deployer is on it."""
    runner: Sequence[str] = ()
    """Default () (`ubuntu-latest`, GitHub-hosted; only with `internet`): the `runs-on` labels of
    the stack's CI legs. Required with `cluster`: a self-hosted runner inside the network."""
    ci: bool = True
    """Default True: CI previews and deploys the stack. False for stacks only a person runs (the
    laptop `local` stack): they are left out of every CI matrix."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "egress_cidrs", tuple(self.egress_cidrs))
        object.__setattr__(self, "runner", tuple(self.runner))

    @property
    def runs_on(self) -> list[str]:
        return list(self.runner) or [HOSTED_RUNNER]

    def networks(self) -> list[ipaddress.IPv4Network]:
        """`egress_cidrs` as networks (the invalid ones are reported by `check`)."""
        return [net for net in map(_network, self.egress_cidrs) if net is not None]

    def check(self, problems: Problems) -> None:
        for i, cidr in enumerate(self.egress_cidrs):
            problems.check(_network(cidr) is not None, f"egressCidrs[{i}]", cidr,
                           "must be an IPv4 network in CIDR notation with no host bits set")
        if self.network == "workstation":
            problems.check(not self.ci, "ci", self.ci,
                           "a workstation deployer runs on a person's machine: set ci: false")
        if self.network == "cluster" and self.ci:
            problems.check(bool(self.runner) and HOSTED_RUNNER not in self.runner, "runner",
                           list(self.runner),
                           "a deployer inside the cluster's network needs the labels of a "
                           "self-hosted runner there (a GitHub-hosted runner cannot reach it)")


def _network(cidr: Any) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(cidr) if isinstance(cidr, str) else None
    except ValueError:
        return None


def parse_deployer(raw: Any, problems: Problems) -> DeployerArgs:
    """`skyfleet:deployer` (absent: an internet deployer on a GitHub-hosted runner)."""
    from components.platform.config import from_config

    if raw is None:
        return DeployerArgs()
    parsed = from_config(DeployerArgs, raw, problems)
    if parsed is None:
        return DeployerArgs()
    parsed.check(problems)
    return parsed


def deployer_of(config: Mapping[str, Any] | None) -> DeployerArgs:
    """The deployer of a stack's raw config (`skyfleet:deployer`), for CI: lenient, because the
    preview has already refused a bad one."""
    return parse_deployer((config or {}).get("skyfleet:deployer"), Problems())


def check_reachable(clusters: Mapping[str, ClusterArgs], deployer: DeployerArgs, problems: Problems) -> None:
    """One problem per cluster whose API endpoint the deployer cannot reach, at that cluster's
    `endpoint` (the file and stack are in the collector's prefix), with the reason."""
    from components.cluster.reachability import DeployerView, unreachable

    view = DeployerView(deployer.network, tuple(deployer.networks()))
    for name, cluster in sorted(clusters.items()):
        reason = unreachable(cluster, view)
        if reason:
            problems.add(f"clusters.{name}.endpoint", _endpoint_summary(cluster),
                         f"cluster {name} is unreachable from where `pulumi up` runs: {reason}")


def _endpoint_summary(cluster: ClusterArgs) -> dict[str, Any]:
    endpoint = cluster.endpoint
    summary: dict[str, Any] = {"public": endpoint.public}
    if endpoint.public_access_cidrs:
        summary["publicAccessCidrs"] = list(endpoint.public_access_cidrs)
    if endpoint.private_access_cidrs:
        summary["privateAccessCidrs"] = list(endpoint.private_access_cidrs)
    return summary
