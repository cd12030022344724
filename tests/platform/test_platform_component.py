"""The Platform component: which add-ons a cluster gets, how they are wired, what `info` says."""

from __future__ import annotations

import dataclasses

import pytest
from platform_harness import (
    AUTOSCALER_ROLE,
    NAMESPACE,
    RELEASE,
    by_urn,
    default_platform,
    one,
    preview_platform,
    releases,
    values,
)

from components.cluster.clouds import PROFILES
from components.cluster.handle import PlannedCluster
from components.errors import ValidationError
from components.platform import (
    ArgoCDArgs,
    ClusterAutoscalerArgs,
    ExternalDnsArgs,
    IngressControllerArgs,
    MonitoringArgs,
    PlatformArgs,
    addons_to_install,
    planned_info,
)
from skyfleet.preview.runner import PreviewError

DEFAULT_RELEASES = {
    "traefik",
    "cert-manager",
    "kube-prometheus-stack",
    "argocd",
    "metrics-server",
    "cluster-autoscaler",
    "loki",
    "alloy",
}
# Releases whose chart renders a ServiceMonitor and so needs the monitoring release's CRD.
SERVICE_MONITOR_RELEASES = {"traefik", "cert-manager", "argocd"}


def _release_urns(plan) -> dict[str, str]:
    return {name: r.urn for name, r in releases(plan).items()}


def test_default_platform_installs_every_addon_but_external_dns():
    assert set(releases(default_platform().plan)) == DEFAULT_RELEASES


def test_each_addon_is_a_component_parented_to_the_platform():
    plan = default_platform().plan
    platform = one(plan, "skyfleet:platform:Platform")
    addons = [
        r for r in plan.resources if r.type.startswith("skyfleet:platform:") and r is not platform
    ]
    assert sorted(r.type for r in addons) == sorted(
        f"skyfleet:platform:{n}"
        for n in (
            "GatewayApiCrds",
            "IngressController",
            "CertManager",
            "Monitoring",
            "ArgoCD",
            "MetricsServer",
            "ClusterAutoscaler",
            "Logging",
            "LogCollector",
        )
    )
    assert {r.parent for r in addons} == {platform.urn}


def test_each_release_is_parented_to_its_addon_and_named_after_it():
    plan = default_platform().plan
    index = by_urn(plan)
    for release in plan.by_type(RELEASE):
        addon = index[release.parent]
        assert addon.type.startswith("skyfleet:platform:")
        assert release.name == f"{addon.name}-release"


def test_every_release_uses_the_cluster_provider():
    plan = default_platform().plan
    provider = one(plan, "pulumi:providers:kubernetes", "test-k8s")
    assert {r.provider for r in plan.by_type(RELEASE)} == {provider.urn}


def test_every_release_waits_for_the_cluster_ready_resources():
    plan = default_platform().plan
    pool = one(plan, "random:index/randomId:RandomId", "main-pool")
    for name, release in releases(plan).items():
        assert pool.urn in release.dependencies, name


def test_only_releases_with_service_monitors_wait_for_monitoring():
    plan = default_platform().plan
    urns = _release_urns(plan)
    for name, release in releases(plan).items():
        waits_for = {n for n, urn in urns.items() if urn in release.dependencies}
        expected = {"kube-prometheus-stack"} if name in SERVICE_MONITOR_RELEASES else set()
        assert waits_for == expected, name


def test_without_monitoring_no_release_waits_for_another():
    plan = preview_platform(PlatformArgs(monitoring=MonitoringArgs(enabled=False))).plan
    urns = set(_release_urns(plan).values())
    for name, release in releases(plan).items():
        assert not urns & set(release.dependencies), name


def test_nothing_but_the_monitoring_release_waits_for_grafana():
    plan = default_platform().plan
    grafana = {r.urn for r in plan.resources if "grafana" in r.name}
    dependents = {
        r.name for r in plan.resources if grafana & set(r.dependencies) and r.urn not in grafana
    }
    assert dependents == {"main-platform-monitoring-release"}


def test_turning_one_addon_off_removes_only_that_addon():
    full = {r.urn for r in default_platform().plan.resources}
    without = {
        r.urn
        for r in preview_platform(PlatformArgs(argocd=ArgoCDArgs(enabled=False))).plan.resources
    }
    assert without < full
    assert all("skyfleet:platform:ArgoCD" in urn for urn in full - without)


@pytest.mark.parametrize(
    ("cloud", "expected"), [("aws", True), ("gcp", False), ("azure", False), ("existing", True)]
)
def test_metrics_server_only_where_the_cloud_does_not_run_one(cloud, expected):
    plan = default_platform(cloud).plan
    assert ("metrics-server" in releases(plan)) is expected


@pytest.mark.parametrize(
    ("cloud", "expected"), [("aws", True), ("gcp", False), ("azure", False), ("existing", False)]
)
def test_cluster_autoscaler_only_where_the_cloud_does_not_scale_nodes(cloud, expected):
    plan = default_platform(cloud).plan
    assert ("cluster-autoscaler" in releases(plan)) is expected


def test_cluster_autoscaler_needs_the_cluster_to_hand_over_its_support():
    plan = preview_platform(node_autoscaler=False).plan
    assert "cluster-autoscaler" not in releases(plan)


def test_addons_to_install_follows_enabled_and_the_profile():
    handle = dataclasses.make_dataclass("H", ["profile", "node_autoscaler_namespace"])(PROFILES["gcp"], None)
    install = addons_to_install(PlatformArgs(argocd=ArgoCDArgs(enabled=False)), handle)
    assert install == {
        "gatewayApi": True,
        "ingress": True,
        "certManager": True,
        "monitoring": True,
        "argocd": False,
        "metricsServer": False,
        "clusterAutoscaler": False,
        "externalDns": False,
        "logging": True,
        "logCollector": True,
    }


def test_info_describes_the_installed_addons():
    info = default_platform().built.info
    assert info.ingress_class == "traefik"
    assert info.ingress_namespace == "traefik"
    assert info.ingress_pod_labels == {"platform.skyfleet.io/component": "ingress-controller"}
    assert info.cluster_issuer == "letsencrypt-staging"
    assert info.monitoring is True
    assert info.monitoring_namespace == "monitoring"
    assert info.argocd_namespace == "argocd"


@pytest.mark.parametrize("hosts", [{}, {"web.example.com": ["apps"]}])
def test_the_planned_gateway_is_the_one_the_platform_gives(hosts):
    # Services are checked against `planned_info` before any cluster exists: it must name the
    # Gateway and listeners the Platform then makes (none without a route host).
    args = PlatformArgs(ingress=IngressControllerArgs(gateway_hosts=hosts))
    built = preview_platform(args).built
    planned = planned_info(args, PlannedCluster("main", "aws", PROFILES["aws"]), production=False)
    assert (planned.gateway, dict(planned.gateway_listeners)) == (
        built.info.gateway, dict(built.info.gateway_listeners))


def test_info_monitoring_crds_is_the_monitoring_release():
    preview = default_platform()
    (crd_release,) = preview.built.info.monitoring_crds
    assert crd_release is preview.built.addons["monitoring"].release


def test_production_platform_points_workloads_at_the_production_issuer():
    assert default_platform(production=True).built.info.cluster_issuer == "letsencrypt-prod"


def test_info_without_addons_says_so():
    off = PlatformArgs(
        **{
            f.name: dataclasses.replace(getattr(PlatformArgs(), f.name), enabled=False)
            for f in dataclasses.fields(PlatformArgs)
        }
    )
    info = preview_platform(off).built.info
    assert (info.ingress_class, info.cluster_issuer, info.monitoring, info.monitoring_crds) == (
        None,
        None,
        False,
        (),
    )
    assert info.load_balancer_address is None


def test_platform_outputs_name_the_installed_addons():
    platform = one(default_platform().plan, "skyfleet:platform:Platform")
    assert platform.outputs["addons"] == sorted(
        ["argocd", "certManager", "clusterAutoscaler", "gatewayApi", "ingress", "logCollector", "logging",
         "metricsServer", "monitoring"]
    )


def test_metrics_server_skips_kubelet_tls_checks_where_the_profile_says_certs_are_self_signed():
    profile = dataclasses.replace(PROFILES["existing"], kubelet_certs_self_signed=True)  # a kind cluster's
    plan = preview_platform(cloud="existing", profile=profile).plan
    assert values(plan, "metrics-server")["args"] == ["--kubelet-insecure-tls"]


def test_metrics_server_verifies_kubelet_tls_on_an_existing_cluster_that_is_not_kind():
    assert "args" not in values(preview_platform(cloud="existing").plan, "metrics-server")


def test_metrics_server_verifies_kubelet_tls_by_default():
    assert "args" not in values(default_platform().plan, "metrics-server")


def test_invalid_args_raise_one_error_before_anything_is_created():
    bad = PlatformArgs(monitoring=MonitoringArgs(retention="forever", replicas=0))
    with pytest.raises(PreviewError) as raised:
        preview_platform(bad)
    error = raised.value.cause
    assert isinstance(error, ValidationError)
    assert {p.path for p in error.problems} == {
        "platform.monitoring.retention",
        "platform.monitoring.replicas",
    }


def test_every_namespace_is_created_before_its_release():
    plan = default_platform().plan
    namespaces = {r.urn for r in plan.by_type(NAMESPACE)}
    for name, release in releases(plan).items():
        if name != "cluster-autoscaler":  # installed into kube-system, which is not ours
            assert namespaces & set(release.dependencies), name


def test_external_dns_on_a_cluster_without_a_dns_provider_must_name_one():
    args = PlatformArgs(external_dns=ExternalDnsArgs(enabled=True, domain_filters=("example.com",)))
    with pytest.raises(PreviewError) as raised:
        preview_platform(args, cloud="existing")
    assert [p.path for p in raised.value.cause.problems] == ["platform.externalDns.provider"]


def test_cluster_autoscaler_namespace_must_be_the_one_its_role_trusts():
    args = PlatformArgs(cluster_autoscaler=ClusterAutoscalerArgs(namespace="autoscaling"))
    with pytest.raises(PreviewError) as raised:
        preview_platform(args)
    assert [p.path for p in raised.value.cause.problems] == ["platform.clusterAutoscaler.namespace"]


def test_cluster_autoscaler_gets_the_clusters_identity_and_name():
    sent = values(default_platform().plan, "cluster-autoscaler")
    assert sent["autoDiscovery"] == {"clusterName": "main"}
    assert sent["awsRegion"] == "us-east-1"
    assert sent["rbac"]["serviceAccount"] == {
        "create": True,
        "name": "cluster-autoscaler",
        "annotations": {"eks.amazonaws.com/role-arn": AUTOSCALER_ROLE},
    }


def test_cluster_autoscaler_runs_the_release_built_for_the_clusters_minor():
    # The fake handle is a 1.34 cluster; the chart's default image is v1.35.0.
    sent = values(default_platform().plan, "cluster-autoscaler")
    assert sent["image"] == {"tag": "v1.34.0"}
