"""Each stack installs the same add-ons on its cloud, pinned, in Pod Security labelled namespaces,
with no plaintext Grafana password, in the order their CRDs and the node pools require."""

from __future__ import annotations

from typing import Any

import pytest
from stack_plans import (
    HELM_RELEASE,
    STACKS,
    cloud_of,
    cluster_of,
    of_type,
    one,
    yaml_files,
)

from components.platform.addon import SYSTEM_NAMESPACES
from components.platform.charts import CHARTS
from components.platform.monitoring import GRAFANA_ADMIN_SECRET
from skyfleet.preview import emulators

# Release names every cluster gets, whatever its cloud.
COMMON_RELEASES = {"traefik", "cert-manager", "kube-prometheus-stack", "argocd", "loki", "alloy"}
# What the cloud does not run itself (each cloud's components/cluster/<cloud>/cloud.py): EKS neither serves resource
# metrics nor scales nodes; kind (an existing cluster) has no metrics-server either.
CLOUD_RELEASES = {
    "aws": {"metrics-server", "cluster-autoscaler"},
    "gcp": set(),
    "azure": set(),
    "existing": {"metrics-server"},
}
# Namespaces not enforcing "restricted", with the reason (components/platform/monitoring.py).
ENFORCE_EXCEPTIONS = {"node-exporter": "privileged"}  # hostNetwork, hostPID, hostPath: node-exporter alone
PSS_LEVELS = {"restricted", "baseline", "privileged"}
# The resources a cluster's node pools are, per cloud (an AKS system pool is part of the cluster).
NODE_POOL_TYPES = {
    "aws": ("aws:eks/nodeGroup:NodeGroup",),
    "gcp": ("gcp:container/nodePool:NodePool",),
    "azure": ("azure-native:containerservice:AgentPool", "azure-native:containerservice:ManagedCluster"),
}
CLOUD_STACKS = [s for s in STACKS if cloud_of(s) in NODE_POOL_TYPES]


def _helm(out, stack) -> dict[str, dict[str, Any]]:
    """Release name -> the Helm file the preview wrote for it."""
    root = out / stack / "helm" / cluster_of(stack)
    return {path.stem: release for path, release in yaml_files(root)}


def _namespaces(out, stack) -> dict[str, dict[str, Any]]:
    root = out / stack / "manifests" / cluster_of(stack) / "_cluster"
    return {obj["metadata"]["name"]: obj for _, obj in yaml_files(root) if obj["kind"] == "Namespace"}


def _release(plan, name: str) -> dict[str, Any]:
    (found,) = [r for r in of_type(plan, HELM_RELEASE) if r["inputs"]["name"] == name]
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_installs_the_common_addons_plus_what_its_cloud_lacks(preview_all, stack):
    assert set(_helm(preview_all.out, stack)) == COMMON_RELEASES | CLOUD_RELEASES[cloud_of(stack)]


@pytest.mark.parametrize("stack", STACKS)
def test_each_helm_file_is_named_after_its_release(preview_all, stack):
    for name, release in _helm(preview_all.out, stack).items():
        assert release["name"] == name


@pytest.mark.parametrize("release", sorted(COMMON_RELEASES))
def test_a_common_release_is_the_same_chart_version_and_namespace_on_every_stack(preview_all, release):
    seen = {}
    for stack in STACKS:
        r = _helm(preview_all.out, stack)[release]
        seen[stack] = (r["chart"], r["repository"], r["version"], r["namespace"])
    assert len(set(seen.values())) == 1, seen


@pytest.mark.parametrize("stack", STACKS)
def test_every_chart_is_the_version_pinned_in_the_chart_table(preview_all, stack):
    pinned = {ref.chart: (ref.repository, ref.version) for ref in CHARTS.values()}
    for name, release in _helm(preview_all.out, stack).items():
        assert (release["repository"], release["version"]) == pinned[release["chart"]], name


@pytest.mark.parametrize("stack", STACKS)
def test_every_addon_namespace_is_created_by_the_platform(preview_all, stack):
    namespaces = _namespaces(preview_all.out, stack)
    for name, release in _helm(preview_all.out, stack).items():
        assert release["createNamespace"] is False, name
        assert release["namespace"] in namespaces or release["namespace"] in SYSTEM_NAMESPACES, name


@pytest.mark.parametrize("stack", STACKS)
def test_every_namespace_enforces_restricted_unless_listed_and_audits_and_warns_restricted(preview_all, stack):
    namespaces = _namespaces(preview_all.out, stack)
    assert set(ENFORCE_EXCEPTIONS) <= set(namespaces)
    for name, namespace in namespaces.items():
        labels = namespace["metadata"].get("labels") or {}
        assert labels.get("pod-security.kubernetes.io/enforce") == ENFORCE_EXCEPTIONS.get(name, "restricted"), name
        assert labels.get("pod-security.kubernetes.io/audit") == "restricted", name
        assert labels.get("pod-security.kubernetes.io/warn") == "restricted", name


def _grafana_password(plan) -> str:
    """The password the preview generated for Grafana (its emulated RandomPassword result)."""
    (r,) = [
        r for r in of_type(plan, "random:index/randomPassword:RandomPassword") if r["name"].endswith("-grafana-admin")
    ]
    _, outputs = emulators.emulate(emulators.Emulation(r["type"], r["name"], r["urn"], r["inputs"]))
    password: str = outputs["result"]
    assert len(password) == r["inputs"]["length"] == 32
    return password


@pytest.mark.parametrize("stack", STACKS)
def test_the_grafana_admin_password_is_in_no_helm_file(preview_all, plans, stack):
    password = _grafana_password(plans[stack])
    helm_files = sorted((preview_all.out / stack / "helm").rglob("*.yaml"))
    assert helm_files
    assert [p.name for p in helm_files if password in p.read_text()] == []


@pytest.mark.parametrize("stack", STACKS)
def test_the_grafana_admin_password_is_in_no_other_written_file(preview_all, plans, stack):
    password = _grafana_password(plans[stack])
    files = [p for p in (preview_all.out / stack).rglob("*") if p.is_file()]
    assert [str(p) for p in files if password in p.read_text()] == []


@pytest.mark.parametrize("stack", STACKS)
def test_grafana_reads_its_admin_password_from_a_secret_by_name(preview_all, stack):
    grafana = _helm(preview_all.out, stack)["kube-prometheus-stack"]["values"]["grafana"]
    assert grafana["admin"]["existingSecret"] == GRAFANA_ADMIN_SECRET
    assert "adminPassword" not in grafana


@pytest.mark.parametrize("stack", STACKS)
def test_cluster_issuers_wait_for_the_cert_manager_release(plans, stack):
    plan = plans[stack]
    release = _release(plan, "cert-manager")
    issuers = of_type(plan, "kubernetes:cert-manager.io/v1:ClusterIssuer")
    assert {i["inputs"]["metadata"]["name"] for i in issuers} == {"letsencrypt-staging", "letsencrypt-prod"}
    for issuer in issuers:
        assert release["urn"] in issuer["dependencies"], issuer["name"]


@pytest.mark.parametrize("stack", CLOUD_STACKS)
def test_every_release_waits_for_the_clusters_node_pools(plans, graphs, stack):
    plan = plans[stack]
    pools = {r["urn"] for t in NODE_POOL_TYPES[cloud_of(stack)] for r in of_type(plan, t)}
    assert pools
    for release in of_type(plan, HELM_RELEASE):
        missing = pools - graphs[stack].closure(release["urn"])
        assert not missing, f"{release['name']} does not wait for {sorted(missing)}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_release_is_on_the_clusters_kubernetes_provider(plans, stack):
    provider = one(plans[stack], "pulumi:providers:kubernetes")
    for release in of_type(plans[stack], HELM_RELEASE):
        assert release["provider"] == provider["urn"], release["name"]
