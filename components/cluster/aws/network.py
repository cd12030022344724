"""The EKS cluster's VPC: public and private subnets per zone, an internet gateway, NAT.

Nodes live in private subnets and reach the internet through NAT; public subnets hold only the
NAT gateways and internet-facing load balancers. Production gets one NAT gateway per zone, so a
zone outage never cuts the other zones' egress; dev shares one to save its hourly cost.
https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..base import ClusterComponent
from ..planning import plan_subnets

# The tags the AWS load balancer integrations use to find subnets for each scheme.
# https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html
PUBLIC_ELB_TAG = {"kubernetes.io/role/elb": "1"}
INTERNAL_ELB_TAG = {"kubernetes.io/role/internal-elb": "1"}


@dataclass
class EksNetwork:
    private_subnet_ids: list[pulumi.Input[str]]
    public_subnet_ids: list[pulumi.Input[str]] = field(default_factory=list)
    # What the cluster and node groups must wait for (routes to NAT) before nodes boot.
    ready: list[pulumi.Resource] = field(default_factory=list)


def build_network(c: ClusterComponent) -> EksNetwork:
    args = c.args
    if args.network.uses_existing:
        return EksNetwork(private_subnet_ids=list(args.network.existing_subnet_ids))
    n = args.name
    plan = plan_subnets(args.network.vpc_cidr, list(args.zones))
    vpc = aws.ec2.Vpc(
        f"{n}-vpc",
        cidr_block=plan.vpc_cidr,
        enable_dns_hostnames=True,  # EKS private endpoints and node registration need both
        enable_dns_support=True,
        tags={"Name": f"{n}-vpc"},
        opts=c.child(protect=True),
    )
    # The default security group allows all traffic between its members; nothing should use it
    # (CIS AWS 5.4), so it is taken over with no rules.
    aws.ec2.DefaultSecurityGroup(f"{n}-default-sg", vpc_id=vpc.id, opts=c.child())
    igw = aws.ec2.InternetGateway(
        f"{n}-igw", vpc_id=vpc.id, tags={"Name": f"{n}-igw"}, opts=c.child()
    )
    public_rt = _default_route_table(c, f"{n}-public", vpc, gateway_id=igw.id)
    public: dict[str, aws.ec2.Subnet] = {}
    private: dict[str, aws.ec2.Subnet] = {}
    # Every public subnet's route to the internet is `ready` too: the ingress controller's load
    # balancer lives in the public subnets, so nodes (and what runs on them) wait for those routes
    # on `pulumi up`, and `pulumi destroy` removes the load balancer before the subnets, their
    # routes and the internet gateway (otherwise their deletion fails on the LB's interfaces).
    ready: list[pulumi.Resource] = []
    for planned in plan.zones:
        zone = planned.zone
        public[zone] = _subnet(c, vpc, zone, planned.public, "public", PUBLIC_ELB_TAG)
        private[zone] = _subnet(c, vpc, zone, planned.private, "private", INTERNAL_ELB_TAG)
        ready.append(
            aws.ec2.RouteTableAssociation(
                f"{n}-public-{zone}",
                subnet_id=public[zone].id,
                route_table_id=public_rt.id,
                opts=c.child(),
            )
        )
    nat_zones = list(public) if args.production else list(public)[:1]
    nats = {zone: _nat_gateway(c, zone, public[zone], igw) for zone in nat_zones}
    for zone, subnet in private.items():
        nat = nats.get(zone, nats[nat_zones[0]])
        table = _default_route_table(c, f"{n}-private-{zone}", vpc, nat_gateway_id=nat.id)
        ready.append(
            aws.ec2.RouteTableAssociation(
                f"{n}-private-{zone}",
                subnet_id=subnet.id,
                route_table_id=table.id,
                opts=c.child(),
            )
        )
    return EksNetwork(
        private_subnet_ids=[s.id for s in private.values()],
        public_subnet_ids=[s.id for s in public.values()],
        ready=ready,
    )


def _subnet(
    c: ClusterComponent,
    vpc: aws.ec2.Vpc,
    zone: str,
    cidr: str,
    tier: str,
    elb_tag: dict[str, str],
) -> aws.ec2.Subnet:
    name = f"{c.args.name}-{tier}-{zone}"
    return aws.ec2.Subnet(
        name,
        vpc_id=vpc.id,
        availability_zone=zone,
        cidr_block=cidr,
        # Nothing launched in a public subnet gets a public IP unless it asks (NAT uses an EIP).
        map_public_ip_on_launch=False,
        tags={"Name": name, **elb_tag},
        opts=c.child(),
    )


def _nat_gateway(
    c: ClusterComponent, zone: str, subnet: aws.ec2.Subnet, igw: aws.ec2.InternetGateway
) -> aws.ec2.NatGateway:
    name = f"{c.args.name}-nat-{zone}"
    eip = aws.ec2.Eip(name, domain="vpc", tags={"Name": name}, opts=c.child())
    return aws.ec2.NatGateway(
        name,
        allocation_id=eip.id,
        subnet_id=subnet.id,
        tags={"Name": name},
        opts=c.child(depends_on=[igw]),
    )


def _default_route_table(
    c: ClusterComponent, name: str, vpc: aws.ec2.Vpc, **target: pulumi.Input[str]
) -> aws.ec2.RouteTable:
    """A route table whose only route sends 0.0.0.0/0 to `target` (an internet or NAT gateway)."""
    return aws.ec2.RouteTable(
        name,
        vpc_id=vpc.id,
        routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", **target)],
        tags={"Name": name},
        opts=c.child(),
    )


# The EKS cluster security group admits only its own members (control-plane ENIs, managed
# nodes); anything else in the VPC, a deploy runner included, needs a rule to reach the private
# endpoint. https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
API_PORT = 443


def api_access_rules(c: ClusterComponent, cluster: aws.eks.Cluster) -> list[aws.vpc.SecurityGroupIngressRule]:
    """One tcp/443 ingress rule on the cluster security group per `endpoint.privateAccessCidrs`
    range (named by position: the list is short and edited rarely)."""
    group = cluster.vpc_config.cluster_security_group_id
    return [
        aws.vpc.SecurityGroupIngressRule(
            f"{c.args.name}-api-{i}",
            security_group_id=group,
            cidr_ipv4=cidr,
            ip_protocol="tcp",
            from_port=API_PORT,
            to_port=API_PORT,
            description=f"Kubernetes API from {cidr} (endpoint.privateAccessCidrs)",
            opts=c.child(),
        )
        for i, cidr in enumerate(c.args.endpoint.private_access_cidrs)
    ]
