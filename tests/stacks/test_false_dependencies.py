"""Issue 8: nothing waits for what it does not need, so `pulumi up` runs add-ons and services side
by side. "Waits for" is skyfleet.analysis.graph's relation: direct and component dependencies, explicit
providers and parents, transitively.

The waits allowed between add-ons, each because the later one needs something the earlier ships:
- cert-manager's ClusterIssuers after the cert-manager release (its CRDs and webhook);
- a release that renders a ServiceMonitor (ingress controller, cert-manager, Argo CD) after the
  monitoring release, which ships the ServiceMonitor CRD (components/platform/__init__.py);
- the monitoring release after Grafana's admin Secret, which it reads by name.
A service waits for an add-on only if it uses it: its PrometheusRule (every service has alerts)
and its ServiceMonitor (only with `metrics`) for the monitoring release, which ships their CRDs,
and nothing else of it; never for Argo CD, cluster-autoscaler or another service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from stack_plans import DEV_STACKS, HELM_RELEASE, PROJECT, addon_components, children_of_type, one, services

from components.workload import load_workloads
from components.workload.spec import ServiceSpec

MONITORING = "Monitoring"
# (add-on that waits, add-on it waits for): see the module doc.
ALLOWED_ADDON_WAITS = {
    ("IngressController", MONITORING),
    ("CertManager", MONITORING),
    ("ArgoCD", MONITORING),
    # The Gateway API provider and cert-manager's Gateway support need the CRDs at start.
    ("IngressController", "GatewayApiCrds"),
    ("CertManager", "GatewayApiCrds"),
}
# Resources inside an add-on that may wait for the add-on's own release: custom resources of the
# CRDs the release installs.
CRD_KINDS_AFTER_RELEASE = {
    "kubernetes:cert-manager.io/v1:ClusterIssuer",
    "kubernetes:argoproj.io/v1alpha1:ApplicationSet",
}
# Add-ons a service uses, by what its spec asks for.
USES: dict[str, Callable[[ServiceSpec], bool]] = {
    MONITORING: lambda spec: True,  # its alerts: a PrometheusRule
    "GatewayApiCrds": lambda spec: spec.route is not None and spec.route.api == "gateway",
    "IngressController": lambda spec: spec.route is not None,
    "CertManager": lambda spec: spec.route is not None,
    "MetricsServer": lambda spec: spec.autoscaling is not None,
    "ExternalDns": lambda spec: spec.route is not None,
    "ArgoCD": lambda spec: False,
    "ClusterAutoscaler": lambda spec: False,
}
SPECS = {spec.name: spec for spec in load_workloads(PROJECT / "stacks" / "workloads.yaml")}


def _members(graph, component: dict[str, Any]) -> set[str]:
    return set(graph.custom_descendants(component["urn"]))


def _release(plan, component: dict[str, Any]) -> dict[str, Any]:
    (release,) = children_of_type(plan, component["urn"], HELM_RELEASE)
    return release


def _direct_dependents(graph, urn: str) -> set[str]:
    return {later for later, earlier in graph.waits_for.items() if urn in earlier}


def _renders_service_monitor(values: Any) -> bool:
    """Whether chart values turn on a ServiceMonitor anywhere (`...serviceMonitor.enabled: true`)."""
    if isinstance(values, dict):
        for key, value in values.items():
            if key.lower() == "servicemonitor" and isinstance(value, dict) and value.get("enabled") is True:
                return True
            if _renders_service_monitor(value):
                return True
    return False


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_an_addon_waits_for_another_only_where_it_needs_it(plans, graphs, stack):
    graph, addons = graphs[stack], addon_components(plans[stack])
    assert MONITORING in addons
    unexpected = [
        (later, earlier)
        for later, a in addons.items()
        for earlier, b in addons.items()
        if later != earlier
        and graph.closure(a["urn"]) & _members(graph, b)
        and (later, earlier) not in ALLOWED_ADDON_WAITS
    ]
    assert unexpected == []


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_an_addon_waiting_for_monitoring_waits_for_its_release_only(plans, graphs, stack):
    plan, graph = plans[stack], graphs[stack]
    addons = addon_components(plan)
    release = _release(plan, addons[MONITORING])["urn"]
    monitoring = _members(graph, addons[MONITORING])
    for later in sorted(a for a, b in ALLOWED_ADDON_WAITS if b == MONITORING):
        if later in addons:
            direct = {dep for m in _members(graph, addons[later]) for dep in graph.waits_for[m]}
            assert direct & monitoring <= {release}, later


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_an_addon_waits_for_monitoring_only_if_its_release_renders_a_service_monitor(plans, graphs, stack):
    plan, graph = plans[stack], graphs[stack]
    addons = addon_components(plan)
    monitoring = _members(graph, addons[MONITORING])
    for name, addon in addons.items():
        if name != MONITORING and graph.closure(addon["urn"]) & monitoring:
            assert _renders_service_monitor(_release(plan, addon)["inputs"]["values"]), name


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_inside_an_addon_only_its_crds_custom_resources_wait_for_its_release(plans, graphs, stack):
    plan, graph = plans[stack], graphs[stack]
    for name, addon in addon_components(plan).items():
        if not children_of_type(plan, addon["urn"], HELM_RELEASE):
            continue  # the Gateway API CRDs: a manifest bundle, no release
        release = _release(plan, addon)["urn"]
        waiting = {graph.resources[m]["type"] for m in _members(graph, addon) if release in graph.closure(m)}
        assert waiting <= CRD_KINDS_AFTER_RELEASE, name


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_only_the_monitoring_release_waits_for_the_grafana_secret(plans, graphs, stack):
    plan, graph = plans[stack], graphs[stack]
    monitoring = addon_components(plan)[MONITORING]
    secret = one(plan, "kubernetes:core/v1:Secret", f"{monitoring['name']}-grafana-admin")["urn"]
    release = _release(plan, monitoring)["urn"]
    assert _direct_dependents(graph, secret) == {release}
    assert graph.dependents_closure(secret) - {release} <= graph.dependents_closure(release)


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_only_the_grafana_secret_waits_for_the_grafana_password(plans, graphs, stack):
    plan, graph = plans[stack], graphs[stack]
    monitoring = addon_components(plan)[MONITORING]
    name = f"{monitoring['name']}-grafana-admin"
    password = one(plan, "random:index/randomPassword:RandomPassword", name)["urn"]
    assert _direct_dependents(graph, password) == {one(plan, "kubernetes:core/v1:Secret", name)["urn"]}


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_a_service_waits_only_for_addons_it_uses(plans, graphs, stack):
    plan, graph = plans[stack], graphs[stack]
    addons = addon_components(plan)
    unexpected = [
        (service, addon)
        for service, component in services(plan).items()
        for addon, a in addons.items()
        if graph.closure(component["urn"]) & _members(graph, a) and not USES[addon](SPECS[service])
    ]
    assert unexpected == []


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_only_a_services_monitoring_objects_wait_for_monitoring(plans, graphs, stack):
    plan, graph = plans[stack], graphs[stack]
    monitoring = _members(graph, addon_components(plan)[MONITORING])
    for name, component in services(plan).items():
        waiting = {graph.resources[m]["type"] for m in _members(graph, component) if graph.closure(m) & monitoring}
        expected = {"kubernetes:monitoring.coreos.com/v1:PrometheusRule"}
        if SPECS[name].metrics:
            expected.add("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")
        assert waiting == expected, name


@pytest.mark.parametrize("stack", DEV_STACKS)
@pytest.mark.parametrize("addon", ["ArgoCD", "ClusterAutoscaler"])
def test_no_service_waits_for_argocd_or_cluster_autoscaler(plans, graphs, stack, addon):
    plan, graph = plans[stack], graphs[stack]
    component = addon_components(plan).get(addon)
    if component is None:
        pytest.skip(f"{stack} does not install {addon}")
    for name, service in services(plan).items():
        assert not graph.closure(service["urn"]) & _members(graph, component), name


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_a_service_does_not_wait_for_another_service(plans, graphs, stack):
    graph, found = graphs[stack], services(plans[stack])
    assert len(found) >= 2
    waits = [
        (later, earlier)
        for later, a in found.items()
        for earlier, b in found.items()
        if later != earlier and graph.closure(a["urn"]) & _members(graph, b)
    ]
    assert waits == []
