"""`GkeCluster`: a regional Google Kubernetes Engine cluster built from the neutral `ClusterArgs`.

Security defaults and why:
- Private nodes (no external IPs); the control plane's public endpoint is off unless
  `endpoint.public`, and then open only to `publicAccessCidrs` (master authorized networks).
- Secrets encrypted at the application layer with a Cloud KMS key created here (90-day rotation).
- Workload Identity, with nodes' metadata server in GKE_METADATA mode.
- Dataplane V2 (Cilium): NetworkPolicy is enforced without a separate add-on.
- Shielded nodes, secure boot, a least-privilege node service account, no client certificate.
- Control-plane component logs (API server, scheduler, controller manager) in Cloud Logging;
  Admin Activity audit logs of the Kubernetes API are always on in GKE.
- Release channel REGULAR with node auto-upgrade: patches arrive without a deploy.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from ..args import ClusterArgs
from ..base import ClusterComponent
from ..handle import WorkloadIdentity
from ..kubeconfig import kubeconfig_output
from ..tags import resource_tags
from . import iam as gke_iam
from . import network as gke_network
from . import nodes as gke_nodes
from .cloud import authorized_networks, gke_exec
from .dns import GkeDns
from .log_storage import GkeLogStorage
from .maintenance import recurring_window

AUDIT_COMPONENTS = ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"]
BASE_COMPONENTS = ["SYSTEM_COMPONENTS", "WORKLOADS"]
# The default pool exists only until the cluster is created, then GKE deletes it; what it was
# created with must not show up as drift afterwards.
CLUSTER_IGNORE_CHANGES = ["nodeConfig", "initialNodeCount"]


class GkeCluster(ClusterComponent):
    TYPE = "skyfleet:cluster:GkeCluster"

    def build(self, args: ClusterArgs) -> None:
        if args.project is None:
            raise ValueError("GkeCluster needs args.project; create_cluster resolves it")
        self.project = args.project
        n = args.name
        self.cloud_provider = gcp.Provider(
            f"{n}-gcp",
            project=self.project,
            region=args.region,
            default_labels=resource_tags(args),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.prerequisites = list(gke_iam.enable_apis(self, self.project))
        network = gke_network.build_network(self)
        node_account, node_grants = gke_iam.node_service_account(self, self.project)
        cluster = self._cluster(network, node_account)
        pools = gke_nodes.node_pools(
            self, cluster, node_account.email, depends_on=[*node_grants, *network.ready]
        )
        admins = gke_iam.admin_access(self, self.project)

        endpoint = cluster.endpoint.apply(lambda host: f"https://{host}")
        kubeconfig = kubeconfig_output(
            name=n,
            server=endpoint,
            certificate_authority_data=cluster.master_auth.cluster_ca_certificate.apply(
                lambda ca: ca or ""
            ),
            credential=gke_exec(),
        )
        provider = self.kubernetes_provider(kubeconfig=kubeconfig, cluster_identifier=cluster.id)
        issuer = cluster.id.apply(
            lambda cid: f"https://container.googleapis.com/v1/{cid}"  # GKE's OIDC issuer
        )
        self.cluster = cluster
        identity = gke_iam.GkeIdentity(self, self.project, cluster) if args.workload_identity else None
        workload = WorkloadIdentity(identity, GkeLogStorage(self, identity), GkeDns(identity)) if identity else None
        self.finish(provider=provider, kubeconfig=kubeconfig, endpoint=endpoint, oidc_issuer_url=issuer,
                    workload=workload, ready=[*pools, *admins])

    def _cluster(
        self, network: gke_network.GkeNetwork, node_account: gcp.serviceaccount.Account
    ) -> gcp.container.Cluster:
        args = self.args
        depends_on: list[pulumi.Resource] = []
        encryption = None
        if args.secrets_encryption:
            key, grant = gke_iam.secrets_key(self, self.project)
            encryption = gcp.container.ClusterDatabaseEncryptionArgs(
                state="ENCRYPTED", key_name=key.id
            )
            depends_on.append(grant)  # GKE checks it can use the key when the cluster is made
        public = args.endpoint.public
        authorized = authorized_networks(args)
        return gcp.container.Cluster(
            args.name,
            name=args.name,
            project=self.project,
            location=args.region,  # regional: the control plane is replicated across zones
            node_locations=list(args.zones),
            network=network.network,
            subnetwork=network.subnetwork,
            min_master_version=args.version,
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel="REGULAR"),
            # Upgrades the channel brings land only inside the weekly window.
            maintenance_policy=_maintenance_policy(args),
            remove_default_node_pool=True,
            initial_node_count=1,
            # Even the short-lived default pool runs as the least-privilege account.
            node_config=gcp.container.ClusterNodeConfigArgs(
                service_account=node_account.email,
                oauth_scopes=[gke_iam.CLOUD_PLATFORM_SCOPE],
                workload_metadata_config=gcp.container.ClusterNodeConfigWorkloadMetadataConfigArgs(
                    mode=gke_iam.metadata_mode(args.workload_identity)
                ),
                shielded_instance_config=gcp.container.ClusterNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
            ),
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=gcp.container.ClusterIpAllocationPolicyArgs(
                cluster_secondary_range_name=gke_network.PODS_RANGE,
                services_secondary_range_name=gke_network.SERVICES_RANGE,
            ),
            private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
                enable_private_nodes=True,
                enable_private_endpoint=not public,
            ),
            master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[
                    gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                        cidr_block=cidr, display_name=f"authorized-{i}"
                    )
                    for i, cidr in enumerate(authorized)
                ],
                gcp_public_cidrs_access_enabled=False,
            )
            if authorized
            else None,
            workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=f"{self.project}.svc.id.goog"
            )
            if args.workload_identity
            else None,
            datapath_provider="ADVANCED_DATAPATH",
            database_encryption=encryption,
            enable_shielded_nodes=True,
            master_auth=gcp.container.ClusterMasterAuthArgs(
                client_certificate_config=gcp.container.ClusterMasterAuthClientCertificateConfigArgs(
                    issue_client_certificate=False
                )
            ),
            logging_config=gcp.container.ClusterLoggingConfigArgs(
                enable_components=AUDIT_COMPONENTS if args.audit_logs else BASE_COMPONENTS
            ),
            monitoring_config=gcp.container.ClusterMonitoringConfigArgs(
                enable_components=["SYSTEM_COMPONENTS"]
            ),
            deletion_protection=args.protected,
            resource_labels=resource_tags(args),
            opts=self.child(
                protect=True, depends_on=depends_on, ignore_changes=CLUSTER_IGNORE_CHANGES
            ),
        )


def _maintenance_policy(args: ClusterArgs) -> gcp.container.ClusterMaintenancePolicyArgs:
    start, end, recurrence = recurring_window(args.maintenance)
    return gcp.container.ClusterMaintenancePolicyArgs(
        recurring_window=gcp.container.ClusterMaintenancePolicyRecurringWindowArgs(
            start_time=start, end_time=end, recurrence=recurrence
        )
    )
