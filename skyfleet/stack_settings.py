"""The stack config, read from Pulumi and checked whole before anything is registered.

Every `skyfleet:*` key is known here; an unknown one is an error (a typo must not silently fall
back to a default). Each section is parsed by the module that owns it, all problems land in one
collector, and one `ValidationError` lists them with the file and field path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from components.errors import Problems
from components.fleet import FleetArgs

NAMESPACE = "skyfleet"
WORKLOADS_FILE = Path("stacks") / "workloads.yaml"
Delivery = Literal["pulumi", "argocd"]
# Keys of other namespaces belong to providers (aws:region, gcp:project, ...): left to them.
KNOWN_KEYS = ("environment", "clusters", "platform", "delivery", "secrets", "policyConfig")


@dataclass(frozen=True)
class StackSettings:
    stack: str
    fleet: FleetArgs


def all_config() -> dict[str, str]:
    """Every config key of the stack, as the language host received it."""
    merged = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    return merged


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return raw


def read_settings(stack: str | None = None, project_dir: Path = Path()) -> StackSettings:
    from components.cluster.args import parse_cluster_config
    from components.platform import parse_platform_config
    from components.workload import parse_workloads

    stack = stack or pulumi.get_stack()
    source = f"stacks/Pulumi.{stack}.yaml"
    problems = Problems(prefix=f"{source}: {NAMESPACE}:")
    values = {k.split(":", 1)[1]: _value(v) for k, v in all_config().items() if k.startswith(f"{NAMESPACE}:")}
    for key in sorted(set(values) - set(KNOWN_KEYS)):
        problems.add(key, values[key], f"unknown key; known keys: {', '.join(KNOWN_KEYS)}")

    environment = values.get("environment", "dev")
    problems.check(environment in ("dev", "prod"), "environment", environment, "must be 'dev' or 'prod'")
    production = environment == "prod"
    delivery = values.get("delivery", "pulumi")
    problems.check(delivery in ("pulumi", "argocd"), "delivery", delivery, "must be 'pulumi' or 'argocd'")

    clusters_raw = values.get("clusters")
    clusters = {}
    if problems.check(isinstance(clusters_raw, Mapping) and bool(clusters_raw), "clusters", clusters_raw,
                      "required: a mapping of cluster name to cluster settings"):
        assert isinstance(clusters_raw, Mapping)
        for name, raw in clusters_raw.items():
            with problems.under(f"clusters.{name}") as section:
                parsed = parse_cluster_config(str(name), raw if isinstance(raw, Mapping) else {}, section,
                                              production=production)
                if not isinstance(raw, Mapping):
                    section.add("", raw, "must be a mapping")
            if parsed is not None:
                clusters[str(name)] = parsed

    with problems.under("platform") as section:
        platform = parse_platform_config(values.get("platform") or {}, section)

    secret_names = sorted((values.get("secrets") or {}).keys()) if isinstance(values.get("secrets"), Mapping) else []
    workloads_path = project_dir / WORKLOADS_FILE
    workloads_raw = yaml.safe_load(workloads_path.read_text()) if workloads_path.is_file() else {}
    services_problems = Problems(prefix=f"{WORKLOADS_FILE}: ")
    services = parse_workloads(workloads_raw or {}, services_problems, str(WORKLOADS_FILE))
    for spec in services:
        for env_name, key in spec.secrets.items():
            services_problems.check(key in secret_names, f"services.{spec.name}.secrets.{env_name}", key,
                                    f"no such key in {NAMESPACE}:secrets of {source}")
    problems.extend(services_problems.found)
    problems.raise_if_any()
    fleet = FleetArgs(
        clusters=clusters,
        platform=platform,
        services=tuple(services),
        production=production,
        delivery=delivery,
    )
    return StackSettings(stack=stack, fleet=fleet)
