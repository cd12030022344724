"""examples/two-clouds, the README's "your own program": previewed and policy-checked as a user
runs it (`skyfleet preview --project examples/two-clouds --all`)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "two-clouds"
CLUSTERS = ("shop-aws", "shop-gcp")


@pytest.fixture(scope="module")
def previewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("two-clouds")
    done = subprocess.run(
        [sys.executable, "-m", "skyfleet", "preview", "--project", str(EXAMPLE), "--all", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    return done, out


@pytest.fixture(scope="module")
def plan(previewed: tuple[subprocess.CompletedProcess[str], Path]) -> dict[str, Any]:
    done, out = previewed
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads((out / "dev" / "plan.json").read_text()))


def _types(plan: dict[str, Any]) -> Counter[str]:
    return Counter(r["type"] for r in plan["resources"])


def test_the_example_previews_with_exit_code_zero_and_no_mandatory_violation(previewed) -> None:
    done, out = previewed
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((out / "dev" / "summary.json").read_text())
    assert summary["exitCode"] == 0
    assert "policy: 0 mandatory" in summary["notes"][-1]
    last = (out / "dev" / "policy.txt").read_text().splitlines()[-1]
    assert last == "No policy violations." or "0 mandatory" in last, last


def test_the_example_builds_two_clusters_on_two_clouds_with_the_platform_on_each(plan) -> None:
    types = _types(plan)
    assert (types["skyfleet:cluster:EksCluster"], types["skyfleet:cluster:GkeCluster"]) == (1, 1)
    assert types["skyfleet:platform:Platform"] == 2
    assert plan["project"] == "shop"


def test_each_cluster_runs_both_services(plan) -> None:
    services = sorted(r["name"] for r in plan["resources"] if r["type"] == "skyfleet:workload:Microservice")
    assert services == [f"{c}-{s}" for c in CLUSTERS for s in ("api", "web")]


def test_web_is_autoscaled_and_public_on_each_cluster_from_the_projects_config_defaults(previewed, plan) -> None:
    _, out = previewed
    for cluster in CLUSTERS:
        shop = out / "dev" / "manifests" / cluster / "shop"
        hpa = shop / "HorizontalPodAutoscaler-web.yaml"
        assert "maxReplicas: 6" in hpa.read_text()  # Pulumi.yaml: webMaxReplicas default
        assert "- www.shop.example.com" in (shop / "HTTPRoute-web.yaml").read_text()  # domain default
        assert not (shop / "HorizontalPodAutoscaler-api.yaml").exists()


def test_the_clusters_admit_the_configured_cidrs_only(plan) -> None:
    eks = next(r for r in plan["resources"] if r["type"] == "aws:eks/cluster:Cluster")
    assert eks["inputs"]["vpcConfig"]["publicAccessCidrs"] == ["203.0.113.0/24"]


def test_the_same_services_render_identically_on_both_clouds(previewed) -> None:
    done, _ = previewed
    assert "identical on dev/shop-aws, dev/shop-gcp" in done.stdout, done.stdout


def test_the_kubeconfigs_are_exported_as_secrets(plan) -> None:
    assert plan["outputs"] == {f"{c}-kubeconfig": "[secret]" for c in CLUSTERS}
