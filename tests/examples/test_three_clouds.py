"""examples/three-clouds: a GKE canary, then EKS and AKS, as two waves of one fleet (issue 21).

The false-dependency rules of tests/stacks/test_false_dependencies.py, extended to waves: an object
of a service on a wave-2 cluster waits for the same service's wave-1 Deployment and for nothing
else outside its own cluster; services never wait for each other; the clusters of one wave never
wait for each other. "Waits for" is skyfleet.analysis.graph's relation.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from skyfleet.analysis.graph import ResourceGraph
from skyfleet.preview.runner import PreviewError, run_stack
from skyfleet.preview.stack_config import load_stack_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "three-clouds"
STACK = "waves"
WAVE_1, WAVE_2 = ("canary",), ("east", "west")
CLUSTERS = (*WAVE_1, *WAVE_2)
SERVICES = ("api", "web")
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    return run_stack(EXAMPLE, STACK)[0].to_json()


@pytest.fixture(scope="module")
def graph(plan: dict[str, Any]) -> ResourceGraph:
    return ResourceGraph(plan)


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _cluster(urn: str) -> str | None:
    """The cluster a resource belongs to: every child's name derives from its cluster's."""
    name = _name(urn)
    return next((c for c in CLUSTERS if name == c or name.startswith(f"{c}-")), None)


def _in_cluster(graph: ResourceGraph, cluster: str) -> set[str]:
    return {urn for urn in graph.resources if _cluster(urn) == cluster}


def _service(plan: dict[str, Any], cluster: str, name: str) -> str:
    (urn,) = [r["urn"] for r in plan["resources"]
              if r["type"] == "skyfleet:workload:Microservice" and r["name"] == f"{cluster}-{name}"]
    return urn


def _members(plan: dict[str, Any], graph: ResourceGraph, cluster: str, name: str) -> set[str]:
    return set(graph.custom_descendants(_service(plan, cluster, name)))


def _deployment(plan: dict[str, Any], graph: ResourceGraph, cluster: str, name: str) -> str:
    (urn,) = [m for m in _members(plan, graph, cluster, name) if graph.resources[m]["type"] == DEPLOYMENT]
    return urn


def test_the_example_has_three_clusters_on_three_clouds_in_two_waves():
    raw = load_stack_config(EXAMPLE, STACK).raw
    assert {c["cloud"] for c in raw["skyfleet:clusters"].values()} == {"aws", "gcp", "azure"}
    assert raw["skyfleet:waves"] == [list(WAVE_1), list(WAVE_2)]


@pytest.mark.parametrize("cluster", WAVE_2)
@pytest.mark.parametrize("service", SERVICES)
def test_a_wave_two_deployment_waits_outside_its_cluster_only_for_the_canary_deployment(plan, graph, cluster, service):
    deployment = _deployment(plan, graph, cluster, service)
    outside = {d for d in graph.waits_for[deployment] if _cluster(d) != cluster}
    assert outside == {_deployment(plan, graph, "canary", service)}


@pytest.mark.parametrize("cluster", WAVE_2)
@pytest.mark.parametrize("service", SERVICES)
def test_every_wave_two_resource_of_a_service_waits_for_its_wave_one_deployment(plan, graph, cluster, service):
    canary = _deployment(plan, graph, "canary", service)
    members = _members(plan, graph, cluster, service)
    assert len(members) > 5
    assert [_name(m) for m in members if canary not in graph.closure(m)] == []


def test_wave_one_waits_for_nothing_of_wave_two(graph):
    later = _in_cluster(graph, "east") | _in_cluster(graph, "west")
    assert [m for m in _in_cluster(graph, "canary") if graph.closure(m) & later] == []


def test_the_clusters_of_one_wave_never_wait_for_each_other(graph):
    east, west = _in_cluster(graph, "east"), _in_cluster(graph, "west")
    assert [m for m in east if graph.closure(m) & west] == []
    assert [m for m in west if graph.closure(m) & east] == []


def test_a_service_never_waits_for_another_service_on_any_cluster(plan, graph):
    members = {(c, s): _members(plan, graph, c, s) for c in CLUSTERS for s in SERVICES}
    waits = [
        (later, earlier)
        for later, mine in members.items()
        for earlier, theirs in members.items()
        if later[1] != earlier[1] and any(graph.closure(m) & theirs for m in mine)
    ]
    assert waits == []


# A failed program leaves the interpreter's parser unusable on CPython 3.11 ("AST constructor
# recursion depth mismatch" when pytest next imports a module), so the failing runs get their own.
FAILED_RUN = """
import json, sys
from pathlib import Path
from skyfleet.preview.rollouts import never_available
from skyfleet.preview.runner import PreviewError, run_stack
try:
    with never_available("canary-api"):
        run_stack(Path(sys.argv[1]), sys.argv[2])
except PreviewError as exc:
    print(json.dumps({"error": str(exc), "registered": [r.urn for r in exc.recorded]}))
"""


@pytest.fixture(scope="module")
def failed_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """The canary's api Deployment never becomes available: the runner's record, and the CLI's
    report (both canary Deployments failing), run side by side."""
    out = tmp_path_factory.mktemp("failed-canary")
    argv = {
        "record": [sys.executable, "-c", FAILED_RUN, str(EXAMPLE), STACK],
        "cli": [sys.executable, "-m", "skyfleet", "--project", str(EXAMPLE), "preview", "--stack", STACK,
                "--out", str(out), "--never-available", "canary-api", "--never-available", "canary-web"],
    }
    procs = {k: subprocess.Popen(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k, a in argv.items()}
    done = {}
    for key, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        done[key] = subprocess.CompletedProcess(argv[key], proc.returncode, stdout, stderr)
    return done


def test_a_canary_that_never_becomes_available_stops_wave_two_of_its_service(plan, graph, failed_runs):
    run = failed_runs["record"]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    wave_2_api = {m for c in WAVE_2 for m in _members(plan, graph, c, "api")}
    assert wave_2_api and set(result["registered"]) & wave_2_api == set()
    assert "RolloutTimeout" in result["error"]


def test_the_preview_reports_that_a_failed_canary_leaves_wave_two_untouched(failed_runs):
    run = failed_runs["cli"]
    assert run.returncode == 1, run.stderr
    assert "rollout: wave 2 (east, west): no service resource would be created or updated" in run.stderr
    assert "rollout: wave 1 (canary): " in run.stderr


def _copy_with_waves(tmp_path: Path, waves: Any) -> Path:
    copy = tmp_path / "three-clouds"
    shutil.copytree(EXAMPLE, copy)
    path = copy / "stacks" / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["skyfleet:waves"] = waves
    path.write_text(yaml.safe_dump(document))
    return copy


def test_a_wave_naming_an_unknown_cluster_fails_before_any_resource(tmp_path):
    with pytest.raises(PreviewError) as failed:
        run_stack(_copy_with_waves(tmp_path, [["canary"], ["east", "west", "north"]]), STACK)
    assert failed.value.recorded == []
    assert f"stacks/Pulumi.{STACK}.yaml: skyfleet:waves[1][2]: 'north': is not a cluster" in str(failed.value)
