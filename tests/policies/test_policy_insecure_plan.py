"""The intentionally insecure example (fixtures/insecure_plan.json) trips exactly the policies
it was written to trip: a Deployment on :latest running privileged with a hostPath and no
probes (in a namespace without a Pod Security label, so held to baseline), a public
LoadBalancer and a plain-HTTP Ingress, a public EKS endpoint without CIDRs or secrets
encryption, nodes with IMDSv1 and the default hop limit in a public subnet, an unencrypted GKE
cluster with legacy ABAC, a client certificate, an open endpoint and a default pool on the
Compute default account, and an AKS cluster with local accounts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skyfleet.analysis.policy_eval import Violation, evaluate_plan

PLAN = Path(__file__).parent / "fixtures" / "insecure_plan.json"

MANDATORY = {
    "no-privileged-containers",
    "no-host-path-volumes",
    "no-load-balancer-services",
    "ingress-tls",
    "eks-endpoint-restricted",
    "eks-secrets-encryption",
    "eks-nodes-private-subnets",
    "ec2-imdsv2-required",
    "ec2-imds-hop-limit",
    "gke-endpoint-restricted",
    "gke-metadata-server",
    "gke-node-service-account",
    "gke-private-nodes",
    "gke-workload-identity",
    "gke-legacy-abac-disabled",
    "gke-client-certificate-disabled",
    "gke-secrets-encryption",
    "aks-local-accounts-disabled",
    "aks-api-server-restricted",
    "aks-workload-identity",
    "aks-no-node-public-ip",
    "aks-kms-encryption",
}
ADVISORY = {
    "image-pinned",
    "probes-present",
    "resources-requests-limits",
    "read-only-root-filesystem",
    "service-account-token-automount",
    "replicas-minimum",
    "namespace-pod-security",
    "eks-control-plane-logging",
    "eks-standard-support",
    "gke-secure-boot",
    "gke-release-channel",
    "gke-network-policy",
    "aks-entra-rbac",
    "aks-availability-zones",
    "aks-autoscaling",
    "aks-audit-logging",
    "aks-auto-upgrade",
    "aks-network-policy",
    "eks-network-policy",
}


@pytest.fixture(scope="module")
def violations() -> list[Violation]:
    return evaluate_plan(json.loads(PLAN.read_text()))


def test_trips_exactly_the_expected_policies(violations: list[Violation]) -> None:
    assert {v.policy for v in violations} == MANDATORY | ADVISORY


def test_security_findings_are_mandatory(violations: list[Violation]) -> None:
    assert {v.policy for v in violations if v.level == "mandatory"} == MANDATORY


def test_the_insecure_deployment_is_blamed_by_urn(violations: list[Violation]) -> None:
    deployment = next(v for v in violations if v.policy == "no-privileged-containers")
    assert deployment.urn.endswith("kubernetes:apps/v1:Deployment::web")
