"""Policies for GKE clusters and node pools (pulumi-gcp `container` module).

Autopilot clusters get Workload Identity, Shielded Nodes with secure boot, Dataplane V2 and
a release channel from Google and cannot turn them off, so those checks skip them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..define import ADVISORY, MANDATORY, Config, PolicyList, UnsafeFlag, View, each_whole, violation, whole
from ..networks import range_problem
from ..props import Props, as_list, as_map, dig, present, strings

GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_NODE_POOL = "gcp:container/nodePool:NodePool"


POLICIES = PolicyList()


def _autopilot(cluster: Props) -> bool:
    return cluster.get("enableAutopilot") is True


@POLICIES.resource("gke-private-nodes", MANDATORY, each_whole(GKE_CLUSTER))
def check_private_nodes(cluster: Props, config: Config) -> Iterator[str]:
    """GKE nodes have only private IP addresses."""
    if dig(cluster, "privateClusterConfig", "enablePrivateNodes") is not True:
        yield violation(
            "nodes get public IP addresses",
            "set privateClusterConfig.enablePrivateNodes: true (egress through Cloud NAT)",
        )


@POLICIES.resource("gke-workload-identity", MANDATORY, each_whole(GKE_CLUSTER))
def check_workload_identity(cluster: Props, config: Config) -> Iterator[str]:
    """GKE clusters use Workload Identity instead of node credentials."""
    if not _autopilot(cluster) and not present(cluster, "workloadIdentityConfig", "workloadPool"):
        yield violation(
            "Workload Identity is off, so every pod can use the node service account",
            'set workloadIdentityConfig.workloadPool: "<project>.svc.id.goog"',
        )


# GKE enables Shielded Nodes by default; only an explicit false turns them off.
POLICIES.rule("gke-shielded-nodes", ADVISORY, each_whole(GKE_CLUSTER), UnsafeFlag(
    "GKE clusters keep Shielded Nodes on.", "enableShieldedNodes", False,
    "Shielded GKE Nodes are disabled", "remove enableShieldedNodes: false",
))


WORKLOAD_IDENTITY = "clusterWorkloadIdentity"
"""Added to each inline pool's view: whether its cluster runs Workload Identity."""


def node_pools(cluster: Props) -> Iterable[Props]:
    """A cluster's pools as `{name, nodeConfig, management}`: the default pool (unless
    removed) and the pools declared inline."""
    if _autopilot(cluster):
        return []
    pools = [as_map(pool) for pool in as_list(cluster.get("nodePools"))]
    if cluster.get("removeDefaultNodePool") is not True:
        pools.insert(0, {"name": "default-pool", "nodeConfig": cluster.get("nodeConfig")})
    identity = present(cluster, "workloadIdentityConfig", "workloadPool")
    return [{**pool, WORKLOAD_IDENTITY: identity} for pool in pools]


# Every node pool: the cluster's default and inline pools, and separate NodePool resources.
NODE_POOLS: dict[str, View] = {GKE_CLUSTER: node_pools, GKE_NODE_POOL: whole}


def _pool_name(pool: Props) -> str:
    return str(pool.get("name") or "<unnamed>")


@POLICIES.resource("gke-endpoint-restricted", MANDATORY, each_whole(GKE_CLUSTER))
def check_endpoint_restricted(cluster: Props, config: Config) -> Iterator[str]:
    """The GKE control plane is private or limited to authorized networks."""
    private = dig(cluster, "privateClusterConfig", "enablePrivateEndpoint") is True
    no_ip_endpoint = (
        dig(cluster, "controlPlaneEndpointsConfig", "ipEndpointsConfig", "enabled") is False
    )
    if private or no_ip_endpoint:
        return
    networks = cluster.get("masterAuthorizedNetworksConfig")
    if networks is None:
        problem: str | None = "the public control-plane endpoint accepts any address"
    elif as_map(networks).get("gcpPublicCidrsAccessEnabled") is True:
        problem = "the control plane accepts every Google Cloud public IP address"
    else:
        blocks = as_list(as_map(networks).get("cidrBlocks"))
        cidrs = strings([as_map(block).get("cidrBlock") for block in blocks])
        # Authorized networks with no blocks admit nobody from outside.
        problem = range_problem("masterAuthorizedNetworksConfig.cidrBlocks", cidrs, when_empty=None)
    if problem:
        yield violation(
            problem,
            "set privateClusterConfig.enablePrivateEndpoint: true, or list admin and CI ranges "
            "in masterAuthorizedNetworksConfig.cidrBlocks (gcpPublicCidrsAccessEnabled: false)",
        )


@POLICIES.resource("gke-metadata-server", MANDATORY, NODE_POOLS)
def check_metadata_server(pool: Props, config: Config) -> Iterator[str]:
    """GKE node pools hide node metadata behind the GKE metadata server."""
    mode = dig(pool, "nodeConfig", "workloadMetadataConfig", "mode")
    # Unset means GKE_METADATA in a Workload Identity cluster; an inline pool of a cluster
    # without it exposes the node's metadata (and its service account) to every pod.
    exposed = mode == "GCE_METADATA" or (mode is None and pool.get(WORKLOAD_IDENTITY) is False)
    if exposed:
        yield violation(
            f'node pool "{_pool_name(pool)}" lets pods read the node\'s metadata server and '
            "its service-account credentials",
            'set nodeConfig.workloadMetadataConfig.mode: "GKE_METADATA" (and Workload Identity '
            "on the cluster)",
        )


def _default_compute_account(account: object) -> bool:
    return account in (None, "", "default") or (
        isinstance(account, str) and account.endswith("-compute@developer.gserviceaccount.com")
    )


@POLICIES.resource("gke-node-service-account", MANDATORY, NODE_POOLS)
def check_node_service_account(pool: Props, config: Config) -> Iterator[str]:
    """GKE nodes run as a dedicated service account, not the Compute default."""
    if _default_compute_account(dig(pool, "nodeConfig", "serviceAccount")):
        yield violation(
            f'node pool "{_pool_name(pool)}" runs as the Compute Engine default service '
            "account, which holds Editor on the project",
            "set nodeConfig.serviceAccount to a dedicated account with "
            "roles/container.defaultNodeServiceAccount",
        )


@POLICIES.resource("gke-autopilot-service-account", MANDATORY, each_whole(GKE_CLUSTER))
def check_autopilot_service_account(cluster: Props, config: Config) -> Iterator[str]:
    """GKE Autopilot nodes run as a dedicated service account."""
    account = dig(cluster, "clusterAutoscaling", "autoProvisioningDefaults", "serviceAccount")
    if _autopilot(cluster) and _default_compute_account(account):
        yield violation(
            "Autopilot nodes run as the Compute Engine default service account",
            "set clusterAutoscaling.autoProvisioningDefaults.serviceAccount to a dedicated "
            "account with roles/container.defaultNodeServiceAccount",
        )


@POLICIES.resource("gke-node-auto-upgrade", ADVISORY, NODE_POOLS)
def check_node_auto_upgrade(pool: Props, config: Config) -> Iterator[str]:
    """GKE node pools keep auto-upgrade and auto-repair on."""
    management = as_map(pool.get("management"))
    off = [key for key in ("autoUpgrade", "autoRepair") if management.get(key) is False]
    if off:
        yield violation(
            f'node pool "{_pool_name(pool)}" turns off {" and ".join(off)}, so nodes miss '
            "security patches or stay broken",
            f"remove management.{' and management.'.join(off)}: false",
        )


@POLICIES.resource("gke-logging", ADVISORY, each_whole(GKE_CLUSTER))
def check_logging(cluster: Props, config: Config) -> Iterator[str]:
    """GKE sends logs and metrics to Cloud Logging and Monitoring."""
    off = [key for key in ("loggingService", "monitoringService") if cluster.get(key) == "none"]
    components = dig(cluster, "loggingConfig", "enableComponents")
    if components is not None and not as_list(components):
        off.append("loggingConfig.enableComponents")
    if off:
        yield violation(
            f"Cloud Logging or Monitoring is off ({', '.join(off)})",
            "remove the override: GKE sends system and workload logs to Cloud Logging by default",
        )


@POLICIES.resource("gke-secure-boot", ADVISORY, NODE_POOLS)
def check_secure_boot(pool: Props, config: Config) -> Iterator[str]:
    """GKE node pools boot with Secure Boot."""
    if dig(pool, "nodeConfig", "shieldedInstanceConfig", "enableSecureBoot") is not True:
        yield violation(
            f'node pool "{_pool_name(pool)}" boots without Secure Boot',
            "set nodeConfig.shieldedInstanceConfig.enableSecureBoot: true",
        )


@POLICIES.resource("gke-release-channel", ADVISORY, each_whole(GKE_CLUSTER))
def check_release_channel(cluster: Props, config: Config) -> Iterator[str]:
    """GKE clusters are enrolled in a release channel."""
    channel = dig(cluster, "releaseChannel", "channel")
    if not _autopilot(cluster) and channel in (None, "", "UNSPECIFIED"):
        yield violation(
            "the cluster is not enrolled in a release channel",
            'set releaseChannel.channel to "REGULAR" or "STABLE" for managed upgrades',
        )


@POLICIES.resource("gke-network-policy", ADVISORY, each_whole(GKE_CLUSTER))
def check_network_policy(cluster: Props, config: Config) -> Iterator[str]:
    """GKE clusters enforce NetworkPolicies."""
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


# Off unless asked for (legacy ABAC predates RBAC).
POLICIES.rule("gke-legacy-abac-disabled", MANDATORY, each_whole(GKE_CLUSTER), UnsafeFlag(
    "GKE legacy ABAC authorization is off.", "enableLegacyAbac", True,
    "legacy ABAC grants broad permissions that bypass RBAC", "remove enableLegacyAbac or set it to false",
))


@POLICIES.resource("gke-client-certificate-disabled", MANDATORY, each_whole(GKE_CLUSTER))
def check_client_certificate(cluster: Props, config: Config) -> Iterator[str]:
    """GKE issues no client certificate for cluster access."""
    # Basic auth was removed from GKE (1.19) and the provider; the client certificate is the
    # remaining long-lived, non-revocable credential.
    if dig(cluster, "masterAuth", "clientCertificateConfig", "issueClientCertificate") is True:
        yield violation(
            "the cluster issues a non-revocable admin client certificate",
            "set masterAuth.clientCertificateConfig.issueClientCertificate: false",
        )


@POLICIES.resource("gke-secrets-encryption", MANDATORY, each_whole(GKE_CLUSTER))
def check_secrets_encryption(cluster: Props, config: Config) -> Iterator[str]:
    """GKE encrypts Kubernetes Secrets with a Cloud KMS key."""
    encryption = as_map(cluster.get("databaseEncryption"))
    if encryption.get("state") != "ENCRYPTED" or not present(encryption, "keyName"):
        yield violation(
            "Kubernetes Secrets are not encrypted with a Cloud KMS key",
            'set databaseEncryption: {state: "ENCRYPTED", keyName: <KMS key id>}',
        )
