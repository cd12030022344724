"""Violating and compliant stacks for the cost gate (policies/cost.py): an EKS cluster whose node
pool at maxSize costs more, or less, than the stack's budget."""

from __future__ import annotations

from policy_testing import Case, resource, urn

CLUSTER = resource("skyfleet:cluster:EksCluster", {}, "main", custom=False)
PROVIDER = resource("pulumi:providers:aws", {"region": "us-east-1"}, "main-aws", parent=CLUSTER["urn"])
# 1..5 x m7i.xlarge: up to 5 x $0.2016 x 730 h = $735.84, plus 5 x 20 GiB gp3 = $8.00.
NODES = resource("aws:eks/nodeGroup:NodeGroup",
                 {"instanceTypes": ["m7i.xlarge"], "scalingConfig": {"minSize": 1, "maxSize": 5}},
                 "main-general", parent=CLUSTER["urn"], provider=urn("pulumi:providers:aws", "main-aws"))


def budget(amount: str) -> dict:
    return resource("aws:budgets/budget:Budget", {"limitAmount": amount, "limitUnit": "USD"}, "budget")


POLICY = "cost-within-budget"

CASES = [
    Case("cost-over-budget", POLICY, [CLUSTER, PROVIDER, NODES, budget("500.00")], True,
         expect="Top cost drivers: 1. node pool general: 1..5 x m7i.xlarge (main): up to $735.84"),
    Case("cost-within-budget", POLICY, [CLUSTER, PROVIDER, NODES, budget("800.00")], False),
    Case("no-budget-no-gate", POLICY, [CLUSTER, PROVIDER, NODES], False),
]
