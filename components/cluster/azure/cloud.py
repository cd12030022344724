"""Azure (AKS): every fact of the cloud that shared code asks for, in one `CLOUD`.

Names and limits, versions, machine sizes, regions and zones, the load balancer and storage
defaults above the cluster, the Entra Workload ID annotation and label, the exec plugin, and
the rules only AKS has. Pure data and checks: importing this module imports no cloud SDK.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING

from components.errors import Problems
from components.names import NameRule

from .. import planning
from ..cloud import CloudProfile, CloudSpec, DnsProvider, NumberedZones, SubnetIds, by_size, pattern_rule
from ..kubeconfig import ExecCredential
from . import dns_zones, roles

if TYPE_CHECKING:
    from ..args import ClusterArgs
    from ..planning import Network

# What Entra Workload ID's webhook reads on the ServiceAccount and on the pod.
# https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
USE_LABEL = MappingProxyType({"azure.workload.identity/use": "true"})
# The Entra ID application every AKS cluster's API server accepts tokens for (AKS-managed AAD).
# https://azure.github.io/kubelogin/concepts/aks.html
AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
# AKS keeps these ranges for itself; a service range inside one is refused.
# https://learn.microsoft.com/azure/aks/configure-azure-cni#plan-ip-addressing-for-your-cluster
AKS_RESERVED_RANGES = ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")

# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
AKS_CLUSTER_NAME = pattern_rule(r"[A-Za-z0-9]([A-Za-z0-9\-_]*[A-Za-z0-9])?", 63, "must be an AKS cluster name: "
                                "1-63 letters, digits, '-' or '_', starting and ending with a letter or digit")
# https://learn.microsoft.com/azure/aks/create-node-pools#limitations (Linux pools: <= 12)
AKS_POOL_NAME = pattern_rule(
    r"[a-z][a-z0-9]*", 12, "must be an AKS node pool name: 1-12 lowercase letters or digits, starting with a letter"
)
# https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
AZURE_TAG_KEY = NameRule(
    lambda s: 0 < len(s) <= 512 and re.search(r"[<>%&\\?/]", s) is None,
    "must be an Azure tag key: 1-512 characters without < > % & \\ ? /",
)
AZURE_TAG_VALUE = NameRule(
    lambda s: len(s) <= 256, "must be an Azure tag value: at most 256 characters"
)
# A resource group name: 1-90 alphanumerics (Unicode letters and digits too), '_', '-', '.', '(' or
# ')', not ending in '.'.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources
AZURE_RESOURCE_GROUP = NameRule(
    lambda s: re.fullmatch(r"[\w().-]{1,90}", s) is not None and not s.endswith("."),
    "must be an Azure resource group name: 1-90 letters, digits, '_', '-', '.', '(' or ')', "
    "not ending in '.'",
)
# Admins are Entra ID groups.
AZURE_OBJECT_ID = pattern_rule(
    r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", 36, "must be an Entra ID group object id (a GUID)"
)


def azure_key_vault_name(cluster: str, suffix: str) -> str:
    """A Key Vault name (3-24 alphanumerics and '-', globally unique): kv-<cluster>-<suffix>.

    `suffix` is random per stack (vault names stay reserved while soft-deleted).
    """
    base = re.sub(r"[^a-z0-9]", "", cluster.lower())[: 24 - 4 - len(suffix)]
    return f"kv-{base}-{suffix}" if base else f"kv-{suffix}"


def azure_storage_account_name(cluster: str, suffix: str) -> str:
    """A storage account name (3-24 lowercase letters and digits, globally unique): logs<cluster><suffix>.
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage
    """
    base = re.sub(r"[^a-z0-9]", "", cluster.lower())[: 24 - 4 - len(suffix)]
    return f"logs{base}{suffix}"


# kubelogin's login modes Skyfleet offers, the default first: a person's `az login`, or CI's
# federated token file. https://azure.github.io/kubelogin/concepts/login-modes.html
KUBECONFIG_LOGINS = ("azurecli", "workloadidentity")


def aks_exec(login: str | None = None) -> ExecCredential:
    """kubelogin with the cluster's `kubeconfigLogin`: "azurecli" (default) reuses a person's
    `az login`; "workloadidentity" exchanges the federated token in AZURE_FEDERATED_TOKEN_FILE
    (with AZURE_CLIENT_ID and AZURE_TENANT_ID) for an Entra token each time one is needed, so a
    CI deploy never depends on an Azure CLI session that expires mid-run (AADSTS700024,
    Azure/login#180). https://azure.github.io/kubelogin/concepts/login-modes/workloadidentity.html
    """
    login = login or KUBECONFIG_LOGINS[0]
    return ExecCredential(
        command="kubelogin",
        args=("get-token", "--login", login, "--server-id", AKS_AAD_SERVER_ID),
        install_hint="Install kubelogin: https://azure.github.io/kubelogin/install.html",
    )


class AzureCloud(CloudSpec):
    def private_endpoint_admits(self, args: ClusterArgs) -> tuple[list[str], str]:
        # The private endpoint resolves through the private DNS zone linked to the cluster's VNet;
        # a peered network reaches it once its VNet links that zone too.
        return ([args.network.vpc_cidr, *args.endpoint.private_access_cidrs],
                "the cluster's VNet (network.vpcCidr) and peered VNets linking its private DNS zone "
                "(endpoint.privateAccessCidrs)")

    def check_services(self, problems: Problems, cidr: str, services: Network) -> None:
        clash = [r for r in AKS_RESERVED_RANGES if services.overlaps(planning.Network(r))]
        problems.check(
            not clash, "servicesCidr", cidr, f"overlaps {', '.join(clash)}, which AKS reserves"
        )


# The Standard LB probes each exposed port over TCP: a connection to the port the traffic uses
# is what the controller actually serves there (Traefik answers /ping only on its own `traefik`
# entry point, which the Service does not expose, so an HTTP probe of /ping on 80/443 fails and
# takes every node out of the pool). The annotation applies to all ports of the Service:
# https://cloud-provider-azure.sigs.k8s.io/topics/loadbalancer/#custom-load-balancer-health-probe
HEALTH_PROBE_ANNOTATIONS = MappingProxyType(
    {"service.beta.kubernetes.io/azure-load-balancer-health-probe-protocol": "tcp"}
)


CLOUD = AzureCloud(
    name="azure", order=30, implementation=("components.cluster.azure.aks", "AksCluster"),
    # AKS runs metrics-server and scales node pools itself.
    profile=CloudProfile(
        cloud="azure", load_balancer_annotations=HEALTH_PROBE_ANNOTATIONS, load_balancer_address_field="ip",
        default_storage_class="managed-csi", ships_metrics_server=True, manages_node_autoscaling=True,
        identity_annotation=CLIENT_ID_ANNOTATION, identity_pod_labels=USE_LABEL,
        # Granted each zone only (azure/dns.py).
        dns=DnsProvider("azure", dns_zones.ZONE_FORM, dns_zones.zone_problem, dns_zones.zone_filter,
                        dns_zones.zones_problem),
        cluster_autoscaler_provider="azure",
    ),
    cluster_name=AKS_CLUSTER_NAME, pool_name=AKS_POOL_NAME,
    # Minors in standard support (checked 2026-02): https://learn.microsoft.com/azure/aks/supported-kubernetes-versions
    versions=("1.33", "1.34", "1.35"),
    machine_types=by_size("Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_D16s_v5"),
    # The longest region name today is 18 characters (germanywestcentral).
    region_pattern=re.compile(r"[a-z][a-z0-9]{1,29}"), region_example="westeurope",
    zones=NumberedZones(("1", "2", "3")),
    tag_rules=(AZURE_TAG_KEY, AZURE_TAG_VALUE), admin_rule=AZURE_OBJECT_ID,
    resource_group_rule=AZURE_RESOURCE_GROUP,
    kubeconfig_logins=KUBECONFIG_LOGINS,
    # AKS planned maintenance takes a window of at least 4 hours.
    # https://learn.microsoft.com/azure/aks/planned-maintenance#creating-a-maintenance-window
    maintenance_min_hours=4,
    role_rule=roles.role_problem,
    existing_subnets=SubnetIds.one_regional("azure", "/subscriptions/"),
    cluster_type="azure-native:containerservice:ManagedCluster",
    create_only=MappingProxyType({
        "azure-native:containerservice:ManagedCluster": ("resourceName", "resourceGroupName", "location",
                                                        "dnsPrefix", "networkProfile.networkPlugin"),
        "azure-native:containerservice:AgentPool": ("agentPoolName", "resourceName", "vmSize", "osType"),
        "azure-native:resources:ResourceGroup": ("resourceGroupName", "location"),
        "azure-native:network:VirtualNetwork": ("virtualNetworkName", "resourceGroupName", "location"),
    }),
    parity_allowances=(
        ("ServiceAccount", f"metadata.annotations[{CLIENT_ID_ANNOTATION}]",
         "AKS workload identity: each cluster federates to its own managed identity"),
        ("Deployment", f"spec.template.metadata.labels[{next(iter(USE_LABEL))}]",
         "AKS' workload identity webhook only injects credentials into pods with this label"),
    ),
    # https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions: Standard_<family>
    # <vCPUs><features>_<version> (Standard_D4s_v5); Basic_ sizes are the legacy tier.
    machine_type_rule=pattern_rule(r"(Standard|Basic)_[A-Za-z0-9]+(_[A-Za-z0-9]+)*", 64,
                                   "is not an Azure VM size such as Standard_D4s_v5"),
    access_role=roles.ACCESS_ROLE,
    # "Maximum nodes per node pool (Virtual Machine Scale Sets): 1,000" (AKS quotas).
    # https://learn.microsoft.com/azure/aks/quotas-skus-regions
    max_pool_nodes=1000, pool_label="AKS node pool",
)
