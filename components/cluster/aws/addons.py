"""EKS managed add-ons and the default gp3 StorageClass.

The networking add-ons (vpc-cni, kube-proxy) come before the nodes, so a node is Ready as soon
as it joins; CoreDNS and the EBS CSI driver need nodes to run on, so they come after.

Each add-on's version is the newest EKS offers for the cluster's minor, looked up on every
`pulumi up`: EKS never upgrades a managed add-on when the cluster is upgraded, so one left at its
create-time default would stay on the old minor's kube-proxy and CoreDNS (as terraform-aws-eks
does with data "aws_eks_addon_version" most_recent = true).
https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from ..base import ClusterComponent
from .cloud import CLOUD
from .iam import EksIdentity


def addon(
    c: ClusterComponent,
    cluster: aws.eks.Cluster,
    addon_name: str,
    *,
    role: aws.iam.Role | None = None,
    configuration: dict[str, str] | None = None,
    depends_on: Sequence[pulumi.Resource] = (),
) -> aws.eks.Addon:
    version = aws.eks.get_addon_version_output(
        addon_name=addon_name,
        kubernetes_version=cluster.version,
        most_recent=True,
        opts=c.invoke_options(),
    ).version
    return aws.eks.Addon(
        f"{c.args.name}-{addon_name}",
        cluster_name=cluster.name,
        addon_name=addon_name,
        addon_version=version,
        service_account_role_arn=role.arn if role is not None else None,
        configuration_values=json.dumps(configuration, sort_keys=True) if configuration else None,
        # The managed add-on takes over what EKS bootstrapped in kube-system.
        resolve_conflicts_on_create="OVERWRITE",
        resolve_conflicts_on_update="OVERWRITE",
        opts=c.child(depends_on=depends_on),
    )


def _system_role(
    c: ClusterComponent, identity: EksIdentity, suffix: str, service_account: str, policy: str
) -> aws.iam.Role:
    """The IRSA role of a managed add-on's ServiceAccount in kube-system: the add-on's
    permissions never reach the nodes' own role."""
    return identity.role(
        f"{c.args.name}-{suffix}",
        namespace="kube-system",
        service_account=service_account,
        policies=[policy],
        parent=c,
    )


def network_addons(
    c: ClusterComponent, cluster: aws.eks.Cluster, identity: EksIdentity
) -> list[aws.eks.Addon]:
    cni_role = _system_role(c, identity, "vpc-cni", "aws-node", "AmazonEKS_CNI_Policy")
    # NetworkPolicy is enforced on every cloud: GKE by Dataplane V2, AKS by Cilium, EKS by the
    # VPC CNI's own policy agent. https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
    cni = addon(c, cluster, "vpc-cni", role=cni_role, configuration={"enableNetworkPolicy": "true"})
    return [cni, addon(c, cluster, "kube-proxy")]


@dataclass(frozen=True)
class WorkloadAddons:
    """The managed add-ons that run on the nodes, by role: everything Kubernetes waits for
    CoreDNS, and only what claims volumes waits for the EBS CSI driver."""

    coredns: aws.eks.Addon
    ebs_csi: aws.eks.Addon


def workload_addons(
    c: ClusterComponent,
    cluster: aws.eks.Cluster,
    identity: EksIdentity,
    node_groups: Sequence[pulumi.Resource],
) -> WorkloadAddons:
    ebs_role = _system_role(
        c, identity, "ebs-csi", "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy"
    )
    return WorkloadAddons(
        coredns=addon(c, cluster, "coredns", depends_on=node_groups),
        ebs_csi=addon(c, cluster, "aws-ebs-csi-driver", role=ebs_role, depends_on=node_groups),
    )


def default_storage_class(
    c: ClusterComponent, provider: k8s.Provider, ebs_csi: pulumi.Resource
) -> k8s.storage.v1.StorageClass:
    """The class the platform profile names: encrypted gp3 (EKS >= 1.30 marks none default).
    https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-standard.html#kubernetes-1-30
    """
    name = CLOUD.profile.default_storage_class
    return k8s.storage.v1.StorageClass(
        f"{c.args.name}-{name}",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=name,
            annotations={"storageclass.kubernetes.io/is-default-class": "true"},
        ),
        provisioner="ebs.csi.aws.com",
        parameters={"type": "gp3", "encrypted": "true", "fsType": "ext4"},
        # Bind where the pod lands, so the volume is created in the pod's zone.
        volume_binding_mode="WaitForFirstConsumer",
        allow_volume_expansion=True,
        reclaim_policy="Delete",
        opts=pulumi.ResourceOptions(parent=c, provider=provider, depends_on=[ebs_csi]),
    )
