"""What EKS, IAM, KMS, EC2 and CloudWatch Logs refuse at create (or update) time, offline.

Each rule names its source; tests/preview/rule_cases_aws.py gives each a failing input.
Not checkable offline (docs/safety.md): service quotas, instance capacity in a zone, whether an
IAM principal in `admins` exists, AMI availability in the region.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..cloud_rules import Plan, Resource, outside, refuses, refuses_change, refuses_outside

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ARN = r"arn:aws(-[a-z]+)*"


# EKS CreateCluster `name`: 1-100, pattern ^[0-9A-Za-z][A-Za-z0-9\-_]*
# https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html#API_CreateCluster_RequestSyntax
@refuses("aws-eks-cluster-name", CLUSTER,
         source="EKS API CreateCluster: name")
def _cluster_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.state.get("name", ""))
    if not re.fullmatch(r"[0-9A-Za-z][A-Za-z0-9\-_]{0,99}", name):
        yield f"cluster name {name!r} must be 1-100 letters, digits, '-' or '_', starting alphanumeric"


# "You must specify at least two subnets in different Availability Zones."
# https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#network-requirements-subnets
@refuses("aws-eks-subnets-in-two-zones", CLUSTER,
         source="EKS user guide: VPC and subnet requirements")
def _two_zones(res: Resource, plan: Plan) -> Iterator[str]:
    subnets = [plan.by_id(s) for s in res.get("vpcConfig.subnetIds", [])]
    known = [s for s in subnets if s is not None]
    if len(known) != len(subnets):
        return  # existing subnets: their zones are not known offline
    zones = {s.get("availabilityZone") for s in known}
    if len(zones) < 2:
        yield f"the cluster's subnets span {len(zones)} Availability Zone(s); EKS needs two"


# The KMS key for envelope encryption must be symmetric and in the cluster's Region, and exist
# before the cluster (EKS calls kms:DescribeKey and CreateGrant during CreateCluster).
# https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html
@refuses("aws-eks-secrets-key", CLUSTER,
         source="EKS user guide: encrypt Kubernetes secrets with KMS")
def _secrets_key(res: Resource, plan: Plan) -> Iterator[str]:
    config = res.get("encryptionConfig")
    if config:
        arn = str(config.get("provider", {}).get("keyArn", ""))
        match = re.fullmatch(rf"{ARN}:kms:([a-z0-9-]+):\d{{12}}:(key|alias)/.+", arn)
        region = res.state.get("arn", "").split(":")[3] if res.state.get("arn") else ""
        if match is None:
            yield f"encryptionConfig keyArn {arn!r} is not a KMS key ARN"
        elif region and match.group(2) != region:
            yield f"the KMS key is in {match.group(2)}, the cluster in {region}: EKS needs one Region"
        for key in plan.of_type("aws:kms/key:Key"):
            if key.state.get("arn") == arn:
                if key.get("keyUsage", "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT" or \
                        key.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
                    yield "the secrets key must be a symmetric ENCRYPT_DECRYPT key"
                if not plan.waits_for(res.urn, key.urn):
                    yield "the cluster does not wait for its KMS key"


# NodegroupScalingConfig: minSize >= 0, maxSize >= 1, desiredSize >= 0; and the service refuses
# "Minimum capacity N can't be greater than desired size M" (terraform-aws-eks#2030).
# https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html
@refuses("aws-eks-nodegroup-scaling", NODE_GROUP,
         source="EKS API NodegroupScalingConfig; terraform-aws-eks#2030")
def _scaling(res: Resource, plan: Plan) -> Iterator[str]:
    yield from _scaling_problems(res.get("scalingConfig", {}))


def _scaling_problems(scaling: dict[str, int], desired: int | None = None) -> Iterator[str]:
    lo, hi = int(scaling.get("minSize", 0)), int(scaling.get("maxSize", 0))
    want = int(scaling.get("desiredSize", 0)) if desired is None else desired
    if lo < 0 or hi < 1:
        yield f"minSize {lo} must be >= 0 and maxSize {hi} >= 1"
    if want < lo:
        yield f"Minimum capacity {lo} can't be greater than desired size {want}"
    if want > hi:
        yield f"Desired capacity {want} can't be greater than max size {hi}"


# With ignoreChanges on scalingConfig.desiredSize, an update sends the desired size from the
# old inputs (Pulumi keeps the ignored value), so raising minSize above it is refused.
# https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/ ; terraform-aws-eks#2030
@refuses_change("aws-eks-nodegroup-resent-desired-size", NODE_GROUP,
                source="Pulumi ignoreChanges keeps the old input; terraform-aws-eks#2030")
def _resent_desired(old: Resource, new: Resource, before: Plan, after: Plan) -> Iterator[str]:
    if "scalingConfig.desiredSize" not in new.options.get("ignoreChanges", []):
        return
    sent = old.get("scalingConfig.desiredSize")
    if sent is not None and new.get("scalingConfig") != old.get("scalingConfig"):
        yield from _scaling_problems(new.get("scalingConfig", {}), int(sent))


# "You can't specify disk size ... in the node group when you use a launch template": set it in
# the template's block device mapping instead.
# https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html
@refuses("aws-eks-nodegroup-launch-template-disk", NODE_GROUP,
         source="EKS user guide: managed node group launch templates")
def _lt_disk(res: Resource, plan: Plan) -> Iterator[str]:
    if res.get("launchTemplate") and res.get("diskSize") is not None:
        yield "diskSize cannot be set on a node group that uses a launch template"


# Access entries take an IAM role or user ARN; an STS assumed-role session ARN is refused.
# https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
@refuses("aws-eks-access-entry-principal", "aws:eks/accessEntry:AccessEntry",
         "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
         source="EKS user guide: create access entries (principalArn)")
def _principal(res: Resource, plan: Plan) -> Iterator[str]:
    yield from _arn(res, "principalArn", rf"{ARN}:iam::\d{{12}}:(role|user)/[\w+=,.@/-]+",
                    "an IAM role or user ARN (not an sts assumed-role ARN)")


def _arn(res: Resource, key: str, pattern: str, what: str) -> Iterator[str]:
    """Why the ARN input `key` is not `what` (matched by `pattern`), if it is not."""
    arn = str(res.get(key, ""))
    if not re.fullmatch(pattern, arn):
        yield f"{key} {arn!r} must be {what}"


# Access policies are AWS-owned: arn:aws:eks::aws:cluster-access-policy/<name>.
# https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
@refuses("aws-eks-access-policy-arn", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
         source="EKS user guide: access policy permissions")
def _access_policy(res: Resource, plan: Plan) -> Iterator[str]:
    yield from _arn(res, "policyArn", rf"{ARN}:eks::aws:cluster-access-policy/[A-Za-z0-9]+",
                    "an EKS cluster access policy ARN")


# AssociateAccessPolicy fails with ResourceNotFoundException unless the principal's access
# entry exists. https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateAccessPolicy.html
@refuses("aws-eks-access-entry-first", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
         source="EKS API AssociateAccessPolicy")
def _entry_first(res: Resource, plan: Plan) -> Iterator[str]:
    entries = [e for e in plan.of_type("aws:eks/accessEntry:AccessEntry")
               if e.get("principalArn") == res.get("principalArn")]
    if not any(plan.waits_for(res.urn, e.urn) for e in entries):
        yield f"no access entry for {res.get('principalArn')} is created before the association"


# Role names: 1-64 of [\w+=,.@-] (Pulumi appends 8 characters to an auto-name).
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
@refuses("aws-iam-role-name", "aws:iam/role:Role", source="IAM API CreateRole: RoleName")
def _role_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.state.get("name", ""))
    if not re.fullmatch(r"[\w+=,.@-]{1,64}", name):
        yield f"role name {name!r} must be 1-64 characters of letters, digits and +=,.@_-"


# https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html (PolicyArn)
@refuses("aws-iam-policy-arn", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
         source="IAM API AttachRolePolicy: PolicyArn")
def _policy_arn(res: Resource, plan: Plan) -> Iterator[str]:
    yield from _arn(res, "policyArn", rf"{ARN}:iam::(aws|\d{{12}}):policy/[\w+=,.@/-]+",
                    "an IAM policy ARN")


# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)


@refuses("aws-logs-retention", "aws:cloudwatch/logGroup:LogGroup",
         source="CloudWatch Logs API PutRetentionPolicy: retentionInDays")
def _retention(res: Resource, plan: Plan) -> Iterator[str]:
    days = res.get("retentionInDays")
    if days is not None and int(days) not in LOG_RETENTION_DAYS:
        yield f"retentionInDays {days} is not one CloudWatch Logs offers"


# https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
refuses_outside("aws-kms-deletion-window", "aws:kms/key:Key", "deletionWindowInDays", 7, 30,
                source="KMS API ScheduleKeyDeletion: PendingWindowInDays 7-30")


# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LaunchTemplateInstanceMetadataOptionsRequest.html
@refuses("aws-ec2-metadata-options", "aws:ec2/launchTemplate:LaunchTemplate",
         source="EC2 API LaunchTemplateInstanceMetadataOptionsRequest")
def _metadata(res: Resource, plan: Plan) -> Iterator[str]:
    options = res.get("metadataOptions", {}) or {}
    yield from outside("httpPutResponseHopLimit", options.get("httpPutResponseHopLimit"), 1, 64)
    if options.get("httpTokens", "required") not in ("optional", "required"):
        yield f"httpTokens {options.get('httpTokens')!r} must be optional or required"
    if options.get("httpEndpoint", "enabled") not in ("enabled", "disabled"):
        yield f"httpEndpoint {options.get('httpEndpoint')!r} must be enabled or disabled"


# A policy document IAM refuses with MalformedPolicyDocument: a Resource that is neither "*" nor
# an ARN (arn:partition:service:region:account:resource, six parts; Route53's hosted zones are
# arn:aws:route53:::hostedzone/<id>), an Action without its service prefix, an Effect other
# than Allow or Deny, a Version other than the two IAM knows.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
POLICIES = ("aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy")
_ACTION = re.compile(r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+")


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def _document(res: Resource) -> dict | None:
    try:
        document = json.loads(str(res.get("policy", "")))
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


@refuses("aws-iam-policy-document", *POLICIES,
         source="IAM JSON policy reference: Resource, Action, Effect, Version (MalformedPolicyDocument)")
def _policy_document(res: Resource, plan: Plan) -> Iterator[str]:
    document = _document(res)
    if document is None:
        yield "policy is not a JSON policy document (MalformedPolicyDocument)"
        return
    if document.get("Version", "2012-10-17") not in ("2012-10-17", "2008-10-17"):
        yield f"Version {document.get('Version')!r} must be 2012-10-17"
    for statement in _listed(document.get("Statement")):
        if not isinstance(statement, dict):
            yield f"Statement {statement!r} must be an object"
            continue
        if statement.get("Effect") not in ("Allow", "Deny"):
            yield f"Effect {statement.get('Effect')!r} must be Allow or Deny"
        for action in _listed(statement.get("Action", [])) + _listed(statement.get("NotAction", [])):
            if not _ACTION.fullmatch(str(action)):
                yield f"Action {action!r} must be prefaced by its service (route53:ListHostedZones)"
        for arn in _listed(statement.get("Resource", [])) + _listed(statement.get("NotResource", [])):
            if arn != "*" and not (str(arn).startswith("arn:") and str(arn).count(":") >= 5):
                yield f"Resource {arn!r} must be in ARN format or \"*\""


# "Managed policy size: 6,144 characters" (whitespace not counted): CreatePolicy fails with
# LimitExceeded, e.g. for a policy naming many hosted zones.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MANAGED_POLICY_MAX = 6144


@refuses("aws-iam-managed-policy-size", "aws:iam/policy:Policy",
         source="IAM quotas: managed policy size 6,144 characters (LimitExceeded)")
def _policy_size(res: Resource, plan: Plan) -> Iterator[str]:
    size = len(re.sub(r"\s", "", str(res.get("policy", ""))))
    if size > MANAGED_POLICY_MAX:
        yield f"policy is {size} characters without whitespace; a managed policy takes {MANAGED_POLICY_MAX}"
