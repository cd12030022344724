"""`skyfleet graph --stack aws-dev`: a DOT file grouping each cluster, add-on and service, and the
critical path, a chain of waits from a resource that waits for nothing to one nothing waits for."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from stack_plans import DEV_STACKS, GRAPH_STACK, MICROSERVICE, PLATFORM_PREFIX

from skyfleet.analysis.graph import critical_path

GROUP = re.compile(r'subgraph (cluster_\d+) \{\s*label="(cluster|platform|workload): ([^"]+)";')


@pytest.fixture(scope="module")
def graph_out(graph_run):
    assert graph_run.run.returncode == 0, graph_run.run.describe()
    return graph_run.out


@pytest.fixture(scope="module")
def reported_path(graph_out):
    return json.loads((graph_out / "critical-path.json").read_text())["criticalPath"]


def _roots_and_leaves(graph):
    waited_for = {dep for deps in graph.waits_for.values() for dep in deps}
    roots = {urn for urn, deps in graph.waits_for.items() if not deps}
    leaves = set(graph.waits_for) - waited_for
    return roots, leaves


def test_graph_writes_a_dot_file(graph_out):
    text = (graph_out / "graph.dot").read_text()
    assert text.startswith(f'digraph "{GRAPH_STACK}" {{') and text.rstrip().endswith("}")


def test_the_dot_file_has_a_subgraph_per_cluster_addon_and_service(graph_out, plans):
    groups = {(kind, name) for _, kind, name in GROUP.findall((graph_out / "graph.dot").read_text())}
    resources = plans[GRAPH_STACK]["resources"]
    expected = {("cluster", r["name"]) for r in resources if r["type"].startswith("skyfleet:cluster:")}
    expected |= {("platform", r["name"]) for r in resources if r["type"].startswith(PLATFORM_PREFIX)}
    expected |= {("workload", r["name"]) for r in resources if r["type"] == MICROSERVICE}
    assert groups == expected
    assert {kind for kind, _ in groups} == {"cluster", "platform", "workload"}


def test_graph_reports_the_critical_path(graph_run, reported_path):
    assert reported_path
    stdout = graph_run.run.stdout
    positions = [stdout.find(urn) for urn in reported_path]
    assert -1 not in positions and positions == sorted(positions), stdout


def test_the_reported_path_is_the_critical_path_of_the_previewed_plan(plans, reported_path):
    assert reported_path == critical_path(plans[GRAPH_STACK])


def test_the_critical_path_starts_at_a_root_and_ends_at_a_leaf(graphs, reported_path):
    roots, leaves = _roots_and_leaves(graphs[GRAPH_STACK])
    assert len(reported_path) > 0
    assert reported_path[0] in roots
    assert reported_path[-1] in leaves


def test_each_step_of_the_critical_path_waits_for_the_one_before(graphs, reported_path):
    waits = graphs[GRAPH_STACK].waits_for
    assert all(earlier in waits[later] for earlier, later in itertools.pairwise(reported_path))


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_every_dev_stack_has_a_critical_path_from_a_root_to_a_leaf(graphs, stack):
    path = graphs[stack].critical_path()
    roots, leaves = _roots_and_leaves(graphs[stack])
    assert len(path) > 1
    assert (path[0] in roots, path[-1] in leaves) == (True, True)
