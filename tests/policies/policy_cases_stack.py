"""Violating and compliant stacks for the stack policies (policies/stack.py)."""

from __future__ import annotations

from policy_testing import (
    AKS_CLUSTER,
    DEPLOYMENT,
    DIAGNOSTIC_SETTING,
    EKS_ADDON,
    EKS_CLUSTER,
    IAM_ROLE,
    NODE_GROUP,
    PDB,
    ROLE_POLICY_ATTACHMENT,
    SECURE_AKS_CLUSTER,
    SECURE_DEPLOYMENT,
    SECURE_DIAGNOSTIC_SETTING,
    SECURE_EKS_CLUSTER,
    SECURE_PDB,
    SECURE_VPC_CNI,
    SUBNET,
    Case,
    at,
    resource,
)

API = resource(DEPLOYMENT, SECURE_DEPLOYMENT, "api")
API_PDB = resource(PDB, SECURE_PDB, "api")

PRIVATE = resource(SUBNET, {"cidrBlock": "10.0.0.0/19", "mapPublicIpOnLaunch": False}, "private-a")
PUBLIC = resource(SUBNET, {"cidrBlock": "10.0.96.0/22", "mapPublicIpOnLaunch": True}, "public-a")
ELB_TAGGED = resource(SUBNET, {"cidrBlock": "10.0.100.0/22",
                               "tags": {"kubernetes.io/role/elb": "1"}}, "lb-a")
NODE_GROUP_INPUTS = {"clusterName": "main", "subnetIds": ["[unknown]"]}


def node_group(*subnets: dict, **extra: object) -> dict:
    depends_on = sorted(s["urn"] for s in subnets)
    return resource(NODE_GROUP, NODE_GROUP_INPUTS, "general", dependencies=depends_on, **extra)


def pdb(path: str, value: object) -> dict:
    return resource(PDB, at(SECURE_PDB, path, value), "api")


PDB_POLICY, SUBNET_POLICY = "deployment-has-pdb", "eks-nodes-private-subnets"
VERIFIABLE = "eks-node-subnets-verifiable"
EKS = resource(EKS_CLUSTER, SECURE_EKS_CLUSTER, "main")
AKS = resource(AKS_CLUSTER, SECURE_AKS_CLUSTER, "main")
NODE_ROLE = resource(IAM_ROLE, {"assumeRolePolicy": "{}"}, "nodes")
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
WORKER_ARN = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"


def vpc_cni(**inputs: object) -> dict:
    return resource(EKS_ADDON, {**SECURE_VPC_CNI, **inputs}, "vpc-cni")


def nodes_with(policy_arn: str) -> list[dict]:
    attachment = resource(ROLE_POLICY_ATTACHMENT, {"role": "[unknown]", "policyArn": policy_arn},
                          "nodes-policy", propertyDependencies={"role": [NODE_ROLE["urn"]]})
    group = resource(NODE_GROUP, {**NODE_GROUP_INPUTS, "nodeRoleArn": "[unknown]"}, "general",
                     propertyDependencies={"nodeRoleArn": [NODE_ROLE["urn"]]})
    return [NODE_ROLE, attachment, group]


def audit(inputs: dict, **extra: object) -> dict:
    return resource(DIAGNOSTIC_SETTING, {**SECURE_DIAGNOSTIC_SETTING, **inputs}, "audit", **extra)


CASES = [
    Case("no-pdb", PDB_POLICY, [API], True, expect='Deployment "api" in namespace "apps"'),
    Case("pdb-in-other-namespace", PDB_POLICY, [API, pdb("metadata.namespace", "web")], True),
    Case("pdb-selects-other-pods", PDB_POLICY,
         [API, pdb("spec.selector.matchLabels", {"app.kubernetes.io/name": "web"})], True),
    Case("pdb-with-empty-selector", PDB_POLICY, [API, pdb("spec.selector.matchLabels", {})], True),
    Case("pdb-covers-deployment", PDB_POLICY, [API, API_PDB], False),
    Case("hpa-owned-deployment-with-pdb", PDB_POLICY,
         [resource(DEPLOYMENT, at(SECURE_DEPLOYMENT, "spec.replicas", None), "api"), API_PDB],
         False),
    Case("single-replica-needs-no-pdb", PDB_POLICY,
         [resource(DEPLOYMENT, at(SECURE_DEPLOYMENT, "spec.replicas", 1), "api")], False),
    Case("nodes-in-public-subnet", SUBNET_POLICY, [PRIVATE, PUBLIC, node_group(PRIVATE, PUBLIC)],
         True, expect="public-a"),
    Case("nodes-in-elb-subnet", SUBNET_POLICY, [ELB_TAGGED, node_group(ELB_TAGGED)], True),
    Case("nodes-in-private-subnets", SUBNET_POLICY, [PRIVATE, node_group(PRIVATE)], False),
    # The subnetIds property's own dependencies win over the resource-wide ones.
    Case("subnet-ids-depend-on-private-only", SUBNET_POLICY,
         [PRIVATE, PUBLIC,
          node_group(PRIVATE, PUBLIC, propertyDependencies={"subnetIds": [PRIVATE["urn"]]})],
         False),
    Case("looked-up-subnets", VERIFIABLE,
         [resource(NODE_GROUP, {"clusterName": "main", "subnetIds": ["subnet-0a", "subnet-0b"]})],
         True, expect="does not create"),
    Case("one-subnet-looked-up", VERIFIABLE,
         [PRIVATE, resource(NODE_GROUP, {"clusterName": "main", "subnetIds": ["[unknown]", "subnet-0b"]},
                            "general", dependencies=[PRIVATE["urn"]])], True),
    Case("unknown-subnet-ids-without-graph", VERIFIABLE,
         [resource(NODE_GROUP, NODE_GROUP_INPUTS, "general")], True),
    Case("created-subnets", VERIFIABLE, [PRIVATE, node_group(PRIVATE)], False),
    Case("no-vpc-cni-addon", "eks-network-policy", [EKS], True, expect='"main"'),
    Case("vpc-cni-without-network-policy", "eks-network-policy",
         [EKS, vpc_cni(configurationValues="{}")], True),
    Case("vpc-cni-of-another-cluster", "eks-network-policy", [EKS, vpc_cni(clusterName="other")],
         True),
    Case("vpc-cni-enforces-network-policy", "eks-network-policy", [EKS, vpc_cni()], False),
    Case("node-role-with-admin", "eks-node-role-scoped", nodes_with(ADMIN_ARN), True,
         expect="AdministratorAccess"),
    Case("node-role-worker-policy", "eks-node-role-scoped", nodes_with(WORKER_ARN), False),
    Case("no-audit-diagnostic-setting", "aks-audit-logging", [AKS], True),
    Case("diagnostic-setting-without-audit", "aks-audit-logging",
         [AKS, audit({"logs": [{"category": "kube-apiserver", "enabled": True}]})], True),
    Case("audit-of-another-cluster", "aks-audit-logging",
         [AKS, audit({"resourceUri": "/subscriptions/0/providers/x/managedClusters/other"})], True),
    Case("audit-admin-logs", "aks-audit-logging", [AKS, audit({})], False),
    Case("audit-category-group-by-dependency", "aks-audit-logging",
         [AKS, audit({"resourceUri": "[unknown]",
                      "logs": [{"categoryGroup": "audit", "enabled": True}]},
                     propertyDependencies={"resourceUri": [AKS["urn"]]})], False),
]
