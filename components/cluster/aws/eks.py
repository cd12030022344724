"""`EksCluster`: an Amazon EKS cluster built from the neutral `ClusterArgs`.

The constructor only reads as the order things are built in; each step lives in a small module
(network.py, iam.py, nodes.py, addons.py). Security defaults and why:
- API endpoint private unless `endpoint.public`, and then only for `publicAccessCidrs`.
- Access entries (authentication mode API) instead of the aws-auth ConfigMap, which anyone
  with kube-system write access could edit to grant themselves admin.
- Secrets envelope-encrypted with a customer-managed KMS key that rotates yearly.
- All five control-plane log types, audit included, to a log group with a retention period
  (EKS would create one that never expires).
- IRSA for every pod that needs AWS (the VPC CNI and EBS CSI driver included), so nodes keep
  only the node policies; IMDSv2-only nodes (see nodes.py).
- Upgrade policy STANDARD: a cluster is not silently billed for extended support.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from ..args import ClusterArgs
from ..base import ClusterComponent
from ..handle import NodeAutoscalerSupport, WorkloadIdentity
from ..kubeconfig import kubeconfig_output
from ..tags import resource_tags
from . import addons as eks_addons
from . import iam as eks_iam
from . import network as eks_network
from . import nodes as eks_nodes
from .cloud import aws_exec
from .dns import EksDns
from .log_storage import EksLogStorage

CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
LOG_RETENTION_DAYS = {True: 365, False: 90}  # production: a year of audit history


class EksCluster(ClusterComponent):
    TYPE = "skyfleet:cluster:EksCluster"

    def build(self, args: ClusterArgs) -> None:
        n = args.name
        # Default tags reach every AWS resource of this cluster, including ones AWS creates
        # for us (ENIs, volumes) where the API propagates them.
        self.cloud_provider = aws.Provider(
            f"{n}-aws",
            region=args.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=resource_tags(args)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        network = eks_network.build_network(self)
        cluster_role, cluster_policies = eks_iam.service_role(
            self, f"{n}-cluster", "eks.amazonaws.com", eks_iam.CLUSTER_POLICIES
        )
        node_role, node_policies = eks_iam.service_role(
            self, f"{n}-nodes", "ec2.amazonaws.com", eks_iam.NODE_POLICIES
        )
        cluster = self._cluster(network, cluster_role, cluster_policies)
        issuer = cluster.identities.apply(_issuer)
        oidc = eks_iam.oidc_provider(self, issuer)
        irsa = eks_iam.EksIdentity(self, oidc.arn, issuer)
        early = eks_addons.network_addons(self, cluster, irsa)
        pools = eks_nodes.node_groups(
            self,
            cluster,
            node_role,
            network.private_subnet_ids,
            depends_on=[*early, *node_policies, *network.ready],
        )
        late = eks_addons.workload_addons(self, cluster, irsa, pools)
        admins = eks_iam.admin_access(self, cluster)
        api_access = eks_network.api_access_rules(self, cluster)
        autoscaler = eks_iam.autoscaler_role(self, irsa)

        kubeconfig = kubeconfig_output(
            name=n,
            server=cluster.endpoint,
            certificate_authority_data=cluster.certificate_authority.data,
            credential=aws_exec(n, args.region),
        )
        provider = self.kubernetes_provider(kubeconfig=kubeconfig, cluster_identifier=cluster.arn)
        storage = eks_addons.default_storage_class(self, provider, late.ebs_csi)
        self.cluster = cluster
        workload = WorkloadIdentity(irsa, EksLogStorage(self, irsa), EksDns(irsa)) if args.workload_identity else None
        self.finish(
            provider=provider, kubeconfig=kubeconfig, endpoint=cluster.endpoint, oidc_issuer_url=issuer,
            workload=workload,
            # Only volume users wait for the EBS CSI driver and its StorageClass.
            # The add-ons go through the API: a deployer admitted by a rule waits for it.
            ready=[*pools, *early, late.coredns, *admins, *api_access],
            storage_ready=[late.ebs_csi, storage],
            node_autoscaler=NodeAutoscalerSupport(
                cluster_name=cluster.name,
                namespace=eks_iam.AUTOSCALER_NAMESPACE,
                service_account=eks_iam.AUTOSCALER_SERVICE_ACCOUNT,
                service_account_annotations={eks_iam.ROLE_ARN_ANNOTATION: autoscaler.arn},
                chart_values={"awsRegion": args.region},
            ),
        )

    def _cluster(
        self,
        network: eks_network.EksNetwork,
        role: aws.iam.Role,
        role_policies: list[aws.iam.RolePolicyAttachment],
    ) -> aws.eks.Cluster:
        args = self.args
        depends_on: list[pulumi.Resource] = [*role_policies, *network.ready]
        encryption = None
        if args.secrets_encryption:
            key = aws.kms.Key(
                f"{args.name}-secrets",
                description=f"Envelope encryption of Kubernetes Secrets in EKS cluster {args.name}",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                opts=self.child(protect=True),
            )
            encryption = aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=key.arn),
                resources=["secrets"],
            )
        if args.audit_logs:
            depends_on.append(
                aws.cloudwatch.LogGroup(
                    f"{args.name}-control-plane",
                    name=f"/aws/eks/{args.name}/cluster",  # the group EKS writes to
                    retention_in_days=LOG_RETENTION_DAYS[args.production],
                    opts=self.child(),
                )
            )
        public = args.endpoint.public
        # Empty means EKS's default, 0.0.0.0/0 (validation refuses that in production).
        cidrs = list(args.endpoint.public_access_cidrs) if public else []
        return aws.eks.Cluster(
            args.name,
            name=args.name,
            role_arn=role.arn,
            version=args.version,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=network.private_subnet_ids,
                endpoint_private_access=True,
                endpoint_public_access=public,
                public_access_cidrs=cidrs or None,
            ),
            kubernetes_network_config=aws.eks.ClusterKubernetesNetworkConfigArgs(
                service_ipv4_cidr=args.network.services_cidr
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                # No hidden admin: the creator's implicit entry cannot be removed from code (and
                # changing this flag replaces the cluster), so every admin, the deployer
                # included, is an explicit access entry from `admins` (as terraform-aws-eks
                # v20 does: enable_cluster_creator_admin_permissions = false).
                # https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            encryption_config=encryption,
            enabled_cluster_log_types=CONTROL_PLANE_LOGS if args.audit_logs else None,
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type="STANDARD"),
            deletion_protection=args.protected,
            opts=self.child(protect=True, depends_on=depends_on),
        )


def _issuer(identities: Sequence[aws.eks.outputs.ClusterIdentity]) -> str:
    """The cluster's OIDC issuer URL (https://oidc.eks.<region>.amazonaws.com/id/<id>)."""
    oidcs = identities[0].oidcs or [] if identities else []
    return (oidcs[0].issuer or "") if oidcs else ""
