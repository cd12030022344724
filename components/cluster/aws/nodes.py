"""EKS managed node groups, one per pool, each with its own launch template.

The launch template exists for two defaults EKS does not set itself: IMDSv2 only with a hop limit
of 1, and an encrypted gp3 root volume. With one hop the metadata response never reaches a pod's
network namespace, so no pod can read the node role's credentials (pods get AWS credentials from
IRSA instead); 2 would let every pod on the node act as the node. The EKS best-practices guide and
terraform-aws-eks (modules/eks-managed-node-group, metadata_options) use 1.
https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from ..args import NodePoolArgs, node_labels, node_taints
from ..base import ClusterComponent
from .cloud import CLOUD, eks_ami_type

# One hop: the node itself, never a pod (see the module docstring).
IMDS_HOP_LIMIT = 1
# AL2023's root device.
ROOT_DEVICE = "/dev/xvda"
# pulumi-aws auto-names a node group `<resource name>-<7 random hex>` (provider/resources.go:
# `"node_group_name": tfbridge.AutoName("nodeGroupName", 255, "-")`).
AUTONAME_SUFFIX = r"-[0-9a-f]{7}"


def node_groups(
    c: ClusterComponent,
    cluster: aws.eks.Cluster,
    node_role: aws.iam.Role,
    subnet_ids: Sequence[pulumi.Input[str]],
    depends_on: Sequence[pulumi.Resource],
) -> list[aws.eks.NodeGroup]:
    live = aws.eks.get_node_groups_output(cluster_name=cluster.name, opts=c.invoke_options()).names
    return [
        _node_group(c, name, pool, cluster, node_role, subnet_ids, depends_on, live)
        for name, pool in c.args.node_pools.items()
    ]


def desired_size(live: Sequence[int], min_size: int, max_size: int) -> int:
    """The desired size to send: the pool's live size (the autoscaler's, the largest if a
    replacement left two groups), else `min_size` for a new pool, kept within the new bounds."""
    return min(max(max(live, default=min_size), min_size), max_size)


def is_group_of(resource_name: str, group_name: str) -> bool:
    """Whether `group_name` is the auto-name of the node group resource `resource_name`: the
    suffix is exactly 7 hex, so pool `general` never matches pool `general-2`'s groups."""
    return re.fullmatch(re.escape(resource_name) + AUTONAME_SUFFIX, group_name) is not None


def _live_desired_size(
    c: ClusterComponent, resource_name: str, cluster: aws.eks.Cluster,
    live_groups: pulumi.Output[Sequence[str]], pool: NodePoolArgs,
) -> pulumi.Output[int]:
    """`desiredSize` from the live node group, read on every `pulumi up`.

    Why not ignore it: with `ignoreChanges` Pulumi resends the size the group was created with,
    and EKS refuses a `minSize` above it ("Minimum capacity N can't be greater than desired size
    M", terraform-aws-eks#2030, #3683); terraform-aws-eks cannot parameterize ignore_changes and
    documents a manual step (#1879, docs/faq.md). Sending the config's size instead would scale
    the pool back on every deploy. So: the live size (DescribeNodegroup reports the size the
    cluster autoscaler set on the group's Auto Scaling group), clamped into [minSize, maxSize].
    The invoke depends on the cluster, so on a first create it runs once the cluster exists and
    finds no group (the pool starts at minSize). A size the autoscaler changes between this read
    and the update is overwritten once; the autoscaler corrects it on its next loop (~10 s).
    https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeNodegroup.html"""

    def read(args: list[Any]) -> pulumi.Output[int]:
        cluster_name, names = args
        sizes = [
            aws.eks.get_node_group_output(
                cluster_name=cluster_name, node_group_name=n, opts=c.invoke_options()
            ).scaling_configs.apply(lambda s: int(s[0].desired_size))
            for n in sorted(names or [])
            if is_group_of(resource_name, n)
        ]
        return pulumi.Output.all(*sizes).apply(
            lambda live: desired_size(live, pool.min_size, pool.max_size)
        )

    return pulumi.Output.all(cluster.name, live_groups).apply(read)


def _launch_template(c: ClusterComponent, name: str, pool: NodePoolArgs) -> aws.ec2.LaunchTemplate:
    return aws.ec2.LaunchTemplate(
        name,
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled",
            http_tokens="required",
            http_put_response_hop_limit=IMDS_HOP_LIMIT,
        ),
        block_device_mappings=[
            aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name=ROOT_DEVICE,
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=pool.disk_size_gb,
                    volume_type="gp3",
                    encrypted="true",
                    delete_on_termination="true",
                ),
            )
        ],
        update_default_version=True,
        opts=c.child(),
    )


def ami_release_version(
    c: ClusterComponent, version: pulumi.Input[str], machine: str
) -> pulumi.Output[str]:
    """The recommended EKS-optimized AL2023 release for the cluster's minor and the machine's
    architecture. https://docs.aws.amazon.com/eks/latest/userguide/retrieve-ami-id.html"""
    arch = "arm64" if eks_ami_type(machine) == "AL2023_ARM_64_STANDARD" else "x86_64"
    name = pulumi.Output.from_input(version).apply(
        lambda v: f"/aws/service/eks/optimized-ami/{v}/amazon-linux-2023/{arch}/standard/"
        "recommended/release_version"
    )
    return aws.ssm.get_parameter_output(name=name, opts=c.invoke_options()).value


def _node_group(
    c: ClusterComponent,
    pool_name: str,
    pool: NodePoolArgs,
    cluster: aws.eks.Cluster,
    node_role: aws.iam.Role,
    subnet_ids: Sequence[pulumi.Input[str]],
    depends_on: Sequence[pulumi.Resource],
    live_groups: pulumi.Output[Sequence[str]],
) -> aws.eks.NodeGroup:
    name = f"{c.args.name}-{pool_name}"
    machine = CLOUD.machine_type(pool.size, pool.machine_type)
    template = _launch_template(c, name, pool)
    return aws.eks.NodeGroup(
        name,
        cluster_name=cluster.name,
        node_role_arn=node_role.arn,
        subnet_ids=list(subnet_ids),
        version=cluster.version,  # nodes follow the control plane's minor on upgrade
        # The newest AMI release for that minor, read on every `pulumi up`: a scheduled deploy
        # rolls the nodes onto patched AMIs (EKS never does it by itself); terraform-aws-eks's
        # use_latest_ami_release_version reads the same SSM parameter.
        release_version=ami_release_version(c, cluster.version, machine),
        ami_type=eks_ami_type(machine),
        instance_types=[machine],
        capacity_type="SPOT" if pool.spot else "ON_DEMAND",
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(
            desired_size=_live_desired_size(c, name, cluster, live_groups, pool),
            min_size=pool.min_size,
            max_size=pool.max_size,
        ),
        labels=node_labels(pool_name, pool),
        taints=[
            aws.eks.NodeGroupTaintArgs(key=t.key, value=t.value or None, effect=t.effect_constant)
            for t in node_taints(pool)
        ],
        launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
            id=template.id, version=template.latest_version.apply(str)
        ),
        # Roll a third of the pool at a time on upgrades: faster than one by one, and two
        # thirds of the capacity keeps serving.
        update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable_percentage=33),
        opts=c.child(depends_on=depends_on),
    )
