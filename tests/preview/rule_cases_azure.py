"""Cases for skyfleet/preview/clouds/azure*_rules.py: each rule's failing input and its fix (test_cloud_rules.py)."""

from __future__ import annotations

from rule_cases import Case, res, urn

CLUSTER, POOL = "azure-native:containerservice:ManagedCluster", "azure-native:containerservice:AgentPool"
RA = "azure-native:authorization:RoleAssignment"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
SUB = "00000000-0000-0000-0000-000000000000"
PRINCIPAL = "11111111-2222-3333-4444-555555555555"
RG = f"/subscriptions/{SUB}/resourceGroups/rg"
DEFS = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
CRYPTO_USER = DEFS + "12338af0-0e69-4776-bea7-57ae8d297424"
NETWORK = DEFS + "4d97b98b-1d4f-4787-a291-c67834d212e7"
VNET_ID = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet"
SUBNET_ID = f"{VNET_ID}/subnets/nodes"
VAULT_ID = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-main-abc123"
ID_ID = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp"
ZONE_ID = f"{RG}/providers/Microsoft.Network/dnszones/example.com"
DNS_ZONE_CONTRIBUTOR = DEFS + "befefa01-2a29-4197-83a8-272ff33ce314"

THE_IDENTITY = res(IDENTITY, "cp", id=ID_ID, state={"principalId": PRINCIPAL})
VAULT = res("azure-native:keyvault:Vault", "kv", id=VAULT_ID, state={"name": "kv-main-abc123"})
SUBNET = res("azure-native:network:Subnet", "nodes", {"virtualNetworkName": "vnet", "addressPrefix": "10.0.0.0/20"},
             id=SUBNET_ID)
VNET = res("azure-native:network:VirtualNetwork", "vnet", {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
           id=VNET_ID, state={"name": "vnet"})


def grant(name: str, role: str, scope: str) -> dict:
    return res(RA, name, {"roleDefinitionId": role, "principalId": PRINCIPAL, "scope": scope})


def profile(name: str = "system", mode: str = "System", subnet: str = SUBNET_ID) -> dict:
    return {"name": name, "mode": mode, "vnetSubnetID": subnet}


def cluster(*, profiles: list | None = None, after: tuple[str, ...] = (), options: dict | None = None,
            **inputs: object) -> dict:
    base = {"dnsPrefix": "main", "identity": {"userAssignedIdentities": [ID_ID]},
            "agentPoolProfiles": [profile()] if profiles is None else profiles}
    return res(CLUSTER, "main", {**base, **inputs}, state={"name": "main"}, after=after, options=options)


NET = [THE_IDENTITY, SUBNET, grant("net", NETWORK, SUBNET_ID)]
NET_AFTER = (urn(RA, "net"),)
KMS = {"securityProfile": {"azureKeyVaultKms": {
    "enabled": True, "keyId": "https://kv-main-abc123.vault.azure.net/keys/k/v1"}}}
IGNORE_PROFILES = {"ignoreChanges": ["agentPoolProfiles"]}


def pool(name: str, mode: str = "User", subnet: str = SUBNET_ID) -> dict:
    return res(POOL, name, {"agentPoolName": name, "resourceName": "main", "mode": mode, "vnetSubnetID": subnet})


D2, D4, D8 = "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5"


def sized(name: str, vm_size: str, *, options: dict | None = None) -> dict:
    """A System AgentPool of `vm_size`."""
    return res(POOL, name, {"agentPoolName": name, "resourceName": "main", "mode": "System",
                            "vnetSubnetID": SUBNET_ID, "vmSize": vm_size}, options=options)


ACCOUNT, CONTAINER = "azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer"
BLOB_SERVICE, POLICY = "azure-native:storage:BlobServiceProperties", "azure-native:storage:ManagementPolicy"
LIFECYCLE_RULE = {"name": "loki-retention", "type": "Lifecycle", "enabled": True, "definition": {
    "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 32}}}}}

CASES = [
    Case("azure-role-definition-id", [grant("g", DEFS + "Storage Blob Data Reader", RG)],
         [grant("g", DEFS + "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", RG)]),
    Case("azure-role-assignment-principal-scope", [grant("g", CRYPTO_USER, "rg")], [grant("g", CRYPTO_USER, RG)]),
    # A DNS zone's type without its name (or a scope relative to the subscription) is no id.
    Case("azure-role-assignment-principal-scope",
         [grant("g", DNS_ZONE_CONTRIBUTOR, f"{RG}/providers/Microsoft.Network/dnszones")],
         [grant("g", DNS_ZONE_CONTRIBUTOR, ZONE_ID)]),
    Case("azure-role-assignment-principal-scope",
         [grant("g", DNS_ZONE_CONTRIBUTOR, "resourceGroups/rg/providers/Microsoft.Network/dnszones/example.com")],
         [grant("g", DNS_ZONE_CONTRIBUTOR, ZONE_ID)]),
    Case("azure-role-assignment-exists",
         [grant("a", DNS_ZONE_CONTRIBUTOR, ZONE_ID),
          grant("b", DNS_ZONE_CONTRIBUTOR, ZONE_ID.replace("dnszones", "dnsZones"))],
         [grant("a", DNS_ZONE_CONTRIBUTOR, ZONE_ID),
          grant("b", DNS_ZONE_CONTRIBUTOR, ZONE_ID.replace("example.com", "example.org"))]),
    Case("azure-aks-pool-name", [*NET, cluster(profiles=[profile("system-pool")], after=NET_AFTER)],
         [*NET, cluster(after=NET_AFTER)]),
    Case("azure-aks-system-pool", [*NET, cluster(profiles=[profile(mode="User")], after=NET_AFTER)],
         [*NET, cluster(after=NET_AFTER)]),
    Case("azure-aks-dns-prefix", [*NET, cluster(dnsPrefix="-main", after=NET_AFTER)],
         [*NET, cluster(after=NET_AFTER)]),
    Case("azure-aks-dns-service-ip",
         [*NET, cluster(networkProfile={"serviceCidr": "10.96.0.0/16", "dnsServiceIP": "10.97.0.10"},
                        after=NET_AFTER)],
         [*NET, cluster(networkProfile={"serviceCidr": "10.96.0.0/16", "dnsServiceIP": "10.96.0.10"},
                        after=NET_AFTER)]),
    Case("azure-key-vault-name", [res("azure-native:keyvault:Vault", "kv", state={"name": "kv--main"})],
         [res("azure-native:keyvault:Vault", "kv", state={"name": "kv-main"})]),
    Case("azure-resource-group-name", [res("azure-native:resources:ResourceGroup", "rg", state={"name": "rg."})],
         [res("azure-native:resources:ResourceGroup", "rg", state={"name": "rg"})]),
    Case("azure-aks-kms-key-usable", [*NET, VAULT, cluster(after=NET_AFTER, **KMS)],
         [*NET, VAULT, grant("kms", CRYPTO_USER, VAULT_ID),
          cluster(after=(*NET_AFTER, urn(RA, "kms")), **KMS)]),
    Case("azure-aks-subnet-role", [THE_IDENTITY, SUBNET, cluster()], [*NET, cluster(after=NET_AFTER)]),
    Case("azure-subnet-in-vnet",
         [*NET, cluster(after=NET_AFTER),
          pool("user", subnet=f"{RG}/providers/Microsoft.Network/virtualNetworks/other/subnets/x")],
         [*NET, cluster(after=NET_AFTER), pool("user")]),
    Case("azure-federated-credential",
         [res("azure-native:managedidentity:FederatedIdentityCredential", "f",
              {"issuer": "https://x", "subject": "s", "audiences": ["a", "b"]})],
         [res("azure-native:managedidentity:FederatedIdentityCredential", "f",
              {"issuer": "https://x", "subject": "s", "audiences": ["api://AzureADTokenExchange"]})]),
    Case("azure-log-analytics-retention",
         [res("azure-native:operationalinsights:Workspace", "w", {"retentionInDays": 7})],
         [res("azure-native:operationalinsights:Workspace", "w", {"retentionInDays": 30})]),
    Case("azure-aks-maintenance-configuration",
         [res("azure-native:containerservice:MaintenanceConfiguration", "m", {
             "configName": "aksManagedAutoUpgradeSchedule",
             "maintenanceWindow": {"durationHours": 2, "startTime": "00:00"}})],
         [res("azure-native:containerservice:MaintenanceConfiguration", "m", {
             "configName": "aksManagedAutoUpgradeSchedule",
             "maintenanceWindow": {"durationHours": 4, "startTime": "00:00"}})]),
    Case("azure-native-already-exists", [*NET, cluster(after=NET_AFTER), pool("system", "System")],
         [*NET, cluster(after=NET_AFTER), pool("system2", "System")]),
    Case("azure-aks-pools-through-cluster",
         base=[*NET, cluster(after=NET_AFTER)],
         bad=[*NET, cluster(profiles=[profile(), profile("system2")], after=NET_AFTER)],
         good=[*NET, cluster(profiles=[profile(), profile("system2")], after=NET_AFTER, options=IGNORE_PROFILES)]),
    Case("azure-aks-pool-immutable",
         base=[*NET, cluster(profiles=[{**profile(), "vmSize": "Standard_D2s_v5"}], after=NET_AFTER)],
         bad=[*NET, cluster(profiles=[{**profile(), "vmSize": "Standard_D4s_v5"}], after=NET_AFTER)],
         good=[*NET, cluster(profiles=[{**profile(), "vmSize": "Standard_D2s_v5", "maxCount": 5}],
                             after=NET_AFTER)]),
    Case("azure-aks-last-system-pool",
         base=[*NET, cluster(after=NET_AFTER), pool("system", "System"), pool("general")],
         bad=[*NET, cluster(after=NET_AFTER), pool("general")],
         good=[*NET, cluster(after=NET_AFTER), pool("system2", "System"), pool("general")]),
    Case("azure-aks-replace-last-system-pool",
         base=[*NET, cluster(after=NET_AFTER, options=IGNORE_PROFILES), sized("system", D2), sized("system2", D8)],
         bad=[*NET, cluster(after=NET_AFTER, options=IGNORE_PROFILES), sized("system", D4)],
         good=[*NET, cluster(after=NET_AFTER, options=IGNORE_PROFILES), sized("system", D4), sized("system2", D8)]),
    # Blob log container (azure_storage_rules.py)
    Case("azure-storage-account-name", [res(ACCOUNT, "a", {"accountName": "logs-skyfleet-dev"})],
         [res(ACCOUNT, "a", {"accountName": "logsskyfleetdev1a2b3c"})]),
    Case("azure-blob-container-name", [res(CONTAINER, "c", {"containerName": "loki--chunks"})],
         [res(CONTAINER, "c", {"containerName": "loki-chunks"})]),
    Case("azure-blob-soft-delete-days",
         [res(BLOB_SERVICE, "s", {"deleteRetentionPolicy": {"enabled": True, "days": 400}})],
         [res(BLOB_SERVICE, "s", {"deleteRetentionPolicy": {"enabled": True, "days": 7}})]),
    Case("azure-storage-lifecycle-policy",
         [res(POLICY, "p", {"managementPolicyName": "loki", "policy": {"rules": [LIFECYCLE_RULE]}})],
         [res(POLICY, "p", {"managementPolicyName": "default", "policy": {"rules": [LIFECYCLE_RULE]}})]),
]
