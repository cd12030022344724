"""Policies for AKS managed clusters and agent pools (azure-native v3 `containerservice`).

Agent pools appear twice: inline in ManagedCluster.agentPoolProfiles and as separate
AgentPool resources; pool policies check both through the same validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from ..define import (
    ADVISORY,
    MANDATORY,
    Companion,
    Config,
    PolicyList,
    UnsafeFlag,
    View,
    count_setting,
    each_whole,
    violation,
    whole,
)
from ..networks import ApiEndpoint
from ..props import Props, as_list, as_map, dig, present, strings

MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
# Resource-log categories of a managed cluster that carry the API server's audit trail
# (https://learn.microsoft.com/azure/aks/monitor-aks-reference#resource-logs).
AUDIT_CATEGORIES = ("kube-audit", "kube-audit-admin")
AUDIT_GROUPS = ("audit", "allLogs")


POLICIES = PolicyList()


def inline_pools(cluster: Props) -> Iterable[Props]:
    return [as_map(pool) for pool in as_list(cluster.get("agentPoolProfiles"))]


# Every agent pool: inline profiles of a ManagedCluster and standalone AgentPool resources.
AGENT_POOLS: dict[str, View] = {MANAGED_CLUSTER: inline_pools, AGENT_POOL: whole}


def _pool_name(pool: Props) -> str:
    return str(pool.get("name") or pool.get("agentPoolName") or "<unnamed>")


@POLICIES.resource("aks-local-accounts-disabled", MANDATORY, each_whole(MANAGED_CLUSTER))
def check_local_accounts(cluster: Props, config: Config) -> Iterator[str]:
    """AKS local (static admin) accounts are disabled."""
    if cluster.get("disableLocalAccounts") is not True:
        yield violation(
            "local accounts are enabled, so `az aks get-credentials --admin` returns a "
            "static cluster-admin credential",
            "set disableLocalAccounts: true (requires Entra ID integration)",
        )


@POLICIES.resource("aks-entra-rbac", ADVISORY, each_whole(MANAGED_CLUSTER))
def check_entra_rbac(cluster: Props, config: Config) -> Iterator[str]:
    """AKS authenticates with Entra ID and authorizes with Azure RBAC."""
    profile = as_map(cluster.get("aadProfile"))
    if profile.get("managed") is not True or profile.get("enableAzureRBAC") is not True:
        yield violation(
            "cluster access is not authorized through Entra ID and Azure RBAC",
            "set aadProfile: {managed: true, enableAzureRBAC: true}",
        )


POLICIES.rule("aks-api-server-restricted", MANDATORY, each_whole(MANAGED_CLUSTER), ApiEndpoint(
    "The AKS API server is private or limited to authorized IP ranges.", "apiServerAccessProfile",
    # AKS clusters are public unless created private.
    "authorizedIPRanges", ("enablePrivateCluster", True), "the API server is reachable from any address",
    "set apiServerAccessProfile.enablePrivateCluster: true or list admin and CI "
    "ranges in apiServerAccessProfile.authorizedIPRanges"))
# AKS turns Kubernetes RBAC on unless enableRBAC is false (and it cannot be turned on later).
POLICIES.rule("aks-kubernetes-rbac", MANDATORY, each_whole(MANAGED_CLUSTER), UnsafeFlag(
    "AKS keeps Kubernetes RBAC on.", "enableRBAC", False,
    "Kubernetes RBAC is off, so every authenticated caller is authorized for everything",
    "remove enableRBAC: false (the cluster must be recreated)",
))


NETWORK_POLICY_ENGINES = ("azure", "calico", "cilium")


@POLICIES.resource("aks-network-policy", ADVISORY, each_whole(MANAGED_CLUSTER))
def check_network_policy(cluster: Props, config: Config) -> Iterator[str]:
    """AKS enforces NetworkPolicies (Azure, Calico or Cilium)."""
    engine = dig(cluster, "networkProfile", "networkPolicy")
    if engine not in NETWORK_POLICY_ENGINES:
        yield violation(
            "NetworkPolicies are not enforced (networkProfile.networkPolicy is "
            f"{engine or 'unset'})",
            'set networkProfile.networkPolicy to "cilium" (with networkDataplane: cilium), '
            '"azure" or "calico"',
        )


@POLICIES.resource("aks-auto-upgrade", ADVISORY, each_whole(MANAGED_CLUSTER))
def check_auto_upgrade(cluster: Props, config: Config) -> Iterator[str]:
    """AKS upgrades the cluster and patches node images automatically."""
    profile = as_map(cluster.get("autoUpgradeProfile"))
    channel = profile.get("upgradeChannel")
    # nodeOSUpgradeChannel defaults to NodeImage; upgradeChannel defaults to none.
    node_os = profile.get("nodeOSUpgradeChannel", "NodeImage")
    problems = []
    if channel in (None, "none"):
        problems.append("the cluster has no auto-upgrade channel")
    if node_os in ("None", "Unmanaged"):
        problems.append(f"node OS images are not patched by AKS (nodeOSUpgradeChannel {node_os})")
    if problems:
        yield violation(
            "; ".join(problems),
            'set autoUpgradeProfile: {upgradeChannel: "patch" (or "stable"), '
            'nodeOSUpgradeChannel: "NodeImage"} and a maintenance window',
        )


@POLICIES.resource("aks-workload-identity", MANDATORY, each_whole(MANAGED_CLUSTER))
def check_workload_identity(cluster: Props, config: Config) -> Iterator[str]:
    """AKS runs the OIDC issuer and workload identity."""
    missing = [
        path
        for path, enabled in (
            ("oidcIssuerProfile.enabled", dig(cluster, "oidcIssuerProfile", "enabled")),
            (
                "securityProfile.workloadIdentity.enabled",
                dig(cluster, "securityProfile", "workloadIdentity", "enabled"),
            ),
        )
        if enabled is not True
    ]
    if missing:
        yield violation(
            "workload identity is off, so pods fall back to the node's managed identity",
            f"set {' and '.join(f'{path}: true' for path in missing)}",
        )


@POLICIES.resource(
    "aks-availability-zones", ADVISORY, AGENT_POOLS,
    settings=[
        count_setting("minZones", 2, "The fewest availability zones an agent pool may span.")
    ],
)
def check_availability_zones(pool: Props, config: Config) -> Iterator[str]:
    """AKS agent pools spread across availability zones."""
    zones = strings(pool.get("availabilityZones"))
    minimum = config["minZones"]
    if len(zones) < minimum:
        yield violation(
            f'agent pool "{_pool_name(pool)}" spans {len(zones)} availability zone(s), '
            f"fewer than {minimum:g}",
            f'set availabilityZones to at least {minimum:g} zones, e.g. ["1", "2", "3"]',
        )


@POLICIES.resource("aks-autoscaling", ADVISORY, AGENT_POOLS)
def check_autoscaling(pool: Props, config: Config) -> Iterator[str]:
    """AKS agent pools run the cluster autoscaler."""
    if pool.get("enableAutoScaling") is not True:
        yield violation(
            f'agent pool "{_pool_name(pool)}" has a fixed node count',
            "set enableAutoScaling: true with minCount and maxCount",
        )


@POLICIES.resource("aks-no-node-public-ip", MANDATORY, AGENT_POOLS)
def check_no_node_public_ip(pool: Props, config: Config) -> Iterator[str]:
    """AKS nodes have no public IP addresses."""
    if pool.get("enableNodePublicIP") is True:
        yield violation(
            f'agent pool "{_pool_name(pool)}" gives every node a public IP address',
            "remove enableNodePublicIP (egress through the cluster's load balancer or NAT)",
        )


@POLICIES.resource("aks-kms-encryption", MANDATORY, each_whole(MANAGED_CLUSTER))
def check_kms(cluster: Props, config: Config) -> Iterator[str]:
    """AKS encrypts Kubernetes Secrets with a Key Vault key (KMS)."""
    kms = as_map(dig(cluster, "securityProfile", "azureKeyVaultKms"))
    if kms.get("enabled") is not True or not present(kms, "keyId"):
        yield violation(
            "Kubernetes Secrets are not encrypted with a Key Vault key",
            "set securityProfile.azureKeyVaultKms: {enabled: true, keyId: <key URL>}",
        )


def _targets(setting: PolicyResource, cluster: PolicyResource) -> bool:
    if cluster in setting.property_dependencies.get("resourceUri", []):
        return True
    try:
        uri, name = setting.props.get("resourceUri"), cluster.props.get("resourceName")
    except UnknownValueError:
        return False
    return isinstance(uri, str) and isinstance(name, str) and uri.lower().endswith(
        f"/managedclusters/{name.lower()}"
    )


def _collects_audit(setting: PolicyResource) -> bool:
    logs = [as_map(log) for log in as_list(setting.props.get("logs"))]
    return any(
        log.get("enabled") is True
        and (log.get("category") in AUDIT_CATEGORIES or log.get("categoryGroup") in AUDIT_GROUPS)
        for log in logs
    )


def _audits(setting: PolicyResource, cluster: PolicyResource) -> bool:
    return _targets(setting, cluster) and _collects_audit(setting)


POLICIES.stack_rule("aks-audit-logging", ADVISORY, Companion(
    "AKS sends API-server audit logs to a diagnostic setting.", MANAGED_CLUSTER, DIAGNOSTIC_SETTING, _audits,
    'AKS cluster "{name}" keeps no audit log of its API server',
    "add a monitor DiagnosticSetting on the cluster with the kube-audit-admin "
    "(or kube-audit) category enabled, sent to a Log Analytics workspace"))
