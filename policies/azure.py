"""Policies for AKS managed clusters and agent pools (azure-native v3 `containerservice`).

Agent pools appear twice: inline in ManagedCluster.agentPoolProfiles and as separate
AgentPool resources; pool policies check both through the same validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from .define import (
    ADVISORY,
    MANDATORY,
    Config,
    Setting,
    View,
    each_whole,
    resource_policy,
    stack_policy,
    violation,
    whole,
)
from .networks import range_problem
from .props import Props, as_list, as_map, dig, present, strings

MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
# Resource-log categories of a managed cluster that carry the API server's audit trail
# (https://learn.microsoft.com/azure/aks/monitor-aks-reference#resource-logs).
AUDIT_CATEGORIES = ("kube-audit", "kube-audit-admin")
AUDIT_GROUPS = ("audit", "allLogs")


def inline_pools(cluster: Props) -> Iterable[Props]:
    return [as_map(pool) for pool in as_list(cluster.get("agentPoolProfiles"))]


# Every agent pool: inline profiles of a ManagedCluster and standalone AgentPool resources.
AGENT_POOLS: dict[str, View] = {MANAGED_CLUSTER: inline_pools, AGENT_POOL: whole}


def _pool_name(pool: Props) -> str:
    return str(pool.get("name") or pool.get("agentPoolName") or "<unnamed>")


def check_local_accounts(cluster: Props, config: Config) -> Iterator[str]:
    if cluster.get("disableLocalAccounts") is not True:
        yield violation(
            "local accounts are enabled, so `az aks get-credentials --admin` returns a "
            "static cluster-admin credential",
            "set disableLocalAccounts: true (requires Entra ID integration)",
        )


def check_entra_rbac(cluster: Props, config: Config) -> Iterator[str]:
    profile = as_map(cluster.get("aadProfile"))
    if profile.get("managed") is not True or profile.get("enableAzureRBAC") is not True:
        yield violation(
            "cluster access is not authorized through Entra ID and Azure RBAC",
            "set aadProfile: {managed: true, enableAzureRBAC: true}",
        )


def check_api_server_restricted(cluster: Props, config: Config) -> Iterator[str]:
    access = as_map(cluster.get("apiServerAccessProfile"))
    if access.get("enablePrivateCluster") is True:
        return
    problem = range_problem(
        "apiServerAccessProfile.authorizedIPRanges",
        strings(access.get("authorizedIPRanges")),
        when_empty="the API server is reachable from any address",
    )
    if problem:
        yield violation(
            problem,
            "set apiServerAccessProfile.enablePrivateCluster: true or list admin and CI "
            "ranges in apiServerAccessProfile.authorizedIPRanges",
        )


def check_kubernetes_rbac(cluster: Props, config: Config) -> Iterator[str]:
    # AKS turns Kubernetes RBAC on unless enableRBAC is false (and it cannot be turned on later).
    if cluster.get("enableRBAC") is False:
        yield violation(
            "Kubernetes RBAC is off, so every authenticated caller is authorized for everything",
            "remove enableRBAC: false (the cluster must be recreated)",
        )


NETWORK_POLICY_ENGINES = ("azure", "calico", "cilium")


def check_network_policy(cluster: Props, config: Config) -> Iterator[str]:
    engine = dig(cluster, "networkProfile", "networkPolicy")
    if engine not in NETWORK_POLICY_ENGINES:
        yield violation(
            "NetworkPolicies are not enforced (networkProfile.networkPolicy is "
            f"{engine or 'unset'})",
            'set networkProfile.networkPolicy to "cilium" (with networkDataplane: cilium), '
            '"azure" or "calico"',
        )


def check_auto_upgrade(cluster: Props, config: Config) -> Iterator[str]:
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


def check_workload_identity(cluster: Props, config: Config) -> Iterator[str]:
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


def check_availability_zones(pool: Props, config: Config) -> Iterator[str]:
    zones = strings(pool.get("availabilityZones"))
    minimum = config["minZones"]
    if len(zones) < minimum:
        yield violation(
            f'agent pool "{_pool_name(pool)}" spans {len(zones)} availability zone(s), '
            f"fewer than {minimum:g}",
            f'set availabilityZones to at least {minimum:g} zones, e.g. ["1", "2", "3"]',
        )


def check_autoscaling(pool: Props, config: Config) -> Iterator[str]:
    if pool.get("enableAutoScaling") is not True:
        yield violation(
            f'agent pool "{_pool_name(pool)}" has a fixed node count',
            "set enableAutoScaling: true with minCount and maxCount",
        )


def check_no_node_public_ip(pool: Props, config: Config) -> Iterator[str]:
    if pool.get("enableNodePublicIP") is True:
        yield violation(
            f'agent pool "{_pool_name(pool)}" gives every node a public IP address',
            "remove enableNodePublicIP (egress through the cluster's load balancer or NAT)",
        )


def check_kms(cluster: Props, config: Config) -> Iterator[str]:
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


def check_audit_logging(
    resources: Sequence[PolicyResource], config: Config
) -> Iterator[tuple[str, str]]:
    settings = [r for r in resources if r.resource_type == DIAGNOSTIC_SETTING]
    for cluster in (r for r in resources if r.resource_type == MANAGED_CLUSTER):
        if not any(_targets(s, cluster) and _collects_audit(s) for s in settings):
            yield (
                cluster.urn,
                violation(
                    f'AKS cluster "{cluster.name}" keeps no audit log of its API server',
                    "add a monitor DiagnosticSetting on the cluster with the kube-audit-admin "
                    "(or kube-audit) category enabled, sent to a Log Analytics workspace",
                ),
            )


POLICIES = [
    resource_policy(
        name="aks-local-accounts-disabled",
        description="AKS local (static admin) accounts are disabled.",
        level=MANDATORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_local_accounts,
    ),
    resource_policy(
        name="aks-entra-rbac",
        description="AKS authenticates with Entra ID and authorizes with Azure RBAC.",
        level=ADVISORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_entra_rbac,
    ),
    resource_policy(
        name="aks-api-server-restricted",
        description="The AKS API server is private or limited to authorized IP ranges.",
        level=MANDATORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_api_server_restricted,
    ),
    resource_policy(
        name="aks-kubernetes-rbac",
        description="AKS keeps Kubernetes RBAC on.",
        level=MANDATORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_kubernetes_rbac,
    ),
    resource_policy(
        name="aks-network-policy",
        description="AKS enforces NetworkPolicies (Azure, Calico or Cilium).",
        level=ADVISORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_network_policy,
    ),
    resource_policy(
        name="aks-auto-upgrade",
        description="AKS upgrades the cluster and patches node images automatically.",
        level=ADVISORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_auto_upgrade,
    ),
    resource_policy(
        name="aks-workload-identity",
        description="AKS runs the OIDC issuer and workload identity.",
        level=MANDATORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_workload_identity,
    ),
    resource_policy(
        name="aks-availability-zones",
        description="AKS agent pools spread across availability zones.",
        level=ADVISORY,
        targets=AGENT_POOLS,
        check=check_availability_zones,
        settings=[
            Setting(
                "minZones",
                2,
                {"type": "integer", "minimum": 1},
                "The fewest availability zones an agent pool may span.",
            )
        ],
    ),
    resource_policy(
        name="aks-autoscaling",
        description="AKS agent pools run the cluster autoscaler.",
        level=ADVISORY,
        targets=AGENT_POOLS,
        check=check_autoscaling,
    ),
    resource_policy(
        name="aks-no-node-public-ip",
        description="AKS nodes have no public IP addresses.",
        level=MANDATORY,
        targets=AGENT_POOLS,
        check=check_no_node_public_ip,
    ),
    resource_policy(
        name="aks-kms-encryption",
        description="AKS encrypts Kubernetes Secrets with a Key Vault key (KMS).",
        level=MANDATORY,
        targets=each_whole(MANAGED_CLUSTER),
        check=check_kms,
    ),
    stack_policy(
        name="aks-audit-logging",
        description="AKS sends API-server audit logs to a diagnostic setting.",
        level=ADVISORY,
        check=check_audit_logging,
    ),
]
