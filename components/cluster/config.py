"""Stack config -> `ClusterArgs`: the camelCase mapping under `skyfleet:clusters.<name>`.

Read by the shared config reader (`components/config_reader.py`) from `ClusterArgs`' own fields,
so types, unknown keys and explicit empties are reported as in every other file, each with its
full path (`clusters.main.nodePools.gpu.maxSize`); the rules that need a whole value (CIDR
overlaps, zones in the region, versions...) run next, in `validate_cluster`, once the types are
right. Nothing raises here: the caller raises once with everything found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.config_reader import read_config
from components.errors import Problems

from .args import ClusterArgs
from .validate import validate_cluster


def _with_config_defaults(raw: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """`raw` with what config spells differently from Python: the pool keyed "system" is a
    system pool unless it says otherwise. Also records what only the written config shows: a
    pool that sets both `size` and `machineType` (the machine type would silently win)."""
    raw = dict(raw)
    pools = raw.get("nodePools")
    if isinstance(pools, Mapping):
        pools = {key: dict(pool) if isinstance(pool, Mapping) else pool for key, pool in pools.items()}
        for key, pool in pools.items():
            if not isinstance(pool, dict):
                continue
            if key == "system":
                pool.setdefault("system", True)
            problems.check(not ("size" in pool and "machineType" in pool), f"nodePools.{key}",
                           {"size": pool.get("size"), "machineType": pool.get("machineType")},
                           "set size or machineType, not both (machineType would win silently)")
        raw["nodePools"] = pools
    return raw


def parse_cluster_config(
    name: str, raw: Any, problems: Problems, *, production: bool
) -> ClusterArgs | None:
    """The cluster `name` from its config mapping, validated; None if any problem was found.

    Paths are relative to the cluster (`nodePools.gpu.maxSize`): pass a collector placed at
    `clusters.<name>` (`problems.under(...)`, as `parse_clusters_config` does).
    """
    before = len(problems.found)
    if not problems.check(isinstance(raw, Mapping), "", raw, "must be a mapping of cluster settings"):
        return None
    args = read_config(ClusterArgs, _with_config_defaults(raw, problems), problems,
                       fixed={"name": name, "production": production})
    if args is None or len(problems.found) != before:
        return None  # the whole-value rules would only repeat what the types said
    validate_cluster(args, problems)
    return args if len(problems.found) == before else None


def parse_clusters_config(raw: Any, problems: Problems, *, production: bool) -> dict[str, ClusterArgs]:
    """Every cluster of `skyfleet:clusters` (a mapping keyed by cluster name; at least one)."""
    ok = problems.check(isinstance(raw, Mapping) and bool(raw), "clusters", raw,
                        "required: a mapping of cluster name to cluster settings")
    if not ok:
        return {}
    clusters: dict[str, ClusterArgs] = {}
    for name, value in raw.items():
        with problems.under(f"clusters.{name}") as here:
            if not here.check(isinstance(name, str), "", name,
                              f"must be a name, but YAML read {name!r} as a number or boolean: quote it"):
                continue
            args = parse_cluster_config(name, value, here, production=production)
        if args is not None:
            clusters[name] = args
    return clusters
