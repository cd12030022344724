"""Stack policies: rules about how resources relate, which one resource cannot show."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pulumi_policy import PolicyResource

from policies.define import ADVISORY, MANDATORY, Config, stack_policy, violation
from policies.pods import DEPLOYMENT
from policies.props import Props, as_map, dig, number

PDB = "kubernetes:policy/v1:PodDisruptionBudget"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
SUBNET = "aws:ec2/subnet:Subnet"

# EKS and the AWS load balancer controller treat subnets with this tag as public.
PUBLIC_ELB_TAG = "kubernetes.io/role/elb"


def _namespace(props: Props) -> str:
    return str(dig(props, "metadata", "namespace") or "default")


def _selects(pdb: Props, pod_labels: Props) -> bool:
    """Whether the PDB's matchLabels (non-empty) are a subset of the pod labels."""
    wanted = as_map(dig(pdb, "spec", "selector", "matchLabels"))
    return bool(wanted) and all(pod_labels.get(key) == value for key, value in wanted.items())


def check_deployments_have_pdb(
    resources: Sequence[PolicyResource], config: Config
) -> Iterator[tuple[str, str]]:
    pdbs = [r.props for r in resources if r.resource_type == PDB]
    for deployment in (r for r in resources if r.resource_type == DEPLOYMENT):
        replicas = number(dig(deployment.props, "spec", "replicas"))
        if replicas is not None and replicas < 2:
            continue  # a PDB on a single replica would only block node drains
        namespace = _namespace(deployment.props)
        labels = as_map(dig(deployment.props, "spec", "template", "metadata", "labels"))
        if not any(_namespace(pdb) == namespace and _selects(pdb, labels) for pdb in pdbs):
            name = dig(deployment.props, "metadata", "name") or deployment.name
            yield (
                deployment.urn,
                violation(
                    f'Deployment "{name}" in namespace "{namespace}" has no PodDisruptionBudget, '
                    "so a node drain may evict all its pods at once",
                    "add a PodDisruptionBudget (e.g. maxUnavailable: 1) in its namespace whose "
                    "selector.matchLabels are a subset of the pod template labels",
                ),
            )


def _subnets_of(node_group: PolicyResource) -> list[PolicyResource]:
    # Subnet ids are unknown until apply, so resolve them through the dependency graph: the
    # resources `subnetIds` was computed from, else every subnet the node group depends on.
    sources = node_group.property_dependencies.get("subnetIds") or node_group.dependencies
    return [r for r in sources if r.resource_type == SUBNET]


def _is_public(subnet: PolicyResource) -> bool:
    return (
        subnet.props.get("mapPublicIpOnLaunch") is True
        or dig(subnet.props, "tags", PUBLIC_ELB_TAG) is not None
    )


def check_nodes_in_private_subnets(
    resources: Sequence[PolicyResource], config: Config
) -> Iterator[tuple[str, str]]:
    for node_group in (r for r in resources if r.resource_type == NODE_GROUP):
        public = sorted(s.name for s in _subnets_of(node_group) if _is_public(s))
        if public:
            yield (
                node_group.urn,
                violation(
                    f'node group "{node_group.name}" places nodes in public subnets: '
                    f"{', '.join(public)}",
                    "use the VPC's private subnets (no mapPublicIpOnLaunch) for subnetIds",
                ),
            )


POLICIES = [
    stack_policy(
        name="deployment-has-pdb",
        description="Every replicated Deployment is covered by a PodDisruptionBudget.",
        level=ADVISORY,
        check=check_deployments_have_pdb,
    ),
    stack_policy(
        name="eks-nodes-private-subnets",
        description="EKS managed node groups run in private subnets.",
        level=MANDATORY,
        check=check_nodes_in_private_subnets,
    ),
]
