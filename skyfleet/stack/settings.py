"""The stack config, read from Pulumi and checked whole before anything is registered.

Every `skyfleet:*` key is known here; an unknown one is an error (a typo must not silently fall
back to a default). Each section is parsed by the module that owns it, all problems land in one
collector, and one `ValidationError` lists them with the file and field path.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.runtime import config as runtime_config

from components.budget import parse_budget, parse_cost_assumptions
from components.config_reader import unknown_key_rule
from components.delivery import GitOpsArgs, check_delivery
from components.errors import Problem, Problems, ValidationError
from components.fleet import FleetArgs, check_version_skew
from components.rollout import check_waves
from components.yaml_input import load_yaml, require_mapping
from skyfleet.analysis.stack_waves import check_wave
from skyfleet.stack.deployer import DeployerArgs, check_reachable, parse_deployer

if TYPE_CHECKING:
    from components.cluster.args import ClusterArgs
    from components.platform import PlatformArgs
    from components.workload.spec import ServiceSpec

NAMESPACE = "skyfleet"
WORKLOADS_FILE = Path("stacks") / "workloads.yaml"
# Keys of other namespaces belong to providers (aws:region, gcp:project, ...): left to them.
KNOWN_KEYS = (
    "environment", "clusters", "platform", "delivery", "gitops", "secrets", "policyConfig", "deployer", "budget",
    "cost", "waves", "wave",
)
# What a problem shows instead of a value that came from a secret config key.
REDACTED = "[secret]"


@dataclass(frozen=True)
class StackSettings:
    stack: str
    fleet: FleetArgs
    deployer: DeployerArgs = field(default_factory=DeployerArgs)


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
    from components.cluster.config import parse_clusters_config
    from components.platform import parse_platform_config
    from components.platform.config import from_config
    from components.workload import parse_workloads
    from components.workload.parse import EXPECTED as WORKLOADS_EXPECTED

    stack = stack or pulumi.get_stack()
    source = f"stacks/Pulumi.{stack}.yaml"
    problems = Problems(prefix=f"{source}: {NAMESPACE}:")
    values = {k.split(":", 1)[1]: _value(v) for k, v in all_config().items() if k.startswith(f"{NAMESPACE}:")}
    for key in sorted(set(values) - set(KNOWN_KEYS)):
        problems.add(key, values[key], unknown_key_rule(f"{NAMESPACE}:{key}",
                                                        [f"{NAMESPACE}:{k}" for k in KNOWN_KEYS]))

    # `skyfleet:platform:` with nothing after it reaches the program as "": say so rather than
    # quietly deploying the defaults the user may have meant to change.
    for key in KNOWN_KEYS:
        if key in values and values[key] in ("", None, {}, []) and key not in ("secrets", "policyConfig", "clusters"):
            problems.add(key, values.pop(key), f"is empty: leave {NAMESPACE}:{key} out for its default, or fill it in")
    environment = values.get("environment", "dev")
    problems.check(environment in ("dev", "prod"), "environment", environment, "must be 'dev' or 'prod'")
    production = environment == "prod"
    delivery = values.get("delivery", "pulumi")
    problems.check(delivery in ("pulumi", "argocd"), "delivery", delivery, "must be 'pulumi' or 'argocd'")

    clusters = parse_clusters_config(values.get("clusters"), problems, production=production)

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
    # `skyfleet:deployer`: where `pulumi up` runs (docs/gitops.md, "Reaching the clusters").
    with problems.under("deployer") as at:
        deployer = parse_deployer(values.get("deployer"), at)
    check_reachable(clusters, deployer, problems)
    # `skyfleet:waves`: [[canary], [east, west]]; checked against every cluster named, parsed or not.
    waves = values.get("waves")
    clusters_raw = values.get("clusters")
    named = [str(c) for c in clusters_raw] if isinstance(clusters_raw, Mapping) else []
    check_waves(waves, named, delivery, problems, hub=gitops.hub if gitops is not None else None)
    # `skyfleet:wave`: this stack's place in the deploy workflow (skyfleet/analysis/stack_waves.py).
    check_wave(values.get("wave"), problems)

    secret_names = _check_secrets(values, project_dir / source, stack, problems)
    if "policyConfig" in values:
        from skyfleet.analysis.policy_eval import check_pack_config

        with problems.under("policyConfig") as at:
            check_pack_config(values["policyConfig"], at)
    # `skyfleet:budget` becomes one budget per cloud of the stack; `skyfleet:cost` tunes estimates.
    with problems.under("budget") as at:
        budget = parse_budget(values.get("budget"), at, secret_names=secret_names or [],
                              clouds=[c.cloud for c in clusters.values()])
    with problems.under("cost") as at:
        parse_cost_assumptions(values.get("cost"), at)
    services_problems = Problems(prefix=f"{WORKLOADS_FILE}: ")
    services = []
    workloads_path = project_dir / WORKLOADS_FILE
    if workloads_path.is_file():
        try:
            document = load_yaml(workloads_path, str(WORKLOADS_FILE))
            workloads_raw = require_mapping(document, WORKLOADS_EXPECTED)
        except ValidationError as exc:
            problems.extend(exc.problems)
        else:
            services = parse_workloads(workloads_raw, services_problems, str(WORKLOADS_FILE))
    for spec in services if secret_names is not None else ():  # malformed secrets: said above
        for env_name, key in spec.secrets.items():
            services_problems.check(key in (secret_names or ()), f"services.{spec.name}.secrets.{env_name}", key,
                                    f"no such key in {NAMESPACE}:secrets of {source}")
    # Either way the same objects reach the cluster: Argo CD applies what Pulumi would have.
    _check_services_fit_platform(services, platform, clusters, production, services_problems)
    problems.extend(services_problems.found)
    if problems:
        # A problem's value is printed in CI logs: never one read from a secret config key.
        # Everything under skyfleet:secrets is hidden, marked secret or not (a plaintext one is
        # refused, but its value must not reach the log that says so).
        secret = {k.split(":", 1)[1] for k in secret_config_keys() if k.startswith(f"{NAMESPACE}:")}
        secret.add("secrets")
        problems.found[:] = [_redact(p, f"{source}: {NAMESPACE}:", secret) for p in problems.found]
    problems.raise_if_any()
    fleet = FleetArgs(
        clusters=clusters,
        platform=platform,
        services=tuple(services),
        delivery=delivery,
        gitops=gitops,
        budget=budget,
        waves=waves,
    )
    return StackSettings(stack=stack, fleet=fleet, deployer=deployer)


def _check_secrets(values: Mapping[str, Any], stack_file: Path, stack: str, problems: Problems) -> list[str] | None:
    """The names in `skyfleet:secrets`, each of which must be encrypted (`secure:`) in the stack
    file: a plaintext value sits in Git in clear. Pulumi marks the whole key secret if any value
    inside is, so the file itself says which are not."""
    if "secrets" not in values:
        return []
    raw = values["secrets"]
    rule = "must map secret names to encrypted values (pulumi config set --secret)"
    if not problems.check(isinstance(raw, Mapping), "secrets", REDACTED, rule):
        return None
    assert isinstance(raw, Mapping)
    written: Any = None
    if stack_file.is_file():
        try:
            config = require_mapping(load_yaml(stack_file, f"stacks/{stack_file.name}"), "").get("config")
            written = config.get(f"{NAMESPACE}:secrets", config.get("secrets")) if isinstance(config, dict) else None
        except ValidationError:
            written = None  # the preview reported the file already; `pulumi up` had it parsed by the CLI
    marked = f"{NAMESPACE}:secrets" in secret_config_keys()
    for name, value in raw.items():
        path = f"secrets.{name}"
        if not problems.check(isinstance(name, str) and _SECRET_NAME.fullmatch(name) is not None, path,
                              name, "must be a name of letters, digits, '-', '_' or '.' (a Secret data key)"):
            continue
        if isinstance(written, Mapping):
            entry = written.get(name)
            encrypted = isinstance(entry, Mapping) and set(entry) == {"secure"} and isinstance(entry["secure"], str)
        else:
            encrypted = marked and isinstance(value, str)
        problems.check(encrypted, path, REDACTED,
                       "is not encrypted, so it would sit in Git in clear: set it with "
                       f"`pulumi config set --secret --path '{NAMESPACE}:secrets.{name}' <value> -s {stack}`")
    return sorted(str(name) for name in raw)


_SECRET_NAME = re.compile(r"[-._a-zA-Z0-9]{1,253}")


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
    services: Sequence[ServiceSpec], platform: PlatformArgs, clusters: Mapping[str, ClusterArgs],
    production: bool, problems: Problems,
) -> None:
    """What each service needs from the platform, checked against what `Platform` will give on
    each cluster (`planned_info`, computed by the add-ons' own functions), now rather than once the
    clusters exist (`Microservice` checks it again against the platform it is given). A problem
    shared by clusters is listed once."""
    from components.cluster.clouds import PROFILES
    from components.cluster.handle import PlannedCluster
    from components.fleet import check_route_hosts, with_route_hosts
    from components.platform import planned_info, platform_namespaces
    from components.workload import check_platform

    found = Problems(prefix=problems.prefix)
    check_route_hosts(platform, services, found)
    # The Fleet gives the cluster's Gateway an HTTPS listener for every service's route host.
    platform = with_route_hosts(platform, services)
    for name, cluster in sorted(clusters.items()):
        planned = PlannedCluster(name, cluster.cloud, PROFILES[cluster.cloud])
        info = planned_info(platform, planned, production=production)
        owned = platform_namespaces(platform, planned)
        for spec in services:
            with found.under(f"services.{spec.name}") as at:
                check_platform(spec, info, at)
                at.check(spec.namespace not in owned, "namespace", spec.namespace,
                         f"belongs to the platform (the {owned.get(spec.namespace)} add-on creates it): "
                         "put services in a namespace of their own")
    unique = {str(problem): problem for problem in found.found}
    problems.extend(list(unique.values()))
