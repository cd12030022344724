"""stacks/Pulumi.<stack>.yaml: the cluster sections parse, validate and build under the preview."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.cluster import create_cluster, parse_clusters_config
from components.errors import Problems
from skyfleet.preview import wire
from skyfleet.preview.runner import run_program
from skyfleet.preview.stack_config import load_stack_config

ROOT = Path(__file__).resolve().parents[2]
STACKS = ["aws-dev", "gcp-dev", "azure-dev", "local", "aws-prod", "gcp-prod", "azure-prod"]
CLOUD_OF = {"aws": "aws", "gcp": "gcp", "azure": "azure", "local": "existing"}


def _clusters(stack: str) -> tuple[dict, bool]:
    config = load_stack_config(ROOT, stack)
    production = config.raw["skyfleet:environment"] == "prod"
    problems = Problems(prefix=f"{config.path.name}: skyfleet:")
    clusters = parse_clusters_config(
        json.loads(config.values["skyfleet:clusters"]), problems, production=production
    )
    problems.raise_if_any()
    return clusters, production


@pytest.mark.parametrize("stack", STACKS)
def test_the_clusters_section_is_valid(stack: str) -> None:
    clusters, production = _clusters(stack)
    assert production is stack.endswith("-prod")
    assert {args.cloud for args in clusters.values()} == {CLOUD_OF[stack.split("-")[0]]}


@pytest.mark.parametrize("stack", STACKS)
def test_every_key_is_namespaced(stack: str) -> None:
    config = load_stack_config(ROOT, stack)
    assert all(":" in key for key in config.raw)


@pytest.mark.parametrize("stack", STACKS)
def test_the_stacks_clusters_build_under_the_preview(stack: str) -> None:
    clusters, production = _clusters(stack)

    def program() -> None:
        for args in clusters.values():
            create_cluster(args)

    plan = run_program(program, stack=stack)
    providers = plan.by_type("pulumi:providers:kubernetes")
    assert len(providers) == len(clusters)
    assert any(r.protect for r in plan.resources) is (production and stack != "local")
    for provider in providers:
        assert wire.contains_secret(provider.inputs["kubeconfig"]) or stack == "local"
