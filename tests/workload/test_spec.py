"""Each rule of `validate_spec` / `check_platform`: the problem names the field and the rule."""

import dataclasses

from components.errors import Problems
from components.workload import (
    Autoscaling,
    ContainerPort,
    Disruption,
    Limits,
    MetricsSpec,
    Probe,
    Requests,
    Resources,
    Rollout,
    RouteSpec,
)
from components.workload.validate import check_platform

from .samples import PLATFORM, problems, service


def test_a_valid_service_has_no_problems():
    assert problems(service()) == {}


def test_the_latest_tag_is_rejected():
    assert "latest" in problems(service(image="ghcr.io/skyfleet/api:latest"))["image"]


def test_an_image_without_tag_or_digest_is_rejected():
    assert "tag or digest" in problems(service(image="ghcr.io/skyfleet/api"))["image"]


def test_a_registry_port_is_not_taken_for_a_tag():
    assert "tag or digest" in problems(service(image="localhost:5000/api"))["image"]


def test_an_image_pinned_by_digest_is_accepted():
    assert problems(service(image="ghcr.io/skyfleet/api@sha256:" + "a" * 64)) == {}


def test_a_missing_liveness_probe_is_an_error():
    assert "required" in problems(service(liveness=None))["liveness"]


def test_a_missing_readiness_probe_is_an_error():
    assert "required" in problems(service(readiness=None))["readiness"]


def test_a_probe_on_an_unknown_port_names_the_service():
    rule = problems(service(readiness=Probe.http_get("/readyz", port="admin")))[
        "readiness.httpGet.port"
    ]
    assert "not a container port of service 'api'" in rule


def test_an_ingress_port_no_container_exposes_names_the_service():
    spec = service(route=RouteSpec(host="api.example.com", port="web"))
    assert "not a container port of service 'api'" in problems(spec)["route.port"]


def test_a_metrics_port_no_container_exposes_is_an_error():
    assert "metrics.port" in problems(service(metrics=MetricsSpec(port="prom")))


def test_a_liveness_probe_must_succeed_once():
    spec = service(liveness=Probe.http_get("/livez", success_threshold=2))
    assert "must be 1" in problems(spec)["liveness.successThreshold"]


def test_min_replicas_above_max_is_an_error():
    spec = service(autoscaling=Autoscaling(min_replicas=5, max_replicas=3))
    assert "must not exceed" in problems(spec)["autoscaling.minReplicas"]


def test_replicas_and_autoscaling_together_are_an_error():
    spec = service(replicas=3, autoscaling=Autoscaling(max_replicas=6))
    assert "HPA owns" in problems(spec)["replicas"]


def test_autoscaling_needs_a_metric():
    spec = service(autoscaling=Autoscaling(max_replicas=6, cpu_utilization=None))
    assert "autoscaling" in problems(spec)


def test_a_budget_of_zero_unavailable_blocks_drains():
    spec = service(disruption=Disruption(max_unavailable=0))
    assert "blocks every node drain" in problems(spec)["disruption.maxUnavailable"]


def test_min_available_equal_to_the_replicas_blocks_drains():
    spec = service(replicas=2, disruption=Disruption(min_available=2))
    assert "replica floor (2)" in problems(spec)["disruption.minAvailable"]


def test_min_available_is_checked_against_the_autoscaler_floor():
    spec = service(
        autoscaling=Autoscaling(min_replicas=3, max_replicas=6),
        disruption=Disruption(min_available=3),
    )
    assert "replica floor (3)" in problems(spec)["disruption.minAvailable"]


def test_a_min_available_percentage_that_rounds_up_to_every_pod_blocks_drains():
    spec = service(replicas=3, disruption=Disruption(min_available="90%"))
    assert "disruption.minAvailable" in problems(spec)


def test_a_budget_leaving_room_to_evict_is_accepted():
    assert problems(service(replicas=3, disruption=Disruption(min_available="50%"))) == {}


def test_both_budget_fields_are_an_error():
    spec = service(disruption=Disruption(max_unavailable=1, min_available=1))
    assert "not both" in problems(spec)["disruption"]


def test_requests_above_limits_are_an_error():
    spec = service(
        resources=Resources(requests=Requests(memory="1Gi"), limits=Limits(memory="512Mi"))
    )
    assert "must not exceed the limit" in problems(spec)["resources.requests.memory"]


def test_a_bad_quantity_is_an_error():
    spec = service(resources=Resources(limits=Limits(cpu="half")))
    assert "quantity" in problems(spec)["resources.limits.cpu"]


def test_the_service_name_must_be_a_dns1035_label():
    assert "DNS-1035" in problems(service(name="1api"))["name"]


def test_the_namespace_must_be_a_dns1123_label():
    assert "DNS-1123" in problems(service(namespace="Apps"))["namespace"]


def test_a_port_name_longer_than_15_characters_is_an_error():
    ports = {"http": ContainerPort(port=8080), "a-very-long-port-name": ContainerPort(port=81)}
    assert "IANA" in problems(service(ports=ports))["ports.a-very-long-port-name"]


def test_a_port_name_without_a_letter_is_an_error():
    ports = {"http": ContainerPort(port=8080), "8081": ContainerPort(port=8081)}
    assert "ports.8081" in problems(service(ports=ports))


def test_two_ports_with_the_same_number_are_an_error():
    ports = {"http": ContainerPort(port=8080), "web": ContainerPort(port=8080)}
    assert "already declared" in problems(service(ports=ports))["ports.web.port"]


def test_an_invalid_route_host_is_an_error():
    spec = service(route=RouteSpec(host="API_example.com"))
    assert "DNS-1123 subdomain" in problems(spec)["route.host"]


def test_an_unqualified_route_host_is_an_error():
    assert "fully qualified" in problems(service(route=RouteSpec(host="api")))["route.host"]


def test_a_rollout_of_zero_unavailable_and_zero_surge_is_an_error():
    spec = service(rollout=Rollout(max_unavailable=0, max_surge=0))
    assert "both be 0" in problems(spec)["rollout"]


def test_a_gateway_route_without_tls_is_an_error():
    spec = service(route=RouteSpec(host="api.example.com", tls=False))
    assert "api: ingress" in problems(spec)["route.tls"]


def test_a_plain_http_route_is_possible_as_an_ingress():
    assert "route.tls" not in problems(service(route=RouteSpec(host="api.example.com", tls=False, api="ingress")))


def test_a_wildcard_host_cannot_get_a_gateway_certificate():
    assert "wildcard" in problems(service(route=RouteSpec(host="*.example.com")))["route.host"]


def test_a_gateway_route_needs_the_clusters_gateway():
    found = Problems()
    check_platform(service(route=RouteSpec(host="api.example.com")),
                   dataclasses.replace(PLATFORM, gateway=None), found)
    assert [p.path for p in found.found] == ["route"]


def test_a_gateway_route_needs_a_listener_for_its_host():
    found = Problems()
    check_platform(service(route=RouteSpec(host="new.example.com")), PLATFORM, found)
    assert [p.path for p in found.found] == ["route.host"]


def test_an_env_name_set_twice_is_an_error():
    spec = service(config={"LOG_LEVEL": "info"}, env={"LOG_LEVEL": "debug"})
    assert "already set by config.LOG_LEVEL" in problems(spec)["env.LOG_LEVEL"]


def test_a_config_key_that_is_not_an_env_name_is_an_error():
    assert "config.log-level" in problems(service(config={"log-level": "info"}))


def test_an_unknown_cloud_in_cloud_access_is_an_error():
    assert "cloudAccess.ibm" in problems(service(cloud_access={"ibm": ["reader"]}))


def test_a_service_cannot_list_itself_as_caller():
    assert "itself" in problems(service(callers=["api"]))["callers[0]"]


def test_running_as_root_is_an_error():
    assert "non-root" in problems(service(run_as_user=0))["runAsUser"]


def test_every_problem_is_reported_at_once():
    spec = service(image="api:latest", readiness=None, name="API")
    assert {"image", "readiness", "name"} <= set(problems(spec))


def test_an_ingress_route_without_an_ingress_controller_is_an_error():
    found = Problems()
    check_platform(
        service(route=RouteSpec(host="api.example.com", api="ingress")),
        dataclasses.replace(PLATFORM, ingress_class=None, ingress_namespace=None),
        found,
    )
    assert [p.path for p in found.found] == ["route"]


def test_tls_without_a_cluster_issuer_is_an_error():
    found = Problems()
    check_platform(
        service(route=RouteSpec(host="api.example.com")),
        dataclasses.replace(PLATFORM, cluster_issuer=None),
        found,
    )
    assert [p.path for p in found.found] == ["route.tls"]
