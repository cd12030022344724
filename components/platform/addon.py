"""The shape every add-on shares: its own Namespace, ONE Helm release, the same outputs.

Modelled on pulumi-kubernetes-cert-manager: a typed subset of the chart's values plus a raw
`values` passthrough, chart name/repository/version as overridable constants. An add-on module
only says which values it sets; this base owns the constructor, the namespace, the release
options and the outputs. An add-on class declares its literal type token (`TYPE`), its args
class and its `LAYOUT` (chart key, namespace, release name, Pod Security level) as class
attributes, and implements `build`; what it hands to the add-ons after it goes through `provides`.

Values are layered, later layers winning:
  1. the add-on's opinionated defaults (resources, spread, ...): raw `values` may change them;
  2. the raw `values` passthrough from args or config;
  3. values derived from typed fields and from the cluster (replicas, annotations, storage
     class, identities): typed fields win, so a stray raw value cannot contradict them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.handle import ClusterFacts, ClusterHandle
from components.errors import Problems

from .chart_kinds import CHART_KINDS
from .charts import CHARTS, ChartRef
from .checks import check_namespace, check_release_name
from .info import PlatformInfo

PodSecurityLevel = Literal["restricted", "baseline", "privileged"]

# Namespaces every cluster already has: an add-on installed there neither creates nor relabels
# them (the cluster owns their Pod Security labels).
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease", "default"})

# Helm waits this long for each operation (hooks, rollouts, load balancers). Ten minutes covers a
# cloud load balancer and PVC provisioning; Helm's own default of five minutes does not always.
RELEASE_TIMEOUT_SECONDS = 600
# Each revision is a Secret in the add-on's namespace; ten keeps rollback room without clutter.
RELEASE_MAX_HISTORY = 10


# Helm chart versions are SemVer 2 (helm.sh/docs/topics/charts: "Every chart must have a version
# number ... in the SemVer 2 format"); Helm also takes a leading "v".
CHART_VERSION = re.compile(
    r"v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?"
)

@dataclass(frozen=True, kw_only=True)
class AddonArgs:
    """What every add-on accepts; each add-on's args add its typed fields."""

    enabled: bool = True
    """Whether the Platform installs the add-on. Default: True."""
    namespace: str | None = None
    """Namespace, created with Pod Security labels. Default: None, the add-on's own."""
    release_name: str | None = None
    """Helm release name. Default: None, the add-on's own (the chart's name)."""
    chart_version: str | None = None
    """Chart version instead of the one pinned in `charts.CHARTS`. Default: None, the pinned one."""
    chart_repository: str | None = None
    """Chart repository (https:// or oci://) instead of the pinned one. Default: None, pinned."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """Raw chart values, over the add-on's defaults and under its typed fields. Default: {}."""

    def check(self, problems: Problems) -> None:
        """Records every broken rule in the fields; add-on args extend it with their own."""
        if self.namespace is not None:
            check_namespace(problems, "namespace", self.namespace)
        if self.release_name is not None:
            check_release_name(problems, "releaseName", self.release_name)
        if self.chart_version is not None:
            problems.check(CHART_VERSION.fullmatch(self.chart_version) is not None, "chartVersion",
                           self.chart_version, "must be a chart version such as 41.3.0 (one exact SemVer "
                           "version: a range or 'latest' would change under a running cluster)")
        problems.check(isinstance(self.values, Mapping), "values", self.values, "must be a mapping")

    def check_cluster(self, handle: ClusterFacts, problems: Problems) -> None:
        """Records what these args cannot do on this cluster (default: nothing)."""


@dataclass(frozen=True)
class Layout:
    """Where an add-on's release goes: its chart, namespace, release name and Pod Security level."""

    chart_key: str  # the key in charts.CHARTS
    namespace: str
    release_name: str
    pod_security: PodSecurityLevel


# What an add-on built on its own (not by a Platform) sees of the platform: nothing installed.
NO_PLATFORM = PlatformInfo(ingress_class=None, ingress_namespace=None)


def validate(args: AddonArgs, handle: ClusterHandle, source: str) -> None:
    """Raises one ValidationError listing every problem in `args` (before anything is created)."""
    problems = Problems()
    args.check(problems)
    args.check_cluster(handle, problems)
    problems.raise_if_any(source)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A new mapping: nested mappings merge key by key, anything else in `override` replaces."""
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def helm_fullname(release_name: str, chart_name: str) -> str:
    """The `<chart>.fullname` most charts define: the release name if it already contains the
    chart's name, else `<release>-<chart>`, cut to 63 characters."""
    name = release_name if chart_name in release_name else f"{release_name}-{chart_name}"
    return name[:63].rstrip("-")


# The annotation saying why a namespace enforces less than the policy pack allows (the pack's
# `namespace-pod-security` accepts such a namespace: policies/pod_security.py).
POD_SECURITY_EXCEPTION = "skyfleet.io/pod-security-exception"


def pod_security_labels(enforce: PodSecurityLevel) -> dict[str, str]:
    """Pod Security Standards labels: enforce the add-on's level, audit and warn at restricted so
    anything short of restricted is still reported (the pattern the Kubernetes docs recommend):
    https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
    """
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
    }


class HelmAddon(pulumi.ComponentResource):
    """Base of every `skyfleet:platform:<Name>` add-on.

    The constructor is the same for every add-on: it validates the args (raising every problem
    before anything is registered), registers the component under its literal `TYPE` and its
    namespace, then calls the subclass's `build`, which calls `install(...)` once with its values
    and finally `finish(...)`. `platform` is what the add-ons installed before it provide.
    """

    TYPE: ClassVar[str]
    """The Pulumi type token, a literal: renaming the class must never change a URN."""
    ARGS: ClassVar[type[AddonArgs]]
    LAYOUT: ClassVar[Layout]
    """Where the release goes unless the args say otherwise (`namespace`, `releaseName`)."""

    release: k8s.helm.v3.Release

    def __init__(
        self,
        name: str,
        handle: ClusterHandle,
        args: AddonArgs | None = None,
        *,
        platform: PlatformInfo = NO_PLATFORM,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        args = self.prepare(args or self.default_args(), handle)
        validate(args, handle, name)
        layout = self.layout(args, handle)
        super().__init__(self.TYPE, name, None, opts)
        self.addon_name = name
        self.handle = handle
        self.args = args
        pinned = CHARTS[layout.chart_key]
        self.chart = ChartRef(
            chart=pinned.chart,
            repository=args.chart_repository or pinned.repository,
            version=args.chart_version or pinned.version,
        )
        # What the chart renders and which CRDs it installs, at the pinned version (a
        # chart_version override is judged by the pinned version's knowledge).
        self.kinds = CHART_KINDS[layout.chart_key]
        self.release_name = layout.release_name
        self.namespace_name = layout.namespace
        self.namespace = self._namespace(layout.pod_security)
        self.build(handle, args, platform)

    @classmethod
    def default_args(cls) -> AddonArgs:
        """The args of an add-on built without any (default: the args class's defaults)."""
        return cls.ARGS()

    @classmethod
    def wanted_on(cls, cluster: ClusterFacts) -> bool:
        """Whether a cluster needs this add-on at all when it is enabled (default: every one)."""
        return True

    def prepare(self, args: Any, handle: ClusterHandle) -> Any:
        """The args as this cluster needs them, before they are checked (default: unchanged)."""
        return args

    @classmethod
    def planned_namespace(cls, args: Any) -> str:
        """The namespace the add-on creates, from its args alone."""
        return args.namespace or cls.LAYOUT.namespace  # type: ignore[no-any-return]

    @classmethod
    def planned_namespaces(cls, args: Any) -> tuple[str, ...]:
        """Every namespace the add-on creates (default: its own one), so that no service is placed
        in one of them."""
        return (cls.planned_namespace(args),)

    def layout(self, args: Any, handle: ClusterHandle) -> Layout:
        """The add-on's own layout, with the namespace and release name the args set."""
        own = self.own_layout(args, handle)
        namespace, release_name = args.namespace or own.namespace, args.release_name or own.release_name
        return dataclasses.replace(own, namespace=namespace, release_name=release_name)

    def own_layout(self, args: Any, handle: ClusterHandle) -> Layout:
        """Where the release goes by default (default: the class's `LAYOUT`)."""
        return self.LAYOUT

    def build(self, handle: ClusterHandle, args: Any, platform: PlatformInfo) -> None:
        """Creates the add-on's release (`install`) and children, then calls `finish`."""
        raise NotImplementedError

    @classmethod
    def plans(cls, args: Any, platform: PlatformInfo, *, production: bool) -> PlatformInfo:
        """What the add-ons after this one, and workloads, will learn from it, known from its args
        alone: the names (ingress class, ClusterIssuer, namespaces) `provides` gives once built,
        so services can be checked before anything exists (default: nothing)."""
        return platform

    def provides(self, platform: PlatformInfo) -> PlatformInfo:
        """What the add-ons after this one, and workloads, learn from it: what `plans` said, plus
        the resources to wait for (default: what `plans` said)."""
        return self.plans(self.args, platform, production=self.handle.production)

    def _namespace(self, level: PodSecurityLevel) -> pulumi.Output[str]:
        if self.namespace_name in SYSTEM_NAMESPACES:
            return pulumi.Output.from_input(self.namespace_name)
        namespace = k8s.core.v1.Namespace(
            f"{self.addon_name}-ns",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=self.namespace_name, labels=pod_security_labels(level)
            ),
            opts=self.k8s_options(),
        )
        return namespace.metadata.name

    def k8s_options(self, *, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        """Options for a Kubernetes child: parented here, on the cluster's provider, after the
        cluster's node pools and core add-ons (`handle.ready`) and whatever else it names."""
        return self.handle.k8s_options(self, depends_on=[*self.handle.ready, *depends_on])

    def install(
        self,
        *,
        typed: Mapping[str, Any],
        defaults: Mapping[str, Any] | None = None,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> k8s.helm.v3.Release:
        """Creates the add-on's one Helm release: values = defaults < raw `values` < typed.

        `depends_on` is for what the chart itself needs (a CRD another release ships); the
        cluster's readiness is always added.
        """
        values = deep_merge(deep_merge(defaults or {}, self.args.values), typed)
        self.values = values
        repository = self.chart.repository
        oci = repository.startswith("oci://")
        self.release = k8s.helm.v3.Release(
            f"{self.addon_name}-release",
            k8s.helm.v3.ReleaseArgs(
                # Explicit, so `helm list` and a failure message name the release, not a suffix.
                name=self.release_name,
                namespace=self.namespace,
                chart=f"{repository.rstrip('/')}/{self.chart.chart}" if oci else self.chart.chart,
                repository_opts=None if oci else k8s.helm.v3.RepositoryOptsArgs(repo=repository),
                version=self.chart.version,
                values=values,
                # A failed install or upgrade rolls back (and deletes what it created) instead of
                # leaving half an add-on behind for the next `pulumi up` to trip over.
                atomic=True,
                cleanup_on_fail=True,
                # Wait for every Deployment, Service load balancer and hook Job to be ready, so a
                # resource that depends on this release (a CRD user) sees a working add-on.
                skip_await=False,
                wait_for_jobs=True,
                timeout=RELEASE_TIMEOUT_SECONDS,
                max_history=RELEASE_MAX_HISTORY,
                # The namespace is ours (with its Pod Security labels), not Helm's.
                create_namespace=False,
            ),
            # No custom_timeouts: Helm enforces `timeout` itself; a second, Pulumi-side clock
            # could only disagree with it and abandon a release Helm is still rolling back.
            opts=self.k8s_options(depends_on=depends_on),
        )
        return self.release

    def finish(self, **outputs: Any) -> None:
        """Registers the outputs every add-on has plus the add-on's own."""
        self.release_status: pulumi.Output[str] = self.release.status.apply(
            lambda s: (s.status if s is not None else None) or ""
        )
        self.register_outputs(
            {
                "namespace": self.namespace,
                "release_name": self.release.name,
                "release_status": self.release_status,
                "chart": self.chart.chart,
                "chart_version": self.chart.version,
                # For the preview's API check (skyfleet.analysis.api_kinds): what the release
                # creates for these values and which CRDs it installs.
                "creates": self.kinds.creates(self.values),
                "crds": list(self.kinds.crds),
                "provides": self.kinds.provides(),
                "installer": self.release.urn,
                **outputs,
            }
        )
