"""AWS (EKS): every fact of the cloud that shared code asks for, in one `CLOUD`.

Names and limits, versions, machine sizes, regions and zones, the load balancer and storage
defaults above the cluster, the IRSA annotation, the exec plugin, and the rules only EKS has.
Pure data and checks: importing this module imports no cloud SDK.
"""

from __future__ import annotations

import re
import unicodedata
from types import MappingProxyType
from typing import TYPE_CHECKING

from components.errors import Problems
from components.names import DNS1123_LABEL_PATTERN, NameRule, matches

from .. import planning
from ..cloud import CloudProfile, CloudSpec, DnsProvider, LetterZones, SubnetIds, by_size, pattern_rule
from ..kubeconfig import ExecCredential
from . import dns_zones, roles

if TYPE_CHECKING:
    from ..args import ClusterArgs
    from ..planning import Network

# The ServiceAccount annotation IRSA reads.
# https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
# cluster-autoscaler runs where its IAM role's trust policy points.
AUTOSCALER_NAMESPACE = "kube-system"

# EKS places its control-plane network interfaces in at least two zones.
# https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
EKS_MIN_ZONES = 2
# AWS VPCs are /16 to /28.
AWS_VPC_MIN_PREFIX = 16
# EKS takes a service range only inside the RFC 1918 blocks.
# https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html
EKS_SERVICE_BLOCKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")

# https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (name)
EKS_CLUSTER_NAME = pattern_rule(
    r"[0-9A-Za-z][A-Za-z0-9\-_]*", 100,
    "must be an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
)
# https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (nodegroupName)
EKS_POOL_NAME = NameRule(
    matches(DNS1123_LABEL_PATTERN, 63),
    "must be an EKS node group name: a DNS-1123 label of at most 63 characters",
)


# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
# Letters, digits and spaces in any script, and _ . : / = + - @ (the API's [\p{L}\p{Z}\p{N}_.:/=+\-@]*).
def _aws_tag_text(s: str) -> bool:
    return all(unicodedata.category(c)[0] in "LZN" or c in "_.:/=+-@" for c in s)


AWS_TAG_KEY = NameRule(
    lambda s: 0 < len(s) <= 128 and not s.lower().startswith("aws:") and _aws_tag_text(s),
    "must be an AWS tag key: 1-128 letters, digits, spaces or _ . : / = + - @, not starting "
    "with 'aws:'",
)
AWS_TAG_VALUE = NameRule(
    lambda s: len(s) <= 256 and _aws_tag_text(s),
    "must be an AWS tag value: at most 256 letters, digits, spaces or _ . : / = + - @",
)
# Admin principals: IAM roles or users.
AWS_IAM_PRINCIPAL_ARN = pattern_rule(
    r"arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+", 2048,
    "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)",
)


# https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html: family,
# generation, options, ".", size (m7i.xlarge, c7gn.16xlarge, u-6tb1.metal).
EC2_INSTANCE_TYPE = pattern_rule(
    r"[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9]+", 64,
    "is not an EC2 instance type such as m7i.xlarge (family, generation, '.', size)",
)
# What a workload's role gets attached: an IAM managed policy ARN (AWS-managed or the account's).
AWS_POLICY_ARN = pattern_rule(
    r"arn:aws[a-z-]*:iam::(aws|\d{12}):policy/[\w+=,.@/-]+", 2048,
    "must be an IAM policy ARN such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
)
# "Nodes per managed node group: 450" (Amazon EKS service quotas).
# https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html
EKS_MAX_NODES_PER_GROUP = 450


def aws_partition(region: str) -> str:
    """The ARN partition of an AWS region (policy ARNs differ in GovCloud and China)."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def eks_ami_type(machine: str) -> str:
    """AL2023 for the machine's architecture: Graviton families end in 'g' (m7g, c7gn, t4g)."""
    family = machine.split(".", 1)[0]
    arm = re.fullmatch(r"[a-z]+\d+g[a-z]*", family) is not None
    return "AL2023_ARM_64_STANDARD" if arm else "AL2023_x86_64_STANDARD"


def aws_exec(cluster_name: str, region: str) -> ExecCredential:
    return ExecCredential(
        command="aws",
        args=("eks", "get-token", "--cluster-name", cluster_name, "--region", region,
              "--output", "json"),
        install_hint="Install the AWS CLI v2: https://docs.aws.amazon.com/cli/",
    )


class AwsCloud(CloudSpec):
    def private_endpoint_admits(self, args: ClusterArgs) -> tuple[list[str], str]:
        # The cluster security group admits only its members (control plane, managed nodes):
        # the VPC range alone reaches nothing. components/cluster/aws/network.py api_access_rules.
        return (list(args.endpoint.private_access_cidrs),
                "endpoint.privateAccessCidrs: the only ranges the EKS cluster security group admits")

    def check_zones(self, problems: Problems, zones: list[str]) -> None:
        problems.check(len(zones) >= EKS_MIN_ZONES, "zones", zones, "EKS needs subnets in at least 2 zones")

    def check_vpc(self, problems: Problems, cidr: str, vpc: Network) -> None:
        problems.check(vpc.prefixlen >= AWS_VPC_MIN_PREFIX, "vpcCidr", cidr, "an AWS VPC is at most a /16")

    def check_services(self, problems: Problems, cidr: str, services: Network) -> None:
        inside = any(services.subnet_of(planning.Network(b)) for b in EKS_SERVICE_BLOCKS)
        rule = f"EKS takes a service range inside {', '.join(EKS_SERVICE_BLOCKS)}"
        problems.check(inside, "servicesCidr", cidr, rule)


# An NLB, not the legacy Classic LB the in-tree controller would create by default:
# https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html
NLB_ANNOTATIONS = MappingProxyType({
    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
    "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
})

CLOUD = AwsCloud(
    name="aws", order=10, implementation=("components.cluster.aws.eks", "EksCluster"),
    profile=CloudProfile(
        cloud="aws", load_balancer_annotations=NLB_ANNOTATIONS, load_balancer_address_field="hostname",
        # EKS >= 1.30 no longer marks gp2 as default; the EKS module creates this gp3 class.
        default_storage_class="gp3",
        # EKS runs neither metrics-server nor a node autoscaler: the platform installs both.
        ships_metrics_server=False, manages_node_autoscaling=False,
        node_autoscaler_namespace=AUTOSCALER_NAMESPACE, cluster_autoscaler_provider="aws",
        identity_annotation=ROLE_ARN_ANNOTATION,
        # Route53, which external-dns calls "aws".
        dns=DnsProvider("aws", dns_zones.ZONE_FORM, dns_zones.zone_problem, dns_zones.zone_filter),
    ),
    cluster_name=EKS_CLUSTER_NAME, pool_name=EKS_POOL_NAME,
    # Minors in standard support (checked 2026-02). A version outside the list is rejected
    # before anything is created instead of failing minutes into `pulumi up`.
    # https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
    versions=("1.32", "1.33", "1.34", "1.35"),
    # General purpose, 4 GiB per vCPU, current generation, x86 (see catalog.SIZES).
    machine_types=by_size("m7i.large", "m7i.xlarge", "m7i.2xlarge", "m7i.4xlarge"),
    region_pattern=re.compile(
        r"[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest"
        r"|southeast|southwest)-[1-9]"
    ),
    region_example="us-east-1",
    # Regions whose first three zones are not a, b, c.
    zones=LetterZones("", MappingProxyType(
        {"us-west-1": ("b", "c"), "ap-northeast-1": ("a", "c", "d"), "ca-central-1": ("a", "b", "d")}
    )),
    tag_rules=(AWS_TAG_KEY, AWS_TAG_VALUE), admin_rule=AWS_IAM_PRINCIPAL_ARN,
    role_rule=roles.role_problem,
    existing_subnets=SubnetIds(
        lambda n: n >= EKS_MIN_ZONES, "EKS needs private subnets in at least 2 zones",
        lambda s: s.startswith("subnet-"), "must be a subnet id (subnet-...)",
    ),
    cluster_type="aws:eks/cluster:Cluster",
    create_only=MappingProxyType({
        "aws:eks/cluster:Cluster": ("name", "roleArn", "vpcConfig.subnetIds", "kubernetesNetworkConfig",
                                    "outpostConfig", "bootstrapSelfManagedAddons"),
        "aws:eks/nodeGroup:NodeGroup": ("clusterName", "nodeGroupName", "subnetIds", "amiType",
                                        "capacityType", "diskSize", "instanceTypes", "nodeRoleArn"),
        "aws:ec2/vpc:Vpc": ("cidrBlock",),
        "aws:ec2/subnet:Subnet": ("vpcId", "cidrBlock", "availabilityZone"),
        "aws:kms/key:Key": ("customerMasterKeySpec", "keyUsage"),
    }),
    parity_allowances=(
        ("ServiceAccount", f"metadata.annotations[{ROLE_ARN_ANNOTATION}]",
         "EKS workload identity: each cluster federates to its own IAM role"),
    ),
    machine_type_rule=EC2_INSTANCE_TYPE, access_role=AWS_POLICY_ARN,
    max_pool_nodes=EKS_MAX_NODES_PER_GROUP, pool_label="EKS managed node group",
)
