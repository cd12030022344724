"""The GKE cluster's network: a custom-mode VPC, one regional subnetwork with secondary ranges
for pods and Services (VPC-native), and Cloud NAT so private nodes can reach the internet.

GCP subnetworks are regional, so one subnetwork spans every zone; the node range is the whole
`vpcCidr`. Private nodes have no external IPs; Cloud NAT is their only way out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from ..base import ClusterComponent

PODS_RANGE = "pods"
SERVICES_RANGE = "services"


@dataclass
class GkeNetwork:
    network: pulumi.Input[str]
    subnetwork: pulumi.Input[str]
    # What the node pools wait for (the NAT their nodes pull images through).
    ready: list[pulumi.Resource] = field(default_factory=list)


def build_network(c: ClusterComponent) -> GkeNetwork:
    args = c.args
    if args.network.uses_existing:
        # The existing subnetwork must carry secondary ranges named "pods" and "services".
        return GkeNetwork(
            network=args.network.existing_network or "",
            subnetwork=args.network.existing_subnet_ids[0],
        )
    n = args.name
    network = gcp.compute.Network(
        f"{n}-vpc",
        auto_create_subnetworks=False,  # one subnet per region everywhere is not our plan
        routing_mode="REGIONAL",
        opts=c.child(protect=True),
    )
    subnetwork = gcp.compute.Subnetwork(
        f"{n}-nodes",
        network=network.id,
        region=args.region,
        ip_cidr_range=args.network.vpc_cidr,
        # Private nodes reach Google APIs (Artifact Registry, logging) without NAT.
        private_ip_google_access=True,
        secondary_ip_ranges=[
            gcp.compute.SubnetworkSecondaryIpRangeArgs(
                range_name=PODS_RANGE, ip_cidr_range=args.network.pods_cidr
            ),
            gcp.compute.SubnetworkSecondaryIpRangeArgs(
                range_name=SERVICES_RANGE, ip_cidr_range=args.network.services_cidr
            ),
        ],
        opts=c.child(protect=True),
    )
    router = gcp.compute.Router(
        f"{n}-router", network=network.id, region=args.region, opts=c.child()
    )
    nat = gcp.compute.RouterNat(
        f"{n}-nat",
        router=router.name,
        region=args.region,
        nat_ip_allocate_option="AUTO_ONLY",
        source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
        log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
        opts=c.child(),
    )
    return GkeNetwork(network=network.id, subnetwork=subnetwork.id, ready=[nat])
