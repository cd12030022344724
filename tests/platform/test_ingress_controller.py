"""The ingress controller: Traefik by default, ingress-nginx selectable, one LB address."""

from __future__ import annotations

import pytest
from platform_harness import (
    default_platform,
    dig,
    one,
    preview,
    preview_platform,
    releases,
    values,
)

from components.cluster.clouds import PROFILES
from components.errors import Problems
from components.platform import ArgoCDArgs, IngressController, IngressControllerArgs, PlatformArgs
from components.platform.ingress import load_balancer_address

NGINX = PlatformArgs(ingress=IngressControllerArgs(controller="ingress-nginx"))
ADDRESS = "skyfleet:platform:IngressController"


def test_traefik_serves_ingress_and_gateway_api():
    providers = values(default_platform().plan, "traefik")["providers"]
    assert providers == {
        "kubernetesIngress": {"enabled": True},
        "kubernetesGateway": {"enabled": True},
    }


def test_traefik_ingress_class_is_the_default_class():
    assert values(default_platform().plan, "traefik")["ingressClass"] == {
        "enabled": True,
        "isDefaultClass": True,
        "name": "traefik",
    }


def test_controller_runs_two_replicas_behind_a_pod_disruption_budget():
    sent = values(default_platform().plan, "traefik")
    assert sent["deployment"]["replicas"] == 2
    assert sent["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}


def test_controller_replicas_spread_across_zones_and_nodes():
    spread = values(default_platform().plan, "traefik")["topologySpreadConstraints"]
    assert [c["topologyKey"] for c in spread] == [
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    ]
    assert all(
        c["labelSelector"]["matchLabels"]
        == {"platform.skyfleet.io/component": "ingress-controller"}
        for c in spread
    )


def test_controller_has_requests_and_a_memory_limit():
    assert values(default_platform().plan, "traefik")["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"memory": "512Mi"},
    }


def test_traefik_pods_get_the_seccomp_profile_restricted_requires():
    assert values(default_platform().plan, "traefik")["podSecurityContext"]["seccompProfile"] == {
        "type": "RuntimeDefault"
    }


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_service_carries_the_clouds_load_balancer_annotations(cloud):
    sent = values(default_platform(cloud).plan, "traefik")["service"]
    assert sent == {
        "spec": {"type": "LoadBalancer"},
        "annotations": dict(PROFILES[cloud].load_balancer_annotations),
    }


def test_extra_service_annotations_add_to_the_clouds():
    args = PlatformArgs(ingress=IngressControllerArgs(service_annotations={"a.example.com/x": "1"}))
    annotations = values(preview_platform(args).plan, "traefik")["service"]["annotations"]
    assert annotations["a.example.com/x"] == "1"
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-type"] == "nlb"


@pytest.mark.parametrize(("cloud", "field"), [("aws", "hostname"), ("gcp", "ip"), ("azure", "ip")])
def test_load_balancer_address_is_the_profiles_field(cloud, field):
    address = one(default_platform(cloud).plan, ADDRESS).outputs["load_balancer_address"]
    assert (
        address.endswith(".preview.invalid")
        if field == "hostname"
        else address.startswith("203.0.113.")
    )


def test_load_balancer_address_reads_the_controllers_service():
    preview_ = default_platform()
    assert preview_.built.info.load_balancer_address is not None
    assert one(preview_.plan, ADDRESS).outputs["load_balancer_address"]


def test_load_balancer_address_is_empty_until_the_cloud_assigns_one():
    assert load_balancer_address({"loadBalancer": {}}, "ip") == ""
    assert load_balancer_address(None, "hostname") == ""
    assert (
        load_balancer_address({"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}}, "ip")
        == "10.0.0.1"
    )


def test_service_monitor_is_on_when_monitoring_is_installed():
    metrics = values(default_platform().plan, "traefik")["metrics"]["prometheus"]
    assert metrics == {"service": {"enabled": True}, "serviceMonitor": {"enabled": True}}


def test_service_monitor_is_off_without_monitoring():
    plan = preview(lambda h: IngressController("ing", h)).plan
    assert (
        dig(values(plan, "traefik"), "metrics", "prometheus", "serviceMonitor", "enabled") is False
    )


def test_ingress_nginx_is_selectable_with_class_nginx():
    preview_ = preview_platform(NGINX)
    sent = values(preview_.plan, "ingress-nginx")["controller"]
    assert sent["ingressClassResource"] == {"enabled": True, "name": "nginx", "default": True}
    assert sent["replicaCount"] == 2 and sent["minAvailable"] == 1
    assert preview_.built.info.ingress_class == "nginx"
    assert preview_.built.info.ingress_namespace == "ingress-nginx"


def test_ingress_nginx_releases_before_argocd_creates_its_ingress():
    args = PlatformArgs(ingress=NGINX.ingress, argocd=ArgoCDArgs(hostname="cd.example.com"))
    rel = releases(preview_platform(args).plan)
    assert rel["ingress-nginx"].urn in rel["argocd"].dependencies


def test_traefik_has_no_webhook_so_argocd_does_not_wait_for_it():
    args = PlatformArgs(argocd=ArgoCDArgs(hostname="cd.example.com"))
    rel = releases(preview_platform(args).plan)
    assert rel["traefik"].urn not in rel["argocd"].dependencies


def test_ingress_nginx_cannot_serve_gateway_api():
    problems = _problems(IngressControllerArgs(controller="ingress-nginx", gateway_api=True))
    assert [p.path for p in problems] == ["gatewayApi"]


def test_invalid_class_name_is_reported():
    assert [p.path for p in _problems(IngressControllerArgs(class_name="Not_Valid"))] == [
        "className"
    ]


def _problems(args):
    found = Problems()
    args.check(found)
    return found.found


def test_ingress_nginx_warns_of_its_retirement_and_stays_at_its_last_release():
    from components.platform.charts import CHARTS
    from components.platform.ingress import CONTROLLERS

    warning = CONTROLLERS["ingress-nginx"].warning or ""
    assert "retired upstream in March 2026" in warning and "4.15.1" in warning
    assert CHARTS["ingress-nginx"].version == "4.15.1"
    assert CONTROLLERS["traefik"].warning is None
