"""The kinds a Kubernetes version serves by itself, from kubernetes-validate's OpenAPI data.

Each top-level definition carries `x-kubernetes-group-version-kind`; those are the API server's
own kinds at that version (custom resources come only from CRDs). Alpha versions are left out:
the API server serves none of them unless a feature gate turns them on, which no managed cluster
does by default: https://kubernetes.io/docs/reference/using-api/#api-versioning
"""

from __future__ import annotations

import functools
import importlib.resources
import json

import kubernetes_validate
from kubernetes_validate import utils

GroupVersionKind = tuple[str, str]  # (apiVersion, kind)


def schema_version(version: str) -> str:
    """The newest kubernetes-validate schema version not newer than `version` ("1.35")."""
    wanted = tuple(int(p) for p in version.split(".")[:2])
    known = [v for v in utils.all_versions() if tuple(int(p) for p in v.split(".")[:2]) <= wanted]
    if not known:
        raise ValueError(f"Kubernetes {version}: kubernetes-validate has no schema this old")
    return max(known, key=lambda v: tuple(int(p) for p in v.split(".")))


@functools.cache
def built_in_kinds(version: str) -> frozenset[GroupVersionKind]:
    """(apiVersion, kind) of every non-alpha kind Kubernetes `version` serves itself."""
    path = f"kubernetes-json-schema/v{schema_version(version)}-local-strict/_definitions.json"
    text = importlib.resources.files(kubernetes_validate).joinpath(path).read_text()
    definitions = json.loads(text)["$defs"]
    kinds = set()
    for definition in definitions.values():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            if "alpha" in gvk["version"] or gvk["kind"] in ("DeleteOptions", "WatchEvent"):
                continue
            group = gvk["group"]
            kinds.add((f"{group}/{gvk['version']}" if group else gvk["version"], gvk["kind"]))
    return frozenset(kinds)


@functools.cache
def built_in_groups(version: str) -> frozenset[str]:
    return frozenset(api.rpartition("/")[0] for api, _ in built_in_kinds(version))
