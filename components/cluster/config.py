"""Stack config -> `ClusterArgs`: the camelCase mapping under `skyfleet:clusters.<name>`.

Types are checked here (unknown keys, wrong types, unknown choices), every problem recorded with
its full path (`clusters.main.nodePools.gpu.maxSize`); the rules that need a whole value (CIDR
overlaps, zones in the region, versions...) run next, in `validate_cluster`, when the types were
right. Nothing raises here: the caller raises once with everything found.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from components.errors import Problems

from .args import (
    TAINT_EFFECTS,
    ClusterArgs,
    EndpointArgs,
    ExistingClusterArgs,
    NetworkArgs,
    NodePoolArgs,
    Taint,
)
from .catalog import SIZES
from .clouds import CLOUDS
from .validate import validate_cluster


class _Invalid:
    """Returned by a reader that recorded a problem (None is a legitimate value)."""


INVALID = _Invalid()
Reader = Callable[[Problems, str, Any], Any]
# camelCase config key -> (dataclass field, reader)
Fields = Mapping[str, tuple[str, Reader]]


def _string(problems: Problems, path: str, value: Any) -> Any:
    ok = isinstance(value, str) and value != ""
    return value if problems.check(ok, path, value, "must be a non-empty string") else INVALID


def _version(problems: Problems, path: str, value: Any) -> Any:
    # YAML reads 1.30 as the number 1.3: refuse numbers rather than guess the minor.
    rule = 'must be a string such as "1.35" (quoted: YAML reads 1.30 as the number 1.3)'
    return value if problems.check(isinstance(value, str), path, value, rule) else INVALID


def _boolean(problems: Problems, path: str, value: Any) -> Any:
    ok = isinstance(value, bool)
    return value if problems.check(ok, path, value, "must be true or false") else INVALID


def _integer(problems: Problems, path: str, value: Any) -> Any:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return value if problems.check(ok, path, value, "must be an integer") else INVALID


def _choice(options: tuple[str, ...]) -> Reader:
    def read(problems: Problems, path: str, value: Any) -> Any:
        rule = f"must be one of {', '.join(options)}"
        return value if problems.check(value in options, path, value, rule) else INVALID

    return read


def _string_list(problems: Problems, path: str, value: Any) -> Any:
    if not problems.check(isinstance(value, list), path, value, "must be a list of strings"):
        return INVALID
    items = [_string(problems, f"{path}[{i}]", item) for i, item in enumerate(value)]
    return INVALID if any(item is INVALID for item in items) else tuple(items)


def _string_map(problems: Problems, path: str, value: Any) -> Any:
    if not problems.check(isinstance(value, dict), path, value, "must be a mapping"):
        return INVALID
    ok = True
    for key, item in value.items():
        rule = "must be a string (quote numbers and booleans)"
        ok = problems.check(isinstance(item, str), f"{path}.{key}", item, rule) and ok
    return dict(value) if ok else INVALID


def _any_string(problems: Problems, path: str, value: Any) -> Any:
    ok = isinstance(value, str)
    return value if problems.check(ok, path, value, "must be a string") else INVALID


def _record(fields: Fields, make: Callable[..., Any], required: tuple[str, ...] = ()) -> Reader:
    """A mapping with exactly `fields` (optional unless `required`) turned into `make(**kwargs)`."""

    def read(problems: Problems, path: str, value: Any) -> Any:
        kwargs = _read_fields(problems, path, value, fields, required)
        return INVALID if kwargs is None else make(**kwargs)

    return read


def _read_fields(
    problems: Problems, path: str, raw: Any, fields: Fields, required: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    if not problems.check(isinstance(raw, dict), path, raw, "must be a mapping"):
        return None
    before = len(problems.found)
    for key in raw:
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            allowed = ", ".join(fields)
            problems.add(_join(path, key), raw[key], f"unknown key{hint}; known keys: {allowed}")
    for key in required:
        problems.check(key in raw, _join(path, key), None, "is required")
    kwargs: dict[str, Any] = {}
    for key, (attr, reader) in fields.items():
        if key in raw:
            value = reader(problems, _join(path, key), raw[key])
            if value is not INVALID:
                kwargs[attr] = value
    return kwargs if len(problems.found) == before else None


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


TAINT_FIELDS: Fields = {
    "key": ("key", _string),
    "value": ("value", _any_string),
    "effect": ("effect", _choice(TAINT_EFFECTS)),
}
_taint = _record(TAINT_FIELDS, Taint, required=("key",))


def _taints(problems: Problems, path: str, value: Any) -> Any:
    if not problems.check(isinstance(value, list), path, value, "must be a list of taints"):
        return INVALID
    items = [_taint(problems, f"{path}[{i}]", item) for i, item in enumerate(value)]
    return INVALID if any(t is INVALID for t in items) else tuple(items)


POOL_FIELDS: Fields = {
    "size": ("size", _choice(SIZES)),
    "machineType": ("machine_type", _string),
    "minSize": ("min_size", _integer),
    "maxSize": ("max_size", _integer),
    "spot": ("spot", _boolean),
    "labels": ("labels", _string_map),
    "taints": ("taints", _taints),
    "diskSizeGb": ("disk_size_gb", _integer),
    "system": ("system", _boolean),
}


def _node_pools(problems: Problems, path: str, value: Any) -> Any:
    if not problems.check(isinstance(value, dict), path, value, "must be a mapping"):
        return INVALID
    pools = {}
    for key, item in value.items():
        kwargs = _read_fields(problems, f"{path}.{key}", item, POOL_FIELDS)
        # The pool keyed "system" is a system pool unless it says otherwise.
        if kwargs is not None:
            kwargs.setdefault("system", key == "system")
        pools[key] = INVALID if kwargs is None else NodePoolArgs(**kwargs)
    return INVALID if any(p is INVALID for p in pools.values()) else pools


NETWORK_FIELDS: Fields = {
    "vpcCidr": ("vpc_cidr", _string),
    "podsCidr": ("pods_cidr", _string),
    "servicesCidr": ("services_cidr", _string),
    "existingNetwork": ("existing_network", _string),
    "existingSubnetIds": ("existing_subnet_ids", _string_list),
}
ENDPOINT_FIELDS: Fields = {
    "public": ("public", _boolean),
    "publicAccessCidrs": ("public_access_cidrs", _string_list),
}
EXISTING_FIELDS: Fields = {
    "kubeconfig": ("kubeconfig", _string),
    "context": ("context", _string),
}
CLUSTER_FIELDS: Fields = {
    "cloud": ("cloud", _choice(CLOUDS)),
    "region": ("region", _string),
    "version": ("version", _version),
    "zones": ("zones", _string_list),
    "project": ("project", _string),
    "nodePools": ("node_pools", _node_pools),
    "network": ("network", _record(NETWORK_FIELDS, NetworkArgs)),
    "endpoint": ("endpoint", _record(ENDPOINT_FIELDS, EndpointArgs)),
    "workloadIdentity": ("workload_identity", _boolean),
    "secretsEncryption": ("secrets_encryption", _boolean),
    "auditLogs": ("audit_logs", _boolean),
    "deletionProtection": ("deletion_protection", _boolean),
    "tags": ("tags", _string_map),
    "admins": ("admins", _string_list),
    "existing": ("existing", _record(EXISTING_FIELDS, ExistingClusterArgs)),
}


def parse_cluster_config(
    name: str, raw: Mapping[str, Any], problems: Problems, *, production: bool
) -> ClusterArgs | None:
    """The cluster `name` from its config mapping, validated; None if any problem was found.

    Paths are relative to the cluster (`nodePools.gpu.maxSize`): pass a collector placed at
    `clusters.<name>` (`problems.under(...)`, as `parse_clusters_config` does). The caller
    raises what was found, together with any other section's problems.
    """
    before = len(problems.found)
    kwargs = _read_fields(problems, "", raw, CLUSTER_FIELDS, required=("cloud",))
    if kwargs is None:
        return None
    args = ClusterArgs(name=name, production=production, **kwargs)
    validate_cluster(args, problems)
    return args if len(problems.found) == before else None


def parse_clusters_config(
    raw: Any, problems: Problems, *, production: bool
) -> dict[str, ClusterArgs]:
    """Every cluster of `skyfleet:clusters` (a mapping keyed by cluster name; at least one)."""
    ok = problems.check(
        isinstance(raw, dict) and bool(raw), "clusters", raw, "must map cluster names to settings"
    )
    if not ok:
        return {}
    clusters: dict[str, ClusterArgs] = {}
    for name, value in raw.items():
        with problems.under(f"clusters.{name}") as here:
            args = parse_cluster_config(str(name), value, here, production=production)
        if args is not None:
            clusters[str(name)] = args
    return clusters
