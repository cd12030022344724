"""IAM for EKS: the cluster and node roles, IRSA roles, cluster admins, the autoscaler's policy.

Pods get AWS credentials through IRSA: an IAM role trusting the cluster's OIDC provider for
exactly one `system:serviceaccount:<namespace>:<name>`. One function builds every such role
(the identity binder's, the VPC CNI's, the EBS CSI driver's and cluster-autoscaler's).
https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.names import name_fragment

from ..base import ClusterComponent
from ..handle import IdentityBinding, IdentityRequest
from .cloud import AUTOSCALER_NAMESPACE, ROLE_ARN_ANNOTATION, aws_partition

STS_AUDIENCE = "sts.amazonaws.com"
CLUSTER_POLICIES = ("AmazonEKSClusterPolicy",)
# The VPC CNI's permissions go to its own IRSA role, not the nodes: pods never inherit them.
# Pull-only ECR access is the narrowest policy that lets nodes pull images.
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler"
# Role names have at most 64 characters; the provider appends a 26-character unique id to a
# `name_prefix` (terraform-provider-aws aws_iam_role: name_prefix at most 64 - 26 = 38).
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
ROLE_NAME_PREFIX_MAX = 38


def role_name_prefix(name: str) -> str:
    """A `name_prefix` for the role named `name` in Pulumi that fits any EKS cluster name (up to
    100 characters, which Pulumi's auto-name `<name>-<7 random>` would push past 64)."""
    return f"{name_fragment(name, ROLE_NAME_PREFIX_MAX - 1)}-"


def managed_policy_arn(region: str, policy: str) -> str:
    """`policy` if it is an ARN, else the ARN of the AWS-managed policy of that name."""
    if policy.startswith("arn:"):
        return policy
    return f"arn:{aws_partition(region)}:iam::aws:policy/{policy}"


def service_trust_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                }
            ],
        }
    )


def irsa_trust_policy(oidc_provider_arn: str, issuer_url: str, namespace: str, sa: str) -> str:
    """Trust for one ServiceAccount only: both `sub` and `aud` are pinned, so neither another
    ServiceAccount nor a token minted for another audience can assume the role."""
    host = issuer_url.removeprefix("https://")
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": oidc_provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{host}:sub": f"system:serviceaccount:{namespace}:{sa}",
                            f"{host}:aud": STS_AUDIENCE,
                        }
                    },
                }
            ],
        }
    )


def service_role(
    c: ClusterComponent, name: str, service: str, policies: Sequence[str]
) -> tuple[aws.iam.Role, list[aws.iam.RolePolicyAttachment]]:
    role = aws.iam.Role(
        name, name_prefix=role_name_prefix(name), assume_role_policy=service_trust_policy(service),
        opts=c.child(),
    )
    return role, attach_policies(c, name, role, policies, parent=c)


def attach_policies(
    c: ClusterComponent,
    name: str,
    role: aws.iam.Role,
    policies: Sequence[pulumi.Input[str]],
    *,
    parent: pulumi.Resource,
) -> list[aws.iam.RolePolicyAttachment]:
    """One attachment per policy, named after the policy (reordering renames nothing)."""
    attachments = []
    for i, policy in enumerate(policies):
        arn = managed_policy_arn(c.args.region, policy) if isinstance(policy, str) else policy
        label = _label(policy) if isinstance(policy, str) else f"policy-{i}"
        attachments.append(
            aws.iam.RolePolicyAttachment(
                f"{name}-{label}",
                role=role.name,
                policy_arn=arn,
                opts=pulumi.ResourceOptions(parent=parent, provider=c.cloud_provider),
            )
        )
    return attachments


def _label(policy: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", policy.rsplit("/", 1)[-1]).lower()


@dataclass
class EksIdentity:
    """The cluster's IRSA factory; also the `IdentityBinder` the handle exposes."""

    component: ClusterComponent
    oidc_provider_arn: pulumi.Output[str]
    issuer_url: pulumi.Output[str]

    def role(
        self,
        name: str,
        *,
        namespace: str,
        service_account: str,
        policies: Sequence[pulumi.Input[str]],
        parent: pulumi.Resource,
    ) -> aws.iam.Role:
        trust = pulumi.Output.all(self.oidc_provider_arn, self.issuer_url).apply(
            lambda v: irsa_trust_policy(v[0], v[1], namespace, service_account)
        )
        role = aws.iam.Role(
            name,
            name_prefix=role_name_prefix(name),
            assume_role_policy=trust,
            opts=pulumi.ResourceOptions(parent=parent, provider=self.component.cloud_provider),
        )
        attach_policies(self.component, name, role, policies, parent=parent)
        return role

    def bind(self, request: IdentityRequest) -> IdentityBinding:
        """`roles` are IAM policy ARNs, or names of AWS-managed policies."""
        role = self.role(
            request.name,
            namespace=request.namespace,
            service_account=request.service_account,
            policies=request.roles,
            parent=request.parent,
        )
        return IdentityBinding(service_account_annotations={ROLE_ARN_ANNOTATION: role.arn})


def oidc_provider(c: ClusterComponent, issuer_url: pulumi.Output[str]) -> aws.iam.OpenIdConnectProvider:
    # No thumbprint: IAM verifies EKS issuers against its own trusted CAs and ignores one.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html
    return aws.iam.OpenIdConnectProvider(
        f"{c.args.name}-oidc",
        url=issuer_url,
        client_id_lists=[STS_AUDIENCE],
        opts=c.child(),
    )


def autoscaler_policy_document(cluster_name: str, region: str) -> str:
    """cluster-autoscaler may read everywhere but resize only this cluster's node groups: EKS
    tags each managed node group's Auto Scaling group k8s.io/cluster-autoscaler/<cluster>=owned.
    https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md
    """
    partition = aws_partition(region)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Discover",
                    "Effect": "Allow",
                    "Action": [
                        "autoscaling:DescribeAutoScalingGroups",
                        "autoscaling:DescribeAutoScalingInstances",
                        "autoscaling:DescribeLaunchConfigurations",
                        "autoscaling:DescribeScalingActivities",
                        "autoscaling:DescribeTags",
                        "ec2:DescribeImages",
                        "ec2:DescribeInstanceTypes",
                        "ec2:DescribeLaunchTemplateVersions",
                        "ec2:GetInstanceTypesFromInstanceRequirements",
                    ],
                    "Resource": "*",
                },
                {
                    "Sid": "DescribeOwnNodeGroups",
                    "Effect": "Allow",
                    "Action": "eks:DescribeNodegroup",
                    "Resource": f"arn:{partition}:eks:{region}:*:nodegroup/{cluster_name}/*/*",
                },
                {
                    "Sid": "ResizeOwnNodeGroups",
                    "Effect": "Allow",
                    "Action": [
                        "autoscaling:SetDesiredCapacity",
                        "autoscaling:TerminateInstanceInAutoScalingGroup",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "owned"
                        }
                    },
                },
            ],
        }
    )


def autoscaler_role(c: ClusterComponent, identity: EksIdentity) -> aws.iam.Role:
    n = c.args.name
    policy = aws.iam.Policy(
        f"{n}-cluster-autoscaler",
        policy=autoscaler_policy_document(c.args.name, c.args.region),
        opts=c.child(),
    )
    return identity.role(
        f"{n}-cluster-autoscaler",
        namespace=AUTOSCALER_NAMESPACE,
        service_account=AUTOSCALER_SERVICE_ACCOUNT,
        policies=[policy.arn],
        parent=c,
    )


def admin_access(c: ClusterComponent, cluster: aws.eks.Cluster) -> list[pulumi.Resource]:
    """An access entry with cluster-admin for each principal in `admins` (authentication mode
    API: no aws-auth ConfigMap to hand-edit)."""
    policy = (
        f"arn:{aws_partition(c.args.region)}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}"
    )
    created: list[pulumi.Resource] = []
    for principal in c.args.admins:
        name = f"{c.args.name}-admin-{_label(principal)}"
        entry = aws.eks.AccessEntry(
            name, cluster_name=cluster.name, principal_arn=principal, opts=c.child()
        )
        created.append(
            aws.eks.AccessPolicyAssociation(
                name,
                cluster_name=cluster.name,
                principal_arn=entry.principal_arn,
                policy_arn=policy,
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                opts=c.child(),
            )
        )
    return created
