"""Issue 14's must-shows on every shipped stack, read from the session's `preview --all`.

Every release's created kinds resolve against the cluster's APIs at that point of the graph;
every value sent exists in its chart's data and every custom resource validates against its CRD
(the preview's upstream checks); every platform namespace but node-exporter's enforces
"restricted"; `web` is reachable through an HTTPRoute on the cluster's Gateway with TLS, the same
on every cloud.
"""

from __future__ import annotations

import pytest
from stack_plans import STACKS, cluster_of, yaml_files

from skyfleet.analysis import k8s_data
from skyfleet.analysis.api_kinds import unresolved_kinds
from skyfleet.analysis.stack_checks import upstream_problems

requires_k8s_data = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())


def _objects(preview_all, stack: str) -> list[dict]:
    return [obj for _, obj in yaml_files(preview_all.out / stack / "manifests" / cluster_of(stack))]


@pytest.mark.parametrize("stack", STACKS)
def test_every_created_kind_resolves(plans, stack):
    assert unresolved_kinds(plans[stack]) == []


@pytest.mark.parametrize("stack", STACKS)
def test_every_release_says_what_it_creates(plans, stack):
    releases = [r for r in plans[stack]["resources"] if r["type"] == "kubernetes:helm.sh/v3:Release"]
    installers = {r["outputs"].get("installer") for r in plans[stack]["resources"] if r.get("outputs")}
    assert releases and {r["urn"] for r in releases} <= installers


@requires_k8s_data
@pytest.mark.parametrize("stack", STACKS)
def test_every_value_and_custom_resource_passes_the_upstream_checks(preview_all, stack):
    problems, note = upstream_problems(preview_all.out / stack, stack)
    assert problems == [], note


@pytest.mark.parametrize("stack", STACKS)
def test_every_platform_namespace_but_node_exporters_enforces_restricted(preview_all, stack):
    levels = {obj["metadata"]["name"]: obj["metadata"]["labels"].get("pod-security.kubernetes.io/enforce")
              for obj in _objects(preview_all, stack) if obj["kind"] == "Namespace"}
    assert levels["node-exporter"] == "privileged"
    assert {name for name, level in levels.items() if level != "restricted"} == {"node-exporter"}


def _web_route(preview_all, stack: str) -> tuple[dict, dict]:
    objects = _objects(preview_all, stack)
    (route,) = [o for o in objects if o["kind"] == "HTTPRoute" and o["metadata"]["name"] == "web"]
    (gateway,) = [o for o in objects if o["kind"] == "Gateway"]
    return route, gateway


@pytest.mark.parametrize("stack", STACKS)
def test_web_is_reachable_through_an_http_route_with_tls(preview_all, stack):
    route, gateway = _web_route(preview_all, stack)
    (parent,) = route["spec"]["parentRefs"]
    assert (parent["name"], parent["namespace"]) == (gateway["metadata"]["name"], gateway["metadata"]["namespace"])
    (listener,) = [entry for entry in gateway["spec"]["listeners"] if entry["name"] == parent["sectionName"]]
    assert listener["hostname"] == "web.example.com" == route["spec"]["hostnames"][0]
    assert listener["protocol"] == "HTTPS" and listener["tls"]["certificateRefs"]
    assert gateway["metadata"]["annotations"]["cert-manager.io/cluster-issuer"].startswith("letsencrypt-")
    assert not [o for o in _objects(preview_all, stack) if o["kind"] == "Ingress"]


def test_the_web_route_is_identical_on_every_stack(preview_all):
    routes = {stack: _web_route(preview_all, stack)[0] for stack in STACKS}
    assert len({repr(route) for route in routes.values()}) == 1, routes


@pytest.mark.parametrize("stack", [s for s in STACKS if s.startswith("gcp-")])
def test_gke_leaves_its_managed_gateway_crds_off_so_every_cloud_runs_the_same_version(plans, stack):
    (cluster,) = [r for r in plans[stack]["resources"] if r["type"] == "gcp:container/cluster:Cluster"]
    channel = (cluster["inputs"].get("gatewayApiConfig") or {}).get("channel", "CHANNEL_DISABLED")
    assert channel == "CHANNEL_DISABLED"


def test_every_stack_installs_the_same_gateway_api_release(plans):
    files = {stack: {r["inputs"]["file"] for r in plan["resources"] if r["type"] == "kubernetes:yaml/v2:ConfigFile"}
             for stack, plan in plans.items()}
    assert set(map(frozenset, files.values())) == {frozenset({
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml"})}


@pytest.mark.parametrize("stack", STACKS)
def test_plain_http_is_redirected_to_https_and_the_http_listener_admits_solver_routes_from_any_namespace(
    preview_all, stack,
):
    objects = _objects(preview_all, stack)
    (gateway,) = [o for o in objects if o["kind"] == "Gateway"]
    (http,) = [entry for entry in gateway["spec"]["listeners"] if entry["protocol"] == "HTTP"]
    assert http["allowedRoutes"]["namespaces"]["from"] == "All"
    (redirect,) = [o for o in objects if o["kind"] == "HTTPRoute"
                   and any(p.get("sectionName") == http["name"] for p in o["spec"]["parentRefs"])]
    (rule,) = redirect["spec"]["rules"]
    assert rule["filters"] == [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}]
