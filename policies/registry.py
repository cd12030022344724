"""Every policy of the pack, in one list (what `__main__` serves and the offline evaluator runs)."""

from __future__ import annotations

from pulumi_policy import Policy

from policies import aws, azure, gcp, kubernetes, stack

PACK_NAME = "skyfleet"
PACK_DESCRIPTION = "Skyfleet guardrails for Kubernetes workloads and EKS, GKE and AKS clusters."

POLICIES: list[Policy] = [
    *kubernetes.POLICIES,
    *aws.POLICIES,
    *gcp.POLICIES,
    *azure.POLICIES,
    *stack.POLICIES,
]
