"""What Cloud Storage refuses at create time for the log bucket
(components/cluster/gcp/log_storage.py).

Each rule names its source; tests/preview/rule_cases_gcp.py gives each a failing input.
Not checkable offline (docs/safety.md): whether a bucket name is free (names are global), and
domain-named buckets (a name with dots must be a verified domain).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..cloud_rules import Plan, Resource, is_ip_address, refuses

BUCKET = "gcp:storage/bucket:Bucket"
# Lifecycle actions Cloud Storage knows (SetStorageClass also needs a storage class).
ACTIONS = ("Delete", "SetStorageClass", "AbortIncompleteMultipartUpload")


# Bucket names: 3-63 characters (up to 222 with dots, each dot-separated part at most 63);
# lowercase letters, digits, '-', '_' and '.'; starting and ending with a letter or digit; not
# an IP address; not starting with "goog"; not containing "google" or a close misspelling.
# https://cloud.google.com/storage/docs/buckets#naming
@refuses("gcp-storage-bucket-name", BUCKET, source="Cloud Storage docs: bucket naming requirements")
def _bucket_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.state.get("name") or "")
    limit = 222 if "." in name else 63
    if not (3 <= len(name) <= limit and re.fullmatch(r"[a-z0-9]([a-z0-9._-]*[a-z0-9])?", name)):
        yield (f"bucket name {name!r} must be 3-{limit} lowercase letters, digits, '-', '_' or '.', "
               "starting and ending with a letter or digit")
    if any(len(part) > 63 for part in name.split(".")):
        yield f"bucket name {name!r}: each dot-separated part has at most 63 characters"
    if name.startswith("goog") or re.search(r"g[o0]{2,}g[l1]e", name):
        yield f"bucket name {name!r} must not start with 'goog' or contain 'google' or a misspelling of it"
    if is_ip_address(name):
        yield f"bucket name {name!r} must not be an IP address"


# Soft delete: a retention duration of 0 (off) or 7-90 days, in seconds.
# https://cloud.google.com/storage/docs/soft-delete#retention-duration
@refuses("gcp-storage-soft-delete", BUCKET, source="Cloud Storage docs: soft delete retention duration")
def _soft_delete(res: Resource, plan: Plan) -> Iterator[str]:
    seconds = (res.get("softDeletePolicy") or {}).get("retentionDurationSeconds")
    if seconds is not None and float(seconds) != 0 and not 7 * 86400 <= float(seconds) <= 90 * 86400:
        yield f"softDeletePolicy.retentionDurationSeconds {seconds!r} must be 0 or 604800-7776000 (7-90 days)"


# Lifecycle rules: at most 100; an action of a known type (SetStorageClass with a class) and at
# least one condition; `age` and the day counts are whole numbers >= 0.
# https://cloud.google.com/storage/docs/lifecycle#configuration
@refuses("gcp-storage-lifecycle-rule", BUCKET, source="Cloud Storage docs: Object Lifecycle Management")
def _lifecycle(res: Resource, plan: Plan) -> Iterator[str]:
    rules = res.get("lifecycleRules") or []
    if len(rules) > 100:
        yield f"a bucket has at most 100 lifecycle rules, not {len(rules)}"
    for i, rule in enumerate(rules):
        action, condition = rule.get("action") or {}, rule.get("condition") or {}
        if action.get("type") not in ACTIONS:
            yield f"lifecycle rule {i}: action type {action.get('type')!r} must be one of {', '.join(ACTIONS)}"
        elif action.get("type") == "SetStorageClass" and not action.get("storageClass"):
            yield f"lifecycle rule {i}: SetStorageClass needs a storageClass"
        if not condition:
            yield f"lifecycle rule {i}: needs at least one condition"
        for key, value in condition.items():
            if (key == "age" or key.startswith("daysSince")) and not (
                isinstance(value, (int, float)) and float(value).is_integer() and value >= 0
            ):
                yield f"lifecycle rule {i}: condition {key} {value!r} must be a whole number >= 0"
