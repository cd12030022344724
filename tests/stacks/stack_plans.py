"""Reading one stack's preview output: the shipped stacks, their clouds, plan lookups, YAML trees.

Pure helpers for the whole-stack tests (tests/stacks); the fixtures live in conftest.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from components.cluster.cloud import CloudSpec
from components.cluster.clouds import SPECS
from skyfleet.preview.stack_config import list_stacks, load_stack_config

PROJECT = Path(__file__).resolve().parents[2]
STACKS = list_stacks(PROJECT)

# The failing-project test: a copy of the project with `local` and a stack with an invalid cloud.
BROKEN_STACK = "broken"
GOOD_STACK_IN_COPY = "local"
# The stack `skyfleet graph` is run on.
GRAPH_STACK = "aws-dev"



def cluster_types(specs: Mapping[str, CloudSpec]) -> dict[str, str]:
    """Cloud -> the type token of its cluster component (the class its cloud.py names)."""
    types: dict[str, str] = {}
    for name, spec in specs.items():
        module, component = spec.implementation
        types[name] = getattr(importlib.import_module(module), component).TYPE
    return types


def cloud_sdks(specs: Mapping[str, CloudSpec]) -> dict[str, str]:
    """Cloud -> the Pulumi SDK package of its cluster resource ("azure-native:..." comes from
    pulumi_azure_native); clouds whose clusters Skyfleet does not create have none."""
    return {
        name: "pulumi_" + spec.cluster_type.split(":", 1)[0].replace("-", "_")
        for name, spec in specs.items()
        if spec.cluster_type
    }


CLUSTER_TYPES = cluster_types(SPECS)
CLOUD_SDK_PREFIXES = cloud_sdks(SPECS)
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
MICROSERVICE = "skyfleet:workload:Microservice"
PLATFORM_PREFIX = "skyfleet:platform:"
PLATFORM = "skyfleet:platform:Platform"


def cluster_settings(stack: str) -> dict[str, dict[str, Any]]:
    """Cluster name -> its settings, as the stack's config file states them."""
    clusters: dict[str, dict[str, Any]] = load_stack_config(PROJECT, stack).raw["skyfleet:clusters"]
    return clusters


def clusters_of(stack: str) -> dict[str, str]:
    """Cluster name -> cloud, from the stack's config file."""
    return {name: settings["cloud"] for name, settings in cluster_settings(stack).items()}


def cloud_of(stack: str) -> str:
    """The one cloud of a single-cloud stack (every shipped stack is one)."""
    clouds = set(clusters_of(stack).values())
    assert len(clouds) == 1, f"{stack} spans clouds {sorted(clouds)}"
    return clouds.pop()


def environment_of(stack: str) -> str:
    environment: str = load_stack_config(PROJECT, stack).raw.get("skyfleet:environment", "dev")
    return environment


# The stacks a developer runs, one per cloud: what issues 7 and 8 ask about.
DEV_STACKS = [s for s in STACKS if environment_of(s) == "dev"]


def cluster_of(stack: str) -> str:
    (name,) = clusters_of(stack)
    return name


def stacks_on(*clouds: str) -> list[str]:
    return [s for s in STACKS if cloud_of(s) in clouds]


def of_type(plan: Mapping[str, Any], type_token: str) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if r["type"] == type_token]


def one(plan: Mapping[str, Any], type_token: str, name: str | None = None) -> dict[str, Any]:
    found = [r for r in of_type(plan, type_token) if name is None or r["name"] == name]
    assert len(found) == 1, f"{len(found)} resources of {type_token} named {name!r} in {plan['stack']}"
    return found[0]


def addon_components(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The add-on components (`skyfleet:platform:<Addon>`, not the Platform) by add-on type name."""
    return {
        r["type"].removeprefix(PLATFORM_PREFIX): r
        for r in plan["resources"]
        if r["type"].startswith(PLATFORM_PREFIX) and r["type"] != PLATFORM
    }


def services(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The Microservice components by service name (their name is `<cluster>-<service>`)."""
    result = {}
    for r in of_type(plan, MICROSERVICE):
        cluster = next(c for c in clusters_of(plan["stack"]) if r["name"].startswith(f"{c}-"))
        result[r["name"].removeprefix(f"{cluster}-")] = r
    return result


def children_of_type(plan: Mapping[str, Any], parent: str, type_token: str) -> list[dict[str, Any]]:
    return [r for r in of_type(plan, type_token) if r["parent"] == parent]


def yaml_files(root: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every YAML file under `root` (one document each, as the preview writes them)."""
    for path in sorted(root.rglob("*.yaml")):
        yield path, yaml.safe_load(path.read_text())


def file_tree(root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under `root`."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
