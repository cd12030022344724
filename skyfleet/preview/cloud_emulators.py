"""What EKS, GKE and AKS compute for the resources and calls the cluster components use.

Registered with `@computes` / `@answers` from emulators.py; importing this module registers
them. It imports no cloud SDK (it sees only wire-format dicts), so loading it costs nothing.
Every value derives from the resource's URN or inputs through `digest`: two previews of the
same program are byte-identical.
"""

from __future__ import annotations

import base64
from typing import Any

import yaml

from .emulators import (
    ACCOUNT_ID,
    FAKE_CA,
    GCP_PROJECT,
    SUBSCRIPTION_ID,
    TENANT_ID,
    Answer,
    Emulation,
    answers,
    computes,
    digest,
)

CA_DATA = FAKE_CA.decode()


def _guid(*parts: str) -> str:
    h = digest(*parts, size=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --- AWS ---------------------------------------------------------------------------------------


def _aws_name(res: Emulation, key: str = "name") -> str:
    return str(res.inputs.get(key) or f"{res.name}-{res.hash(7)}")


@computes("aws:eks/cluster:Cluster")
def _eks_cluster(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    oidc_id = digest(res.urn, "oidc", size=32).upper()
    return {
        "name": name,
        "arn": f"arn:aws:eks:{res.region}:{ACCOUNT_ID}:cluster/{name}",
        "endpoint": f"https://{digest(res.urn, size=32).upper()}.gr7.{res.region}.eks.amazonaws.com",
        "certificateAuthority": {"data": CA_DATA},
        "identities": [
            {"oidcs": [{"issuer": f"https://oidc.eks.{res.region}.amazonaws.com/id/{oidc_id}"}]}
        ],
        "clusterId": _guid(res.urn, "cluster-id"),
        "platformVersion": "eks.1",
        "status": "ACTIVE",
    }


@computes("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
def _iam_oidc_provider(res: Emulation) -> dict[str, Any]:
    url = str(res.inputs.get("url", "")).removeprefix("https://")
    return {"arn": f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{url}"}


@computes("aws:iam/role:Role")
def _iam_role(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    return {
        "name": name,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{name}",
        "uniqueId": f"AROA{digest(res.urn, size=17).upper()}",
    }


@computes("aws:iam/policy:Policy")
def _iam_policy(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    return {
        "name": name,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:policy/{name}",
        "policyId": f"ANPA{digest(res.urn, size=17).upper()}",
    }


def _aws_id(prefix: str) -> Any:
    def emulate(res: Emulation) -> dict[str, Any]:
        return {"id": f"{prefix}-{res.hash(17)}"}

    return emulate


for _token, _prefix in {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
}.items():
    computes(_token)(_aws_id(_prefix))


@computes("aws:ec2/launchTemplate:LaunchTemplate")
def _launch_template(res: Emulation) -> dict[str, Any]:
    return {"id": f"lt-{res.hash(17)}", "latestVersion": 1, "defaultVersion": 1}


@computes("aws:eks/nodeGroup:NodeGroup")
def _node_group(res: Emulation) -> dict[str, Any]:
    name = str(res.inputs.get("nodeGroupName") or f"{res.name}-{res.hash(7)}")
    cluster = res.inputs.get("clusterName", "")
    return {
        "id": f"{cluster}:{name}",
        "nodeGroupName": name,
        "arn": f"arn:aws:eks:{res.region}:{ACCOUNT_ID}:nodegroup/{cluster}/{name}/{res.hash()}",
        "status": "ACTIVE",
        "resources": [{"autoscalingGroups": [{"name": f"eks-{name}-{res.hash()}"}]}],
    }


@computes("aws:eks/addon:Addon")
def _eks_addon(res: Emulation) -> dict[str, Any]:
    return {"id": f"{res.inputs.get('clusterName')}:{res.inputs.get('addonName')}",
            "addonVersion": "v1.0.0-eksbuild.1"}


@computes("aws:kms/key:Key")
def _kms_key(res: Emulation) -> dict[str, Any]:
    key_id = _guid(res.urn, "kms")
    return {
        "id": key_id,
        "keyId": key_id,
        "arn": f"arn:aws:kms:{res.region}:{ACCOUNT_ID}:key/{key_id}",
    }


@computes("aws:cloudwatch/logGroup:LogGroup")
def _log_group(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    return {"id": name, "arn": f"arn:aws:logs:{res.region}:{ACCOUNT_ID}:log-group:{name}"}


@answers("aws:index/getCallerIdentity:getCallerIdentity")
def _caller_identity(call: Answer) -> dict[str, Any]:
    return {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/preview",
        "id": ACCOUNT_ID,
        "userId": "AIDAPREVIEW",
    }


@answers("aws:index/getPartition:getPartition")
def _partition(call: Answer) -> dict[str, Any]:
    return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}


# --- GCP ---------------------------------------------------------------------------------------


def _gcp_project(res: Emulation) -> str:
    return str(res.inputs.get("project") or res.provider_inputs.get("project") or GCP_PROJECT)


def _gcp_name(res: Emulation) -> str:
    return str(res.inputs.get("name") or f"{res.name}-{res.hash(7)}")


@computes("gcp:container/cluster:Cluster")
def _gke_cluster(res: Emulation) -> dict[str, Any]:
    project, name, location = _gcp_project(res), _gcp_name(res), res.region
    octet = int(digest(res.urn, size=2), 16)
    return {
        "id": f"projects/{project}/locations/{location}/clusters/{name}",
        "name": name,
        "endpoint": f"34.{octet % 256}.{(octet // 7) % 256}.10",
        "masterAuth": {"clusterCaCertificate": CA_DATA, "clientCertificateConfig": {
            "issueClientCertificate": False}},
        "selfLink": f"https://container.googleapis.com/v1/projects/{project}/locations/"
        f"{location}/clusters/{name}",
        "masterVersion": f"{res.inputs.get('minMasterVersion', '1.35')}.1-gke.100",
    }


@computes("gcp:container/nodePool:NodePool")
def _gke_node_pool(res: Emulation) -> dict[str, Any]:
    cluster = str(res.inputs.get("cluster", ""))
    return {"id": f"{cluster}/nodePools/{_gcp_name(res)}", "name": _gcp_name(res)}


@computes("gcp:serviceaccount/account:Account")
def _service_account(res: Emulation) -> dict[str, Any]:
    project = _gcp_project(res)
    account = str(res.inputs.get("accountId") or f"{res.name}-{res.hash(5)}")[:30]
    email = f"{account}@{project}.iam.gserviceaccount.com"
    return {
        "id": f"projects/{project}/serviceAccounts/{email}",
        "name": f"projects/{project}/serviceAccounts/{email}",
        "email": email,
        "member": f"serviceAccount:{email}",
        "uniqueId": str(int(digest(res.urn, size=15), 16)),
    }


@computes("gcp:kms/keyRing:KeyRing")
def _key_ring(res: Emulation) -> dict[str, Any]:
    project, name = _gcp_project(res), _gcp_name(res)
    return {"id": f"projects/{project}/locations/{res.region}/keyRings/{name}", "name": name}


@computes("gcp:kms/cryptoKey:CryptoKey")
def _crypto_key(res: Emulation) -> dict[str, Any]:
    name = _gcp_name(res)
    return {"id": f"{res.inputs.get('keyRing', '')}/cryptoKeys/{name}", "name": name}


def _gcp_self_linked(collection: str, regional: bool) -> Any:
    def emulate(res: Emulation) -> dict[str, Any]:
        project, name = _gcp_project(res), _gcp_name(res)
        scope = f"regions/{res.region}" if regional else "global"
        path = f"projects/{project}/{scope}/{collection}/{name}"
        return {
            "id": path,
            "name": name,
            "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
        }

    return emulate


computes("gcp:compute/network:Network")(_gcp_self_linked("networks", regional=False))
computes("gcp:compute/subnetwork:Subnetwork")(_gcp_self_linked("subnetworks", regional=True))
computes("gcp:compute/router:Router")(_gcp_self_linked("routers", regional=True))


@answers("gcp:organizations/getProject:getProject")
def _get_project(call: Answer) -> dict[str, Any]:
    project = str(call.args.get("projectId") or GCP_PROJECT)
    return {
        "projectId": project,
        "id": f"projects/{project}",
        "name": project,
        "number": str(int(digest(project, size=10), 16) % 10**12),
    }


# --- Azure -------------------------------------------------------------------------------------


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
        "clientId": _guid(res.urn, "client"),
        "principalId": _guid(res.urn, "principal"),
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
    name = str(res.inputs.get("roleAssignmentName") or _guid(res.urn, "assignment"))
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
            str(i): {"clientId": _guid(str(i), "client"), "principalId": _guid(str(i), "principal")}
            for i in assigned
        }
    if identity.get("type") == "SystemAssigned":
        identity.update(principalId=_guid(res.urn, "principal"), tenantId=TENANT_ID)
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
            f"https://{res.region}.oic.prod-aks.azure.com/{TENANT_ID}/{_guid(res.urn, 'oidc')}/"
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
                "clientId": _guid(res.urn, "kubelet-client"),
                "objectId": _guid(res.urn, "kubelet-object"),
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
        "clientId": _guid("preview", "client"),
        "objectId": _guid("preview", "object"),
        "subscriptionId": SUBSCRIPTION_ID,
        "tenantId": TENANT_ID,
    }
