"""A Fleet: one or more clusters, the same platform on each, and the same services on each.

This is what a stack deploys. Clusters may sit on different clouds; nothing below this line
branches on the cloud, so a service renders the same on every cluster.

Who applies the services is `FleetArgs.delivery`. With "pulumi" the Fleet creates every object
of every service. With "argocd" the work is split by what an object carries (docs/gitops.md):
Pulumi still creates the service Namespaces, ServiceAccounts (their workload-identity
annotations exist only once the cloud identity does) and Secrets, none of which may live in Git;
Argo CD applies the rest from `<gitops.path>/<stack>/<cluster>/<namespace>/`, through one
ApplicationSet per cluster that waits for them. The Fleet renders those objects with the same
pure builders (`components.workload.render`) and keeps them in `git_objects`, registering
nothing for them; `skyfleet render` writes them to that folder.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pulumi

from components.errors import Problems
from components.names import is_dns1123_subdomain

if TYPE_CHECKING:
    from components.cluster.args import ClusterArgs
    from components.platform import Platform, PlatformArgs
    from components.workload import Microservice
    from components.workload.render import Manifest
    from components.workload.spec import ServiceSpec

# Clusters of one fleet run the same manifests and charts, applied by one kubectl / Kubernetes
# provider, which Kubernetes supports within one minor of the API server:
# https://kubernetes.io/releases/version-skew-policy/#kubectl
MAX_VERSION_SKEW = 1
Delivery = Literal["pulumi", "argocd"]
# The key of the Argo CD repository Secret (`repo-gitops`) a Fleet registers for `gitops.repoUrl`.
GITOPS_REPOSITORY = "gitops"
# What Argo CD syncs with: Pulumi made the namespaces; server-side apply merges with the fields
# other managers own (the HPA's replicas, admission webhooks' defaults) instead of replacing them.
GITOPS_SYNC_OPTIONS = ("CreateNamespace=false", "ServerSideApply=true")
# A folder of the repository: relative, no empty, '.' or '..' segment, no glob characters.
_REPO_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


@dataclass(frozen=True, kw_only=True)
class GitOpsArgs:
    """Where Argo CD reads the services from when `delivery` is "argocd" (`skyfleet:gitops`)."""

    repo_url: str | None = None
    """Git repository holding the rendered services, https://, ssh:// or git@ (default: None;
    required when delivery is "argocd")."""
    revision: str = "main"
    """Branch, tag or commit Argo CD follows (default: "main")."""
    path: str = "deploy"
    """Folder of the repository that holds `<stack>/<cluster>/<namespace>/` (default: "deploy")."""

    def cluster_path(self, stack: str, cluster: str) -> str:
        """The folder of one cluster's services: one sub-folder, one Application, per namespace."""
        return f"{self.path}/{stack}/{cluster}"

    def check(self, problems: Problems) -> None:
        from components.platform.checks import check_git_url

        if self.repo_url is not None:
            check_git_url(problems, "repoUrl", self.repo_url)
        problems.check(
            isinstance(self.revision, str) and self.revision != "" and not any(c.isspace() for c in self.revision),
            "revision", self.revision, "must be a branch, tag or commit, such as main",
        )
        problems.check(
            isinstance(self.path, str) and _REPO_FOLDER.fullmatch(self.path) is not None
            and not any(part in (".", "..") for part in self.path.split("/")),
            "path", self.path,
            "must be a folder of the repository such as deploy or gitops/deploy: relative, no '.' "
            "or '..', no leading or trailing '/', no glob characters",
        )


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
    delivery: Delivery = "pulumi"
    """Who applies the services: Pulumi itself, or Argo CD from Git (default: "pulumi")."""
    gitops: GitOpsArgs | None = None
    """The Git repository and folder Argo CD reads from (default: None; delivery "argocd" needs
    one with a `repo_url`)."""


def check_delivery(
    delivery: str,
    gitops: GitOpsArgs | None,
    platform: PlatformArgs,
    clusters: Sequence[str],
    problems: Problems,
) -> None:
    """Delivery through Argo CD needs a repository to read and Argo CD itself.

    Paths are the config's: `gitops.repoUrl`, `platform.argocd.enabled`, `clusters.<name>`.
    """
    if gitops is not None:
        with problems.under("gitops") as at:
            gitops.check(at)
    if delivery != "argocd":
        return
    repo_url = gitops.repo_url if gitops is not None else None
    problems.check(
        repo_url is not None, "gitops.repoUrl", repo_url,
        "is required when delivery is 'argocd': the Git repository Argo CD reads the services from",
    )
    problems.check(
        platform.argocd.enabled, "platform.argocd.enabled", platform.argocd.enabled,
        "must be true when delivery is 'argocd': Argo CD is what applies the services",
    )
    taken = platform.argocd.repositories.get(GITOPS_REPOSITORY)
    problems.check(
        taken is None or taken.url == repo_url,
        f"platform.argocd.repositories.{GITOPS_REPOSITORY}", taken.url if taken else None,
        f"is reserved for gitops.repoUrl ({repo_url}) when delivery is 'argocd'; use another key",
    )
    for cluster in clusters:
        problems.check(
            is_dns1123_subdomain(f"{cluster}-workloads"), f"clusters.{cluster}", cluster,
            "must be lowercase letters, digits and '-' when delivery is 'argocd': it names the "
            "cluster's ApplicationSet (<cluster>-workloads) and Applications",
        )


def with_gitops_repository(platform: PlatformArgs, repo_url: str) -> PlatformArgs:
    """The platform args with `repo_url` among Argo CD's repositories (unless already there, with
    credentials perhaps: a private repository's token only comes through the Python API)."""
    from components.platform import GitRepository

    argocd = platform.argocd
    if any(repo.url == repo_url for repo in argocd.repositories.values()):
        return platform
    repositories = {**argocd.repositories, GITOPS_REPOSITORY: GitRepository(url=repo_url)}
    return dataclasses.replace(platform, argocd=dataclasses.replace(argocd, repositories=repositories))


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
        problems.raise_if_any(name)
        super().__init__("skyfleet:fleet:Fleet", name, None, opts)
        from components.cluster import create_cluster
        from components.platform import Platform
        from components.workload import deploy_services

        secret_map = pulumi.Output.secret(secrets or {})
        gitops = args.gitops if args.delivery == "argocd" else None
        platform_args = args.platform
        if gitops is not None and gitops.repo_url is not None:
            platform_args = with_gitops_repository(platform_args, gitops.repo_url)
        self.delivery = args.delivery
        self.gitops = gitops
        self.clusters: dict[str, Any] = {}
        self.platforms: dict[str, Any] = {}
        # With delivery "argocd": per cluster, the objects Argo CD applies from Git (plain
        # manifests, registered nowhere), which `skyfleet render` writes. Empty otherwise.
        self.git_objects: dict[str, list[Manifest]] = {}
        self.application_sets: dict[str, pulumi.Resource] = {}
        for cluster_name, cluster_args in sorted(args.clusters.items()):
            cluster = create_cluster(cluster_args, opts=pulumi.ResourceOptions(parent=self))
            platform = Platform(
                f"{cluster_name}-platform", cluster.handle, platform_args,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.clusters[cluster_name] = cluster
            self.platforms[cluster_name] = platform
            services = deploy_services(
                cluster.handle, platform.info, args.services, secret_map, parent=self,
                delivery=args.delivery,
            )
            if gitops is not None:
                self.git_objects[cluster_name] = [m for s in services.values() for m in s.git_objects]
                self.application_sets[cluster_name] = self._deliver_from_git(
                    cluster_name, platform, services, gitops
                )
        self.cluster_outputs = {
            name: {"cloud": c.handle.cloud, "region": c.handle.region, "oidcIssuer": c.handle.oidc_issuer_url}
            for name, c in self.clusters.items()
        }
        self.kubeconfigs = pulumi.Output.secret({name: c.handle.kubeconfig for name, c in self.clusters.items()})
        self.register_outputs({"clusters": self.cluster_outputs, "kubeconfigs": self.kubeconfigs})

    @staticmethod
    def _deliver_from_git(
        cluster: str, platform: Platform, services: Mapping[str, Microservice], gitops: GitOpsArgs
    ) -> pulumi.Resource:
        """The cluster's `<cluster>-workloads` ApplicationSet: one Application per namespace folder
        under `<path>/<stack>/<cluster>/`, synced once the Namespaces, ServiceAccounts and Secrets
        Pulumi keeps exist (so pods find their ServiceAccount and Secret on the first sync)."""
        from components.platform import ApplicationSetArgs, ArgoCD

        argocd = platform.addons.get("argocd")
        if not isinstance(argocd, ArgoCD):  # check_delivery asked for it: a bug if missing
            raise RuntimeError(f"cluster {cluster}: delivery 'argocd' without the Argo CD add-on")
        namespaces = {id(s.namespace): s.namespace for s in services.values() if s.namespace is not None}
        pulumi_owned = [*namespaces.values(), *(o for s in services.values() for o in s.objects.values())]
        assert gitops.repo_url is not None  # check_delivery
        return argocd.add_application_set(
            f"{cluster}-workloads",
            ApplicationSetArgs(
                repo_url=gitops.repo_url,
                revision=gitops.revision,
                path=f"{gitops.cluster_path(pulumi.get_stack(), cluster)}/*",
                sync_options=GITOPS_SYNC_OPTIONS,
                name_prefix=f"{cluster}-",
            ),
            depends_on=pulumi_owned,
        )
