"""What ARM, AKS, Key Vault and Entra ID refuse at create (or update) time, offline.

Each rule names its source; tests/preview/rule_cases_azure.py gives each a failing input.
Not checkable offline (docs/safety.md): quotas (vCPUs per VM family and region), VM sizes offered
in a zone, Azure Policy assignments, whether an Entra group in `admins` exists, role assignment
replication delays.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from components.cluster.azure.cloud import CLOUD

from ..cloud_rules import Plan, Resource, outside, refuses, refuses_change, refuses_outside

CLUSTER = "azure-native:containerservice:ManagedCluster"
POOL = "azure-native:containerservice:AgentPool"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
G = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Key Vault data-plane roles that may wrap and unwrap with a key (built-in role GUIDs).
KEY_USERS = ("12338af0-0e69-4776-bea7-57ae8d297424",  # Key Vault Crypto User
             "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",  # Key Vault Crypto Officer
             "00482a5a-887f-4fb3-b363-3b7fe8e74483")  # Key Vault Administrator
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


# roleDefinitionId must be a role definition's resource id; a name there is refused with
# InvalidRoleDefinitionId. https://learn.microsoft.com/rest/api/authorization/role-assignments/create
@refuses("azure-role-definition-id", ROLE_ASSIGNMENT,
         source="ARM RoleAssignments.Create: roleDefinitionId (InvalidRoleDefinitionId)")
def _role_definition(res: Resource, plan: Plan) -> Iterator[str]:
    role = str(res.get("roleDefinitionId", ""))
    if not re.fullmatch(rf"(/subscriptions/{G})?/providers/Microsoft\.Authorization/roleDefinitions/{G}", role):
        yield f"roleDefinitionId {role!r} is not a role definition id (InvalidRoleDefinitionId)"


# principalId is an Entra object id; scope an ARM resource id.
# https://learn.microsoft.com/rest/api/authorization/role-assignments/create
@refuses("azure-role-assignment-principal-scope", ROLE_ASSIGNMENT,
         source="ARM RoleAssignments.Create: principalId, scope")
def _principal_scope(res: Resource, plan: Plan) -> Iterator[str]:
    if not re.fullmatch(G, str(res.get("principalId", ""))):
        yield f"principalId {res.get('principalId')!r} is not an object id"
    # Below a group, a resource id is /providers/<namespace> then <type>/<name> pairs (a DNS
    # zone: .../providers/Microsoft.Network/dnszones/example.com); a type without its name, or
    # a path relative to the subscription, is no scope (InvalidScope / MissingSubscription).
    if not re.fullmatch(rf"/subscriptions/{G}(/resourceGroups/[-\w._()]+"
                        r"(/providers/[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+(/[^/]+/[^/]+)+)?)?",
                        str(res.get("scope", ""))):
        yield f"scope {res.get('scope')!r} is not an ARM resource id"


# One principal holds a role at a scope once: a second assignment of the same role, principal
# and scope fails with RoleAssignmentExists (409), e.g. a zone listed twice.
# https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-already-exists
@refuses("azure-role-assignment-exists", ROLE_ASSIGNMENT,
         source="Azure RBAC troubleshooting: RoleAssignmentExists")
def _assignment_exists(res: Resource, plan: Plan) -> Iterator[str]:
    def key(r: Resource) -> tuple[str, ...]:
        return tuple(str(r.get(k, "")).lower() for k in ("principalId", "roleDefinitionId", "scope"))

    same = [r.urn for r in plan.of_type(ROLE_ASSIGNMENT) if key(r) == key(res)]
    if same and same[0] != res.urn:
        yield f"the same role is already assigned to {res.get('principalId')} at {res.get('scope')}"


def _profiles(res: Resource) -> list[dict]:
    return list(res.get("agentPoolProfiles") or [])


# Linux node pools: 1-12 lowercase letters and digits, starting with a letter.
# https://learn.microsoft.com/azure/aks/create-node-pools#limitations
@refuses("azure-aks-pool-name", CLUSTER, POOL, source="AKS docs: node pool limitations")
def _pool_name(res: Resource, plan: Plan) -> Iterator[str]:
    names = [p.get("name") for p in _profiles(res)] if res.type == CLUSTER else [res.get("agentPoolName")]
    for name in names:
        if not re.fullmatch(r"[a-z][a-z0-9]{0,11}", str(name)):
            yield f"node pool name {name!r} must be 1-12 lowercase letters or digits"


# A cluster is created with, and must keep, at least one System pool.
# https://learn.microsoft.com/azure/aks/use-system-pools
@refuses("azure-aks-system-pool", CLUSTER, source="AKS docs: system node pools")
def _system_pool(res: Resource, plan: Plan) -> Iterator[str]:
    if res.get("agentPoolProfiles") is None and any(
            p.options.get("import") and p.get("mode") == "System" for p in plan.of_type(POOL)
            if p.get("resourceName") == res.state.get("name")):
        return  # an existing cluster (its System pool is read from AKS) sends no profiles
    if not any(p.get("mode") == "System" for p in _profiles(res)):
        yield "agentPoolProfiles has no pool in mode System: AKS needs one to create the cluster"


# dnsPrefix: 1-54 letters, digits and '-', starting and ending alphanumeric.
# https://learn.microsoft.com/rest/api/aks/managed-clusters/create-or-update (dnsPrefix)
@refuses("azure-aks-dns-prefix", CLUSTER, source="AKS API ManagedClusterProperties.dnsPrefix")
def _dns_prefix(res: Resource, plan: Plan) -> Iterator[str]:
    prefix = str(res.get("dnsPrefix", ""))
    if not re.fullmatch(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,52}[a-zA-Z0-9])?", prefix):
        yield f"dnsPrefix {prefix!r} must be 1-54 letters, digits and '-', alphanumeric at both ends"


# dnsServiceIP must be inside serviceCidr and not its first address (kube-apiserver's).
# https://learn.microsoft.com/azure/aks/azure-cni-overlay#ip-address-planning
@refuses("azure-aks-dns-service-ip", CLUSTER, source="AKS docs: network profile (dnsServiceIP)")
def _dns_service_ip(res: Resource, plan: Plan) -> Iterator[str]:
    cidr, ip = res.get("networkProfile.serviceCidr"), res.get("networkProfile.dnsServiceIP")
    if not cidr or not ip:
        return
    network = ipaddress.ip_network(str(cidr), strict=False)
    address = ipaddress.ip_address(str(ip))
    if address not in network or address in (network.network_address, network.network_address + 1):
        yield f"dnsServiceIP {ip} must be inside {cidr}, not its first or second address"


# Vault names: 3-24 letters, digits and '-', starting with a letter, ending alphanumeric, no "--".
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault
@refuses("azure-key-vault-name", "azure-native:keyvault:Vault", source="ARM naming rules: Key Vault")
def _vault_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.state.get("name") or res.get("vaultName", ""))
    if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]", name) or "--" in name:
        yield f"vault name {name!r} must be 3-24 letters, digits and single '-'"


# Resource group names: 1-90 of letters, digits, '-', '_', '.', '(', ')', not ending with '.'.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources
@refuses("azure-resource-group-name", "azure-native:resources:ResourceGroup",
         source="ARM naming rules: resource groups")
def _group_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.state.get("name") or res.get("resourceGroupName", ""))
    if not re.fullmatch(r"[-\w.()]{0,89}[-\w()]", name):
        yield f"resource group name {name!r} must be 1-90 characters, not ending with '.'"


def _identity_principals(cluster: Resource, plan: Plan) -> set[str]:
    ids = cluster.get("identity.userAssignedIdentities") or []
    return {str(i.state.get("principalId")) for i in
            plan.of_type("azure-native:managedidentity:UserAssignedIdentity") if i.id in ids}


def _granted_before(cluster: Resource, plan: Plan, roles: tuple[str, ...], scope: str) -> bool:
    principals = _identity_principals(cluster, plan)
    return any(
        str(a.get("roleDefinitionId", "")).rsplit("/", 1)[-1] in roles
        and a.get("principalId") in principals
        and str(a.get("scope", "")).lower() == scope.lower()
        and plan.waits_for(cluster.urn, a.urn)
        for a in plan.of_type(ROLE_ASSIGNMENT)
    )


# KMS etcd encryption with a user-assigned identity: the identity must already be able to use
# the key (Key Vault Crypto User on an RBAC vault) when the cluster is created.
# https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption
@refuses("azure-aks-kms-key-usable", CLUSTER, source="AKS docs: KMS etcd encryption")
def _kms_usable(res: Resource, plan: Plan) -> Iterator[str]:
    key = res.get("securityProfile.azureKeyVaultKms")
    if not key or not key.get("enabled"):
        return
    vault_name = re.match(r"https://([^.]+)\.vault\.azure\.net/", str(key.get("keyId", "")))
    vaults = [v for v in plan.of_type("azure-native:keyvault:Vault")
              if vault_name and v.state.get("name") == vault_name.group(1)]
    if not vault_name:
        yield f"keyId {key.get('keyId')!r} is not a Key Vault key URI with a version"
    elif vaults and not _granted_before(res, plan, KEY_USERS, vaults[0].id):
        yield "the control-plane identity may not use the KMS key before the cluster is created"


# With a custom VNet and a user-assigned control-plane identity, the identity needs Network
# Contributor on the node subnet before the cluster is created (LinkedAuthorizationFailed).
# https://learn.microsoft.com/azure/aks/configure-azure-cni#prerequisites
@refuses("azure-aks-subnet-role", CLUSTER, source="AKS docs: bring your own subnet")
def _subnet_role(res: Resource, plan: Plan) -> Iterator[str]:
    for subnet in {p.get("vnetSubnetID") for p in _profiles(res) if p.get("vnetSubnetID")}:
        if plan.by_id(subnet) is not None and not _granted_before(
                res, plan, (NETWORK_CONTRIBUTOR,), str(subnet)):
            yield f"the control-plane identity has no Network Contributor on {subnet} before the cluster"


def _vnet_of(subnet_id: str) -> str:
    return subnet_id.rsplit("/subnets/", 1)[0].lower()


# Every node pool of a cluster must be in the cluster's VNet; a subnet inside its VNet's range.
# https://learn.microsoft.com/azure/aks/create-node-pools#add-a-node-pool-with-a-unique-subnet
# https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet
@refuses("azure-subnet-in-vnet", POOL, "azure-native:network:Subnet",
         source="AKS docs: node pools in one VNet; VNet docs: subnet ranges")
def _subnet_in_vnet(res: Resource, plan: Plan) -> Iterator[str]:
    if res.type == POOL:
        clusters = [c for c in plan.of_type(CLUSTER)
                    if c.state.get("name") == res.get("resourceName")]
        for cluster in clusters:
            vnets = {_vnet_of(str(p.get("vnetSubnetID"))) for p in _profiles(cluster)
                     if p.get("vnetSubnetID")}
            subnet = res.get("vnetSubnetID")
            if subnet and vnets and _vnet_of(str(subnet)) not in vnets:
                yield f"subnet {subnet} is not in the cluster's VNet"
        return
    prefix = res.get("addressPrefix")
    for vnet in plan.of_type("azure-native:network:VirtualNetwork"):
        if vnet.state.get("name") != res.get("virtualNetworkName"):
            continue
        spaces = [ipaddress.ip_network(a) for a in vnet.get("addressSpace.addressPrefixes", [])]
        if prefix and not any(ipaddress.ip_network(prefix).subnet_of(s) for s in spaces):  # type: ignore[arg-type]
            yield f"subnet range {prefix} is outside the VNet's address space"


# azure-native GETs a resource before creating it and refuses one that exists ("cannot create
# already existing resource"): a pool the cluster created inline cannot be created again by an
# AgentPool of the same name; it can only be imported (the `import` option reads it instead).
# pulumi-azure-native provider/pkg/provider/provider.go (defaultCreate) and crud/crud.go (CanCreate)
@refuses("azure-native-already-exists", POOL,
         source="pulumi-azure-native provider Create: existence check")
def _already_exists(res: Resource, plan: Plan) -> Iterator[str]:
    if res.options.get("import"):
        return
    for cluster in plan.of_type(CLUSTER):
        if cluster.state.get("name") == res.get("resourceName") and res.get("agentPoolName") in {
                p.get("name") for p in _profiles(cluster)}:
            yield f"pool {res.get('agentPoolName')!r} already exists: the cluster created it inline"


# One audience, an https issuer, a subject. https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust
@refuses("azure-federated-credential", "azure-native:managedidentity:FederatedIdentityCredential",
         source="Entra docs: federated identity credentials")
def _federated(res: Resource, plan: Plan) -> Iterator[str]:
    if not str(res.get("issuer", "")).startswith("https://"):
        yield f"issuer {res.get('issuer')!r} must be an https URL"
    if len(res.get("audiences") or []) != 1:
        yield "audiences must hold exactly one value"
    if not res.get("subject"):
        yield "subject is required"


# PerGB2018 workspaces retain 30-730 days.
# https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure
refuses_outside("azure-log-analytics-retention", "azure-native:operationalinsights:Workspace", "retentionInDays",
                30, 730, source="Azure Monitor docs: Log Analytics data retention")


# Only these configuration names exist; the aksManaged* windows last 4-24 hours from HH:mm.
# https://learn.microsoft.com/azure/aks/planned-maintenance
@refuses("azure-aks-maintenance-configuration", "azure-native:containerservice:MaintenanceConfiguration",
         source="AKS docs: planned maintenance")
def _maintenance(res: Resource, plan: Plan) -> Iterator[str]:
    name = res.get("configName")
    if name not in ("default", "aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"):
        yield f"configName {name!r} is not a maintenance configuration AKS knows"
    window = res.get("maintenanceWindow") or {}
    if name != "default":
        yield from outside("durationHours", window.get("durationHours"), 4, 24)
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(window.get("startTime", "00:00"))):
        yield f"startTime {window.get('startTime')!r} must be HH:mm"


# Pools cannot be added to an existing cluster through agentPoolProfiles: "A new agent pool was
# introduced. Adding agent pools to an existing cluster is not allowed through managed cluster
# operations" (pulumi-azure-native#579). With ignoreChanges the old list is what is sent, which
# AKS refuses once a pool in it is gone (#2719). A pool left out of a list that is sent is not
# deleted (the maintainers' trial in #579): refused too, as the change would silently do nothing.
# No list at all sends nothing and changes no pool.
@refuses_change("azure-aks-pools-through-cluster", CLUSTER,
                source="pulumi-azure-native#579, #2719")
def _pools_through_cluster(old: Resource, new: Resource, before: Plan, after: Plan) -> Iterator[str]:
    ignored = "agentPoolProfiles" in new.options.get("ignoreChanges", [])
    was = {str(p.get("name")) for p in _profiles(old)}
    sent = was if ignored else {str(p.get("name")) for p in _profiles(new)}
    if not sent:
        return
    live = was | {str(p.get("agentPoolName")) for p in before.of_type(POOL)
                  if p.get("resourceName") == old.state.get("name")}
    if sent - live:
        yield f"agentPoolProfiles would introduce {sorted(sent - live)} on an existing cluster"
    if was - sent:
        yield f"leaving {sorted(was - sent)} out of agentPoolProfiles deletes no pool"


# A pool's VM size, OS disk, OS, zones and subnet are fixed when it is created ("You can't change
# the VM size of a node pool after you create it"); through the cluster's profiles too.
# https://learn.microsoft.com/azure/aks/manage-node-pools#limitations
IMMUTABLE_POOL_FIELDS = ("vmSize", "osDiskSizeGB", "osType", "osSKU", "availabilityZones",
                         "vnetSubnetID")


@refuses_change("azure-aks-pool-immutable", CLUSTER, source="AKS docs: node pool limitations")
def _pool_immutable(old: Resource, new: Resource, before: Plan, after: Plan) -> Iterator[str]:
    if "agentPoolProfiles" in new.options.get("ignoreChanges", []):
        return  # the profiles are never sent again: pools change through their AgentPools
    was = {str(p.get("name")): p for p in _profiles(old)}
    for profile in _profiles(new):
        previous = was.get(str(profile.get("name")))
        for key in IMMUTABLE_POOL_FIELDS:
            if previous is not None and previous.get(key) != profile.get(key):
                yield f"pool {profile.get('name')!r}: {key} cannot change; add a pool under a new key"


# "You can't delete the last system node pool" (and a System pool cannot change mode while it
# is the last one). https://learn.microsoft.com/azure/aks/use-system-pools#remove-a-system-node-pool
@refuses_change("azure-aks-last-system-pool", CLUSTER, source="AKS docs: system node pools")
def _last_system_pool(old: Resource, new: Resource, before: Plan, after: Plan) -> Iterator[str]:
    name = new.state.get("name")

    def system_pools(plan: Plan) -> set[str]:
        return {str(p.get("agentPoolName")) for p in plan.of_type(POOL)
                if p.get("resourceName") == name and p.get("mode") == "System"}

    was, now = system_pools(before), system_pools(after)
    if was and not now:
        yield f"the change removes the last System pool(s) {sorted(was)}"


def _system_pool_fields(plan: Plan, cluster: object) -> dict[str, dict[str, object]]:
    """The cluster's System pools by name: its AgentPools, and inline profiles no AgentPool
    manages yet (a plan of a cluster before its second deploy)."""
    pools = {str(p.get("agentPoolName")): {**p.inputs, "managed": True} for p in plan.of_type(POOL)
             if p.get("resourceName") == cluster}
    for c in plan.of_type(CLUSTER):
        if c.state.get("name") == cluster:
            for profile in _profiles(c):
                pools.setdefault(str(profile.get("name")), {**profile, "vmSize": profile.get("vmSize")})
    return {name: p for name, p in pools.items() if p.get("mode") == "System"}


# A System pool whose VM size (or another create-only input) changes is replaced, and an
# AgentPool is replaced delete-first (same name; pulumi-azure-native#3655 made a vmSize change a
# replacement): if it is the cluster's only System pool, AKS refuses the delete ("You can't
# delete the last system node pool"). Add a System pool under a new key, then remove the old one.
# Judged on the AgentPool, or on the inline profile of a plan whose pool is not adopted yet.
# https://learn.microsoft.com/azure/aks/use-system-pools#remove-a-system-node-pool
@refuses_change("azure-aks-replace-last-system-pool", POOL, CLUSTER,
                source="AKS docs: system node pools; pulumi-azure-native#3655")
def _replace_last_system_pool(old: Resource, new: Resource, before: Plan, after: Plan) -> Iterator[str]:
    cluster = new.get("resourceName") if new.type == POOL else new.state.get("name")
    was, now = _system_pool_fields(before, cluster), _system_pool_fields(after, cluster)
    names = [str(new.get("agentPoolName"))] if new.type == POOL else [
        n for n, p in now.items() if not p.get("managed")]
    fixed = [k for k in CLOUD.create_only.get(POOL, ()) if k not in ("agentPoolName", "resourceName")]
    for name in names:
        if name not in was or name not in now:
            continue
        changed = [k for k in fixed if was[name].get(k) != now[name].get(k)]
        if changed and not (set(was) & set(now)) - {name}:
            yield (f"pool {name!r}: a new {', '.join(changed)} replaces it delete-first, and it is "
                   "the only System pool; add a System pool under a new key, then remove this one")
