"""GCP (GKE): every fact of the cloud that shared code asks for, in one `CLOUD`.

Names and limits, versions, machine sizes, regions and zones, the load balancer and storage
defaults above the cluster, the Workload Identity annotation, the exec plugin, the project, and
the rules only GKE has. Pure data and checks: importing this module imports no cloud SDK.
"""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import pulumi

from components.errors import Problems
from components.names import DNS1035_LABEL_PATTERN, NameRule, matches, short_hash

from ..cloud import CloudProfile, CloudSpec, DnsProvider, LetterZones, SubnetIds, by_size, pattern_rule
from ..kubeconfig import ExecCredential
from . import dns_zones, roles

if TYPE_CHECKING:
    from ..args import ClusterArgs, NetworkArgs

# The ServiceAccount annotation GKE Workload Identity reads.
# https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
SERVICE_ACCOUNT_ANNOTATION = "iam.gke.io/gcp-service-account"

# https://cloud.google.com/kubernetes-engine/docs/how-to/creating-a-zonal-cluster (naming)
GKE_CLUSTER_NAME = pattern_rule(r"[a-z]([-a-z0-9]*[a-z0-9])?", 40, "must be a GKE cluster name: 1-40 lowercase "
                                "letters, digits or '-', starting with a letter and ending with a letter or digit")
# https://cloud.google.com/kubernetes-engine/docs/how-to/node-pools (name: RFC 1035, <= 40)
GKE_POOL_NAME = NameRule(
    matches(DNS1035_LABEL_PATTERN, 40),
    "must be a GKE node pool name: 1-40 lowercase letters, digits or '-', starting with a "
    "letter",
)
# https://cloud.google.com/resource-manager/docs/labels-overview#requirements
GCP_LABEL_KEY = pattern_rule(
    r"[a-z][a-z0-9_-]*", 63, "must be a GCP label key: 1-63 lowercase letters, digits, '_' or '-', starting with "
    "a letter"
)
GCP_LABEL_VALUE = NameRule(
    lambda s: len(s) <= 63 and re.fullmatch(r"[a-z0-9_-]*", s) is not None,
    "must be a GCP label value: at most 63 lowercase letters, digits, '_' or '-'",
)
# https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
GCP_PROJECT_ID = pattern_rule(r"[a-z][-a-z0-9]{4,28}[a-z0-9]", 30,
                              "must be a GCP project id: 6-30 lowercase letters, digits or '-', starting with a letter")
# Admin principals, as IAM names them.
GCP_IAM_MEMBER = pattern_rule(r"(user|group|serviceAccount|domain):[^\s]+", 512,
                              "must be an IAM member (user:, group:, serviceAccount: or domain:<value>)")


def gcp_service_account_id(cluster: str, purpose: str) -> str:
    """A service account id (6-30 chars, [a-z][-a-z0-9]*[a-z0-9]) unique to cluster + purpose.

    Readable when it fits, else truncated with a hash of the full name so two long names never
    collide.
    """
    base = re.sub(r"[^a-z0-9-]", "-", f"{cluster}-{purpose}".lower()).strip("-")
    if not base or not base[0].isalpha():
        base = f"sa-{base}".rstrip("-")
    if 6 <= len(base) <= 30:
        return base
    if len(base) < 6:
        return f"{base}-{short_hash(base, size=4)}"
    return f"{base[:23].rstrip('-')}-{short_hash(base)}"


def gke_exec() -> ExecCredential:
    return ExecCredential(
        command="gke-gcloud-auth-plugin",
        install_hint="Install gke-gcloud-auth-plugin: "
        "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl",
        provide_cluster_info=True,
    )


# MasterAuthorizedNetworksConfig.cidr_blocks: "up to 50 external networks that could access
# Kubernetes master through HTTPS" (GKE API v1, google.cloud.container_v1.types).
GKE_MAX_AUTHORIZED_NETWORKS = 50


def authorized_networks(args: ClusterArgs) -> list[str]:
    """The master authorized networks of a GKE cluster: a public endpoint admits only the listed
    CIDRs; a private one the VPC range (the nodes) and `endpoint.privateAccessCidrs`."""
    if args.endpoint.public:
        return list(args.endpoint.public_access_cidrs)
    return [args.network.vpc_cidr, *args.endpoint.private_access_cidrs]


class GcpCloud(CloudSpec):
    def private_endpoint_admits(self, args: ClusterArgs) -> tuple[list[str], str]:
        # Without global access only clients in the cluster's region reach the private endpoint.
        return (authorized_networks(args),
                "the master authorized networks: network.vpcCidr and endpoint.privateAccessCidrs; "
                "from the cluster's region")

    def endpoint_limit_problem(self, args: ClusterArgs) -> str | None:
        count = len(authorized_networks(args))
        if count <= GKE_MAX_AUTHORIZED_NETWORKS:
            return None
        return (f"{count} master authorized networks, more than GKE's {GKE_MAX_AUTHORIZED_NETWORKS}: "
                "GKE refuses the cluster; merge ranges into fewer CIDRs")

    def check_existing_network(self, problems: Problems, network: NetworkArgs) -> None:
        problems.check(
            bool(network.existing_network),
            "existingNetwork",
            network.existing_network,
            "is required with existingSubnetIds on gcp (the subnetwork's VPC network)",
        )

    def check_project(self, problems: Problems, project: str | None) -> None:
        if project is not None:
            GCP_PROJECT_ID.check(problems, "project", project)

    def resolve(self, problems: Problems, args: ClusterArgs) -> ClusterArgs:
        if args.project is not None:
            return args
        project = pulumi.Config("gcp").get("project")
        problems.check(
            bool(project),
            "project",
            None,
            "is required on gcp: set it here or set gcp:project in the stack config",
        )
        return replace(args, project=project)


CLOUD = GcpCloud(
    name="gcp", order=20, implementation=("components.cluster.gcp.gke", "GkeCluster"),
    # GKE's default for a LoadBalancer Service is an external passthrough Network LB (no
    # annotations), and GKE runs metrics-server and scales node pools itself.
    profile=CloudProfile(
        cloud="gcp", load_balancer_annotations=MappingProxyType({}), load_balancer_address_field="ip",
        default_storage_class="standard-rwo", ships_metrics_server=True, manages_node_autoscaling=True,
        identity_annotation=SERVICE_ACCOUNT_ANNOTATION, cluster_autoscaler_provider="gce",
        # Cloud DNS, which external-dns calls "google".
        dns=DnsProvider("google", dns_zones.ZONE_FORM, dns_zones.zone_problem, dns_zones.zone_filter,
                        dns_zones.zones_problem),
    ),
    cluster_name=GKE_CLUSTER_NAME, pool_name=GKE_POOL_NAME,
    # Minors in standard support (checked 2026-02): https://cloud.google.com/kubernetes-engine/docs/release-schedule
    versions=("1.32", "1.33", "1.34", "1.35"),
    machine_types=by_size("e2-standard-2", "e2-standard-4", "e2-standard-8", "e2-standard-16"),
    region_pattern=re.compile(r"[a-z]+-[a-z]+[1-9][0-9]*"), region_example="europe-west1",
    # Regions whose first three zones are not a, b, c.
    zones=LetterZones("-", MappingProxyType({"europe-west1": ("b", "c", "d"), "us-east1": ("b", "c", "d")})),
    tag_rules=(GCP_LABEL_KEY, GCP_LABEL_VALUE), admin_rule=GCP_IAM_MEMBER, takes_project=True,
    # GKE refuses a recurring window with under 48 hours in any 32 days: four weekly ones.
    # https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions
    maintenance_min_hours=12,
    role_rule=roles.role_problem,
    existing_subnets=SubnetIds.one_regional("gcp", "projects/"),
    cluster_type="gcp:container/cluster:Cluster",
    create_only=MappingProxyType({
        "gcp:container/cluster:Cluster": ("name", "location", "project", "network", "subnetwork",
                                          "ipAllocationPolicy", "privateClusterConfig.masterIpv4CidrBlock"),
        "gcp:container/nodePool:NodePool": ("name", "cluster", "location", "nodeConfig.machineType",
                                            "nodeConfig.diskSizeGb", "nodeConfig.spot"),
        "gcp:compute/network:Network": ("name", "project", "autoCreateSubnetworks"),
        "gcp:compute/subnetwork:Subnetwork": ("name", "network", "region"),
    }),
    parity_allowances=(
        ("ServiceAccount", f"metadata.annotations[{SERVICE_ACCOUNT_ANNOTATION}]",
         "GKE workload identity: each cluster federates to its own Google service account"),
    ),
    # https://cloud.google.com/compute/docs/machine-resource: series, type, vCPUs (e2-standard-4,
    # n2d-highmem-8, c3-standard-4-lssd, n2-custom-4-16384): lowercase, dashes, never a dot.
    machine_type_rule=pattern_rule(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", 63,
                                   "is not a Compute Engine machine type such as e2-standard-4 (series-type-vCPUs)"),
    access_role=roles.ACCESS_ROLE,
    # "Nodes per node pool zone: 1,000" (GKE quotas and limits).
    # https://cloud.google.com/kubernetes-engine/quotas
    max_pool_nodes=1000, pool_limit_per_zone=True, pool_label="GKE node pool (1000 per zone)",
)
