"""The stack config, read from Pulumi and checked whole before anything is registered.

Every `skyfleet:*` key is known here; an unknown one is an error (a typo must not silently fall
back to a default). Each section is parsed by the module that owns it, all problems land in one
collector, and one `ValidationError` lists them with the file and field path.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from components.delivery import GitOpsArgs, check_delivery
from components.errors import Problem, Problems
from components.fleet import FleetArgs, check_version_skew

if TYPE_CHECKING:
    from components.cluster.args import ClusterArgs
    from components.platform import PlatformArgs
    from components.workload.spec import ServiceSpec

NAMESPACE = "skyfleet"
WORKLOADS_FILE = Path("stacks") / "workloads.yaml"
# Keys of other namespaces belong to providers (aws:region, gcp:project, ...): left to them.
KNOWN_KEYS = ("environment", "clusters", "platform", "delivery", "gitops", "secrets", "policyConfig")
# What a problem shows instead of a value that came from a secret config key.
REDACTED = "[secret]"


@dataclass(frozen=True)
class StackSettings:
    stack: str
    fleet: FleetArgs


def all_config() -> dict[str, str]:
    """Every config key of the stack, as the language host received it."""
    merged = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    return merged


def secret_config_keys() -> set[str]:
    """The config keys Pulumi marked secret (any `secure:` value inside makes the whole key one)."""
    keys = set(runtime_config.get_config_secret_keys_env())
    return keys | {k for k in all_config() if runtime_config.is_config_secret(k)}


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return raw


def read_settings(stack: str | None = None, project_dir: Path = Path()) -> StackSettings:
    from components.cluster.config import parse_cluster_config
    from components.platform import parse_platform_config
    from components.platform.config import from_config
    from components.workload import parse_workloads

    stack = stack or pulumi.get_stack()
    source = f"stacks/Pulumi.{stack}.yaml"
    problems = Problems(prefix=f"{source}: {NAMESPACE}:")
    values = {k.split(":", 1)[1]: _value(v) for k, v in all_config().items() if k.startswith(f"{NAMESPACE}:")}
    for key in sorted(set(values) - set(KNOWN_KEYS)):
        close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
        hint = f" (did you mean {NAMESPACE}:{close[0]}?)" if close else ""
        problems.add(key, values[key], f"unknown key{hint}; known keys: {', '.join(KNOWN_KEYS)}")

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

    # parse_platform_config places its problems under `platform.` itself.
    platform = parse_platform_config(values.get("platform") or {}, problems)
    _check_platform_fits_clusters(platform, clusters, problems)
    check_version_skew(clusters, problems)
    # `skyfleet:gitops`: {repoUrl, revision, path}, unknown keys are errors like everywhere else.
    gitops = None
    if "gitops" in values:
        with problems.under("gitops") as at:
            gitops = from_config(GitOpsArgs, values["gitops"], at)
    check_delivery(delivery, gitops, platform, sorted(clusters), problems)

    secret_names = sorted((values.get("secrets") or {}).keys()) if isinstance(values.get("secrets"), Mapping) else []
    workloads_path = project_dir / WORKLOADS_FILE
    workloads_raw = yaml.safe_load(workloads_path.read_text()) if workloads_path.is_file() else {}
    services_problems = Problems(prefix=f"{WORKLOADS_FILE}: ")
    services = parse_workloads(workloads_raw or {}, services_problems, str(WORKLOADS_FILE))
    for spec in services:
        for env_name, key in spec.secrets.items():
            services_problems.check(key in secret_names, f"services.{spec.name}.secrets.{env_name}", key,
                                    f"no such key in {NAMESPACE}:secrets of {source}")
    # Either way the same objects reach the cluster: Argo CD applies what Pulumi would have.
    _check_services_fit_platform(services, platform, services_problems)
    problems.extend(services_problems.found)
    if problems:
        # A problem's value is printed in CI logs: never one read from a secret config key.
        secret = {k.split(":", 1)[1] for k in secret_config_keys() if k.startswith(f"{NAMESPACE}:")}
        problems.found[:] = [_redact(p, f"{source}: {NAMESPACE}:", secret) for p in problems.found]
    problems.raise_if_any()
    fleet = FleetArgs(
        clusters=clusters,
        platform=platform,
        services=tuple(services),
        delivery=delivery,
        gitops=gitops,
    )
    return StackSettings(stack=stack, fleet=fleet)


def _redact(problem: Problem, prefix: str, secret_keys: set[str]) -> Problem:
    """The problem with its value hidden if it lies under one of `secret_keys`."""
    if not problem.path.startswith(prefix):
        return problem
    key = problem.path[len(prefix):]
    for secret in secret_keys:
        if key == secret or key.startswith((f"{secret}.", f"{secret}[")):
            return dataclasses.replace(problem, value=REDACTED)
    return problem


def _check_platform_fits_clusters(
    platform: PlatformArgs, clusters: Mapping[str, ClusterArgs], problems: Problems
) -> None:
    """What an add-on cannot do on a cluster (external-dns on a cloud without a DNS provider,
    cluster-autoscaler in a namespace its role does not trust), from the clusters' config alone,
    so it is refused before the clusters exist. A problem shared by clusters is listed once."""
    from components.cluster.clouds import PROFILES
    from components.cluster.handle import PlannedCluster
    from components.platform import check_platform_for_cluster

    found = Problems(prefix=problems.prefix)
    for name, cluster in sorted(clusters.items()):
        check_platform_for_cluster(platform, PlannedCluster(name, cluster.cloud, PROFILES[cluster.cloud]), found)
    unique = {str(problem): problem for problem in found.found}
    problems.extend(list(unique.values()))


def _check_services_fit_platform(
    services: Sequence[ServiceSpec], platform: PlatformArgs, problems: Problems
) -> None:
    """What each service needs from the platform, checked now rather than once the clusters exist
    (`Microservice` checks it again against the platform it is given).

    Whether the ingress controller and cert-manager's issuer exist depends only on the platform
    args (not on the cloud), so the answer here is the one the Platform component will give;
    `check_platform` only asks whether each exists, so the names below are stand-ins.
    """
    from components.platform.info import PlatformInfo
    from components.workload import check_platform

    ingress = platform.ingress.enabled
    expected = PlatformInfo(
        ingress_class="ingress" if ingress else None,
        ingress_namespace="ingress" if ingress else None,
        cluster_issuer="issuer" if platform.cert_manager.enabled and platform.cert_manager.issuers else None,
    )
    for spec in services:
        with problems.under(f"services.{spec.name}") as at:
            check_platform(spec, expected, at)
