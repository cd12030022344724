"""Log storage on AWS: an S3 bucket for Loki, reached by IRSA (no access key anywhere).

The bucket is private (all four public-access blocks, bucket-owner-enforced ownership, so ACLs
are off), encrypted at rest (SSE-S3 stated explicitly, with S3 Bucket Keys), refuses plain
HTTP through its bucket policy, keeps versions so an overwrite or delete can be undone, and
expires objects a day after Loki's retention (Loki's compactor deletes first; the lifecycle is
the backstop). Loki's role may list, read, write and delete in this bucket and nothing else.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.names import name_fragment

from ..base import ClusterComponent
from ..handle import IdentityBinding, LogBucket, LogBucketRequest
from .cloud import ROLE_ARN_ANNOTATION
from .iam import EksIdentity

# Old versions (overwritten or deleted objects) are kept this long for recovery.
NONCURRENT_VERSION_DAYS = 7
# The provider appends a 26-character unique id to `bucket_prefix` (terraform-plugin-sdk
# helper/id.PrefixedUniqueId), so a prefix may have 63 - 26 = 37 characters
# (terraform-provider-aws r/aws_s3_bucket: "bucket_prefix ... less than or equal to 37").
BUCKET_PREFIX_MAX = 37


def s3_bucket_prefix(cluster: str) -> str:
    """`logs-<cluster>-`: lowercase letters, digits and hyphens, starting with a letter, so no
    cluster name (EKS allows 100 characters, capitals and '_') yields a name S3 refuses; the
    provider adds the unique part (names are global across every AWS account).
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"""
    return f"logs-{name_fragment(cluster, BUCKET_PREFIX_MAX - len('logs--'))}-"


def bucket_policy_document(bucket_arn: str) -> str:
    """Deny any request that is not over TLS (S3 would otherwise accept plain HTTP)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def loki_access_document(bucket_arn: str) -> str:
    """What Loki does with its chunks and index: list, read, write, delete; in this bucket only.
    https://grafana.com/docs/loki/latest/configure/storage/#aws-deployment-s3-single-store"""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ListTheBucket", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [bucket_arn]},
                {
                    "Sid": "UseItsObjects",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": [f"{bucket_arn}/*"],
                },
            ],
        }
    )


@dataclass
class EksLogStorage:
    """The `LogStorage` of an EKS cluster."""

    component: ClusterComponent
    identity: EksIdentity

    def log_bucket(self, request: LogBucketRequest) -> LogBucket:
        name, retention_days, parent = request.name, request.retention_days, request.parent
        opts = pulumi.ResourceOptions(parent=parent, provider=self.component.cloud_provider)
        bucket = aws.s3.Bucket(
            f"{name}-logs", bucket_prefix=s3_bucket_prefix(self.component.args.name), force_destroy=False, opts=opts
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-logs-private",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=opts,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-logs-ownership",
            bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=opts,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-logs-encryption",
            bucket=bucket.id,
            rules=[
                {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}, "bucket_key_enabled": True}
            ],
            opts=opts,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-logs-versioning",
            bucket=bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=opts,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-logs-lifecycle",
            bucket=bucket.id,
            rules=[
                {
                    "id": "loki-retention",
                    "status": "Enabled",
                    "filter": {},
                    "expiration": {"days": retention_days + 1},
                    "noncurrent_version_expiration": {"noncurrent_days": NONCURRENT_VERSION_DAYS},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 1},
                }
            ],
            # S3 refuses a lifecycle with version rules before versioning is on.
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[versioning])),
        )
        aws.s3.BucketPolicy(f"{name}-logs-tls-only", bucket=bucket.id, policy=bucket.arn.apply(bucket_policy_document),
                            opts=opts)
        role = self.identity.role(
            f"{name}-logs",
            namespace=request.namespace,
            service_account=request.service_account,
            policies=[],
            parent=parent,
        )
        aws.iam.RolePolicy(f"{name}-logs-access", role=role.id, policy=bucket.arn.apply(loki_access_document),
                           opts=opts)
        return LogBucket(
            object_store="s3",
            loki_storage={
                "type": "s3",
                "bucketNames": {"chunks": bucket.bucket},
                # The SDK's default credential chain finds IRSA's web identity token.
                "s3": {"region": self.component.args.region},
            },
            binding=IdentityBinding(service_account_annotations={ROLE_ARN_ANNOTATION: role.arn}),
        )
