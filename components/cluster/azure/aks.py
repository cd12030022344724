"""`AksCluster`: an Azure Kubernetes Service cluster built from the neutral `ClusterArgs`.

Security defaults and why:
- Entra ID only: AKS-managed Entra integration with Azure RBAC and local accounts disabled, so
  no static admin certificate exists to leak; the kubeconfig runs `kubelogin`. Who runs
  `pulumi up` must be in an `admins` group (or hold "Azure Kubernetes Service RBAC Cluster
  Admin" on the cluster) to install the platform: unlike EKS, AKS grants its creator nothing
  inside the cluster, and the deployer's principal type (user or application) is not known
  here to assign it.
- API server private unless `endpoint.public`, and then only for `publicAccessCidrs`.
- etcd encrypted with a Key Vault key (KMS v2) through a user-assigned control-plane identity.
- Entra Workload ID (OIDC issuer + webhook) for pod credentials.
- Azure CNI overlay with Cilium (network policy enforced by the dataplane).
- kube-audit-admin and control-plane logs to a Log Analytics workspace.
- Patch auto-upgrades and weekly node images: the minor stays the one `version` pins, so the
  program remains the source of truth (the "stable" channel would move it under us).
- In production: Standard tier (uptime SLA) and a CanNotDelete lock on the cluster.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native
from pulumi_azure_native import (
    authorization,
    containerservice,
    monitor,
    network,
    operationalinsights,
    resources,
)

from components.names import short_hash

from ..args import ClusterArgs
from ..base import ClusterComponent
from ..handle import WorkloadIdentity
from ..kubeconfig import cluster_entry, kubeconfig_output
from ..planning import plan_node_subnet
from ..tags import resource_tags
from . import identity as aks_identity
from . import pools as aks_pools
from .cloud import aks_exec
from .dns import AksDns
from .log_storage import AksLogStorage

AUDIT_LOG_CATEGORIES = [
    # kube-audit-admin: every write to the API (kube-audit would add every read, at ~10x cost).
    "kube-audit-admin",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "guard",  # Entra ID / Azure RBAC authorization decisions
]
LOG_RETENTION_DAYS = {True: 365, False: 30}
# The API version of Microsoft.ContainerService this SDK manages clusters with (for the lock).
CONTAINER_SERVICE_API_VERSION = "2025-09-01"


class AksCluster(ClusterComponent):
    TYPE = "skyfleet:cluster:AksCluster"

    def build(self, args: ClusterArgs) -> None:
        n = args.name
        self.cloud_provider = azure_native.Provider(
            f"{n}-azure", location=args.region, opts=pulumi.ResourceOptions(parent=self)
        )
        client = authorization.get_client_config_output(opts=self.invoke_options())
        group_name = args.resource_group_name or resource_group_name(
            n, pulumi.get_project(), pulumi.get_stack()
        )
        group = resources.ResourceGroup(
            f"{n}-rg", resource_group_name=group_name, location=args.region, tags=resource_tags(args),
            opts=self.child(),
        )
        ctx = aks_identity.AzureContext(
            resource_group_name=group.name,
            resource_group_id=group.id,
            location=args.region,
            subscription_id=client.subscription_id,
            tenant_id=client.tenant_id,
            tags=resource_tags(args),
        )
        subnet_id = self._network(ctx)
        identity = aks_identity.control_plane_identity(self, ctx)
        before_cluster: list[pulumi.Resource] = [
            # Azure's CNI configures the node subnet on the control plane's behalf.
            aks_identity.assign_role(
                self, f"{n}-control-plane-network", ctx, identity.principal_id,
                aks_identity.NETWORK_CONTRIBUTOR, subnet_id, self,
            )
        ]
        kms = None
        if args.secrets_encryption:
            key, grant = aks_identity.secrets_key(self, ctx, identity)
            before_cluster.append(grant)
            kms = containerservice.AzureKeyVaultKmsArgs(
                enabled=True, key_id=key.key_uri_with_version, key_vault_network_access="Public"
            )
        live = aks_pools.live_pools(self, group_name, n)
        cluster = self._cluster(ctx, identity, subnet_id, kms, before_cluster, live)
        pools = aks_pools.agent_pools(self, cluster, group_name, subnet_id, live)
        # Kubernetes children wait for audit logging (every write they make is audited), not
        # for the production delete lock, which guards the cluster in Azure only.
        self._maintenance(ctx, cluster)
        protection = self._protection(ctx, cluster)
        ready: list[pulumi.Resource] = [cluster, *pools, *protection.audit]

        credentials = containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=group.name, resource_name=cluster.name, opts=self.invoke_options()
        )
        entry = credentials.kubeconfigs.apply(lambda ks: cluster_entry(ks[0].value))
        kubeconfig = kubeconfig_output(
            name=n,
            server=entry.apply(lambda e: e[0]),
            certificate_authority_data=entry.apply(lambda e: e[1]),
            credential=aks_exec(args.kubeconfig_login),
        )
        provider = self.kubernetes_provider(kubeconfig=kubeconfig, cluster_identifier=cluster.id)
        issuer = cluster.oidc_issuer_profile.apply(lambda p: (p.issuer_url or "") if p else "")
        endpoint = pulumi.Output.all(cluster.fqdn, cluster.private_fqdn).apply(
            lambda f: f"https://{f[1] or f[0]}:443"
        )
        self.cluster = cluster
        workloads = aks_identity.AksIdentity(self, ctx, issuer) if args.workload_identity else None
        workload = None
        if workloads:
            workload = WorkloadIdentity(workloads, AksLogStorage(self, ctx, workloads), AksDns(workloads, ctx))
        self.finish(provider=provider, kubeconfig=kubeconfig, endpoint=endpoint, oidc_issuer_url=issuer,
                    workload=workload, ready=ready)

    def _network(self, ctx: aks_identity.AzureContext) -> pulumi.Input[str]:
        """The node subnet's id: an existing one, or a new VNet's (overlay pods use no VNet IPs)."""
        args = self.args
        if args.network.uses_existing:
            return args.network.existing_subnet_ids[0]
        vnet = network.VirtualNetwork(
            f"{args.name}-vnet",
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            address_space=network.AddressSpaceArgs(address_prefixes=[args.network.vpc_cidr]),
            tags=ctx.tags,
            opts=self.child(protect=True, ignore_changes=["subnets"]),
        )
        subnet = network.Subnet(
            f"{args.name}-nodes",
            resource_group_name=ctx.resource_group_name,
            virtual_network_name=vnet.name,
            address_prefix=plan_node_subnet(args.network.vpc_cidr),
            opts=self.child(protect=True),
        )
        return subnet.id

    def _cluster(
        self,
        ctx: aks_identity.AzureContext,
        identity: pulumi.CustomResource,
        subnet_id: pulumi.Input[str],
        kms: containerservice.AzureKeyVaultKmsArgs | None,
        depends_on: list[pulumi.Resource],
        live: aks_pools.LivePools,
    ) -> containerservice.ManagedCluster:
        args = self.args
        public = args.endpoint.public
        services = ipaddress.IPv4Network(args.network.services_cidr)
        return containerservice.ManagedCluster(
            args.name,
            resource_name_=args.name,
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            dns_prefix=_dns_prefix(args.name),
            kubernetes_version=args.version,
            identity=containerservice.ManagedClusterIdentityArgs(
                type=containerservice.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[identity.id],
            ),
            sku=containerservice.ManagedClusterSKUArgs(
                name="Base", tier="Standard" if args.production else "Free"
            ),
            agent_pool_profiles=None if live.cluster_exists else aks_pools.bootstrap_profile(self, subnet_id),
            network_profile=containerservice.ContainerServiceNetworkProfileArgs(
                network_plugin="azure",
                network_plugin_mode="overlay",
                network_dataplane="cilium",
                network_policy="cilium",
                pod_cidr=args.network.pods_cidr,
                service_cidr=args.network.services_cidr,
                dns_service_ip=str(services.network_address + 10),
                load_balancer_sku="standard",
                outbound_type="loadBalancer",
            ),
            oidc_issuer_profile=containerservice.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            security_profile=containerservice.ManagedClusterSecurityProfileArgs(
                workload_identity=containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs(
                    enabled=args.workload_identity
                ),
                azure_key_vault_kms=kms,
            ),
            aad_profile=containerservice.ManagedClusterAADProfileArgs(
                managed=True,
                enable_azure_rbac=True,
                tenant_id=ctx.tenant_id,
                admin_group_object_ids=list(args.admins) or None,
            ),
            enable_rbac=True,
            disable_local_accounts=True,
            api_server_access_profile=containerservice.ManagedClusterAPIServerAccessProfileArgs(
                authorized_ip_ranges=list(args.endpoint.public_access_cidrs) or None
            )
            if public
            else containerservice.ManagedClusterAPIServerAccessProfileArgs(
                enable_private_cluster=True
            ),
            auto_upgrade_profile=containerservice.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel="patch", node_os_upgrade_channel="NodeImage"
            ),
            tags=ctx.tags,
            # Inert on a create; it tells a diff of two creation plans (skyfleet diff previews
            # from an empty cloud) that the profiles are never sent again.
            opts=self.child(protect=True, depends_on=depends_on,
                            ignore_changes=[] if live.cluster_exists else ["agentPoolProfiles"]),
        )

    def _maintenance(
        self, ctx: aks_identity.AzureContext, cluster: containerservice.ManagedCluster
    ) -> list[containerservice.MaintenanceConfiguration]:
        """The weekly window for both automatic upgrades: the Kubernetes patch channel and the
        node OS images (AKS's two named configurations).
        https://learn.microsoft.com/azure/aks/planned-maintenance"""
        window = self.args.maintenance
        return [
            containerservice.MaintenanceConfiguration(
                f"{self.args.name}-{label}",
                config_name=config_name,
                resource_group_name=ctx.resource_group_name,
                resource_name_=cluster.name,
                maintenance_window=containerservice.MaintenanceWindowArgs(
                    schedule=containerservice.ScheduleArgs(
                        weekly=containerservice.WeeklyScheduleArgs(
                            day_of_week=window.day, interval_weeks=1
                        )
                    ),
                    start_time=window.start_utc,
                    utc_offset="+00:00",
                    duration_hours=window.duration_hours,
                ),
                opts=self.child(),
            )
            for label, config_name in (
                ("upgrade-window", "aksManagedAutoUpgradeSchedule"),
                ("node-os-window", "aksManagedNodeOSUpgradeSchedule"),
            )
        ]

    def _protection(
        self, ctx: aks_identity.AzureContext, cluster: containerservice.ManagedCluster
    ) -> Protection:
        """Audit log shipping and, when deletion protection is on, a CanNotDelete lock (AKS has
        no deletion-protection flag of its own)."""
        args = self.args
        created = Protection()
        if args.audit_logs:
            workspace = operationalinsights.Workspace(
                f"{args.name}-logs",
                resource_group_name=ctx.resource_group_name,
                location=ctx.location,
                sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
                retention_in_days=LOG_RETENTION_DAYS[args.production],
                tags=ctx.tags,
                opts=self.child(),
            )
            created.audit.append(
                monitor.DiagnosticSetting(
                    f"{args.name}-audit",
                    resource_uri=cluster.id,
                    workspace_id=workspace.id,
                    logs=[
                        monitor.DiagnosticsLogSettingsArgs(category=category, enabled=True)
                        for category in AUDIT_LOG_CATEGORIES
                    ],
                    opts=self.child(),
                )
            )
        if args.protected:
            created.delete_lock = authorization.ManagementLockAtResourceLevel(
                    f"{args.name}-delete-lock",
                    level="CanNotDelete",
                    notes="Deletion protection of a production cluster (skyfleet).",
                    resource_group_name=ctx.resource_group_name,
                    resource_provider_namespace="Microsoft.ContainerService",
                    parent_resource_path="",
                    resource_type="managedClusters",
                    resource_name_=cluster.name,
                    api_version=CONTAINER_SERVICE_API_VERSION,
                    opts=self.child(),
                )
        return created


@dataclass
class Protection:
    """What `_protection` created, by role: Kubernetes children wait for `audit` only."""

    audit: list[monitor.DiagnosticSetting] = field(default_factory=list)
    delete_lock: authorization.ManagementLockAtResourceLevel | None = None


def resource_group_name(cluster: str, project: str, stack: str) -> str:
    """`<cluster>-rg-<hash of project and stack>`: known before anything exists, so each deploy
    can read the live pools (aks_pools.live_pools), and distinct per stack within a
    subscription (1-90 characters; an AKS cluster name has at most 63).
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources"""
    return f"{cluster}-rg-{short_hash(project, stack)}"


def _dns_prefix(name: str) -> str:
    """AKS DNS prefix: 1-54 letters, digits and '-', starting and ending alphanumeric."""
    prefix = re.sub(r"[^A-Za-z0-9-]", "-", name)[:54].strip("-")
    return prefix or "aks"
