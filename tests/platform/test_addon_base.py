"""The shared add-on shape: namespace and Pod Security labels, one release, values layering."""

from __future__ import annotations

import dataclasses

import pytest
from platform_harness import (
    NAMESPACE,
    RELEASE,
    default_platform,
    one,
    preview,
    preview_platform,
    releases,
    values,
)

from components.platform import (
    CertManager,
    CertManagerArgs,
    IngressControllerArgs,
    MetricsServer,
    MetricsServerArgs,
    PlatformArgs,
)
from components.platform.addon import (
    RELEASE_TIMEOUT_SECONDS,
    deep_merge,
    helm_fullname,
    pod_security_labels,
)
from components.platform.charts import CHARTS
from skyfleet.preview import wire

PSS = "pod-security.kubernetes.io/"
# Each add-on's namespace and the Pod Security level it enforces (restricted unless pods need more).
ENFORCED = {
    "traefik": "restricted",
    "cert-manager": "restricted",
    "monitoring": "restricted",
    "node-exporter": "privileged",  # hostNetwork, hostPID, hostPath
    "argocd": "restricted",
    "metrics-server": "restricted",
    "logging": "restricted",
    "alloy": "restricted",  # Alloy reads logs through the API: no host paths
}
CHART_OF_RELEASE = {
    "traefik": "traefik",
    "cert-manager": "cert-manager",
    "kube-prometheus-stack": "kube-prometheus-stack",
    "argocd": "argo-cd",
    "metrics-server": "metrics-server",
    "cluster-autoscaler": "cluster-autoscaler",
    "loki": "loki",
    "alloy": "alloy",
}


def _namespaces(plan) -> dict[str, dict[str, str]]:
    return {
        wire.reveal(r.inputs)["metadata"]["name"]: wire.reveal(r.inputs)["metadata"]["labels"]
        for r in plan.by_type(NAMESPACE)
    }


def test_each_addon_namespace_enforces_its_pod_security_level():
    namespaces = _namespaces(default_platform().plan)
    assert {name: labels[f"{PSS}enforce"] for name, labels in namespaces.items()} == ENFORCED


def test_every_addon_namespace_audits_and_warns_at_restricted():
    for labels in _namespaces(default_platform().plan).values():
        assert (labels[f"{PSS}audit"], labels[f"{PSS}warn"]) == ("restricted", "restricted")


def test_an_existing_system_namespace_is_neither_created_nor_relabelled():
    plan = default_platform().plan
    assert "kube-system" not in _namespaces(plan)
    assert wire.reveal(releases(plan)["cluster-autoscaler"].inputs)["namespace"] == "kube-system"


def test_release_charts_and_versions_come_from_the_chart_table():
    for name, release in releases(default_platform().plan).items():
        inputs = wire.reveal(release.inputs)
        ref = CHARTS[CHART_OF_RELEASE[name]]
        assert (inputs["chart"], inputs["version"], inputs["repositoryOpts"]["repo"]) == (
            ref.chart,
            ref.version,
            ref.repository,
        ), name


def test_releases_roll_back_on_failure_and_wait_for_readiness():
    for name, release in releases(default_platform().plan).items():
        inputs = wire.reveal(release.inputs)
        assert inputs["atomic"] is True and inputs["cleanupOnFail"] is True, name
        assert inputs["skipAwait"] is False and inputs["waitForJobs"] is True, name
        assert inputs["timeout"] == RELEASE_TIMEOUT_SECONDS and inputs["maxHistory"] == 10, name
        assert inputs["createNamespace"] is False, name


def test_releases_set_no_custom_timeouts():
    for release in default_platform().plan.by_type(RELEASE):
        assert "customTimeouts" not in release.options


def test_addon_outputs_name_namespace_release_and_chart_version():
    outputs = one(default_platform().plan, "skyfleet:platform:CertManager").outputs
    assert outputs["namespace"] == "cert-manager"
    assert outputs["release_name"] == "cert-manager"
    assert outputs["release_status"] == "deployed"
    assert outputs["chart_version"] == CHARTS["cert-manager"].version


def test_typed_field_wins_over_raw_values():
    args = IngressControllerArgs(
        replicas=3, values={"deployment": {"replicas": 7, "kind": "Deployment"}}
    )
    sent = values(preview_platform(PlatformArgs(ingress=args)).plan, "traefik")
    assert sent["deployment"]["replicas"] == 3
    assert sent["deployment"]["kind"] == "Deployment"  # raw values next to typed ones survive


def test_raw_values_override_addon_defaults():
    args = IngressControllerArgs(values={"resources": {"requests": {"cpu": "1"}}})
    sent = values(preview_platform(PlatformArgs(ingress=args)).plan, "traefik")
    assert sent["resources"]["requests"] == {"cpu": "1", "memory": "128Mi"}


def test_chart_version_and_repository_are_overridable_per_instance():
    args = CertManagerArgs(
        chart_version="v1.21.0", chart_repository="https://mirror.example.com/charts"
    )
    plan = preview(lambda h: CertManager("cm", h, args)).plan
    inputs = wire.reveal(one(plan, RELEASE).inputs)
    assert (inputs["version"], inputs["repositoryOpts"]["repo"]) == (
        "v1.21.0",
        "https://mirror.example.com/charts",
    )


def test_an_oci_repository_becomes_the_chart_reference():
    args = MetricsServerArgs(chart_repository="oci://registry.example.com/charts")
    inputs = wire.reveal(one(preview(lambda h: MetricsServer("ms", h, args)).plan, RELEASE).inputs)
    assert inputs["chart"] == "oci://registry.example.com/charts/metrics-server"
    assert "repositoryOpts" not in inputs


def test_release_name_and_namespace_are_overridable():
    args = CertManagerArgs(release_name="certs", namespace="tls")
    plan = preview(lambda h: CertManager("cm", h, args)).plan
    inputs = wire.reveal(one(plan, RELEASE).inputs)
    assert (inputs["name"], inputs["namespace"]) == ("certs", "tls")


def test_deep_merge_merges_mappings_and_replaces_everything_else():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert deep_merge(base, {"a": {"c": [3]}, "e": 2}) == {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}  # inputs untouched


@pytest.mark.parametrize(
    ("release", "chart", "expected"),
    [
        ("traefik", "traefik", "traefik"),
        ("edge", "traefik", "edge-traefik"),
        ("ingress-nginx", "ingress-nginx", "ingress-nginx"),
        ("x" * 70, "traefik", "x" * 63),
    ],
)
def test_helm_fullname_follows_the_charts_convention(release, chart, expected):
    assert helm_fullname(release, chart) == expected


def test_pod_security_labels_enforce_the_given_level():
    assert pod_security_labels("baseline")[f"{PSS}enforce"] == "baseline"


def test_addon_args_are_keyword_only():
    with pytest.raises(TypeError):
        CertManagerArgs(True)  # type: ignore[misc]
    assert all(f.kw_only for f in dataclasses.fields(CertManagerArgs))
