"""Argo CD: delivers workloads from Git (GitOps), with a highly available mode for production.

Git repositories are registered as repository Secrets (label
`argocd.argoproj.io/secret-type: repository`), so credentials stay out of the release's values.
Each ApplicationSet turns every directory matching `path` in a repository into an Application
deployed to a namespace of the same name:
https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Git/
A Fleet delivering with Argo CD (`skyfleet:delivery: argocd`) adds one more per cluster with
`add_application_set`, once the namespaces, ServiceAccounts and Secrets its Applications need exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.handle import ClusterHandle
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout, deep_merge
from .checks import check_git_url, check_hostname, check_namespace
from .info import PlatformInfo
from .workload_shape import component_labels, resources, spread

REPOSITORY_LABEL = {"argocd.argoproj.io/secret-type": "repository"}
IN_CLUSTER = "https://kubernetes.default.svc"
PORT_FORWARD_DOMAIN = "localhost:8080"
# The start of a DNS-1123 subdomain: what may precede the directory name in an Application's name.
_NAME_PREFIX = re.compile(r"[a-z0-9]([-a-z0-9.]*)?")
# What Argo CD's backoff reads (Go's time.ParseDuration units Argo CD documents).
_DURATION = re.compile(r"([0-9]+(s|m|h))+")


@dataclass(frozen=True, kw_only=True)
class GitRepository:
    url: str
    """Clone URL (https://, ssh:// or git@). No default."""
    project: str = "default"
    """Argo CD project allowed to use the repository. Default: "default"."""
    username: str | None = None
    """User for HTTPS credentials. Default: None, a public repository."""
    password: pulumi.Input[str] | None = field(default=None, metadata={"config": False})
    """HTTPS password or token, stored only in the repository Secret (Python API only, never
    stack config). Default: None."""
    ssh_private_key: pulumi.Input[str] | None = field(default=None, metadata={"config": False})
    """SSH private key, stored only in the repository Secret (Python API only). Default: None."""

    def check(self, problems: Problems) -> None:
        check_git_url(problems, "url", self.url)


@dataclass(frozen=True, kw_only=True)
class SyncRetryArgs:
    """How an Application retries a failed sync (`syncPolicy.retry`), e.g. a first sync that
    races the namespaces Pulumi creates. Argo CD's own default is no retry at all."""

    limit: int = 5
    """Attempts after the first failure. Default: 5."""
    backoff: str = "10s"
    """First wait, as Argo CD reads a duration. Default: "10s"."""
    factor: int = 2
    """Each wait is the previous one times this. Default: 2 (10s, 20s, 40s, 80s, 160s)."""
    max_backoff: str = "3m"
    """Longest wait. Default: "3m"."""

    def to_spec(self) -> dict[str, Any]:
        return {"limit": self.limit,
                "backoff": {"duration": self.backoff, "factor": self.factor, "maxDuration": self.max_backoff}}

    def check(self, problems: Problems) -> None:
        problems.check(self.limit >= 1, "limit", self.limit, "must be at least 1 (0 retries nothing)")
        problems.check(self.factor >= 1, "factor", self.factor, "must be at least 1")
        for key, value in (("backoff", self.backoff), ("maxBackoff", self.max_backoff)):
            problems.check(_DURATION.fullmatch(value) is not None, key, value,
                           "must be a duration such as 10s, 3m or 1h")


@dataclass(frozen=True, kw_only=True)
class AppProjectArgs:
    """An Argo CD project that confines its Applications: one Git repository, the in-cluster
    destination's listed namespaces, the listed namespaced kinds, and no cluster-scoped object.
    Unlike the permissive `default` project, a push to the repository cannot create a
    ClusterRole, a webhook or a Namespace, nor write outside the fleet's namespaces."""

    source_repos: Sequence[str]
    """Repositories the Applications may read. No default."""
    namespaces: Sequence[str]
    """Namespaces of the in-cluster destination they may write to (none: nothing). No default."""
    kinds: Sequence[tuple[str, str]]
    """(API group, kind) of the namespaced objects they may manage ("" for the core group). No
    default; nothing cluster-scoped is ever allowed."""
    description: str = ""
    """Shown in Argo CD. Default: ""."""
    clusters: Sequence[str] = ()
    """Other clusters, by their name in this Argo CD (`argocd cluster add ... --name`), whose
    same namespaces the Applications may write to too. Default: (), this cluster only."""

    def to_spec(self) -> dict[str, Any]:
        destinations = [{"server": IN_CLUSTER, "namespace": n} for n in sorted(self.namespaces)]
        destinations += [{"name": c, "namespace": n} for c in sorted(self.clusters) for n in sorted(self.namespaces)]
        return {
            "description": self.description,
            "sourceRepos": sorted(self.source_repos),
            "destinations": destinations,
            # An empty list, not an absent one: no cluster-scoped object at all.
            "clusterResourceWhitelist": [],
            "namespaceResourceWhitelist": [{"group": g, "kind": k} for g, k in sorted(set(self.kinds))],
        }

    def check(self, problems: Problems) -> None:
        problems.check(bool(self.source_repos), "sourceRepos", list(self.source_repos), "must list a repository")
        for i, namespace in enumerate(self.namespaces):
            check_namespace(problems, f"namespaces[{i}]", namespace)


@dataclass(frozen=True, kw_only=True)
class ApplicationSetArgs:
    repo_url: str
    """Repository holding the workloads' manifests. No default."""
    path: str = "apps/*"
    """Directory glob: each matching directory becomes one Application. Default: "apps/*"."""
    revision: str = "HEAD"
    """Branch, tag or commit to follow. Default: "HEAD" (the default branch)."""
    project: str = "default"
    """Argo CD project of the generated Applications. Default: "default"."""
    namespace: str | None = None
    """Namespace every Application deploys to. Default: None, one per directory, named after it."""
    prune: bool = True
    """Delete what was removed from Git. Default: True (Git is the source of truth)."""
    self_heal: bool = True
    """Revert changes made in the cluster by hand. Default: True."""
    sync_options: Sequence[str] = ("CreateNamespace=true",)
    """Sync options of every generated Application. Default: ("CreateNamespace=true",)."""
    name_prefix: str = ""
    """Prefix of each generated Application's name, `<prefix><directory>`, so two ApplicationSets
    over directories of the same name do not claim the same Application. Default: "" (none)."""
    retry: SyncRetryArgs | None = field(default_factory=SyncRetryArgs)
    """Retry of a failed sync, with backoff. Default: SyncRetryArgs() (5 tries, 10s doubling to
    3m); None: no retry, Argo CD's default."""

    def check(self, problems: Problems) -> None:
        check_git_url(problems, "repoUrl", self.repo_url)
        problems.check(
            bool(self.path), "path", self.path, "must be a directory glob such as apps/*"
        )
        problems.check(
            self.name_prefix == "" or _NAME_PREFIX.fullmatch(self.name_prefix) is not None,
            "namePrefix", self.name_prefix,
            "must be lowercase letters, digits, '-' or '.', starting with a letter or digit",
        )
        if self.namespace is not None:
            check_namespace(problems, "namespace", self.namespace)
        if self.retry is not None:
            with problems.under("retry") as at:
                self.retry.check(at)


@dataclass(frozen=True, kw_only=True)
class ArgoCDArgs(AddonArgs):
    ha: bool | None = None
    """Highly available Argo CD (redis-ha, autoscaled server and repo server, two ApplicationSet
    controllers). Default: None, on in production. redis-ha needs three nodes."""
    hostname: str | None = None
    """Host name of the Argo CD UI, served through the ingress class with a cert-manager
    certificate. Default: None, no Ingress (use `kubectl port-forward`)."""
    repositories: Mapping[str, GitRepository] = field(default_factory=dict)
    """Git repositories Argo CD may read, keyed by name. Default: {}."""
    application_sets: Mapping[str, ApplicationSetArgs] = field(default_factory=dict)
    """ApplicationSets delivering workloads from Git, keyed by name. Default: {}."""
    service_monitor: bool = True
    """ServiceMonitors for Argo CD's metrics when monitoring is installed. Default: True."""
    progressive_syncs: bool = False
    """Turn on ApplicationSet progressive syncs (`strategy.type: RollingSync`), a beta feature
    of Argo CD, off by default upstream: `applicationsetcontroller.enable.progressive.syncs` in
    argocd-cmd-params-cm (argoproj/argo-cd docs/operator-manual/applicationset/Progressive-Syncs.md).
    Default: False; the Fleet sets it on the hub of `skyfleet:gitops.hub`."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        if self.hostname is not None:
            check_hostname(problems, "hostname", self.hostname)
        for section, entries in (("repositories", self.repositories),
                                 ("applicationSets", self.application_sets)):
            for key, entry in entries.items():
                with problems.under(section) as at:
                    check_namespace(at, key, key)  # a Kubernetes object name
                with problems.under(f"{section}.{key}") as at:
                    entry.check(at)


# The Argo CD components the chart configures, keyed by their value section.
_SECTIONS = ("controller", "server", "repoServer", "applicationSet")


class ArgoCD(HelmAddon):
    """`skyfleet:platform:ArgoCD`: GitOps delivery, its repositories and ApplicationSets."""

    TYPE = "skyfleet:platform:ArgoCD"
    ARGS = ArgoCDArgs
    # "argocd" is the namespace the argocd CLI and the upstream docs assume. Every Argo CD,
    # Redis, redis-ha and HAProxy container runs non-root with seccomp RuntimeDefault, no
    # privilege escalation, all capabilities dropped: restricted as shipped (redis-ha's
    # privileged sysctl init container stays off).
    LAYOUT = Layout("argo-cd", "argocd", "argocd", "restricted")

    def build(self, handle: ClusterHandle, args: ArgoCDArgs, platform: PlatformInfo) -> None:
        monitoring_crds = platform.monitoring_crds
        ingress_class, cluster_issuer = platform.ingress_class, platform.cluster_issuer
        ingress_ready = platform.ingress_ready
        ha = args.ha if args.ha is not None else handle.production
        service_monitor = args.service_monitor and bool(monitoring_crds)
        typed = self._typed(ha, service_monitor)
        depends_on = list(monitoring_crds) if service_monitor else []
        if args.progressive_syncs:
            # The chart writes configs.params into argocd-cmd-params-cm, read by the controller.
            params = {"applicationsetcontroller.enable.progressive.syncs": True}
            typed = deep_merge(typed, {"configs": {"params": params}})
        if args.hostname is not None:
            typed = deep_merge(typed, self._ingress(args.hostname, ingress_class, cluster_issuer))
            # An ingress controller with an admission webhook (ingress-nginx) must be up
            # before anything creates an Ingress.
            depends_on += ingress_ready
        else:
            # Without a host name the UI is reached through `kubectl port-forward
            # svc/argocd-server -n argocd 8080:443`; the chart would otherwise put its example
            # host (global.domain: argocd.example.com) into every link and SSO callback.
            typed = deep_merge(typed, {"global": {"domain": PORT_FORWARD_DOMAIN}})
        self.install(typed=typed, defaults=self._defaults(), depends_on=depends_on)
        self.repositories = {
            key: self._repository(key, repo) for key, repo in sorted(args.repositories.items())
        }
        self.application_sets = {
            key: self._application_set(key, spec)
            for key, spec in sorted(args.application_sets.items())
        }
        self.finish(
            ha=ha,
            hostname=args.hostname,
            repositories=sorted(self.repositories),
            application_sets=sorted(self.application_sets),
        )

    @classmethod
    def plans(cls, args: ArgoCDArgs, platform: PlatformInfo, *, production: bool) -> PlatformInfo:
        return replace(platform, argocd_namespace=cls.planned_namespace(args))

    @staticmethod
    def _typed(ha: bool, service_monitor: bool) -> dict[str, Any]:
        metrics = {"enabled": True, "serviceMonitor": {"enabled": service_monitor}}
        pdb = {"enabled": ha, "minAvailable": 1}
        autoscaled = {"enabled": ha, "minReplicas": 2}
        # The HA layout the chart documents: redis-ha, autoscaled server and repo server, two
        # ApplicationSet controllers; the application controller stays at one replica (it
        # shards by cluster, and this Argo CD manages one).
        return {
            # redis-ha 4.38.0 renders a PodDisruptionBudget for its Redis StatefulSet and for
            # HAProxy only when these are set: one of three may be down during a drain.
            "redis-ha": {
                "enabled": ha,
                "podDisruptionBudget": {"maxUnavailable": 1},
                "haproxy": {"podDisruptionBudget": {"maxUnavailable": 1}},
            },
            "controller": {"replicas": 1, "metrics": metrics},
            "server": {"autoscaling": autoscaled, "pdb": pdb, "metrics": metrics},
            "repoServer": {"autoscaling": autoscaled, "pdb": pdb, "metrics": metrics},
            "applicationSet": {"replicas": 2 if ha else 1, "pdb": pdb, "metrics": metrics},
        }

    @staticmethod
    def _ingress(hostname: str, ingress_class: str | None, issuer: str | None) -> dict[str, Any]:
        ingress: dict[str, Any] = {"enabled": True, "hostname": hostname}
        if ingress_class is not None:
            ingress["ingressClassName"] = ingress_class
        if issuer is not None:
            # cert-manager's ingress-shim issues the certificate into the chart's TLS Secret.
            ingress["annotations"] = {"cert-manager.io/cluster-issuer": issuer}
            ingress["tls"] = True
        return {
            "global": {"domain": hostname},
            # TLS ends at the ingress controller; argocd-server itself then speaks plain HTTP
            # (otherwise it redirects to HTTPS forever behind the proxy).
            "configs": {"params": {"server.insecure": True}},
            "server": {"ingress": ingress},
        }

    @staticmethod
    def _defaults() -> dict[str, Any]:
        values: dict[str, Any] = {
            # No SSO connector is configured; Dex would be an idle pod. Turn it on with values.
            "dex": {"enabled": False},
        }
        for section in _SECTIONS:
            labels = component_labels(f"argocd-{section}")
            values[section] = {
                "podLabels": labels,
                "topologySpreadConstraints": spread(labels),
                "resources": resources("100m", "256Mi", "1Gi"),
            }
        small = resources("10m", "32Mi", "64Mi")
        values["notifications"] = {"resources": resources("50m", "64Mi", "256Mi")}
        values["redisSecretInit"] = {"resources": small}
        # Every container redis-ha 4.38.0 runs: Redis, Sentinel, the split-brain fixer, the
        # config init containers, HAProxy and the `helm test` pods.
        values["redis-ha"] = {
            "redis": {"resources": resources("100m", "256Mi", "512Mi")},
            "sentinel": {"resources": resources("50m", "64Mi", "128Mi")},
            "splitBrainDetection": {"resources": small},
            "init": {"resources": small},
            "configmapTest": {"resources": small},
            "haproxy": {"resources": resources("50m", "64Mi", "256Mi"),
                        "init": {"resources": small}, "tests": {"resources": small}},
        }
        return values

    def _repository(self, key: str, repo: GitRepository) -> k8s.core.v1.Secret:
        data: dict[str, pulumi.Input[str]] = {
            "type": "git", "name": key, "url": repo.url, "project": repo.project,
        }
        if repo.username is not None:
            data["username"] = repo.username
        if repo.password is not None:
            data["password"] = pulumi.Output.secret(repo.password)
        if repo.ssh_private_key is not None:
            data["sshPrivateKey"] = pulumi.Output.secret(repo.ssh_private_key)
        # Argo CD discovers repository Secrets by label whenever they appear: no need to wait
        # for the release.
        return k8s.core.v1.Secret(
            f"{self.addon_name}-repo-{key}",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=f"repo-{key}", namespace=self.namespace, labels=dict(REPOSITORY_LABEL)
            ),
            string_data=data,
            opts=self.k8s_options(),
        )

    def add_application_set(
        self,
        key: str,
        spec: ApplicationSetArgs,
        *,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> k8s.apiextensions.CustomResource:
        """One more ApplicationSet, created after the component (as pulumi-eks' `createNodeGroup`
        adds node groups): for Applications that need resources made after the platform, such as
        a Fleet's service namespaces, ServiceAccounts and Secrets (`depends_on`). `key` is its
        name; it also waits for the Argo CD release (CRD)."""
        problems = Problems()
        with problems.under(f"applicationSets.{key}") as at:
            check_hostname(at, "", key)  # an object name: a DNS-1123 subdomain
            at.check(key not in self.application_sets, "", key, "is already an ApplicationSet")
            spec.check(at)
        problems.raise_if_any(self.addon_name)
        resource = self._application_set(key, spec, depends_on=depends_on)
        self.application_sets[key] = resource
        return resource

    def add_application_set_spec(
        self, key: str, spec: Mapping[str, Any], *, depends_on: Sequence[pulumi.Resource] = ()
    ) -> k8s.apiextensions.CustomResource:
        """An ApplicationSet of a given `spec` (one `add_application_set` cannot express, such as
        the list generator and RollingSync strategy of components/delivery_waves.py), created
        after the component like `add_application_set`; `key` is its name."""
        problems = Problems()
        with problems.under(f"applicationSets.{key}") as at:
            check_hostname(at, "", key)  # an object name: a DNS-1123 subdomain
            at.check(key not in self.application_sets, "", key, "is already an ApplicationSet")
        problems.raise_if_any(self.addon_name)
        resource = k8s.apiextensions.CustomResource(
            f"{self.addon_name}-appset-{key}",
            api_version="argoproj.io/v1alpha1",
            kind="ApplicationSet",
            metadata={"name": key, "namespace": self.namespace},
            spec=dict(spec),
            opts=self.k8s_options(depends_on=[self.release, *depends_on]),
        )
        self.application_sets[key] = resource
        return resource

    def add_project(
        self, key: str, spec: AppProjectArgs, *, depends_on: Sequence[pulumi.Resource] = ()
    ) -> k8s.apiextensions.CustomResource:
        """An AppProject named `key` (for ApplicationSets whose `project` is `key`); it waits for
        the Argo CD release (CRD)."""
        problems = Problems()
        with problems.under(f"projects.{key}") as at:
            check_hostname(at, "", key)  # an object name: a DNS-1123 subdomain
            at.check(key != "default", "", key, "is Argo CD's permissive built-in project")
            spec.check(at)
        problems.raise_if_any(self.addon_name)
        return k8s.apiextensions.CustomResource(
            f"{self.addon_name}-project-{key}",
            api_version="argoproj.io/v1alpha1",
            kind="AppProject",
            metadata={"name": key, "namespace": self.namespace},
            spec=spec.to_spec(),
            opts=self.k8s_options(depends_on=[self.release, *depends_on]),
        )

    def _application_set(
        self, key: str, spec: ApplicationSetArgs, *, depends_on: Sequence[pulumi.Resource] = ()
    ) -> k8s.apiextensions.CustomResource:
        destination = spec.namespace or "{{.path.basename}}"
        template = {
            "metadata": {"name": f"{spec.name_prefix}{{{{.path.basename}}}}"},
            "spec": {
                "project": spec.project,
                "source": {"repoURL": spec.repo_url, "targetRevision": spec.revision,
                           "path": "{{.path.path}}"},
                "destination": {"server": IN_CLUSTER, "namespace": destination},
                "syncPolicy": {
                    "automated": {"prune": spec.prune, "selfHeal": spec.self_heal},
                    "syncOptions": list(spec.sync_options),
                    **({"retry": spec.retry.to_spec()} if spec.retry is not None else {}),
                },
            },
        }
        return k8s.apiextensions.CustomResource(
            f"{self.addon_name}-appset-{key}",
            api_version="argoproj.io/v1alpha1",
            kind="ApplicationSet",
            metadata={"name": key, "namespace": self.namespace},
            spec={
                "goTemplate": True,
                "goTemplateOptions": ["missingkey=error"],
                "generators": [{"git": {"repoURL": spec.repo_url, "revision": spec.revision,
                                        "directories": [{"path": spec.path}]}}],
                "template": template,
            },
            # The ApplicationSet CRD and its controller come with the release.
            opts=self.k8s_options(depends_on=[self.release, *depends_on]),
        )
