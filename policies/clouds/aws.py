"""Policies for EKS clusters and the EC2 launch templates of their nodes (pulumi-aws v7).

Property names are the camelCase names the engine sends (the SDK's `@pulumi.getter(name=...)`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..define import ADVISORY, MANDATORY, Config, PolicyList, each_whole, flag_setting, list_setting, violation
from ..networks import ApiEndpoint
from ..props import Props, as_list, as_map, number, one_or_many, present, strings

EKS_CLUSTER = "aws:eks/cluster:Cluster"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EC2_INSTANCE = "aws:ec2/instance:Instance"



POLICIES = PolicyList()


POLICIES.rule("eks-endpoint-restricted", MANDATORY, each_whole(EKS_CLUSTER), ApiEndpoint(
    "The EKS API endpoint is private or limited to known CIDRs.", "vpcConfig", "publicAccessCidrs",
    # EKS turns the public endpoint on unless endpointPublicAccess is explicitly false.
    ("endpointPublicAccess", False), "the public API endpoint accepts 0.0.0.0/0 (EKS default)",
    "set vpcConfig.endpointPublicAccess: false (with endpointPrivateAccess: true), or "
    "list your admin and CI ranges in vpcConfig.publicAccessCidrs"))


@POLICIES.resource("eks-secrets-encryption", MANDATORY, each_whole(EKS_CLUSTER))
def check_secrets_encryption(cluster: Props, config: Config) -> Iterator[str]:
    """EKS envelope-encrypts Kubernetes Secrets with a KMS key."""
    encrypted = any(
        "secrets" in strings(block.get("resources")) and present(block, "provider", "keyArn")
        for block in one_or_many(cluster.get("encryptionConfig"))
    )
    if not encrypted:
        yield violation(
            "Kubernetes Secrets are not envelope-encrypted with a KMS key",
            'set encryptionConfig: {resources: ["secrets"], provider: {keyArn: <KMS key ARN>}}',
        )


@POLICIES.resource(
    "eks-control-plane-logging", ADVISORY, each_whole(EKS_CLUSTER),
    settings=[
        list_setting(
            "requiredLogTypes",
            ["api", "audit", "authenticator"],
            "Control-plane log types that must be enabled.",
        )
    ],
)
def check_control_plane_logging(cluster: Props, config: Config) -> Iterator[str]:
    """EKS ships API, audit and authenticator logs to CloudWatch."""
    enabled = set(strings(cluster.get("enabledClusterLogTypes")))
    missing = [kind for kind in config["requiredLogTypes"] if kind not in enabled]
    if missing:
        yield violation(
            f"control-plane log types not enabled: {', '.join(missing)}",
            f"add {', '.join(missing)} to enabledClusterLogTypes",
        )


@POLICIES.resource("ec2-imdsv2-required", MANDATORY, each_whole(LAUNCH_TEMPLATE, EC2_INSTANCE))
def check_imdsv2(template: Props, config: Config) -> Iterator[str]:
    """Nodes require IMDSv2 session tokens for instance metadata."""
    options = as_map(template.get("metadataOptions"))
    if options.get("httpEndpoint") == "disabled":
        return  # no metadata service at all
    if options.get("httpTokens") != "required":
        yield violation(
            "the instance metadata service accepts IMDSv1 requests, which an SSRF can use to "
            "steal the node role's credentials",
            'set metadataOptions.httpTokens: "required" (and httpPutResponseHopLimit: 1 unless '
            "pods need the node role)",
        )


@POLICIES.resource("ec2-imds-hop-limit", MANDATORY, each_whole(LAUNCH_TEMPLATE, EC2_INSTANCE))
def check_imds_hop_limit(template: Props, config: Config) -> Iterator[str]:
    """Node metadata is reachable from the node only (hop limit 1), not from pods."""
    options = as_map(template.get("metadataOptions"))
    if options.get("httpEndpoint") == "disabled":
        return
    # A hop limit of 2 lets a pod's packets reach IMDS through the node's network stack, so any
    # pod can read the node role's credentials. Unset is no safer: AL2023 and other AMIs
    # registered with ImdsSupport v2.0 default to 2. (EKS best practices, "Restrict access to
    # the instance profile assigned to the worker node"; terraform-aws-eks uses 1.)
    limit = number(options.get("httpPutResponseHopLimit"))
    if limit != 1:
        shown = "unset (2 on current EKS AMIs)" if limit is None else f"{limit:g}"
        yield violation(
            f"the instance metadata hop limit is {shown}, so pods can reach the node role's "
            "credentials",
            "set metadataOptions.httpPutResponseHopLimit: 1 (pods get AWS access through IRSA "
            "or EKS Pod Identity)",
        )


@POLICIES.resource("ec2-no-public-ip", MANDATORY, each_whole(LAUNCH_TEMPLATE, EC2_INSTANCE))
def check_no_public_ip(template: Props, config: Config) -> Iterator[str]:
    """Node launch templates and instances ask for no public IP address."""
    # Launch templates spell the flag as a string ("true"), instances as a bool.
    interfaces = [as_map(i) for i in as_list(template.get("networkInterfaces"))]
    flags = [template.get("associatePublicIpAddress")]
    flags += [interface.get("associatePublicIpAddress") for interface in interfaces]
    if any(flag is True or str(flag).lower() == "true" for flag in flags):
        yield violation(
            "nodes get a public IP address, whatever subnet they run in",
            "remove associatePublicIpAddress (egress through the VPC's NAT gateways)",
        )


@POLICIES.resource(
    "eks-standard-support", ADVISORY, each_whole(EKS_CLUSTER),
    settings=[
        flag_setting("allowExtendedSupport", False, "Allow clusters to stay on a version in extended support.")
    ],
)
def check_standard_support(cluster: Props, config: Config) -> Iterator[str]:
    """EKS clusters use the STANDARD upgrade policy, not paid extended support."""
    # EKS enrols clusters in EXTENDED support unless upgradePolicy says otherwise.
    support = as_map(cluster.get("upgradePolicy")).get("supportType") or "EXTENDED"
    if support == "EXTENDED" and not config["allowExtendedSupport"]:
        yield violation(
            "the cluster enters paid extended support instead of upgrading when standard "
            "support ends",
            'set upgradePolicy.supportType: "STANDARD" and keep the version current '
            "(or set allowExtendedSupport in the pack config)",
        )
