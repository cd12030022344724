"""external-dns on EKS: an IRSA role whose policy names the configured hosted zones only."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..handle import DnsAccess, DnsRequest, IdentityBinding
from .cloud import ROLE_ARN_ANNOTATION, aws_partition
from .dns_zones import external_dns_policy
from .iam import EksIdentity


@dataclass
class EksDns:
    """The cluster's `DnsZones`: a customer-managed policy naming the zones, on its own role."""

    identity: EksIdentity

    def dns_access(self, request: DnsRequest) -> DnsAccess:
        c = self.identity.component
        policy = aws.iam.Policy(
            f"{request.name}-route53",
            description="external-dns: records of the configured hosted zones only",
            policy=external_dns_policy(request.zones, aws_partition(c.args.region)),
            opts=pulumi.ResourceOptions(parent=request.parent, provider=c.cloud_provider),
        )
        role = self.identity.role(
            request.name,
            namespace=request.namespace,
            service_account=request.service_account,
            policies=[policy.arn],
            parent=request.parent,
        )
        # The EKS pod identity webhook sets AWS_REGION and the token file: no flags needed.
        return DnsAccess(IdentityBinding(service_account_annotations={ROLE_ARN_ANNOTATION: role.arn}))
