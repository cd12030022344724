"""Log storage on Azure: a Blob container for Loki, reached by Entra Workload ID (no key).

The storage account refuses shared-key access (so no account key can read it, and none is ever
handed to Loki), public blob access and TLS below 1.2; data is encrypted at rest (always on,
Microsoft-managed keys). Blob versioning and soft delete keep overwritten or deleted blobs for
recovery, and a lifecycle management policy deletes blobs a day after Loki's retention (Loki's
compactor deletes first; the policy is the backstop). Loki's identity holds Storage Blob Data
Contributor on this account only. Loki authenticates with the federated token
(`useFederatedToken`), the setup grafana/loki#7090 and #19074 ask for.
https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent
https://grafana.com/docs/loki/latest/configure/storage/#azure-deployment-azure-blob-storage-single-store
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native.storage as storage
import pulumi_random as random

from ..base import ClusterComponent
from ..handle import LogBucket, LogBucketRequest
from .cloud import azure_storage_account_name
from .identity import AksIdentity, AzureContext, assign_role

# Read, write and delete blobs: Azure's built-in role of that name.
# https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-blob-data-contributor
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
CONTAINER = "loki"
# Old versions and deleted blobs are kept this long for recovery.
RECOVERY_DAYS = 7


@dataclass
class AksLogStorage:
    """The `LogStorage` of an AKS cluster."""

    component: ClusterComponent
    context: AzureContext
    identity: AksIdentity

    def log_bucket(self, request: LogBucketRequest) -> LogBucket:
        name, retention_days, parent = request.name, request.retention_days, request.parent
        ctx, args = self.context, self.component.args
        opts = pulumi.ResourceOptions(parent=parent, provider=self.component.cloud_provider)
        suffix = random.RandomString(
            f"{name}-logs-suffix", length=6, special=False, upper=False, opts=pulumi.ResourceOptions(parent=parent)
        )
        account = storage.StorageAccount(
            f"{name}-logs",
            account_name=suffix.result.apply(lambda s: azure_storage_account_name(args.name, s)),
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            kind=storage.Kind.STORAGE_V2,
            # Zone-redundant in production: a zone outage loses no logs.
            sku={"name": storage.SkuName.STANDARD_ZRS if args.production else storage.SkuName.STANDARD_LRS},
            allow_blob_public_access=False,
            allow_shared_key_access=False,
            minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
            enable_https_traffic_only=True,
            tags=ctx.tags,
            opts=opts,
        )
        storage.BlobServiceProperties(
            f"{name}-logs-recovery",
            account_name=account.name,
            resource_group_name=ctx.resource_group_name,
            blob_services_name="default",
            is_versioning_enabled=True,
            delete_retention_policy={"enabled": True, "days": RECOVERY_DAYS},
            container_delete_retention_policy={"enabled": True, "days": RECOVERY_DAYS},
            opts=opts,
        )
        container = storage.BlobContainer(
            f"{name}-logs-container",
            account_name=account.name,
            resource_group_name=ctx.resource_group_name,
            container_name=CONTAINER,
            public_access=storage.PublicAccess.NONE,
            opts=opts,
        )
        storage.ManagementPolicy(
            f"{name}-logs-lifecycle",
            account_name=account.name,
            resource_group_name=ctx.resource_group_name,
            management_policy_name="default",  # the only name Azure accepts
            policy={
                "rules": [
                    {
                        "name": "loki-retention",
                        "type": "Lifecycle",
                        "enabled": True,
                        "definition": {
                            "filters": {"blob_types": ["blockBlob"]},
                            "actions": {
                                "base_blob": {"delete": {"days_after_modification_greater_than": retention_days + 1}},
                                "version": {"delete": {"days_after_creation_greater_than": RECOVERY_DAYS}},
                            },
                        },
                    }
                ]
            },
            opts=opts,
        )
        identity = self.identity.identity(
            f"{name}-logs", namespace=request.namespace, service_account=request.service_account, parent=parent
        )
        assign_role(
            self.component, f"{name}-logs-access", ctx, identity.principal_id, STORAGE_BLOB_DATA_CONTRIBUTOR,
            account.id, parent,
        )
        return LogBucket(
            object_store="azure",
            loki_storage={
                "type": "azure",
                "bucketNames": {"chunks": container.name},
                "azure": {"accountName": account.name, "useFederatedToken": True},
            },
            binding=self.identity.binding(identity),
        )
