"""The offline preview shows the waves (issue 21): `skyfleet graph` draws each wave of
examples/three-clouds as one box holding its clusters, their platform and services, and the
preview summary lists per wave what each service creates there."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skyfleet.analysis.graph import to_dot, wave_of_group
from skyfleet.preview.runner import run_stack

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "three-clouds"
WAVES = (("canary",), ("east", "west"))
GROUPS = ("skyfleet:cluster:", "skyfleet:platform:Platform", "skyfleet:workload:Microservice")


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    return run_stack(EXAMPLE, "waves")[0].to_json()


def _box(dot: str, number: int) -> str:
    """The text of `subgraph cluster_wave_<number>`, up to its closing brace at the same indent."""
    start = dot.index(f"  subgraph cluster_wave_{number} {{\n")
    end = dot.index("\n  }\n", start)
    return dot[start:end]


def _top_groups(plan: dict[str, Any]) -> dict[str, str]:
    """URN -> name of every cluster, Platform and Microservice component (the drawn top groups)."""
    return {r["urn"]: r["name"] for r in plan["resources"] if str(r["type"]).startswith(GROUPS)}


def test_each_wave_is_one_box_holding_exactly_its_clusters_groups(plan: dict[str, Any]) -> None:
    dot = to_dot(plan, waves=WAVES)
    groups = _top_groups(plan)
    assert len(groups) == 12  # 3 clusters, 3 platforms, 2 services on each cluster
    for number, wave in enumerate(WAVES, start=1):
        box = _box(dot, number)
        assert f'label="wave {number}: {", ".join(wave)}";' in box
        inside = {name for urn, name in groups.items() if f'"{urn}" [' in box}
        expected = {n for n in groups.values() if any(n == c or n.startswith(f"{c}-") for c in wave)}
        assert inside == expected, number


def test_the_boxes_come_in_rollout_order_and_one_wave_draws_none(plan: dict[str, Any]) -> None:
    dot = to_dot(plan, waves=WAVES)
    assert dot.index("cluster_wave_1 ") < dot.index("cluster_wave_2 ")
    assert "cluster_wave" not in to_dot(plan, waves=(("canary", "east", "west"),))
    assert "cluster_wave" not in to_dot(plan)


def test_a_group_belongs_to_the_longest_cluster_name_it_starts_with() -> None:
    waves = (("east",), ("east-2",))
    assert wave_of_group("east-2-platform", waves) == 2
    assert wave_of_group("east-api", waves) == 1
    assert wave_of_group("eastern", waves) is None


def test_skyfleet_graph_prints_the_waves_and_writes_them_in_the_report(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "skyfleet", "--project", str(EXAMPLE), "graph", "--stack", "waves",
                           "--out", str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "  wave 1: canary\n  wave 2: east, west\n" in done.stdout
    report = json.loads((tmp_path / "waves" / "critical-path.json").read_text())
    assert report["waves"] == ["wave 1: canary", "wave 2: east, west"]
    assert "subgraph cluster_wave_2 {" in (tmp_path / "waves" / "graph.dot").read_text()


def _per_service(plan: dict[str, Any], clusters: tuple[str, ...]) -> dict[str, int]:
    """Service -> resources under the `<cluster>-<service>` components of these clusters."""
    parent = {r["urn"]: r.get("parent") for r in plan["resources"]}
    services = {r["urn"]: r["name"] for r in plan["resources"] if r["type"] == "skyfleet:workload:Microservice"}
    counts: dict[str, int] = {}
    for urn in parent:
        up = parent[urn]
        while up is not None and up not in services:
            up = parent.get(up)
        if up is None:
            continue
        cluster, _, service = services[up].partition("-")
        if cluster in clusters:
            counts[service] = counts.get(service, 0) + 1
    return counts


def test_the_preview_summary_lists_per_wave_what_each_service_creates(plan: dict[str, Any], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "skyfleet", "--project", str(EXAMPLE), "preview", "--stack", "waves",
                           "--out", str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    notes = json.loads((tmp_path / "waves" / "summary.json").read_text())["notes"]
    rollout = [n for n in notes if n.startswith("rollout: ")]
    assert len(rollout) == 2
    for number, (wave, line) in enumerate(zip(WAVES, rollout, strict=True), start=1):
        counts = _per_service(plan, wave)
        assert set(counts) == {"api", "web"}
        detail = ", ".join(f"{s} {n}" for s, n in sorted(counts.items()))
        assert line == f"rollout: wave {number} ({', '.join(wave)}): {sum(counts.values())} service resources: {detail}"
        assert re.search(rf"^  {re.escape(line)}$", done.stdout, re.M)
