"""components/cluster/aks*.py: what AksCluster asks Azure for."""

from __future__ import annotations

import copy

import pytest

from components.cluster import NodePoolArgs
from skyfleet.analysis.replacements import replacements
from skyfleet.preview import emulators, wire
from skyfleet.preview.clouds.azure import SUBSCRIPTION_ID
from skyfleet.preview.emulators import CallFailed
from skyfleet.preview.runner import Plan

from .harness import bind_external_dns, cluster_args, dev_pools, inputs, one, preview, prod_args, state

CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
ADMIN_GROUP = "0b1f6a2e-6f35-4c1a-9d2f-0a9d6e2b7c11"
# The built-in role external-dns needs (role definition ids are the same in every tenant).
DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314"


def cluster(plan: Plan) -> dict:
    return inputs(one(plan, CLUSTER, "main"))


@pytest.fixture(scope="module")
def dev() -> Plan:
    return preview(cluster_args("azure", node_pools=dev_pools(), admins=(ADMIN_GROUP,)),
                   then=bind_external_dns([DNS_ZONE_CONTRIBUTOR]))


@pytest.fixture(scope="module")
def prod() -> Plan:
    return preview(prod_args("azure"))


def test_local_accounts_are_disabled_in_favour_of_entra_id_and_azure_rbac(dev: Plan) -> None:
    body = cluster(dev)
    assert body["disableLocalAccounts"] is True
    assert body["aadProfile"]["managed"] is True
    assert body["aadProfile"]["enableAzureRBAC"] is True
    assert body["aadProfile"]["adminGroupObjectIDs"] == [ADMIN_GROUP]


def test_the_api_server_is_private_by_default(dev: Plan) -> None:
    assert cluster(dev)["apiServerAccessProfile"] == {"enablePrivateCluster": True}


def test_a_public_api_server_admits_only_the_listed_cidrs(prod: Plan) -> None:
    assert cluster(prod)["apiServerAccessProfile"] == {"authorizedIPRanges": ["203.0.113.0/24"]}


def test_the_oidc_issuer_and_workload_identity_are_on(dev: Plan) -> None:
    body = cluster(dev)
    assert body["oidcIssuerProfile"] == {"enabled": True}
    assert body["securityProfile"]["workloadIdentity"] == {"enabled": True}


def test_etcd_is_encrypted_with_the_created_key_vault_key(dev: Plan) -> None:
    key = state(one(dev, "azure-native:keyvault:Key", "main-secrets"))
    kms = cluster(dev)["securityProfile"]["azureKeyVaultKms"]
    assert kms == {
        "enabled": True, "keyId": key["keyUriWithVersion"], "keyVaultNetworkAccess": "Public",
    }


def test_the_key_vault_is_rbac_authorized_with_soft_delete(dev: Plan, prod: Plan) -> None:
    vault = inputs(one(dev, "azure-native:keyvault:Vault", "main-kv"))["properties"]
    assert (vault["enableRbacAuthorization"], vault["enableSoftDelete"]) == (True, True)
    assert "enablePurgeProtection" not in vault
    prod_vault = inputs(one(prod, "azure-native:keyvault:Vault", "main-kv"))["properties"]
    assert prod_vault["enablePurgeProtection"] is True


def test_the_control_plane_identity_is_granted_the_key_and_subnet_before_the_cluster(
    dev: Plan,
) -> None:
    identity_resource = one(
        dev, "azure-native:managedidentity:UserAssignedIdentity", "main-control-plane"
    )
    identity = state(identity_resource)
    assert cluster(dev)["identity"] == {
        "type": "UserAssigned", "userAssignedIdentities": [identity_resource.id],
    }
    kms = one(dev, ROLE_ASSIGNMENT, "main-control-plane-kms")
    network = one(dev, ROLE_ASSIGNMENT, "main-control-plane-network")
    assert inputs(kms)["scope"] == one(dev, "azure-native:keyvault:Vault", "main-kv").id
    assert inputs(kms)["roleDefinitionId"] == (
        f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/"
        "12338af0-0e69-4776-bea7-57ae8d297424"
    )
    assert inputs(network)["scope"] == one(dev, "azure-native:network:Subnet", "main-nodes").id
    for grant in (kms, network):
        assert inputs(grant)["principalId"] == identity["principalId"]
        assert grant.urn in one(dev, CLUSTER, "main").dependencies


def test_networking_is_azure_cni_overlay_with_cilium(dev: Plan) -> None:
    profile = cluster(dev)["networkProfile"]
    assert profile["networkPlugin"] == "azure"
    assert profile["networkPluginMode"] == "overlay"
    assert (profile["networkPolicy"], profile["networkDataplane"]) == ("cilium", "cilium")
    assert (profile["podCidr"], profile["serviceCidr"], profile["dnsServiceIP"]) == (
        "10.64.0.0/14", "10.96.0.0/16", "10.96.0.10",
    )


def test_the_system_pool_is_a_cluster_profile_reserved_for_critical_addons(dev: Plan) -> None:
    [profile] = cluster(dev)["agentPoolProfiles"]
    assert (profile["name"], profile["mode"]) == ("system", "System")
    assert profile["nodeTaints"] == ["CriticalAddonsOnly=true:NoSchedule"]
    assert profile["availabilityZones"] == ["1", "2", "3"]
    assert (profile["enableAutoScaling"], profile["minCount"], profile["maxCount"]) == (True, 1, 3)


def test_the_inline_profile_only_creates_the_cluster(dev: Plan) -> None:
    """AKS refuses pools added through an existing cluster's profiles (pulumi-azure-native#579),
    and an ignored list is resent stale, refused once its pool is gone (#2719): once the cluster
    exists, no profile is sent."""
    again = preview(cluster_args("azure", node_pools=dev_pools()), deployed=dev)
    assert "agentPoolProfiles" not in inputs(one(again, CLUSTER, "main"))
    assert "agentPoolProfiles" not in one(again, CLUSTER, "main").options.get("ignoreChanges", [])


def test_a_new_cluster_creates_its_first_system_pool_inline_only(dev: Plan) -> None:
    """azure-native refuses to create a pool that exists, so no AgentPool races the cluster for it."""
    assert [p for p in dev.by_type(AGENT_POOL) if p.name == "main-system"] == []


def test_the_next_deploy_imports_only_the_inline_pool_by_its_resource_id(dev: Plan) -> None:
    again = preview(cluster_args("azure", node_pools=dev_pools()), deployed=dev)
    group = inputs(one(again, "azure-native:resources:ResourceGroup", "main-rg"))["resourceGroupName"]
    pool = one(again, AGENT_POOL, "main-system")
    # The spelling of azure-native's `pulumi import` example, not the emulated GET's lower case.
    assert pool.options["import"] == (
        f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
        "Microsoft.ContainerService/managedClusters/main/agentPools/system"
    )
    assert (inputs(pool)["agentPoolName"], inputs(pool)["mode"]) == ("system", "System")
    assert [p.name for p in again.by_type(AGENT_POOL) if p.options.get("import")] == ["main-system"]


def test_no_later_deploy_re_imports_a_pool_however_aks_cases_its_id(dev: Plan) -> None:
    """The engine replaces a resource whose import id is not the exact string it stored, and
    AKS returns ids with `resourcegroups` lower-cased (the emulator does too)."""
    second = preview(cluster_args("azure", node_pools=dev_pools()), deployed=dev)
    third = preview(cluster_args("azure", node_pools=dev_pools()), deployed=second)
    for before, after in ((dev, second), (second, third)):
        assert [r.urn for r in replacements(before.to_json(), after.to_json())
                if r.type == AGENT_POOL] == []


def test_an_import_id_spelled_differently_is_reported_as_a_replacement(dev: Plan) -> None:
    """The check above can fail: the id AKS's GET returns would replace a created pool."""
    head = copy.deepcopy(dev.to_json())
    [pool] = [r for r in head["resources"] if r["name"] == "main-general"]
    pool["options"] = {**pool.get("options", {}),
                       "import": pool["id"].replace("/resourceGroups/", "/resourcegroups/")}
    [found] = replacements(dev.to_json(), head)
    assert (found.urn, "re-imported and replaced" in found.reason) == (pool["urn"], True)


def test_a_failed_cluster_read_other_than_not_found_stops_the_program(
    dev: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SubscriptionNotFound is a 404 too: read as "no cluster", the adopted pool would be planned away."""
    def fail(call: object) -> dict:
        raise CallFailed("RESPONSE 404: 404 Not Found ERROR CODE: SubscriptionNotFound: "
                         f"The subscription '{SUBSCRIPTION_ID}' could not be found.")

    monkeypatch.setitem(emulators._ANSWERS, "azure-native:containerservice:getManagedCluster", fail)
    with pytest.raises(Exception, match="only ResourceNotFound or ResourceGroupNotFound") as raised:
        preview(cluster_args("azure", node_pools=dev_pools()), deployed=dev)
    assert "SubscriptionNotFound" in str(raised.value)


def test_a_missing_resource_group_means_a_first_create() -> None:
    """ResourceGroupNotFound: the group is created in the same deploy, so the cluster is new."""
    plan = preview(cluster_args("azure", node_pools=dev_pools()))
    assert [p["name"] for p in inputs(one(plan, CLUSTER, "main"))["agentPoolProfiles"]] == ["system"]


def test_a_set_resource_group_name_is_used_exactly() -> None:
    """Stacks deployed before the `<cluster>-rg-<hash>` default keep their group (create-only)."""
    plan = preview(cluster_args("azure", node_pools=dev_pools(), resource_group_name="skyfleet-dev-rg1a2b3c4d"))
    assert inputs(one(plan, "azure-native:resources:ResourceGroup", "main-rg"))["resourceGroupName"] == (
        "skyfleet-dev-rg1a2b3c4d"
    )
    assert inputs(one(plan, CLUSTER, "main"))["resourceGroupName"] == "skyfleet-dev-rg1a2b3c4d"
    assert {inputs(p)["resourceGroupName"] for p in plan.by_type(AGENT_POOL)} == {"skyfleet-dev-rg1a2b3c4d"}


def test_the_first_system_pool_can_be_replaced_by_adding_one_and_removing_it() -> None:
    first = preview(cluster_args("azure", node_pools=dev_pools()))
    deployed = preview(cluster_args("azure", node_pools=dev_pools()), deployed=first)
    pools = {"system2": NodePoolArgs(system=True, size="large"), "general": NodePoolArgs()}
    added = preview(cluster_args("azure", node_pools={**dev_pools(), **pools}), deployed=deployed)
    removed = preview(cluster_args("azure", node_pools=pools), deployed=added)
    assert [p.name for p in removed.by_type(AGENT_POOL)] == ["main-system2", "main-general"]
    assert inputs(one(removed, AGENT_POOL, "main-system2"))["mode"] == "System"
    assert "agentPoolProfiles" not in inputs(one(removed, CLUSTER, "main"))


def test_a_second_system_pool_is_an_agent_pool_so_it_can_be_added_to_a_running_cluster() -> None:
    pools = {"system": NodePoolArgs(system=True), "system2": NodePoolArgs(system=True, size="large"),
             "general": NodePoolArgs()}
    plan = preview(cluster_args("azure", node_pools=pools))
    [profile] = inputs(one(plan, CLUSTER, "main"))["agentPoolProfiles"]
    assert profile["name"] == "system"
    body = inputs(one(plan, AGENT_POOL, "main-system2"))
    assert (body["mode"], body["vmSize"]) == ("System", "Standard_D8s_v5")


def test_user_pools_are_agent_pools_whose_count_the_autoscaler_owns(dev: Plan) -> None:
    pool = one(dev, AGENT_POOL, "main-general")
    body = inputs(pool)
    assert (body["agentPoolName"], body["mode"], body["vmSize"]) == (
        "general", "User", "Standard_D4s_v5",
    )
    assert body["resourceName"] == "main"
    assert pool.options["ignoreChanges"] == ["count"]


def test_a_spot_pool_is_spot_priced_and_carries_the_aks_spot_taint(dev: Plan) -> None:
    body = inputs(one(dev, AGENT_POOL, "main-batch"))
    assert (body["scaleSetPriority"], body["scaleSetEvictionPolicy"]) == ("Spot", "Delete")
    assert body["nodeTaints"] == ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]


def test_upgrades_patch_the_pinned_minor_and_refresh_node_images(dev: Plan) -> None:
    body = cluster(dev)
    assert body["kubernetesVersion"] == "1.35"
    assert body["autoUpgradeProfile"] == {
        "upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage",
    }


def test_audit_logs_go_to_a_log_analytics_workspace(dev: Plan) -> None:
    setting = inputs(one(dev, "azure-native:monitor:DiagnosticSetting", "main-audit"))
    workspace = one(dev, "azure-native:operationalinsights:Workspace", "main-logs")
    assert setting["resourceUri"] == one(dev, CLUSTER, "main").id
    assert setting["workspaceId"] == workspace.id
    assert {"kube-audit-admin", "kube-apiserver", "guard"} <= {
        log["category"] for log in setting["logs"]
    }


def test_production_locks_the_cluster_and_protects_key_and_network(dev: Plan, prod: Plan) -> None:
    lock = inputs(one(prod, "azure-native:authorization:ManagementLockAtResourceLevel",
                      "main-delete-lock"))
    assert (lock["level"], lock["resourceType"]) == ("CanNotDelete", "managedClusters")
    assert not dev.by_type("azure-native:authorization:ManagementLockAtResourceLevel")
    assert sorted(r.name for r in prod.resources if r.protect) == [
        "main", "main-kv", "main-nodes", "main-secrets", "main-vnet",
    ]
    assert cluster(prod)["sku"] == {"name": "Base", "tier": "Standard"}


def test_the_kubeconfig_uses_kubelogin_against_the_clusters_server(dev: Plan) -> None:
    kubeconfig = wire.reveal(dev.outputs["kubeconfig"])
    assert "command: kubelogin" in kubeconfig
    assert "- azurecli" in kubeconfig and "6dae42f8-4368-4678-94ff-3960e28e3630" in kubeconfig
    assert f"server: https://{state(one(dev, CLUSTER, 'main'))['fqdn']}:443" in kubeconfig


def test_the_identity_binder_federates_a_managed_identity(dev: Plan) -> None:
    identity = state(one(dev, "azure-native:managedidentity:UserAssignedIdentity",
                         "main-external-dns"))
    credential = inputs(one(dev, "azure-native:managedidentity:FederatedIdentityCredential",
                            "main-external-dns-federation"))
    issuer = state(one(dev, CLUSTER, "main"))["oidcIssuerProfile"]["issuerURL"]
    assert credential["issuer"] == issuer
    assert credential["subject"] == "system:serviceaccount:external-dns:external-dns"
    assert credential["audiences"] == ["api://AzureADTokenExchange"]
    grants = [r for r in dev.by_type(ROLE_ASSIGNMENT) if r.name.startswith("main-external-dns")]
    [grant] = grants
    assert inputs(grant)["roleDefinitionId"].endswith(DNS_ZONE_CONTRIBUTOR)
    assert inputs(grant)["scope"] == one(dev, "azure-native:resources:ResourceGroup", "main-rg").id
    assert wire.reveal(dev.outputs["binding"]) == {
        "azure.workload.identity/client-id": identity["clientId"]
    }
    assert wire.reveal(dev.outputs["podLabels"]) == {"azure.workload.identity/use": "true"}


def test_every_azure_resource_uses_the_clusters_provider(dev: Plan) -> None:
    provider = one(dev, "pulumi:providers:azure-native", "main-azure")
    assert inputs(provider)["location"] == "westeurope"
    for r in dev.resources:
        if r.type.startswith("azure-native:"):
            assert r.provider == provider.urn, r.name


def test_the_kubernetes_provider_is_replaced_only_with_the_cluster(dev: Plan) -> None:
    provider = inputs(one(dev, "pulumi:providers:kubernetes", "main-k8s"))
    assert provider["clusterIdentifier"] == one(dev, CLUSTER, "main").id




def test_both_automatic_upgrades_wait_for_the_weekly_maintenance_window(dev: Plan) -> None:
    configs = {inputs(r)["configName"]: inputs(r) for r in
               dev.by_type("azure-native:containerservice:MaintenanceConfiguration")}
    assert set(configs) == {"aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"}
    for config in configs.values():
        assert config["maintenanceWindow"] == {
            "schedule": {"weekly": {"dayOfWeek": "Sunday", "intervalWeeks": 1}},
            "startTime": "00:00", "utcOffset": "+00:00", "durationHours": 12,
        }


def test_ci_can_log_in_with_workload_identity_instead_of_the_azure_cli() -> None:
    plan = preview(cluster_args("azure", kubeconfig_login="workloadidentity"))
    kubeconfig = wire.reveal(plan.outputs["kubeconfig"])
    assert "- workloadidentity" in kubeconfig and "- azurecli" not in kubeconfig
