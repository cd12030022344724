"""A Fleet: one or more clusters, the same platform on each, and the same services on each.

This is what a stack deploys, and it reads in that order: per cluster, the cluster, then its
platform, then the services. Clusters may sit on different clouds; nothing below this line
branches on the cloud, so a service renders the same on every cluster. Who applies the services
is `FleetArgs.delivery`: with "pulumi" the Fleet creates every object of every service; with
"argocd" Argo CD applies most of them from Git (components/delivery.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi

from components.delivery import Delivery, GitOpsArgs, check_delivery, deliver_from_git, with_gitops_repository
from components.delivery_waves import with_progressive_syncs
from components.errors import Problems
from components.rollout import check_waves, gates, plan_waves

if TYPE_CHECKING:
    from components.budget import BudgetArgs
    from components.cluster.args import ClusterArgs
    from components.platform import PlatformArgs
    from components.workload.render import Manifest
    from components.workload.spec import ServiceSpec

# Clusters of one fleet run the same manifests and charts, applied by one kubectl / Kubernetes
# provider, which Kubernetes supports within one minor of the API server:
# https://kubernetes.io/releases/version-skew-policy/#kubectl
MAX_VERSION_SKEW = 1


@dataclass(frozen=True, kw_only=True)
class FleetArgs:
    clusters: Mapping[str, ClusterArgs]
    """The clusters, keyed by name (no default: at least one)."""
    platform: PlatformArgs
    """The add-ons installed on every cluster (default: PlatformArgs(), every add-on on)."""
    services: Sequence[ServiceSpec] = field(default_factory=tuple)
    """The services deployed to every cluster (default: none)."""
    delivery: Delivery = "pulumi"
    """Who applies the services: Pulumi itself, or Argo CD from Git (default: "pulumi")."""
    gitops: GitOpsArgs | None = None
    """The Git repository and folder Argo CD reads from (default: None; delivery "argocd" needs
    one with a `repo_url`)."""
    budget: BudgetArgs | None = None
    """The monthly budget, created on every cloud of the fleet (default: None, no budget)."""
    waves: Sequence[Sequence[str]] | None = None
    """The clusters in rollout order, such as `[["canary"], ["east", "west"]]`: each service's
    objects on a cluster of wave N+1 wait for its Deployment on every cluster of wave N
    (components/rollout.py). Default: None, one wave of every cluster, all at once."""


def with_alerting_secrets(platform: PlatformArgs, secrets: pulumi.Input[Mapping[str, str]]) -> PlatformArgs:
    """The platform args with the stack's secrets handed to Alertmanager's receivers (they read
    only the keys they name)."""
    monitoring = platform.monitoring
    alerting = dataclasses.replace(monitoring.alerting, secret_values=secrets)
    return dataclasses.replace(platform, monitoring=dataclasses.replace(monitoring, alerting=alerting))


def with_route_hosts(platform: PlatformArgs, services: Sequence[ServiceSpec]) -> PlatformArgs:
    """The platform args with each service's Gateway route host among the Gateway's HTTPS hosts,
    admitting that service's namespace (cert-manager issues one certificate per host)."""
    hosts: dict[str, list[str]] = {h: list(ns) for h, ns in platform.ingress.gateway_hosts.items()}
    for spec in services:
        if spec.route is not None and spec.route.api == "gateway":
            namespaces = hosts.setdefault(spec.route.host, [])
            if spec.namespace not in namespaces:
                namespaces.append(spec.namespace)
    ingress = dataclasses.replace(platform.ingress, gateway_hosts=hosts)
    return dataclasses.replace(platform, ingress=ingress)


def check_route_hosts(platform: PlatformArgs, services: Sequence[ServiceSpec], problems: Problems) -> None:
    """The Gateway the Fleet plans (`with_route_hosts`) fits the Gateway CRD: every route host
    makes a valid listener name, and all of them fit one Gateway. Paths are `services.`...; a
    host that is no DNS name at all is `validate_services`' problem, not repeated here."""
    from components.names import is_dns1123_subdomain
    from components.platform.gateway import check_listener_count, check_listener_name

    for spec in services:
        route = spec.route
        if route is not None and route.api == "gateway" and is_dns1123_subdomain(str(route.host)):
            check_listener_name(problems, f"services.{spec.name}.route.host", route.host)
    check_listener_count(problems, "services", with_route_hosts(platform, services).ingress.gateway_hosts)


def _minor(version: str) -> int | None:
    major, _, minor = version.partition(".")
    return int(minor) if major == "1" and minor.isdigit() else None


def check_version_skew(clusters: Mapping[str, ClusterArgs], problems: Problems) -> None:
    """Each cluster's version is within MAX_VERSION_SKEW minors of the fleet's newest.

    Paths are `clusters.<name>.version`; malformed versions are the cluster's own problem.
    """
    minors = {name: m for name, c in clusters.items() if (m := _minor(c.version)) is not None}
    if not minors:
        return
    newest = max(minors, key=lambda name: (minors[name], name))
    for name, minor in sorted(minors.items()):
        behind = minors[newest] - minor
        problems.check(
            behind <= MAX_VERSION_SKEW,
            f"clusters.{name}.version",
            clusters[name].version,
            f"is {behind} minors behind clusters.{newest}.version ({clusters[newest].version}): "
            f"a fleet's clusters stay within {MAX_VERSION_SKEW} minor of each other, so the same "
            "manifests, charts and kubectl fit every one",
        )


class Fleet(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        args: FleetArgs,
        *,
        secrets: pulumi.Input[Mapping[str, str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        problems = Problems()
        check_delivery(args.delivery, args.gitops, args.platform, sorted(args.clusters), problems)
        from components.workload.validate import validate_services

        # What services mean to each other (callers, hosts): checked for a Fleet built in Python
        # too, not only for one read from workloads.yaml.
        with problems.under("services") as at:
            validate_services(args.services, [s.name for s in args.services], at)
        check_route_hosts(args.platform, args.services, problems)
        check_waves(args.waves, args.clusters, args.delivery, problems,
                    hub=args.gitops.hub if args.gitops is not None else None)
        if isinstance(secrets, Mapping):  # known before anything exists: check the receivers' keys
            for key in args.platform.monitoring.alerting.secret_keys():
                problems.check(key in secrets, "platform.monitoring.alerting", key,
                               "names a key the stack's skyfleet:secrets lacks (pulumi config set --secret)")
        problems.raise_if_any(name)
        super().__init__("skyfleet:fleet:Fleet", name, None, opts)
        from components.cluster import create_cluster
        from components.platform import Platform
        from components.workload import deploy_services

        secret_map = pulumi.Output.secret(secrets or {})
        gitops = args.gitops if args.delivery == "argocd" else None
        platform_args = with_route_hosts(args.platform, args.services)
        if gitops is not None and gitops.repo_url is not None:
            platform_args = with_gitops_repository(platform_args, gitops.repo_url)
        platform_args = with_alerting_secrets(platform_args, secret_map)
        self.delivery = args.delivery
        self.gitops = gitops
        self.clusters: dict[str, Any] = {}
        self.platforms: dict[str, Any] = {}
        # With delivery "argocd": per cluster, the objects Argo CD applies from Git (plain
        # manifests, registered nowhere), which `skyfleet render` writes. Empty otherwise.
        self.git_objects: dict[str, list[Manifest]] = {}
        self.application_sets: dict[str, pulumi.Resource] = {}
        self.waves = plan_waves(args.clusters, args.waves)
        previous_wave = gates(self.waves)
        # Service name -> cluster -> its Deployment: what the next wave's copy waits for.
        deployments: dict[str, dict[str, pulumi.Resource]] = {}
        hub = gitops.hub if gitops is not None else None
        delivered: dict[str, Any] = {}  # with a hub: cluster -> its services, for the hub's ApplicationSet
        for cluster_name in [c for wave in self.waves for c in sorted(wave)]:
            cluster_args = args.clusters[cluster_name]
            cluster = create_cluster(cluster_args, opts=pulumi.ResourceOptions(parent=self))
            platform = Platform(
                f"{cluster_name}-platform", cluster.handle,
                with_progressive_syncs(platform_args) if cluster_name == hub else platform_args,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.clusters[cluster_name] = cluster
            self.platforms[cluster_name] = platform
            after = {
                spec.name: [d for c in previous_wave[cluster_name] if (d := deployments.get(spec.name, {}).get(c))]
                for spec in args.services
            }
            services = deploy_services(
                cluster.handle, platform.info, args.services, secret_map, parent=self,
                delivery=args.delivery, after=after,
            )
            for service_name, service in services.items():
                if service.deployment is not None:
                    deployments.setdefault(service_name, {})[cluster_name] = service.deployment
            if gitops is not None:
                self.git_objects[cluster_name] = [m for s in services.values() for m in s.git_objects]
                if hub is None:
                    self.application_sets[cluster_name] = deliver_from_git(cluster_name, platform, services, gitops)
                else:
                    delivered[cluster_name] = services
        if gitops is not None and hub is not None:
            from components.delivery_waves import deliver_in_waves

            self.application_sets[hub] = deliver_in_waves(hub, self.platforms[hub], delivered, gitops, self.waves)
        # One budget per cloud of the fleet, scoped by the cluster tags (components/cluster/budget.py).
        self.budgets: dict[str, pulumi.Resource] = {}
        if args.budget is not None:
            from components.cluster.budget import create_budgets

            self.budgets = create_budgets(name, args.budget, self.clusters, secret_map, parent=self)
        self.cluster_outputs = {
            name: {"cloud": c.handle.cloud, "region": c.handle.region, "oidcIssuer": c.handle.oidc_issuer_url}
            for name, c in self.clusters.items()
        }
        self.kubeconfigs = pulumi.Output.secret({name: c.handle.kubeconfig for name, c in self.clusters.items()})
        self.register_outputs({"clusters": self.cluster_outputs, "kubeconfigs": self.kubeconfigs})
