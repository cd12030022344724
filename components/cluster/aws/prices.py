"""AWS on-demand Linux list prices (USD) for what the AWS stacks create, per region.

Every row names where its figure was read and when. AWS's own EC2, VPC and ELB pricing pages
render their figures from JavaScript, so the stored copies of them hold no numbers; where the
figure was read from a third party quoting AWS's list price, the row says so in its note.
A figure that could not be read at all is `usd=None`: estimates print "unknown" for it.
Review the rows when AWS changes a price (their dates say how old each figure is).
"""

from __future__ import annotations

from components.cluster.pricing import Price, PriceTable, Source, unreadable

READ_ON = "2026-12-01"

EKS_PRICING = Source(
    "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/",
    READ_ON,
    "AWS Containers blog: standard support stays $0.10 per cluster per hour; extended support "
    "is $0.60 in total",
)
KMS_PRICING = Source(
    "https://aws.amazon.com/kms/pricing/",
    READ_ON,
    "each KMS key $1/month; each automatic rotation adds $1/month for the new backing key",
)
EBS_GP3 = Source(
    "https://github.com/aws/agent-toolkit-for-aws/blob/main/skills/core-skills/"
    "aws-billing-and-cost-management/references/ebs-optimization.md",
    READ_ON,
    "AWS's own toolkit reference: gp3 $0.08 vs gp2 $0.10 per GB-month in us-east-1 (early 2026)",
)
M7I_LARGE = Source(
    "https://www.doit.com/blog/aws-ec2-pricing",
    READ_ON,
    "third party quoting the list price: m7i.large in US East (N. Virginia) $0.1008/hour",
)
M7I_XLARGE = Source(
    "https://c3x.dev/blog/m5-vs-m6i-vs-m7i-cost-performance",
    READ_ON,
    "third party quoting the list price: m7i.xlarge in us-east-1 $0.2016/hour",
)
NAT_PRICING = Source(
    "https://cloudburn.io/blog/aws-nat-gateway-pricing",
    READ_ON,
    "third party quoting the VPC pricing page: $0.045 per NAT gateway hour and $0.005 per "
    "public IPv4 address hour in US East",
)
NLB_PRICING = Source(
    "https://clustercost.com/blog/network-load-balancer-pricing-2025",
    READ_ON,
    "third party quoting the ELB pricing page: NLB $0.0225 per hour in us-east-1",
)
CLOUDWATCH_LOGS = Source(
    "https://c3x.dev/blog/cloudwatch-logs-cost-optimization",
    READ_ON,
    "third party quoting the CloudWatch pricing page for us-east-1 (June 2026), Standard log "
    "class: ingestion $0.50 per GB, storage $0.03 per GB-month",
)
EC2_UNREAD = unreadable("https://aws.amazon.com/ec2/pricing/on-demand/", READ_ON)

US_EAST_1 = "us-east-1"

ROWS = (
    Price("eks-cluster", "standard", US_EAST_1, 0.10, "hour", EKS_PRICING),
    Price("eks-cluster", "extended", US_EAST_1, 0.60, "hour", EKS_PRICING),
    Price("ec2-instance", "m7i.large", US_EAST_1, 0.1008, "hour", M7I_LARGE),
    Price("ec2-instance", "m7i.xlarge", US_EAST_1, 0.2016, "hour", M7I_XLARGE),
    Price("ec2-instance", "m7i.2xlarge", US_EAST_1, None, "hour", EC2_UNREAD),
    Price("ec2-instance", "m7i.4xlarge", US_EAST_1, None, "hour", EC2_UNREAD),
    Price("ebs-volume", "gp3", US_EAST_1, 0.08, "GB-month", EBS_GP3),
    Price("ebs-volume", "gp2", US_EAST_1, 0.10, "GB-month", EBS_GP3),
    Price("nat-gateway", "-", US_EAST_1, 0.045, "hour", NAT_PRICING),
    Price("public-ipv4", "-", US_EAST_1, 0.005, "hour", NAT_PRICING),
    Price("elb-nlb", "-", US_EAST_1, 0.0225, "hour", NLB_PRICING),
    Price("kms-key", "customer-managed", US_EAST_1, 1.00, "month", KMS_PRICING),
    Price("cloudwatch-logs", "ingestion", US_EAST_1, 0.50, "GB", CLOUDWATCH_LOGS),
    Price("cloudwatch-logs", "storage", US_EAST_1, 0.03, "GB-month", CLOUDWATCH_LOGS),
)

PRICES = PriceTable("aws", ROWS)
