"""Policies for GKE clusters and node pools (pulumi-gcp `container` module).

Autopilot clusters get Workload Identity, Shielded Nodes with secure boot, Dataplane V2 and
a release channel from Google and cannot turn them off, so those checks skip them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from policies.define import (
    ADVISORY,
    MANDATORY,
    Config,
    each_whole,
    resource_policy,
    violation,
    whole,
)
from policies.props import Props, as_list, as_map, dig, present

GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_NODE_POOL = "gcp:container/nodePool:NodePool"


def _autopilot(cluster: Props) -> bool:
    return cluster.get("enableAutopilot") is True


def check_private_nodes(cluster: Props, config: Config) -> Iterator[str]:
    if dig(cluster, "privateClusterConfig", "enablePrivateNodes") is not True:
        yield violation(
            "nodes get public IP addresses",
            "set privateClusterConfig.enablePrivateNodes: true (egress through Cloud NAT)",
        )


def check_workload_identity(cluster: Props, config: Config) -> Iterator[str]:
    if not _autopilot(cluster) and not present(cluster, "workloadIdentityConfig", "workloadPool"):
        yield violation(
            "Workload Identity is off, so every pod can use the node service account",
            'set workloadIdentityConfig.workloadPool: "<project>.svc.id.goog"',
        )


def check_shielded_nodes(cluster: Props, config: Config) -> Iterator[str]:
    # GKE enables Shielded Nodes by default; only an explicit false turns them off.
    if cluster.get("enableShieldedNodes") is False:
        yield violation("Shielded GKE Nodes are disabled", "remove enableShieldedNodes: false")


def node_pools(cluster: Props) -> Iterable[Props]:
    """A cluster's pools as `{name, nodeConfig}`: the default pool (unless removed) and the
    pools declared inline."""
    if _autopilot(cluster):
        return []
    pools = [as_map(pool) for pool in as_list(cluster.get("nodePools"))]
    if cluster.get("removeDefaultNodePool") is not True:
        pools.insert(0, {"name": "default-pool", "nodeConfig": cluster.get("nodeConfig")})
    return pools


def check_secure_boot(pool: Props, config: Config) -> Iterator[str]:
    if dig(pool, "nodeConfig", "shieldedInstanceConfig", "enableSecureBoot") is not True:
        yield violation(
            f'node pool "{pool.get("name") or "<unnamed>"}" boots without Secure Boot',
            "set nodeConfig.shieldedInstanceConfig.enableSecureBoot: true",
        )


def check_release_channel(cluster: Props, config: Config) -> Iterator[str]:
    channel = dig(cluster, "releaseChannel", "channel")
    if not _autopilot(cluster) and channel in (None, "", "UNSPECIFIED"):
        yield violation(
            "the cluster is not enrolled in a release channel",
            'set releaseChannel.channel to "REGULAR" or "STABLE" for managed upgrades',
        )


def check_network_policy(cluster: Props, config: Config) -> Iterator[str]:
    enforced = (
        _autopilot(cluster)
        or cluster.get("datapathProvider") == "ADVANCED_DATAPATH"
        or dig(cluster, "networkPolicy", "enabled") is True
    )
    if not enforced:
        yield violation(
            "NetworkPolicies are not enforced",
            'set datapathProvider: "ADVANCED_DATAPATH" (Dataplane V2) or networkPolicy.enabled',
        )


def check_legacy_abac(cluster: Props, config: Config) -> Iterator[str]:
    if cluster.get("enableLegacyAbac") is True:
        yield violation(
            "legacy ABAC grants broad permissions that bypass RBAC",
            "remove enableLegacyAbac or set it to false",
        )


def check_client_certificate(cluster: Props, config: Config) -> Iterator[str]:
    # Basic auth was removed from GKE (1.19) and the provider; the client certificate is the
    # remaining long-lived, non-revocable credential.
    if dig(cluster, "masterAuth", "clientCertificateConfig", "issueClientCertificate") is True:
        yield violation(
            "the cluster issues a non-revocable admin client certificate",
            "set masterAuth.clientCertificateConfig.issueClientCertificate: false",
        )


def check_secrets_encryption(cluster: Props, config: Config) -> Iterator[str]:
    encryption = as_map(cluster.get("databaseEncryption"))
    if encryption.get("state") != "ENCRYPTED" or not present(encryption, "keyName"):
        yield violation(
            "Kubernetes Secrets are not encrypted with a Cloud KMS key",
            'set databaseEncryption: {state: "ENCRYPTED", keyName: <KMS key id>}',
        )


POLICIES = [
    resource_policy(
        name="gke-private-nodes",
        description="GKE nodes have only private IP addresses.",
        level=MANDATORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_private_nodes,
    ),
    resource_policy(
        name="gke-workload-identity",
        description="GKE clusters use Workload Identity instead of node credentials.",
        level=MANDATORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_workload_identity,
    ),
    resource_policy(
        name="gke-shielded-nodes",
        description="GKE clusters keep Shielded Nodes on.",
        level=ADVISORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_shielded_nodes,
    ),
    resource_policy(
        name="gke-secure-boot",
        description="GKE node pools boot with Secure Boot.",
        level=ADVISORY,
        targets={GKE_CLUSTER: node_pools, GKE_NODE_POOL: whole},
        check=check_secure_boot,
    ),
    resource_policy(
        name="gke-release-channel",
        description="GKE clusters are enrolled in a release channel.",
        level=ADVISORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_release_channel,
    ),
    resource_policy(
        name="gke-network-policy",
        description="GKE clusters enforce NetworkPolicies.",
        level=ADVISORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_network_policy,
    ),
    resource_policy(
        name="gke-legacy-abac-disabled",
        description="GKE legacy ABAC authorization is off.",
        level=MANDATORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_legacy_abac,
    ),
    resource_policy(
        name="gke-client-certificate-disabled",
        description="GKE issues no client certificate for cluster access.",
        level=MANDATORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_client_certificate,
    ),
    resource_policy(
        name="gke-secrets-encryption",
        description="GKE encrypts Kubernetes Secrets with a Cloud KMS key.",
        level=MANDATORY,
        targets=each_whole(GKE_CLUSTER),
        check=check_secrets_encryption,
    ),
]
