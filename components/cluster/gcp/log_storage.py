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

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..base import ClusterComponent
from ..handle import IdentityBinding, LogBucket, LogBucketRequest
from .cloud import SERVICE_ACCOUNT_ANNOTATION
from .iam import GkeIdentity

# Old versions and soft-deleted objects are kept this long for recovery.
RECOVERY_DAYS = 7
# Read, create, overwrite and delete objects (and list them); nothing on the bucket itself.
# https://cloud.google.com/storage/docs/access-control/iam-roles#storage.objectUser
LOKI_ROLE = "roles/storage.objectUser"


@dataclass
class GkeLogStorage:
    """The `LogStorage` of a GKE cluster."""

    component: ClusterComponent
    identity: GkeIdentity

    def log_bucket(self, request: LogBucketRequest) -> LogBucket:
        name, parent, project = request.name, request.parent, self.identity.project
        opts = pulumi.ResourceOptions(parent=parent, provider=self.component.cloud_provider)
        # Auto-named (a random suffix): bucket names are global across every project.
        bucket = gcp.storage.Bucket(
            f"{name}-logs",
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
