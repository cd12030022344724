"""What Azure Storage refuses at create time for the log container
(components/cluster/azure/log_storage.py).

Each rule names its source; tests/preview/rule_cases_azure.py gives each a failing input.
Not checkable offline (docs/safety.md): whether a storage account name is free (names are global
across Azure), storage account quotas per subscription and region.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..cloud_rules import Plan, Resource, refuses

ACCOUNT = "azure-native:storage:StorageAccount"
CONTAINER = "azure-native:storage:BlobContainer"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
POLICY = "azure-native:storage:ManagementPolicy"


# Storage account names: 3-24 lowercase letters and digits, globally unique.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage
@refuses("azure-storage-account-name", ACCOUNT, source="ARM naming rules: storage accounts")
def _account_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.get("accountName") or res.state.get("name") or "")
    if not re.fullmatch(r"[a-z0-9]{3,24}", name):
        yield f"storage account name {name!r} must be 3-24 lowercase letters and digits"


# Container names: 3-63 characters; lowercase letters, digits and '-'; starting with a letter or
# digit; every '-' preceded and followed by a letter or digit (so none consecutive or last).
# https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata#container-names
@refuses("azure-blob-container-name", CONTAINER, source="Blob service REST API: container names")
def _container_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.get("containerName") or res.state.get("name") or "")
    if name in ("$root", "$web", "$logs"):
        return
    if not (3 <= len(name) <= 63 and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)):
        yield (f"container name {name!r} must be 3-63 lowercase letters, digits and single '-' "
               "between them, starting with a letter or digit")


# DeleteRetentionPolicy days (blobs and containers): "The minimum specified value can be 1 and
# the maximum value can be 365." azure-rest-api-specs storage blob.json DeleteRetentionPolicy.
# https://learn.microsoft.com/rest/api/storagerp/blob-services/set-service-properties
@refuses("azure-blob-soft-delete-days", BLOB_SERVICE,
         source="Storage RP BlobServiceProperties: DeleteRetentionPolicy.days")
def _soft_delete(res: Resource, plan: Plan) -> Iterator[str]:
    for key in ("deleteRetentionPolicy", "containerDeleteRetentionPolicy"):
        policy = res.get(key) or {}
        days = policy.get("days")
        if policy.get("enabled") and (days is None or not 1 <= float(days) <= 365):
            yield f"{key}.days {days!r} must be 1-365 when enabled"


# A storage account's lifecycle policy is named "default"; it holds 1-100 rules of type
# "Lifecycle", each with at least one action, and day counts are whole numbers >= 0.
# https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview
# https://learn.microsoft.com/rest/api/storagerp/management-policies/create-or-update
@refuses("azure-storage-lifecycle-policy", POLICY, source="Storage docs: lifecycle management policies")
def _lifecycle(res: Resource, plan: Plan) -> Iterator[str]:
    if res.get("managementPolicyName", "default") != "default":
        yield f"managementPolicyName {res.get('managementPolicyName')!r} must be 'default'"
    rules = (res.get("policy") or {}).get("rules") or []
    if not 1 <= len(rules) <= 100:
        yield f"a lifecycle policy has 1-100 rules, not {len(rules)}"
    for rule in rules:
        name = rule.get("name")
        if rule.get("type") != "Lifecycle":
            yield f"rule {name}: type {rule.get('type')!r} must be 'Lifecycle'"
        actions = (rule.get("definition") or {}).get("actions") or {}
        if not any(actions.get(k) for k in ("baseBlob", "snapshot", "version")):
            yield f"rule {name}: needs at least one action"
        for target in actions.values():
            for action in (target or {}).values():
                for condition, days in (action if isinstance(action, dict) else {}).items():
                    if not (isinstance(days, (int, float)) and float(days).is_integer() and days >= 0):
                        yield f"rule {name}: {condition} {days!r} must be a whole number of days >= 0"
