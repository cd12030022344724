"""What S3 refuses at create time for the log bucket (components/cluster/aws/log_storage.py).

Each rule names its source; tests/preview/rule_cases_aws.py gives each a failing input.
Not checkable offline (docs/safety.md): whether a bucket name is free (names are global across
every AWS account), account bucket quotas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..cloud_rules import Plan, Resource, is_ip_address, refuses

BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
# Reserved by S3 for its own naming schemes (access points, Object Lambda, directory buckets).
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


# General purpose bucket naming rules: 3-63 characters; lowercase letters, digits, dots and
# hyphens; begin and end with a letter or digit; no two adjacent dots; not an IP address; none
# of the reserved prefixes and suffixes.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
@refuses("aws-s3-bucket-name", BUCKET, source="S3 user guide: general purpose bucket naming rules")
def _bucket_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.state.get("bucket") or "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", name):
        yield (f"bucket name {name!r} must be 3-63 lowercase letters, digits, '.' or '-', "
               "beginning and ending with a letter or digit")
    if ".." in name:
        yield f"bucket name {name!r} must not contain two adjacent periods"
    if name.startswith(RESERVED_PREFIXES) or name.endswith(RESERVED_SUFFIXES):
        yield f"bucket name {name!r} uses a prefix or suffix S3 reserves"
    if is_ip_address(name, v4_only=True):
        yield f"bucket name {name!r} must not be formatted as an IP address"


# The provider refuses a `bucket_prefix` longer than 37 characters (it appends a 26-character
# unique id) and, as S3 does, capitals. terraform-provider-aws internal/service/s3/bucket.go
# (bucket_prefix: validation.StringLenBetween(0, 63-id.UniqueIDSuffixLength)).
@refuses("aws-s3-bucket-prefix", BUCKET, source="terraform-provider-aws aws_s3_bucket: bucket_prefix")
def _bucket_prefix(res: Resource, plan: Plan) -> Iterator[str]:
    prefix = res.get("bucketPrefix")
    if prefix is not None and (len(str(prefix)) > 37 or str(prefix) != str(prefix).lower()):
        yield f"bucketPrefix {prefix!r} must be lowercase and at most 37 characters"


def _positive(value: object) -> bool:
    """A whole number above 0 (the wire carries numbers as doubles)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and float(value).is_integer() and value > 0


# LifecycleRule: ID up to 255 characters; Status Enabled or Disabled; Expiration Days,
# NoncurrentVersionExpiration NoncurrentDays and AbortIncompleteMultipartUpload
# DaysAfterInitiation are positive integers ("'Days' for Expiration action must be a positive
# integer"); an Expiration has Days or Date, not both.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html
@refuses("aws-s3-lifecycle-rule", LIFECYCLE, source="S3 API LifecycleRule, LifecycleExpiration")
def _lifecycle(res: Resource, plan: Plan) -> Iterator[str]:
    rules = res.get("rules") or []
    if not 1 <= len(rules) <= 1000:
        yield f"a lifecycle configuration has 1-1000 rules, not {len(rules)}"
    for rule in rules:
        rid = str(rule.get("id", ""))
        if not 1 <= len(rid) <= 255:
            yield f"rule id {rid!r} must be 1-255 characters"
        if rule.get("status") not in ("Enabled", "Disabled"):
            yield f"rule {rid}: status {rule.get('status')!r} must be Enabled or Disabled"
        expiration = rule.get("expiration") or {}
        if "days" in expiration and "date" in expiration:
            yield f"rule {rid}: expiration takes days or date, not both"
        for where, key in (("expiration", "days"), ("noncurrentVersionExpiration", "noncurrentDays"),
                           ("abortIncompleteMultipartUpload", "daysAfterInitiation")):
            value = (rule.get(where) or {}).get(key)
            if value is not None and not _positive(value):
                yield f"rule {rid}: {where}.{key} {value!r} must be a positive whole number of days"


# The versioning status: Enabled or Suspended (S3 PutBucketVersioning; a versioned bucket never
# returns to unversioned), or Disabled, which the provider accepts on create only and never sends.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html
# terraform-provider-aws aws_s3_bucket_versioning (versioning_configuration.status)
@refuses("aws-s3-versioning-status", VERSIONING, source="S3 API VersioningConfiguration: Status")
def _versioning(res: Resource, plan: Plan) -> Iterator[str]:
    status = (res.get("versioningConfiguration") or {}).get("status")
    if status not in ("Enabled", "Suspended", "Disabled"):
        yield f"versioning status {status!r} must be Enabled, Suspended or (on create) Disabled"
