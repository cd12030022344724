"""What every cluster exposes, on every cloud: the small "core data" bundle downstream uses.

Add-ons and workloads take a `ClusterHandle`, never a cloud-specific cluster, so they run
unchanged on EKS, GKE, AKS and an existing cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pulumi
import pulumi_kubernetes as k8s

from .cloud import Cloud, CloudProfile


@dataclass(frozen=True)
class IdentityBinding:
    """What a ServiceAccount and its pods carry to get cloud credentials."""

    service_account_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    pod_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdentityRequest:
    """One ServiceAccount to bind to a cloud identity, as every cloud's binder takes it."""

    name: str  # the Pulumi name of the identity; its children derive theirs from it
    namespace: str
    service_account: str
    roles: Sequence[str]  # the cloud's own role or policy identifiers
    parent: pulumi.Resource


class IdentityBinder(Protocol):
    def bind(self, request: IdentityRequest) -> IdentityBinding:
        """Creates the cloud identity for `request.namespace/service_account` with its roles and
        returns what the ServiceAccount must carry."""
        ...


class NoCloudIdentity:
    """An existing cluster has no cloud identity to federate with: nothing is bound."""

    def bind(self, request: IdentityRequest) -> IdentityBinding:
        return IdentityBinding()


@dataclass(frozen=True)
class LogBucket:
    """Object storage a cloud created for a cluster's logs, and how Loki reaches it."""

    object_store: str
    """Loki's name for the store (`s3`, `gcs`, `azure`): its schemaConfig's `object_store`."""
    loki_storage: Mapping[str, pulumi.Input[Any]]
    """Loki's `loki.storage` values (type, bucket names, the store's settings): no credentials."""
    binding: IdentityBinding
    """What Loki's ServiceAccount and pods carry to reach the store by workload identity."""


@dataclass(frozen=True)
class LogBucketRequest:
    """Object storage for one Loki release, as every cloud's `LogStorage` takes it."""

    name: str  # the Pulumi name of the bucket; its children derive theirs from it
    retention_days: int
    namespace: str  # Loki's ServiceAccount, which the bucket's identity is bound to
    service_account: str
    parent: pulumi.Resource


class LogStorage(Protocol):
    def log_bucket(self, request: LogBucketRequest) -> LogBucket:
        """Creates an encrypted, private, versioned bucket whose lifecycle keeps objects
        `retention_days` (a day more, so Loki's compactor deletes first), and an identity for
        `namespace/service_account` that may use this bucket and nothing else."""
        ...


@dataclass(frozen=True)
class DnsRequest:
    """An identity for external-dns that may change the records of `zones` and no others."""

    name: str  # the Pulumi name of the identity; its children derive theirs from it
    zones: Sequence[str]  # in the cloud's form (`CloudProfile.dns`), already validated
    namespace: str
    service_account: str
    parent: pulumi.Resource


@dataclass(frozen=True)
class DnsAccess:
    """What external-dns needs to reach the zones: the binding, the flags the cloud's provider
    takes, and configuration files it reads (none is a secret: credentials come from workload
    identity)."""

    binding: IdentityBinding
    args: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    files: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    files_dir: str = ""  # where `files` are mounted (the provider's default path)


class DnsZones(Protocol):
    def dns_access(self, request: DnsRequest) -> DnsAccess:
        """Creates an identity for `namespace/service_account` that may change the records of
        each of `zones` and list zones (which every provider must, to find them), nothing else."""
        ...


@dataclass(frozen=True)
class WorkloadIdentity:
    """What a cluster hands its platform once pods can federate to cloud identities: the
    binder, and the log storage and DNS zones granted through it. Without workload identity
    (or on an existing cluster) nothing is bound and neither service is offered."""

    binder: IdentityBinder = field(default_factory=NoCloudIdentity)
    log_storage: LogStorage | None = None
    dns: DnsZones | None = None


@dataclass(frozen=True)
class NodeAutoscalerSupport:
    """What cluster-autoscaler needs where the cloud does not autoscale nodes itself (EKS)."""

    cluster_name: pulumi.Input[str]
    namespace: str
    service_account: str
    service_account_annotations: Mapping[str, pulumi.Input[str]]
    # The cloud's own cluster-autoscaler chart values (AWS: the region to call).
    chart_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class ClusterFacts(Protocol):
    """What is known of a cluster before it exists: enough to check the platform's config for it
    before any resource is registered. A `ClusterHandle` is one; so is a `PlannedCluster`."""

    @property
    def name(self) -> str: ...
    @property
    def cloud(self) -> Cloud: ...
    @property
    def profile(self) -> CloudProfile: ...
    @property
    def node_autoscaler_namespace(self) -> str | None: ...


@dataclass(frozen=True)
class PlannedCluster:
    """A cluster as its config describes it, before anything is created."""

    name: str
    cloud: Cloud
    profile: CloudProfile

    @property
    def node_autoscaler_namespace(self) -> str | None:
        return self.profile.node_autoscaler_namespace


@dataclass(frozen=True)
class ClusterHandle:
    name: str  # the cluster's key in config; children are named after it
    cloud: Cloud
    region: str
    kubernetes_version: str
    production: bool
    provider: k8s.Provider  # every Kubernetes resource on this cluster uses it
    kubeconfig: pulumi.Output[str]  # a Pulumi secret
    oidc_issuer_url: pulumi.Output[str]
    profile: CloudProfile
    identity: IdentityBinder
    # Resources Kubernetes children must wait for: node pools and the core managed add-ons.
    ready: Sequence[pulumi.Resource] = ()
    # What persistent volumes also need (a CSI driver, the default StorageClass): only the
    # add-ons that claim volumes wait for these, so a service never waits for storage it lacks.
    storage_ready: Sequence[pulumi.Resource] = ()
    node_autoscaler: NodeAutoscalerSupport | None = None
    # Object storage for logs with a workload identity (None: the cloud offers none, so Loki
    # keeps its logs on a volume).
    log_storage: LogStorage | None = None
    # Per-zone DNS rights for external-dns (None: the cloud has no DNS provider or no identity).
    dns: DnsZones | None = None

    @property
    def node_autoscaler_namespace(self) -> str | None:
        return self.node_autoscaler.namespace if self.node_autoscaler else None

    def k8s_options(
        self, parent: pulumi.Resource, *, depends_on: Sequence[pulumi.Resource] = (), **kwargs: object
    ) -> pulumi.ResourceOptions:
        """Options for a Kubernetes child: parented, on this cluster's provider."""
        return pulumi.ResourceOptions(
            parent=parent, provider=self.provider, depends_on=list(depends_on), **kwargs  # type: ignore[arg-type]
        )
