"""A Fleet: one or more clusters, the same platform on each, and the same services on each.

This is what a stack deploys. Clusters may sit on different clouds; nothing below this line
branches on the cloud, so a service renders the same on every cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pulumi

if TYPE_CHECKING:
    from components.cluster.args import ClusterArgs
    from components.platform import PlatformArgs
    from components.workload.spec import ServiceSpec


@dataclass(frozen=True, kw_only=True)
class FleetArgs:
    clusters: Mapping[str, ClusterArgs]
    """The clusters, keyed by name (no default: at least one)."""
    platform: PlatformArgs
    """The add-ons installed on every cluster (default: PlatformArgs(), every add-on on)."""
    services: Sequence[ServiceSpec] = field(default_factory=tuple)
    """The services deployed to every cluster (default: none)."""
    production: bool = False
    """Production fleets protect clusters and data and run add-ons highly available (default: False)."""
    delivery: Literal["pulumi", "argocd"] = "pulumi"
    """Who applies the services: Pulumi itself, or Argo CD from Git (default: "pulumi")."""


class Fleet(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        args: FleetArgs,
        *,
        secrets: pulumi.Input[Mapping[str, str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("skyfleet:fleet:Fleet", name, None, opts)
        from components.cluster import create_cluster
        from components.platform import Platform
        from components.workload import deploy_services

        secret_map = pulumi.Output.secret(secrets or {})
        self.clusters: dict[str, Any] = {}
        self.platforms: dict[str, Any] = {}
        for cluster_name, cluster_args in sorted(args.clusters.items()):
            cluster = create_cluster(cluster_args, opts=pulumi.ResourceOptions(parent=self))
            platform = Platform(
                f"{cluster_name}-platform", cluster.handle, args.platform,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.clusters[cluster_name] = cluster
            self.platforms[cluster_name] = platform
            if args.delivery == "pulumi":
                deploy_services(
                    cluster.handle, platform.info, args.services, secret_map, parent=self,
                )
        self.cluster_outputs = {
            name: {"cloud": c.handle.cloud, "region": c.handle.region, "oidcIssuer": c.handle.oidc_issuer_url}
            for name, c in self.clusters.items()
        }
        self.kubeconfigs = pulumi.Output.secret({name: c.handle.kubeconfig for name, c in self.clusters.items()})
        self.register_outputs({"clusters": self.cluster_outputs, "kubeconfigs": self.kubeconfigs})
