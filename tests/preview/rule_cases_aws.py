"""Cases for skyfleet/preview/clouds/aws*_rules.py: each rule's failing input and its fix (test_cloud_rules.py)."""

from __future__ import annotations

import json

from rule_cases import Case, res, urn

CLUSTER, NG = "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"
SUBNET, KEY = "aws:ec2/subnet:Subnet", "aws:kms/key:Key"
ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOC = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/k"
ADMIN = "arn:aws:iam::123456789012:role/admin"
POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
SCALING = {"minSize": 1, "maxSize": 3, "desiredSize": 1}
IGNORED = {"ignoreChanges": ["scalingConfig.desiredSize"]}
S3 = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LOKI_RULE = {"id": "loki-retention", "status": "Enabled", "filter": {}, "expiration": {"days": 32},
             "noncurrentVersionExpiration": {"noncurrentDays": 7}}
IAM_POLICY = "aws:iam/policy:Policy"


def policy(*statements: dict) -> dict:
    return res(IAM_POLICY, "p", {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})})


def allow(action: object, resource: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def zones(count: int) -> list[str]:
    return [f"arn:aws:route53:::hostedzone/Z{i:020d}" for i in range(count)]


def cluster(name: str = "main", *, subnets: tuple[str, ...] = ("s-a", "s-b"), key: str | None = None,
            after: tuple[str, ...] = ()) -> dict:
    inputs: dict = {"name": name, "vpcConfig": {"subnetIds": list(subnets)}}
    if key:
        inputs["encryptionConfig"] = {"provider": {"keyArn": key}, "resources": ["secrets"]}
    return res(CLUSTER, "main", inputs, state={"arn": f"arn:aws:eks:us-east-1:123456789012:cluster/{name}"},
               after=after)


SUBNETS = [res(SUBNET, "a", {"availabilityZone": "us-east-1a"}, id="s-a"),
           res(SUBNET, "b", {"availabilityZone": "us-east-1b"}, id="s-b")]
ONE_ZONE = [res(SUBNET, "a", {"availabilityZone": "us-east-1a"}, id="s-a"),
            res(SUBNET, "b", {"availabilityZone": "us-east-1a"}, id="s-b")]
THE_KEY = res(KEY, "k", {"keyUsage": "ENCRYPT_DECRYPT"}, state={"arn": KEY_ARN})

CASES = [
    Case("aws-eks-cluster-name", [*SUBNETS, cluster("-main")], [*SUBNETS, cluster("main")]),
    Case("aws-eks-subnets-in-two-zones", [*ONE_ZONE, cluster()], [*SUBNETS, cluster()]),
    Case("aws-eks-secrets-key", [*SUBNETS, THE_KEY, cluster(key=KEY_ARN)],
         [*SUBNETS, THE_KEY, cluster(key=KEY_ARN, after=(urn(KEY, "k"),))]),
    Case("aws-eks-nodegroup-scaling",
         [res(NG, "g", {"scalingConfig": {"minSize": 2, "maxSize": 3, "desiredSize": 1}})],
         [res(NG, "g", {"scalingConfig": SCALING})]),
    Case("aws-eks-nodegroup-resent-desired-size",
         base=[res(NG, "g", {"scalingConfig": SCALING}, options=IGNORED)],
         bad=[res(NG, "g", {"scalingConfig": {"minSize": 2, "maxSize": 5, "desiredSize": 2}},
                  options=IGNORED)],
         good=[res(NG, "g", {"scalingConfig": {"minSize": 1, "maxSize": 5, "desiredSize": 1}},
                   options=IGNORED)]),
    Case("aws-eks-nodegroup-launch-template-disk",
         [res(NG, "g", {"scalingConfig": SCALING, "launchTemplate": {"id": "lt"}, "diskSize": 50})],
         [res(NG, "g", {"scalingConfig": SCALING, "launchTemplate": {"id": "lt"}})]),
    Case("aws-eks-access-entry-principal",
         [res(ENTRY, "e", {"principalArn": "arn:aws:sts::123456789012:assumed-role/admin/me"})],
         [res(ENTRY, "e", {"principalArn": ADMIN})]),
    Case("aws-eks-access-policy-arn",
         [res(ENTRY, "e", {"principalArn": ADMIN}),
          res(ASSOC, "a", {"principalArn": ADMIN, "policyArn": "AmazonEKSClusterAdminPolicy"},
              after=(urn(ENTRY, "e"),))],
         [res(ENTRY, "e", {"principalArn": ADMIN}),
          res(ASSOC, "a", {"principalArn": ADMIN, "policyArn": POLICY}, after=(urn(ENTRY, "e"),))]),
    Case("aws-eks-access-entry-first",
         [res(ENTRY, "e", {"principalArn": ADMIN}), res(ASSOC, "a", {"principalArn": ADMIN, "policyArn": POLICY})],
         [res(ENTRY, "e", {"principalArn": ADMIN}),
          res(ASSOC, "a", {"principalArn": ADMIN, "policyArn": POLICY}, after=(urn(ENTRY, "e"),))]),
    Case("aws-iam-role-name", [res("aws:iam/role:Role", "r", state={"name": "r" * 65})],
         [res("aws:iam/role:Role", "r", state={"name": "r" * 64})]),
    Case("aws-iam-policy-arn",
         [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "p", {"policyArn": "AmazonS3ReadOnlyAccess"})],
         [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "p",
              {"policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"})]),
    Case("aws-iam-policy-document", [policy(allow("route53:ChangeResourceRecordSets", "hostedzone/Z0123456789"))],
         [policy(allow("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0123456789"))]),
    Case("aws-iam-policy-document", [policy(allow(["ListHostedZones"], "*"))],
         [policy(allow(["route53:ListHostedZones"], "*"))]),
    Case("aws-iam-policy-document", [policy({**allow("route53:ListHostedZones", "*"), "Effect": "Permit"})],
         [policy(allow("route53:ListHostedZones", "*"))]),
    Case("aws-iam-policy-document", [res(IAM_POLICY, "p", {"policy": "route53:*"})],
         [policy(allow("route53:ListHostedZones", "*"))]),
    Case("aws-iam-managed-policy-size", [policy(allow("route53:ChangeResourceRecordSets", zones(200)))],
         [policy(allow("route53:ChangeResourceRecordSets", zones(20)))]),
    Case("aws-logs-retention", [res("aws:cloudwatch/logGroup:LogGroup", "l", {"retentionInDays": 100})],
         [res("aws:cloudwatch/logGroup:LogGroup", "l", {"retentionInDays": 90})]),
    Case("aws-kms-deletion-window", [res(KEY, "k", {"deletionWindowInDays": 45})],
         [res(KEY, "k", {"deletionWindowInDays": 30})]),
    Case("aws-ec2-metadata-options",
         [res("aws:ec2/launchTemplate:LaunchTemplate", "t", {"metadataOptions": {"httpPutResponseHopLimit": 0}})],
         [res("aws:ec2/launchTemplate:LaunchTemplate", "t", {"metadataOptions": {"httpPutResponseHopLimit": 1}})]),
    # S3 log bucket (aws_storage_rules.py)
    Case("aws-s3-bucket-name", [res(S3, "b", state={"bucket": "Logs_skyfleet-dev"})],
         [res(S3, "b", state={"bucket": "logs-skyfleet-dev-20260101000000000000000001"})]),
    Case("aws-s3-bucket-prefix", [res(S3, "b", {"bucketPrefix": "logs-" + "a" * 33 + "-"})],
         [res(S3, "b", {"bucketPrefix": "logs-" + "a" * 31 + "-"})]),
    Case("aws-s3-lifecycle-rule",
         [res(LIFECYCLE, "l", {"rules": [{**LOKI_RULE, "expiration": {"days": 0}}]})],
         [res(LIFECYCLE, "l", {"rules": [LOKI_RULE]})]),
    Case("aws-s3-versioning-status",
         [res(VERSIONING, "v", {"versioningConfiguration": {"status": "On"}})],
         [res(VERSIONING, "v", {"versioningConfiguration": {"status": "Enabled"}})]),
]
