"""Azure for the offline preview: ARM ids and names, identities, Key Vault, the AKS cluster and
its user credentials call, as Azure Resource Manager would return them (derived from the URN).
"""

from __future__ import annotations

import base64
from typing import Any

import yaml

from ..emulators import CA_DATA, Answer, CallFailed, Emulation, answers, computes, digest, guid

# The subscription and tenant every ARM id and identity of the preview names.
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "11111111-1111-1111-1111-111111111111"


def _arm_name(res: Emulation, key: str) -> str:
    """Azure-native auto-names a resource `<resource name><8 random chars>` unless given."""
    return str(res.inputs.get(key) or f"{res.name}{res.hash()}")


def _arm_id(res: Emulation, provider_type: str, key: str) -> tuple[str, str]:
    name = _arm_name(res, key)
    group = res.inputs.get("resourceGroupName", "preview-rg")
    return name, (
        f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/{provider_type}/{name}"
    )


def _arm_resource(provider_type: str, key: str) -> Any:
    def emulate(res: Emulation) -> dict[str, Any]:
        name, id_ = _arm_id(res, provider_type, key)
        return {"id": id_, "name": name}

    return emulate


for _token, (_type, _key) in {
    "azure-native:network:VirtualNetwork": ("Microsoft.Network/virtualNetworks",
                                            "virtualNetworkName"),
    "azure-native:operationalinsights:Workspace": ("Microsoft.OperationalInsights/workspaces",
                                                   "workspaceName"),
    "azure-native:storage:StorageAccount": ("Microsoft.Storage/storageAccounts", "accountName"),
}.items():
    computes(_token)(_arm_resource(_type, _key))


@computes("azure-native:resources:ResourceGroup")
def _resource_group(res: Emulation) -> dict[str, Any]:
    name = _arm_name(res, "resourceGroupName")
    return {"id": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{name}", "name": name}


@computes("azure-native:network:Subnet")
def _subnet(res: Emulation) -> dict[str, Any]:
    name = _arm_name(res, "subnetName")
    group, vnet = res.inputs.get("resourceGroupName"), res.inputs.get("virtualNetworkName")
    return {
        "id": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
        f"Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}",
        "name": name,
    }


@computes("azure-native:managedidentity:UserAssignedIdentity")
def _user_assigned_identity(res: Emulation) -> dict[str, Any]:
    name, id_ = _arm_id(res, "Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName")
    return {
        "id": id_,
        "name": name,
        "clientId": guid(res.urn, "client"),
        "principalId": guid(res.urn, "principal"),
        "tenantId": TENANT_ID,
    }


@computes("azure-native:managedidentity:FederatedIdentityCredential")
def _federated_credential(res: Emulation) -> dict[str, Any]:
    name = _arm_name(res, "federatedIdentityCredentialResourceName")
    identity = res.inputs.get("resourceName")
    group = res.inputs.get("resourceGroupName")
    return {
        "id": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
        f"Microsoft.ManagedIdentity/userAssignedIdentities/{identity}/"
        f"federatedIdentityCredentials/{name}",
        "name": name,
    }


@computes("azure-native:authorization:RoleAssignment")
def _role_assignment(res: Emulation) -> dict[str, Any]:
    name = str(res.inputs.get("roleAssignmentName") or guid(res.urn, "assignment"))
    scope = res.inputs.get("scope", "")
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
    }


@computes("azure-native:keyvault:Vault")
def _key_vault(res: Emulation) -> dict[str, Any]:
    name, id_ = _arm_id(res, "Microsoft.KeyVault/vaults", "vaultName")
    properties = dict(res.inputs.get("properties") or {})
    properties["vaultUri"] = f"https://{name}.vault.azure.net/"
    return {"id": id_, "name": name, "properties": properties}


@computes("azure-native:keyvault:Key")
def _key_vault_key(res: Emulation) -> dict[str, Any]:
    name = _arm_name(res, "keyName")
    vault = res.inputs.get("vaultName")
    group = res.inputs.get("resourceGroupName")
    uri = f"https://{vault}.vault.azure.net/keys/{name}"
    return {
        "id": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
        f"Microsoft.KeyVault/vaults/{vault}/keys/{name}",
        "name": name,
        "keyUri": uri,
        "keyUriWithVersion": f"{uri}/{digest(res.urn, 'version', size=32)}",
    }


def _arm_identity(res: Emulation) -> dict[str, Any]:
    """ARM takes user-assigned identities as a list of ids and returns a map id -> details."""
    identity = dict(res.inputs.get("identity") or {})
    assigned = identity.get("userAssignedIdentities") or []
    if isinstance(assigned, list):
        identity["userAssignedIdentities"] = {
            str(i): {"clientId": guid(str(i), "client"), "principalId": guid(str(i), "principal")}
            for i in assigned
        }
    if identity.get("type") == "SystemAssigned":
        identity.update(principalId=guid(res.urn, "principal"), tenantId=TENANT_ID)
    return identity


def _aks_fqdn(group: str, cluster: str, location: str = "") -> str:
    region = f".{location}" if location else ""
    return f"{cluster}-{digest(group, cluster, size=8)}.hcp{region}.azmk8s.io"


@computes("azure-native:containerservice:ManagedCluster")
def _managed_cluster(res: Emulation) -> dict[str, Any]:
    name, id_ = _arm_id(res, "Microsoft.ContainerService/managedClusters", "resourceName")
    group = str(res.inputs.get("resourceGroupName", ""))
    fqdn = _aks_fqdn(group, name)
    oidc = dict(res.inputs.get("oidcIssuerProfile") or {})
    if oidc.get("enabled"):
        oidc["issuerURL"] = (
            f"https://{res.region}.oic.prod-aks.azure.com/{TENANT_ID}/{guid(res.urn, 'oidc')}/"
        )
    private = bool((res.inputs.get("apiServerAccessProfile") or {}).get("enablePrivateCluster"))
    return {
        "id": id_,
        "name": name,
        "identity": _arm_identity(res),
        "fqdn": fqdn,
        **({"privateFQDN": fqdn.replace(".hcp.", ".privatelink.")} if private else {}),
        "oidcIssuerProfile": oidc,
        "identityProfile": {
            "kubeletidentity": {
                "clientId": guid(res.urn, "kubelet-client"),
                "objectId": guid(res.urn, "kubelet-object"),
            }
        },
        "nodeResourceGroup": f"MC_{group}_{name}_{res.region}",
        "provisioningState": "Succeeded",
    }


@computes("azure-native:containerservice:AgentPool")
def _agent_pool(res: Emulation) -> dict[str, Any]:
    cluster = res.inputs.get("resourceName")
    group = res.inputs.get("resourceGroupName")
    name = res.inputs.get("agentPoolName", res.name)
    return {
        "id": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
        f"Microsoft.ContainerService/managedClusters/{cluster}/agentPools/{name}",
        "name": name,
        "provisioningState": "Succeeded",
    }


def _live_pools(call: Answer) -> list[str] | None:
    """The pools AKS has for the cluster the call names, once the deployed plan is applied: the
    inline profiles it was created with and every AgentPool; None if the cluster does not exist."""
    group, cluster = call.args.get("resourceGroupName"), call.args.get("resourceName")
    clusters = [c for c in call.deployed.of_type("azure-native:containerservice:ManagedCluster")
                if c.get("resourceGroupName") == group and c.get("name") == cluster]
    if not clusters:
        return None
    names = {str(p.get("name")) for c in clusters for p in c.get("agentPoolProfiles") or []}
    names |= {str(p.get("agentPoolName")) for p in call.deployed.of_type("azure-native:containerservice:AgentPool")
              if p.get("resourceGroupName") == group and p.get("resourceName") == cluster}
    return sorted(names)


def _not_found(what: str, code: str = "ResourceNotFound") -> CallFailed:
    """How ARM answers a GET of something absent (the program tells it from other failures)."""
    return CallFailed(f"RESPONSE 404: 404 Not Found ERROR CODE: {code}: {what}")


@answers("azure-native:containerservice:getManagedCluster")
def _get_managed_cluster(call: Answer) -> dict[str, Any]:
    """GET managedClusters/{name}: its `agentPoolProfiles` list every pool, however created."""
    pools = _live_pools(call)
    group = call.args.get("resourceGroupName")
    if not [g for g in call.deployed.of_type("azure-native:resources:ResourceGroup")
            if g.get("resourceGroupName") == group]:
        raise _not_found(f"resourceGroups/{group}", code="ResourceGroupNotFound")
    if pools is None:
        raise _not_found(f"managedClusters/{call.args.get('resourceName')}")
    return {"name": call.args.get("resourceName"), "agentPoolProfiles": [{"name": p} for p in pools]}


@answers("azure-native:containerservice:getAgentPool")
def _get_agent_pool(call: Answer) -> dict[str, Any]:
    """The id comes back with `resourcegroups` lower-cased, as AKS returns it (ARM ids are
    case-insensitive; terraform-provider-azurerm parses agent pool ids insensitively for this):
    never a string to compare with the one a resource was created or imported with."""
    group, cluster, name = (call.args.get(k) for k in ("resourceGroupName", "resourceName", "agentPoolName"))
    if name not in (_live_pools(call) or []):
        raise _not_found(f"agentPools/{name}")
    return {"id": f"/subscriptions/{SUBSCRIPTION_ID}/resourcegroups/{group}/providers/"
                  f"Microsoft.ContainerService/managedClusters/{cluster}/agentPools/{name}", "name": name}


@computes("azure-native:monitor:DiagnosticSetting")
def _diagnostic_setting(res: Emulation) -> dict[str, Any]:
    name = _arm_name(res, "name")
    return {
        "id": f"{res.inputs.get('resourceUri', '')}/providers/"
        f"Microsoft.Insights/diagnosticSettings/{name}",
        "name": name,
    }


@answers("azure-native:containerservice:listManagedClusterUserCredentials")
def _aks_user_credentials(call: Answer) -> dict[str, Any]:
    group = str(call.args.get("resourceGroupName", ""))
    cluster = str(call.args.get("resourceName", ""))
    server = f"https://{_aks_fqdn(group, cluster)}:443"
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": cluster, "cluster": {"server": server, "certificate-authority-data": CA_DATA}}
        ],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": "clusterUser"}}],
        "current-context": cluster,
        "users": [
            {
                "name": "clusterUser",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "kubelogin",
                        "args": ["get-token", "--login", "devicecode"],
                    }
                },
            }
        ],
    }
    value = base64.b64encode(yaml.safe_dump(document).encode()).decode()
    return {"kubeconfigs": [{"name": "clusterUser", "value": value}]}


@answers("azure-native:authorization:getClientConfig")
def _client_config(call: Answer) -> dict[str, Any]:
    return {
        "clientId": guid("preview", "client"),
        "objectId": guid("preview", "object"),
        "subscriptionId": SUBSCRIPTION_ID,
        "tenantId": TENANT_ID,
    }


@computes("azure-native:storage:BlobContainer")
def _blob_container(res: Emulation) -> dict[str, Any]:
    name = _arm_name(res, "containerName")
    group, account = res.inputs.get("resourceGroupName"), res.inputs.get("accountName")
    return {
        "id": f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
        f"Microsoft.Storage/storageAccounts/{account}/blobServices/default/containers/{name}",
        "name": name,
    }
