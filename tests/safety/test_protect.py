"""Production clusters and the data they hold cannot be deleted by accident; dev stacks can.

Two locks in prod: Pulumi's `protect` (`pulumi destroy`, a removed resource or a replacement
stops with an error until someone runs `pulumi state unprotect`) and the cloud's own deletion
protection (EKS/GKE `deletionProtection`, an Azure `CanNotDelete` lock, Key Vault purge
protection, a KMS deletion window), which also stops a console click or a CLI call.
Checked on the plan.json of every stack of the session's `preview --all`.
"""

from __future__ import annotations

from typing import Any

import pytest

from .project import DEV_STACKS, PROD_STACKS

# The cluster and what holds its data or everything else: keys that encrypt its Secrets and the
# network it lives in. Node pools are deliberately left out: they hold no data, and replacing
# one (a new machine type) must stay possible.
PROTECTED = {
    "aws": ("aws:eks/cluster:Cluster", "aws:kms/key:Key", "aws:ec2/vpc:Vpc"),
    "gcp": ("gcp:container/cluster:Cluster", "gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey",
            "gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork"),
    "azure": ("azure-native:containerservice:ManagedCluster", "azure-native:keyvault:Vault",
              "azure-native:keyvault:Key", "azure-native:network:VirtualNetwork", "azure-native:network:Subnet"),
}
CLUSTER = {"aws": "aws:eks/cluster:Cluster", "gcp": "gcp:container/cluster:Cluster",
           "azure": "azure-native:containerservice:ManagedCluster"}
LOCK = "azure-native:authorization:ManagementLockAtResourceLevel"
KMS_MAX_WINDOW_DAYS = 30


def _cloud(stack: str) -> str:
    return stack.split("-", 1)[0]


def _all(plan: dict[str, Any], type_token: str) -> list[dict[str, Any]]:
    found = [r for r in plan["resources"] if r["type"] == type_token]
    assert found, f"no {type_token} in the plan"
    return found


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_prod_protects_the_cluster_and_its_data(stack: str, preview_all: Any) -> None:
    plan = preview_all.plan(stack)
    unprotected = [r["urn"] for t in PROTECTED[_cloud(stack)] for r in _all(plan, t) if not r["protect"]]
    assert unprotected == []


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_prod_turns_on_the_clouds_own_deletion_protection(stack: str, preview_all: Any) -> None:
    plan = preview_all.plan(stack)
    cloud = _cloud(stack)
    (cluster,) = _all(plan, CLUSTER[cloud])
    if cloud in ("aws", "gcp"):
        assert cluster["inputs"]["deletionProtection"] is True
    if cloud == "aws":
        for key in _all(plan, "aws:kms/key:Key"):
            assert key["inputs"]["deletionWindowInDays"] == KMS_MAX_WINDOW_DAYS
    if cloud == "azure":
        (lock,) = _all(plan, LOCK)
        assert lock["inputs"]["level"] == "CanNotDelete"
        assert lock["inputs"]["resourceType"] == "managedClusters"
        assert lock["inputs"]["resourceName"] == cluster["inputs"]["resourceName"]
        assert cluster["urn"] in lock["dependencies"]
        for vault in _all(plan, "azure-native:keyvault:Vault"):
            properties = vault["inputs"]["properties"]
            assert properties["enablePurgeProtection"] is True and properties["enableSoftDelete"] is True
            assert properties["softDeleteRetentionInDays"] >= 7


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_dev_stacks_can_be_torn_down(stack: str, preview_all: Any) -> None:
    plan = preview_all.plan(stack)
    assert [r["urn"] for r in plan["resources"] if r["protect"]] == []
    cloud = _cloud(stack)
    (cluster,) = _all(plan, CLUSTER[cloud])
    if cloud in ("aws", "gcp"):
        assert cluster["inputs"]["deletionProtection"] is False
    assert not [r for r in plan["resources"] if r["type"] == LOCK]
    for vault in [r for r in plan["resources"] if r["type"] == "azure-native:keyvault:Vault"]:
        # Purge protection cannot be turned off again, and would keep the vault name for 90 days.
        assert not vault["inputs"]["properties"].get("enablePurgeProtection")


def test_the_local_stack_creates_nothing_to_protect(preview_all: Any) -> None:
    plan = preview_all.plan("local")
    assert not [r for r in plan["resources"] if r["protect"]]
    assert not [r for r in plan["resources"] if r["type"] in CLUSTER.values()]
