"""EKS stack policies: what only the dependency graph shows (subnets, add-ons, node roles).

Ids such as subnet ids are unknown until apply, so the resources a property was computed from
(`property_dependencies`) tell which subnet, cluster or role it refers to.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from ..define import ADVISORY, MANDATORY, Companion, Config, Findings, PolicyList, Resources, blame, of_type
from ..props import dig, strings

EKS_CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
SUBNET = "aws:ec2/subnet:Subnet"
ADDON = "aws:eks/addon:Addon"
ROLE = "aws:iam/role:Role"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

# EKS and the AWS load balancer controller treat subnets with this tag as public.
PUBLIC_ELB_TAG = "kubernetes.io/role/elb"
# AWS-managed policies that make a node (and so every pod that reaches its role) an admin.
BROAD_POLICIES = tuple(
    f"arn:aws:iam::aws:policy/{name}"
    for name in ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
)


POLICIES = PolicyList()


def _sources(resource: PolicyResource, prop: str, resource_type: str) -> list[PolicyResource]:
    """The resources of `resource_type` that `prop` was computed from (else: that it depends on)."""
    sources = resource.property_dependencies.get(prop) or resource.dependencies
    return [r for r in sources if r.resource_type == resource_type]


def _is_public(subnet: PolicyResource) -> bool:
    return (
        subnet.props.get("mapPublicIpOnLaunch") is True
        or dig(subnet.props, "tags", PUBLIC_ELB_TAG) is not None
    )


def _declared_subnet_ids(node_group: PolicyResource) -> int | None:
    try:
        ids = node_group.props.get("subnetIds")
    except UnknownValueError:
        return None  # the whole list is computed: count what the graph shows
    # len() only: reading an element that is unknown at preview would raise.
    return len(ids) if isinstance(ids, Sequence) and not isinstance(ids, str) else None


@POLICIES.stack("eks-nodes-private-subnets", MANDATORY)
def check_nodes_in_private_subnets(resources: Resources, config: Config) -> Findings:
    """EKS managed node groups run in private subnets."""
    for node_group in of_type(resources, NODE_GROUP):
        public = sorted(s.name for s in _sources(node_group, "subnetIds", SUBNET) if _is_public(s))
        if public:
            yield blame(
                node_group,
                f'node group "{node_group.name}" places nodes in public subnets: '
                f"{', '.join(public)}",
                "use the VPC's private subnets (no mapPublicIpOnLaunch) for subnetIds",
            )


@POLICIES.stack("eks-node-subnets-verifiable", ADVISORY)
def check_subnets_verifiable(resources: Resources, config: Config) -> Findings:
    """The subnets of EKS node groups are created in the stack, so they can be checked."""
    for node_group in of_type(resources, NODE_GROUP):
        found = len(_sources(node_group, "subnetIds", SUBNET))
        declared = _declared_subnet_ids(node_group)
        if found == 0 or (declared is not None and declared > found):
            yield blame(
                node_group,
                f'node group "{node_group.name}" uses subnets this stack does not create '
                "(looked up, passed in, or unknown at preview), so nothing shows that they "
                "are private",
                "create the subnets in the stack, or check them yourself and disable this "
                "advisory for the stack",
            )


def _enables_network_policy(addon: PolicyResource) -> bool:
    try:
        values = json.loads(str(addon.props.get("configurationValues") or "{}"))
    except (ValueError, UnknownValueError):
        return False
    return str(values.get("enableNetworkPolicy", "")).lower() == "true"


def _addon_of(addon: PolicyResource, cluster: PolicyResource) -> bool:
    if cluster in _sources(addon, "clusterName", EKS_CLUSTER):
        return True
    try:
        name = cluster.props.get("name")
        return name is not None and addon.props.get("clusterName") == name
    except UnknownValueError:
        return False


def _enforces_network_policy(addon: PolicyResource, cluster: PolicyResource) -> bool:
    return (
        addon.props.get("addonName") == "vpc-cni"
        and _addon_of(addon, cluster)
        and _enables_network_policy(addon)
    )


POLICIES.stack_rule("eks-network-policy", ADVISORY, Companion(
    "EKS clusters enforce NetworkPolicies (vpc-cni network policy agent).", EKS_CLUSTER, ADDON,
    _enforces_network_policy, 'EKS cluster "{name}" does not enforce NetworkPolicies',
    'add the vpc-cni Addon with configurationValues {"enableNetworkPolicy": '
    '"true"} (or run another enforcing CNI and disable this advisory)'))


@POLICIES.stack("eks-node-role-scoped", MANDATORY)
def check_node_role_scoped(resources: Resources, config: Config) -> Findings:
    """EKS node roles hold no administrator-level AWS policies."""
    attachments = of_type(resources, ROLE_POLICY_ATTACHMENT)
    for node_group in of_type(resources, NODE_GROUP):
        for role in _sources(node_group, "nodeRoleArn", ROLE):
            arns = strings(role.props.get("managedPolicyArns")) + [
                str(a.props.get("policyArn"))
                for a in attachments
                if role in _sources(a, "role", ROLE)
            ]
            broad = sorted(arn for arn in arns if arn in BROAD_POLICIES)
            if broad:
                yield blame(
                    node_group,
                    f'node group "{node_group.name}" runs with role "{role.name}", which '
                    f"holds {', '.join(a.rsplit('/', 1)[-1] for a in broad)}",
                    "give nodes only AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistry"
                    "PullOnly (and the CNI policy); grant workloads access through IRSA",
                )
