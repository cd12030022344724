"""Violating and compliant stacks for the stack policies (policies/stack.py)."""

from __future__ import annotations

from policy_testing import (
    DEPLOYMENT,
    NODE_GROUP,
    PDB,
    SECURE_DEPLOYMENT,
    SECURE_PDB,
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
]
