"""Violating and compliant inputs for the Kubernetes policies beyond Pod Security
(policies/kubernetes.py); Pod Security cases are in policy_cases_pss.py."""

from __future__ import annotations

from policy_testing import (
    CONTAINER,
    DELETE,
    DEPLOYMENT,
    HELM_CHART,
    HELM_RELEASE,
    HPA,
    JOB,
    NAMESPACE,
    POD_SPEC,
    SECURE_DEPLOYMENT,
    SECURE_HELM_RELEASE,
    SECURE_HPA,
    SECURE_NAMESPACE,
    SECURE_SERVICE,
    STATEFUL_SET,
    at,
    complies,
    violates,
)

D = SECURE_DEPLOYMENT
SC = f"{CONTAINER}.securityContext"
JOB_WITHOUT_PROBES = {
    "kind": "Job",
    "spec": {"template": {"spec": at(POD_SPEC, "containers.0.readinessProbe", DELETE)}},
}
PSA_LABEL = "pod-security.kubernetes.io/enforce"
LB = at(SECURE_SERVICE, "spec.type", "LoadBalancer")

CASES = [
    violates("no-readiness-probe", "probes-present", DEPLOYMENT,
             at(D, f"{CONTAINER}.readinessProbe", DELETE), expect="readinessProbe"),
    complies("probes-declared", "probes-present", DEPLOYMENT, D),
    complies("jobs-need-no-probes", "probes-present", JOB, JOB_WITHOUT_PROBES),
    violates("no-memory-limit", "resources-requests-limits", DEPLOYMENT,
             at(D, f"{CONTAINER}.resources.limits", DELETE), expect="limits.memory"),
    violates("cpu-limit-when-configured", "resources-requests-limits", DEPLOYMENT, D,
             config={"resources-requests-limits": {"requiredLimits": ["cpu", "memory"]}}),
    complies("requests-and-memory-limit", "resources-requests-limits", DEPLOYMENT, D),
    violates("writable-root", "read-only-root-filesystem", DEPLOYMENT,
             at(D, f"{CONTAINER}.securityContext.readOnlyRootFilesystem", False)),
    complies("read-only-root", "read-only-root-filesystem", DEPLOYMENT, D),
    violates("latest-tag", "image-pinned", DEPLOYMENT, at(D, f"{CONTAINER}.image", "nginx:latest")),
    violates("no-tag", "image-pinned", DEPLOYMENT, at(D, f"{CONTAINER}.image", "nginx")),
    violates("registry-port-is-not-a-tag", "image-pinned", DEPLOYMENT,
             at(D, f"{CONTAINER}.image", "registry.local:5000/api")),
    complies("version-tag", "image-pinned", DEPLOYMENT, D),
    complies("digest", "image-pinned", DEPLOYMENT,
             at(D, f"{CONTAINER}.image", "nginx@sha256:" + "a" * 64)),
    complies("any-registry-by-default", "images-allowed-registries", DEPLOYMENT,
             at(D, f"{CONTAINER}.image", "docker.io/library/nginx:1.27")),
    violates("registry-outside-list", "images-allowed-registries", DEPLOYMENT,
             at(D, f"{CONTAINER}.image", "nginx:1.27"),
             config={"images-allowed-registries": {"allowedRegistries": ["ghcr.io/acme"]}}),
    complies("registry-prefix-in-list", "images-allowed-registries", DEPLOYMENT, D,
             config={"images-allowed-registries": {"allowedRegistries": ["ghcr.io/acme"]}}),
    violates("min-above-max", "hpa-replica-bounds", HPA,
             at(SECURE_HPA, "spec.minReplicas", 8), expect="minReplicas 8 exceeds maxReplicas 6"),
    complies("min-below-max", "hpa-replica-bounds", HPA, SECURE_HPA),
    violates("single-replica", "replicas-minimum", DEPLOYMENT, at(D, "spec.replicas", 1),
             expect="runs 1 replica(s), fewer than 2"),
    violates("single-replica-stateful-set", "replicas-minimum", STATEFUL_SET,
             {"kind": "StatefulSet", "spec": {"replicas": 1}}),
    violates("below-configured-minimum", "replicas-minimum", DEPLOYMENT, D,
             config={"replicas-minimum": {"minReplicas": 3}}),
    complies("two-replicas", "replicas-minimum", DEPLOYMENT, D),
    complies("hpa-owned-replicas", "replicas-minimum", DEPLOYMENT,
             at(D, "spec.replicas", DELETE)),
    violates("no-pod-security-label", "namespace-pod-security", NAMESPACE,
             at(SECURE_NAMESPACE, "metadata.labels", {})),
    violates("privileged-level", "namespace-pod-security", NAMESPACE,
             at(SECURE_NAMESPACE, "metadata.labels", {PSA_LABEL: "privileged"})),
    complies("restricted-level", "namespace-pod-security", NAMESPACE, SECURE_NAMESPACE),
    violates("release-without-version", "helm-chart-version-pinned", HELM_RELEASE,
             at(SECURE_HELM_RELEASE, "version", DELETE)),
    violates("v4-chart-without-version", "helm-chart-version-pinned", HELM_CHART,
             {"chart": "oci://ghcr.io/traefik/helm/traefik"}),
    complies("release-with-version", "helm-chart-version-pinned", HELM_RELEASE,
             SECURE_HELM_RELEASE),
    complies("local-chart", "helm-chart-version-pinned", HELM_RELEASE, {"chart": "./charts/api"}),
]
