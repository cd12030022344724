"""Argo CD delivery in waves (`skyfleet:gitops.hub`): the hub's one ApplicationSet orders every
cluster's Applications with progressive syncs, RollingSync steps by the wave label, and validates
against the real ApplicationSet CRD (../shared/k8s-data, strict: unknown fields are errors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components.delivery import GitOpsArgs
from components.delivery_waves import WAVE_LABEL, application_set_spec, rolling_sync
from components.errors import ValidationError
from skyfleet.analysis import k8s_data
from skyfleet.analysis.crd_schemas import validate_custom_resource
from skyfleet.preview.runner import Plan, PreviewError, run_stack
from tests.gitops.test_argocd_delivery import APPSET, RELEASE, REPO, STACK, Config, make_project, set_key

WAVES = [["canary"], ["east", "west"]]
CANARY = {"cloud": "existing", "existing": {"kubeconfig": "~/.kube/config", "context": "kind-canary"}}
needs_data = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())


def with_hub(hub: str = "canary", waves: Any = WAVES):
    def edit(config: Config) -> None:
        config["skyfleet:clusters"]["canary"] = CANARY
        config["skyfleet:waves"] = waves
        config["skyfleet:gitops"]["hub"] = hub

    return edit


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return run_stack(make_project(tmp_path_factory.mktemp("hub"), with_hub()), STACK)[0]


def _of_type(plan: Plan, token: str) -> list[dict[str, Any]]:
    return [r for r in plan.to_json()["resources"] if r["type"] == token]


def _appset_object(resource: dict[str, Any]) -> dict[str, Any]:
    inputs = resource["inputs"]
    return {"apiVersion": inputs["apiVersion"], "kind": inputs["kind"], "metadata": inputs["metadata"],
            "spec": inputs["spec"]}


def test_rolling_sync_has_one_step_per_wave_selecting_its_label() -> None:
    strategy = rolling_sync(WAVES)
    assert strategy["type"] == "RollingSync"
    assert strategy["rollingSync"]["steps"] == [
        {"matchExpressions": [{"key": WAVE_LABEL, "operator": "In", "values": ["1"]}]},
        {"matchExpressions": [{"key": WAVE_LABEL, "operator": "In", "values": ["2"]}]},
    ]


def test_the_hub_holds_the_only_application_set_and_it_labels_each_application_with_its_wave(plan) -> None:
    (appset,) = _of_type(plan, APPSET)
    assert appset["provider"].endswith("::canary-k8s")  # the hub's own cluster
    spec = appset["inputs"]["spec"]
    assert spec["strategy"] == rolling_sync(WAVES)
    assert spec["template"]["metadata"]["labels"] == {WAVE_LABEL: "{{.wave}}"}
    elements = spec["generators"][0]["list"]["elements"]
    assert {(e["cluster"], e["wave"], e["destination"]) for e in elements} == {
        ("canary", "1", "in-cluster"), ("east", "2", "east"), ("west", "2", "west")}
    assert [e["wave"] for e in elements] == sorted(e["wave"] for e in elements)
    for element in elements:
        assert element["path"] == f"deploy/{STACK}/{element['cluster']}/{element['namespace']}"
    # RollingSync turns autosync off itself; an `automated` policy would only log warnings.
    assert "automated" not in spec["template"]["spec"]["syncPolicy"]


def test_only_the_hubs_argo_cd_runs_progressive_syncs(plan) -> None:
    flags = {}
    for release in _of_type(plan, RELEASE):
        if release["name"].endswith("-platform-argocd-release"):
            params = ((release["inputs"].get("values") or {}).get("configs") or {}).get("params") or {}
            flags[release["name"]] = params.get("applicationsetcontroller.enable.progressive.syncs")
    assert flags == {"canary-platform-argocd-release": True, "east-platform-argocd-release": None,
                     "west-platform-argocd-release": None}


def test_the_application_set_waits_for_what_pulumi_keeps_on_every_cluster(plan) -> None:
    (appset,) = _of_type(plan, APPSET)
    resources = plan.to_json()["resources"]
    kept = [r["urn"] for r in resources if r["type"] in ("kubernetes:core/v1:Namespace", "kubernetes:core/v1:Secret")
            and r["name"].split("-")[0] in ("canary", "east", "west") and "-platform-" not in r["name"]]
    assert {u.rsplit("::", 1)[-1].split("-")[0] for u in kept} == {"canary", "east", "west"}
    assert set(kept) <= set(appset["dependencies"])


def test_the_project_lets_the_hub_write_to_the_other_clusters_namespaces_only(plan) -> None:
    projects = [r for r in _of_type(plan, "kubernetes:argoproj.io/v1alpha1:AppProject")
                if r["inputs"]["metadata"]["name"] == "skyfleet-services"]
    (project,) = projects
    destinations = project["inputs"]["spec"]["destinations"]
    assert {d.get("name", d.get("server")) for d in destinations} == {"https://kubernetes.default.svc", "east", "west"}
    assert project["inputs"]["spec"]["clusterResourceWhitelist"] == []


@needs_data
def test_the_application_set_validates_against_the_real_crd(plan) -> None:
    (appset,) = _of_type(plan, APPSET)
    assert validate_custom_resource(_appset_object(appset)) == []


@needs_data
def test_the_crd_validation_is_strict_so_a_field_of_a_newer_argo_cd_fails() -> None:
    """`rollingSync.defaultPrune` exists in later Argo CD docs, not in the pinned CRD."""
    spec = application_set_spec("s", GitOpsArgs(repo_url=REPO), WAVES, {"canary": ["apps"], "east": ["apps"],
                                                                         "west": ["apps"]}, "canary")
    spec["strategy"]["rollingSync"]["defaultPrune"] = True
    obj = {"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
           "metadata": {"name": "fleet-workloads", "namespace": "argocd"}, "spec": spec}
    problems = validate_custom_resource(obj)
    assert problems and any("defaultPrune" in p for p in problems), problems


def _refused(tmp_path: Path, *edits: Any) -> str:
    with pytest.raises(PreviewError) as failed:
        run_stack(make_project(tmp_path, *edits), STACK)
    assert isinstance(failed.value.cause, ValidationError)
    assert failed.value.recorded == []
    return str(failed.value)


def test_argo_cd_delivery_in_two_waves_without_a_hub_is_refused(tmp_path: Path) -> None:
    def waves_only(config: Config) -> None:
        config["skyfleet:clusters"]["canary"] = CANARY
        config["skyfleet:waves"] = WAVES

    assert "or with 'argocd' a gitops.hub" in _refused(tmp_path, waves_only)


def test_a_hub_that_is_no_cluster_of_the_fleet_is_refused(tmp_path: Path) -> None:
    assert "skyfleet:gitops.hub: 'north': is not a cluster of this fleet" in _refused(tmp_path, with_hub("north"))


def test_a_hub_with_pulumi_delivery_is_refused(tmp_path: Path) -> None:
    message = _refused(tmp_path, with_hub(), set_key("delivery", "pulumi"))
    assert "skyfleet:gitops.hub: 'canary': needs delivery 'argocd'" in message
