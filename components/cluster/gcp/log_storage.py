"""Log storage on GCP: a Cloud Storage bucket for Loki, reached by Workload Identity (no key).

The bucket has uniform bucket-level access (no object ACLs) and enforced public access
prevention, is encrypted at rest (Google-managed keys, always on), keeps object versions and
soft-deleted objects for recovery, and deletes objects a day after Loki's retention (Loki's
compactor deletes first; the lifecycle is the backstop). Loki's Google service account holds
`roles/storage.objectUser` on this bucket only, never a project-wide role. Labels come from
the provider's `default_labels`.
https://cloud.google.com/storage/docs/best-practices#security
https://grafana.com/docs/loki/latest/configure/storage/#gcp-deployment-gcs-single-store
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.names import name_fragment, short_hash

from ..base import ClusterComponent
from ..handle import IdentityBinding, LogBucket, LogBucketRequest
from .cloud import SERVICE_ACCOUNT_ANNOTATION
from .iam import GkeIdentity

# Old versions and soft-deleted objects are kept this long for recovery.
RECOVERY_DAYS = 7
# Read, create, overwrite and delete objects (and list them); nothing on the bucket itself.
# https://cloud.google.com/storage/docs/access-control/iam-roles#storage.objectUser
LOKI_ROLE = "roles/storage.objectUser"
# Bucket names: 3-63 characters without dots; "goog" may not start one, and none may contain
# "google" or a close misspelling of it. https://cloud.google.com/storage/docs/buckets#naming
BUCKET_NAME_MAX = 63
_GOOGLE = re.compile(r"g[o0]{2,}g[l1]e")


def gcs_bucket_name(cluster: str, project: str) -> str:
    """`logs-<cluster>-<hash of project and cluster>`: valid for any GKE cluster name (40
    characters today's Pulumi auto-name would push past 63) and globally unique, since project
    ids are; deterministic, so a second preview names the same bucket."""
    tail = short_hash(project, cluster, size=8)
    base = name_fragment(_GOOGLE.sub("", cluster), BUCKET_NAME_MAX - len("logs--") - len(tail))
    return f"logs-{base}-{tail}" if base else f"logs-{tail}"


@dataclass
class GkeLogStorage:
    """The `LogStorage` of a GKE cluster."""

    component: ClusterComponent
    identity: GkeIdentity

    def log_bucket(self, request: LogBucketRequest) -> LogBucket:
        name, parent, project = request.name, request.parent, self.identity.project
        opts = pulumi.ResourceOptions(parent=parent, provider=self.component.cloud_provider)
        bucket = gcp.storage.Bucket(
            f"{name}-logs",
            name=gcs_bucket_name(self.component.args.name, project),
            project=project,
            location=self.component.args.region,
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning={"enabled": True},
            soft_delete_policy={"retention_duration_seconds": RECOVERY_DAYS * 86400},
            lifecycle_rules=[
                {"action": {"type": "Delete"}, "condition": {"age": request.retention_days + 1}},
                {"action": {"type": "Delete"}, "condition": {"days_since_noncurrent_time": RECOVERY_DAYS}},
            ],
            force_destroy=False,
            opts=opts,
        )
        account = self.identity.account(
            f"{name}-logs", namespace=request.namespace, service_account=request.service_account, parent=parent
        )
        gcp.storage.BucketIAMMember(
            f"{name}-logs-access", bucket=bucket.name, role=LOKI_ROLE, member=account.member, opts=opts
        )
        return LogBucket(
            object_store="gcs",
            # Loki's GCS client finds Workload Identity through Application Default Credentials.
            loki_storage={"type": "gcs", "bucketNames": {"chunks": bucket.name}},
            binding=IdentityBinding(service_account_annotations={SERVICE_ACCOUNT_ANNOTATION: account.email}),
        )
