"""Loki: every pod's logs, kept in the cloud's object storage, queried from Grafana.

Chunks and index go to a bucket the cluster's cloud creates for this release
(`ClusterHandle.log_storage`: S3 on EKS, Cloud Storage on GKE, Blob Storage on AKS), reached by
workload identity: no access key, service-account key or storage key is in any value or Secret.
A cluster without object storage (an existing kind cluster) keeps logs on a volume.

Layout: one single binary outside production; in production the chart's simple scalable layout
(read, write and backend targets, three of each, replication factor 3). Retention is enforced by
Loki's compactor; the bucket's lifecycle deletes a day later, as a backstop. The chart's gateway
(nginx) is the one address for pushes and queries in both layouts. Values were read from the
chart at the pinned version (grafana/loki @ helm-loki-7.3.0 : production/helm/loki/values.yaml)
and its rendering checked with Helm (docs/observability.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from components.cluster.handle import ClusterHandle, LogBucket, LogBucketRequest
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout, helm_fullname
from .checks import check_quantity, check_replicas
from .info import PlatformInfo
from .workload_shape import resources

NAMESPACE = "logging"
RELEASE = "loki"
# The schema every new Loki install should use (TSDB index, schema v13), from this date on.
# https://grafana.com/docs/loki/latest/operations/storage/schema/
SCHEMA = {"from": "2024-04-01", "store": "tsdb", "schema": "v13", "index": {"prefix": "loki_index_", "period": "24h"}}
# The restricted Pod Security profile wants a seccomp profile the chart does not set.
RUNTIME_DEFAULT = {"seccompProfile": {"type": "RuntimeDefault"}}


def gateway_url(namespace: str = NAMESPACE, release: str = RELEASE) -> str:
    """Where pushes and queries go, in either layout: the chart's gateway Service."""
    return f"http://{helm_fullname(release, 'loki')}-gateway.{namespace}.svc.cluster.local"


@dataclass(frozen=True, kw_only=True)
class LoggingArgs(AddonArgs):
    retention_days: int = 31
    """Days Loki keeps logs (the compactor deletes older ones; the bucket a day later). Default:
    31, a month of history to debug with."""
    replicas: int | None = None
    """Replicas of each of Loki's read, write and backend targets in production. Default: None,
    3 (what replication factor 3 needs); outside production one single binary."""
    storage: str = "10Gi"
    """Volume per Loki pod (the write-ahead log; all logs when the cloud has no object storage).
    Default: "10Gi"."""
    storage_class: str | None = None
    """StorageClass of Loki's volumes. Default: None, `profile.default_storage_class`."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        problems.check(
            isinstance(self.retention_days, int) and not isinstance(self.retention_days, bool)
            and 1 <= self.retention_days <= 3650,
            "retentionDays", self.retention_days, "must be a whole number of days from 1 to 3650",
        )
        check_replicas(problems, "replicas", self.replicas)
        check_quantity(problems, "storage", self.storage)


class Logging(HelmAddon):
    """`skyfleet:platform:Logging`: Loki with its bucket and the bucket's workload identity."""

    TYPE = "skyfleet:platform:Logging"
    ARGS = LoggingArgs
    # Loki runs non-root, read-only, without capabilities; the seccomp profile is set below.
    LAYOUT = Layout("loki", NAMESPACE, RELEASE, "restricted")

    def build(self, handle: ClusterHandle, args: LoggingArgs, platform: PlatformInfo) -> None:
        bucket = None
        if handle.log_storage is not None:
            bucket = handle.log_storage.log_bucket(
                LogBucketRequest(
                    self.addon_name,
                    retention_days=args.retention_days,
                    namespace=self.namespace_name,
                    # The chart names its ServiceAccount after the release.
                    service_account=helm_fullname(self.release_name, "loki"),
                    parent=self,
                )
            )
        storage_class = args.storage_class or handle.profile.default_storage_class
        typed = loki_values(
            bucket, production=handle.production, retention_days=args.retention_days,
            replicas=args.replicas, storage=args.storage, storage_class=storage_class,
        )
        # Its volumes need the cluster's storage (a CSI driver, the default class).
        self.install(typed=typed, defaults=_defaults(), depends_on=handle.storage_ready)
        self.url = gateway_url(self.namespace_name, self.release_name)
        self.finish(
            url=self.url,
            object_store=bucket.object_store if bucket else "filesystem",
            retention_days=args.retention_days,
        )

    def provides(self, platform: PlatformInfo) -> PlatformInfo:
        return replace(platform, logs_url=self.url)


def loki_values(
    bucket: LogBucket | None,
    *,
    production: bool,
    retention_days: int,
    replicas: int | None,
    storage: str,
    storage_class: str,
) -> dict[str, Any]:
    """The values Skyfleet decides: storage, schema, retention, layout, identity."""
    store = bucket.object_store if bucket else "filesystem"
    loki: dict[str, Any] = {
        # One tenant per cluster: Skyfleet's clusters are not shared between organisations.
        "auth_enabled": False,
        "storage": dict(bucket.loki_storage) if bucket else {"type": "filesystem"},
        "schemaConfig": {"configs": [{**SCHEMA, "object_store": store}]},
        "limits_config": {"retention_period": f"{retention_days * 24}h"},
        "compactor": {"retention_enabled": True, "delete_request_store": store},
        "podSecurityContext": RUNTIME_DEFAULT,
        "containerSecurityContext": {"allowPrivilegeEscalation": False},
    }
    identity: dict[str, Any] = {}
    if bucket is not None:
        identity = {"serviceAccount": {"annotations": dict(bucket.binding.service_account_annotations)}}
        if bucket.binding.pod_labels:
            loki["podLabels"] = dict(bucket.binding.pod_labels)
    # Without object storage the logs live on one volume: only the single binary can use it.
    scalable = production and bucket is not None
    volume = {"size": storage, "storageClass": storage_class}
    if scalable:
        count = replicas or 3
        # The write and backend targets claim volumes by default (`persistence.volumeClaimsEnabled`).
        layout: dict[str, Any] = {
            "deploymentMode": "SimpleScalable",
            "singleBinary": {"replicas": 0},
            "write": {"replicas": count, "persistence": volume},
            "read": {"replicas": count},
            "backend": {"replicas": count, "persistence": volume},
            "gateway": {"replicas": 2},
        }
    else:
        loki["commonConfig"] = {"replication_factor": 1}
        layout = {
            "deploymentMode": "SingleBinary",
            "singleBinary": {"replicas": 1, "persistence": {"enabled": True, **volume}},
            "write": {"replicas": 0},
            "read": {"replicas": 0},
            "backend": {"replicas": 0},
        }
    return {"loki": loki, **identity, **layout}


def _defaults() -> dict[str, Any]:
    return {
        # The ruler needs a bucket of its own; alerts come from Prometheus' rules instead.
        "ruler": {"enabled": False},
        # Memcached caches speed up repeated queries but ask for 8 GiB by default; off until a
        # cluster's query load needs them (`values: {chunksCache: {enabled: true}}`).
        "chunksCache": {"enabled": False},
        "resultsCache": {"enabled": False},
        # The canary DaemonSet and the Helm test pod are for Loki's own developers.
        "lokiCanary": {"enabled": False},
        "test": {"enabled": False},
        "singleBinary": {"resources": resources("100m", "256Mi", "1Gi")},
        "write": {"resources": resources("100m", "256Mi", "1Gi")},
        "read": {"resources": resources("100m", "256Mi", "1Gi")},
        "backend": {"resources": resources("100m", "256Mi", "1Gi")},
        "gateway": {
            "resources": resources("50m", "64Mi", "256Mi"),
            "podSecurityContext": RUNTIME_DEFAULT,
        },
        "sidecar": {"resources": resources("10m", "64Mi", "128Mi")},
    }
