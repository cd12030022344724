"""Every policy of the pack, in one list (what `__main__` serves and the offline evaluator runs)."""

from __future__ import annotations

from pulumi_policy import Policy

from . import aws, aws_stack, azure, cost, exposure, gcp, kubernetes, pss, rbac, stack

PACK_NAME = "skyfleet"
PACK_DESCRIPTION = "Skyfleet guardrails for Kubernetes workloads and EKS, GKE and AKS clusters."

POLICIES: list[Policy] = [
    *pss.POLICIES,
    *pss.WARN_POLICIES,
    *kubernetes.POLICIES,
    *exposure.POLICIES,
    *rbac.POLICIES,
    *aws.POLICIES,
    *aws_stack.POLICIES,
    *gcp.POLICIES,
    *azure.POLICIES,
    *stack.POLICIES,
    *cost.POLICIES,
]
