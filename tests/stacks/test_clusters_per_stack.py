"""Each stack builds a cluster of its cloud, with the security defaults on the inputs it sends.

Input names are the engine's (camelCase), as components/cluster/{aws/eks,aws/nodes,gcp/gke,gcp/nodes,azure/aks}.py
set them; the values checked are the ones in plan.json, i.e. what `pulumi up` would send.
"""

from __future__ import annotations

import pytest
from stack_plans import (
    CLUSTER_TYPES,
    DEV_STACKS,
    STACKS,
    cloud_of,
    cluster_of,
    cluster_settings,
    of_type,
    one,
    stacks_on,
)

AWS, GCP, AZURE, EXISTING = (stacks_on(cloud) for cloud in ("aws", "gcp", "azure", "existing"))
# Resource type prefixes each cloud's stacks may create, besides Kubernetes objects and random.
CLOUD_TYPE_PREFIXES = {
    "aws": ("aws:", "pulumi:providers:aws"),
    "gcp": ("gcp:", "pulumi:providers:gcp"),
    "azure": ("azure-native:", "pulumi:providers:azure-native"),
    "existing": (),
}
PORTABLE_PREFIXES = ("kubernetes:", "pulumi:providers:kubernetes", "random:")


def _cluster(plan, type_token):
    return one(plan, type_token, cluster_of(plan["stack"]))


def test_the_dev_stacks_cover_every_cloud():
    assert {cloud_of(s) for s in DEV_STACKS} == set(CLUSTER_TYPES)


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_builds_one_cluster_component_of_its_cloud(plans, stack):
    clusters = [r for r in plans[stack]["resources"] if r["type"].startswith("skyfleet:cluster:")]
    assert [(r["type"], r["name"]) for r in clusters] == [(CLUSTER_TYPES[cloud_of(stack)], cluster_of(stack))]


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_creates_resources_of_its_own_cloud_only(plans, stack):
    allowed = PORTABLE_PREFIXES + CLOUD_TYPE_PREFIXES[cloud_of(stack)]
    custom = {r["type"] for r in plans[stack]["resources"] if r["custom"]}
    assert sorted(t for t in custom if not t.startswith(allowed)) == []


# --- EKS -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", AWS)
def test_eks_endpoint_has_private_access_and_any_public_access_is_restricted(plans, stack):
    vpc = _cluster(plans[stack], "aws:eks/cluster:Cluster")["inputs"]["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True
    if vpc["endpointPublicAccess"]:
        assert vpc["publicAccessCidrs"] and "0.0.0.0/0" not in vpc["publicAccessCidrs"]


@pytest.mark.parametrize("stack", AWS)
def test_eks_secrets_are_encrypted_with_the_stacks_rotating_kms_key(plans, stack):
    plan = plans[stack]
    cluster = _cluster(plan, "aws:eks/cluster:Cluster")
    key = one(plan, "aws:kms/key:Key")
    encryption = cluster["inputs"]["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    assert encryption["provider"]["keyArn"].startswith("arn:aws:kms:")
    assert cluster["propertyDependencies"]["encryptionConfig"] == [key["urn"]]
    assert key["inputs"]["enableKeyRotation"] is True


@pytest.mark.parametrize("stack", AWS)
def test_eks_control_plane_logs_include_audit(plans, stack):
    logs = _cluster(plans[stack], "aws:eks/cluster:Cluster")["inputs"]["enabledClusterLogTypes"]
    assert "audit" in logs and "api" in logs


@pytest.mark.parametrize("stack", AWS)
def test_eks_authentication_mode_is_access_entries_only(plans, stack):
    access = _cluster(plans[stack], "aws:eks/cluster:Cluster")["inputs"]["accessConfig"]
    assert access["authenticationMode"] == "API"


@pytest.mark.parametrize("stack", AWS)
def test_eks_launch_templates_require_imdsv2_tokens(plans, stack):
    templates = of_type(plans[stack], "aws:ec2/launchTemplate:LaunchTemplate")
    assert templates
    for template in templates:
        metadata = template["inputs"]["metadataOptions"]
        assert (metadata["httpEndpoint"], metadata["httpTokens"]) == ("enabled", "required"), template["name"]


@pytest.mark.parametrize("stack", AWS)
def test_eks_every_node_group_uses_one_of_the_launch_templates(plans, stack):
    plan = plans[stack]
    templates = {r["urn"] for r in of_type(plan, "aws:ec2/launchTemplate:LaunchTemplate")}
    groups = of_type(plan, "aws:eks/nodeGroup:NodeGroup")
    assert groups
    for group in groups:
        assert len(group["propertyDependencies"]["launchTemplate"]) == 1
        assert set(group["propertyDependencies"]["launchTemplate"]) <= templates, group["name"]


# --- GKE -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", GCP)
def test_gke_nodes_are_private(plans, stack):
    private = _cluster(plans[stack], "gcp:container/cluster:Cluster")["inputs"]["privateClusterConfig"]
    assert private["enablePrivateNodes"] is True


@pytest.mark.parametrize("stack", GCP)
def test_gke_workload_identity_pool_is_the_projects(plans, stack):
    inputs = _cluster(plans[stack], "gcp:container/cluster:Cluster")["inputs"]
    assert inputs["workloadIdentityConfig"]["workloadPool"] == f"{inputs['project']}.svc.id.goog"


@pytest.mark.parametrize("stack", GCP)
def test_gke_secrets_are_encrypted_with_the_stacks_kms_key(plans, stack):
    plan = plans[stack]
    cluster = _cluster(plan, "gcp:container/cluster:Cluster")
    key = one(plan, "gcp:kms/cryptoKey:CryptoKey")
    assert cluster["inputs"]["databaseEncryption"]["state"] == "ENCRYPTED"
    assert "/cryptoKeys/" in cluster["inputs"]["databaseEncryption"]["keyName"]
    assert cluster["propertyDependencies"]["databaseEncryption"] == [key["urn"]]


@pytest.mark.parametrize("stack", GCP)
def test_gke_uses_dataplane_v2(plans, stack):
    inputs = _cluster(plans[stack], "gcp:container/cluster:Cluster")["inputs"]
    assert inputs["datapathProvider"] == "ADVANCED_DATAPATH"


@pytest.mark.parametrize("stack", GCP)
def test_gke_nodes_are_shielded_with_secure_boot(plans, stack):
    plan = plans[stack]
    assert _cluster(plan, "gcp:container/cluster:Cluster")["inputs"]["enableShieldedNodes"] is True
    pools = of_type(plan, "gcp:container/nodePool:NodePool")
    assert pools
    for pool in pools:
        shielded = pool["inputs"]["nodeConfig"]["shieldedInstanceConfig"]
        assert shielded == {"enableIntegrityMonitoring": True, "enableSecureBoot": True}, pool["name"]


@pytest.mark.parametrize("stack", GCP)
def test_gke_node_pools_hide_the_node_identity_from_pods(plans, stack):
    for pool in of_type(plans[stack], "gcp:container/nodePool:NodePool"):
        assert pool["inputs"]["nodeConfig"]["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}, pool["name"]


# --- AKS -----------------------------------------------------------------------------------------


def _aks(plans, stack):
    return _cluster(plans[stack], "azure-native:containerservice:ManagedCluster")


@pytest.mark.parametrize("stack", AZURE)
def test_aks_local_accounts_are_disabled(plans, stack):
    assert _aks(plans, stack)["inputs"]["disableLocalAccounts"] is True


@pytest.mark.parametrize("stack", AZURE)
def test_aks_uses_entra_id_with_azure_rbac(plans, stack):
    aad = _aks(plans, stack)["inputs"]["aadProfile"]
    assert (aad["managed"], aad["enableAzureRBAC"]) == (True, True)


@pytest.mark.parametrize("stack", AZURE)
def test_aks_workload_identity_is_on(plans, stack):
    assert _aks(plans, stack)["inputs"]["securityProfile"]["workloadIdentity"] == {"enabled": True}


@pytest.mark.parametrize("stack", AZURE)
def test_aks_oidc_issuer_is_on(plans, stack):
    assert _aks(plans, stack)["inputs"]["oidcIssuerProfile"] == {"enabled": True}


@pytest.mark.parametrize("stack", AZURE)
def test_aks_secrets_are_encrypted_with_the_stacks_key_vault_key(plans, stack):
    plan = plans[stack]
    cluster = _aks(plans, stack)
    key = one(plan, "azure-native:keyvault:Key")
    kms = cluster["inputs"]["securityProfile"]["azureKeyVaultKms"]
    assert kms["enabled"] is True
    assert ".vault.azure.net/keys/" in kms["keyId"]
    assert key["urn"] in cluster["propertyDependencies"]["securityProfile"]


# --- existing cluster (kind) ---------------------------------------------------------------------


@pytest.mark.parametrize("stack", EXISTING)
def test_an_existing_cluster_is_reached_through_the_configured_kubeconfig_context(plans, stack):
    existing = cluster_settings(stack)[cluster_of(stack)]["existing"]
    provider = one(plans[stack], "pulumi:providers:kubernetes")
    assert provider["inputs"]["kubeconfig"] == existing["kubeconfig"]
    assert provider["inputs"]["context"] == existing["context"]
