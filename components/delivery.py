"""Argo CD delivery of a Fleet's services (`skyfleet:delivery: argocd`), in one place.

With "argocd" the work is split by what an object carries (docs/gitops.md): Pulumi still creates
the service Namespaces, ServiceAccounts (their workload-identity annotations exist only once the
cloud identity does) and Secrets, none of which may live in Git; Argo CD applies the rest from
`<gitops.path>/<stack>/<cluster>/<namespace>/`, through one ApplicationSet per cluster that waits
for them. The Fleet renders those objects with the same pure builders
(`components.workload.render`) and keeps them in `git_objects`, registering nothing for them;
`skyfleet render` writes them to that folder. This module holds the settings (`GitOpsArgs`),
their checks, and the ApplicationSet; the Fleet only calls `deliver_from_git` per cluster.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pulumi

from components.errors import Problems
from components.names import is_dns1123_subdomain

if TYPE_CHECKING:
    from components.platform import Platform, PlatformArgs
    from components.workload import Microservice

# Who applies a Fleet's services: Pulumi itself, or Argo CD from Git.
Delivery = Literal["pulumi", "argocd"]
# The key of the Argo CD repository Secret (`repo-gitops`) a Fleet registers for `gitops.repoUrl`.
GITOPS_REPOSITORY = "gitops"
# What Argo CD syncs with: Pulumi made the namespaces; server-side apply merges with the fields
# other managers own (the HPA's replicas, admission webhooks' defaults) instead of replacing them.
GITOPS_SYNC_OPTIONS = ("CreateNamespace=false", "ServerSideApply=true")
# The Argo CD project of a Fleet's Applications, the same on every cluster so that the one
# repository Secret can be scoped to it; never Argo CD's permissive `default` project.
FLEET_PROJECT = "skyfleet-services"
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
    hub: str | None = None
    """The cluster whose Argo CD syncs every cluster's services in the order of `waves`, by
    ApplicationSet progressive syncs (RollingSync, beta in Argo CD; components/delivery_waves.py);
    the other clusters must be registered in it under their names. Default: None, each cluster's
    own Argo CD syncs its own services, all clusters at once (one wave)."""

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
        problems.check(gitops is None or gitops.hub is None, "gitops.hub", gitops.hub if gitops else None,
                       "needs delivery 'argocd': with 'pulumi' the waves gate on Pulumi's own Deployments")
        return
    hub = gitops.hub if gitops is not None else None
    problems.check(hub is None or hub in clusters, "gitops.hub", hub,
                   f"is not a cluster of this fleet (clusters: {', '.join(clusters)}): the hub is the "
                   "cluster whose Argo CD syncs every cluster's services in waves")
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
    # The repository belongs to the Fleet's project (a project-scoped repository Secret).
    repositories = {
        key: dataclasses.replace(repo, project=FLEET_PROJECT) if repo.url == repo_url else repo
        for key, repo in argocd.repositories.items()
    }
    if not any(repo.url == repo_url for repo in repositories.values()):
        repositories[GITOPS_REPOSITORY] = GitRepository(url=repo_url, project=FLEET_PROJECT)
    return dataclasses.replace(platform, argocd=dataclasses.replace(argocd, repositories=repositories))


def deliver_from_git(
    cluster: str, platform: Platform, services: Mapping[str, Microservice], gitops: GitOpsArgs
) -> pulumi.Resource:
    """The cluster's `<cluster>-workloads` ApplicationSet: one Application per namespace folder
    under `<path>/<stack>/<cluster>/`, synced once the Namespaces, ServiceAccounts and Secrets
    Pulumi keeps exist (so pods find their ServiceAccount and Secret on the first sync), in the
    Fleet's AppProject: only the repository, the services' namespaces and the namespaced kinds
    the Fleet renders for Git; nothing cluster-scoped."""
    from components.platform import ApplicationSetArgs, AppProjectArgs, ArgoCD

    argocd = platform.addons.get("argocd")
    if not isinstance(argocd, ArgoCD):  # check_delivery asked for it: a bug if missing
        raise RuntimeError(f"cluster {cluster}: delivery 'argocd' without the Argo CD add-on")
    namespaces = {id(s.namespace): s.namespace for s in services.values() if s.namespace is not None}
    pulumi_owned = [*namespaces.values(), *(o for s in services.values() for o in s.objects.values())]
    assert gitops.repo_url is not None  # check_delivery
    objects = [m for s in services.values() for m in s.git_objects]
    project = argocd.add_project(FLEET_PROJECT, AppProjectArgs(
        description=f"the Fleet's services on {cluster}, from {gitops.repo_url}",
        source_repos=[gitops.repo_url],
        namespaces=sorted({str(m["metadata"]["namespace"]) for m in objects}),
        kinds=[(str(m["apiVersion"]).rpartition("/")[0], str(m["kind"])) for m in objects],
    ))
    return argocd.add_application_set(
        f"{cluster}-workloads",
        ApplicationSetArgs(
            repo_url=gitops.repo_url,
            revision=gitops.revision,
            path=f"{gitops.cluster_path(pulumi.get_stack(), cluster)}/*",
            sync_options=GITOPS_SYNC_OPTIONS,
            name_prefix=f"{cluster}-",
            project=FLEET_PROJECT,
        ),
        depends_on=[project, *pulumi_owned],
    )
