"""Custom resources checked against the real CRDs in `../shared/k8s-data/crds/`, strictly.

Each CRD's `openAPIV3Schema` (a structural schema) becomes a JSON schema the way the API server
reads it: `nullable`, `x-kubernetes-int-or-string` and `x-kubernetes-preserve-unknown-fields`
honoured, and every object that lists its `properties` closed (`additionalProperties: false`), as
`kubectl apply --validate=strict` reports a field the server would prune. `metadata` is checked
as the ObjectMeta fields Skyfleet may set. Not evaluated offline: CEL rules
(`x-kubernetes-validations`), list-map key uniqueness and string formats; the API server still
checks those on apply.
https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from skyfleet.analysis.k8s_data import data_root

GroupVersionKind = tuple[str, str]  # (apiVersion, kind)

_STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
# What a Skyfleet custom resource may carry in metadata (ObjectMeta's writable fields).
OBJECT_META = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 253},
        "generateName": {"type": "string"},
        "namespace": {"type": "string"},
        "labels": _STRINGS,
        "annotations": _STRINGS,
        "finalizers": {"type": "array", "items": {"type": "string"}},
        "ownerReferences": {"type": "array", "items": {"type": "object"}},
    },
}
# Keywords copied as they are: JSON Schema and OpenAPI agree on them.
_SAME = ("enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems",
         "maxItems", "uniqueItems", "multipleOf", "minProperties", "maxProperties", "required")


@dataclass(frozen=True)
class Crd:
    api_version: str
    kind: str
    namespaced: bool
    schema: Mapping[str, Any]  # the JSON schema, already converted
    source: str  # crds/<folder>/<file>


def to_json_schema(node: Mapping[str, Any], *, root: bool = False) -> dict[str, Any]:
    """One structural-schema node as a strict JSON schema (see the module docstring)."""
    out: dict[str, Any] = {k: node[k] for k in _SAME if k in node}
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    elif "type" in node:
        out["type"] = [node["type"], "null"] if node.get("nullable") else node["type"]
    # OpenAPI 3.0's boolean exclusive bounds are JSON Schema's numeric ones.
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if node.get(exclusive) is True and bound in node:
            out[exclusive] = out.pop(bound)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in node:
            # Inside a combinator the schema only adds constraints to fields declared above it.
            out[combinator] = [_constraint(part) for part in node[combinator]]
    if "not" in node:
        out["not"] = _constraint(node["not"])
    if "items" in node:
        out["items"] = to_json_schema(node["items"])
    properties = node.get("properties")
    if properties is not None:
        out["properties"] = {name: to_json_schema(child) for name, child in properties.items()}
    additional = node.get("additionalProperties")
    if isinstance(additional, Mapping):
        out["additionalProperties"] = to_json_schema(additional)
    elif additional is not None:
        out["additionalProperties"] = additional
    elif node.get("type") == "object" and not node.get("x-kubernetes-preserve-unknown-fields"):
        # A field the schema does not declare is pruned by the server: strict validation
        # reports it instead of letting it vanish.
        out["additionalProperties"] = False
    if root:
        out.setdefault("properties", {})["metadata"] = OBJECT_META
        out["properties"].pop("status", None)
        out.setdefault("required", [])
        out["required"] = sorted({*out["required"], "apiVersion", "kind", "metadata"})
    return out


def _constraint(node: Mapping[str, Any]) -> dict[str, Any]:
    """A combinator branch: its constraints, without closing the object it applies to."""
    out = {k: node[k] for k in _SAME if k in node}
    if "properties" in node:
        out["properties"] = {n: to_json_schema(c) for n, c in node["properties"].items()}
    if "type" in node:
        out["type"] = node["type"]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in node:
            out[combinator] = [_constraint(part) for part in node[combinator]]
    if "not" in node:
        out["not"] = _constraint(node["not"])
    return out


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML reads a bare `=` as the YAML 1.1 "value" tag, which it cannot construct; CRDs use
    `=` as an enum string (Prometheus' label matchers)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:value"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _documents(root: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(root.glob("*/*.yaml")):
        for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_Loader):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                yield str(path.relative_to(root.parent)), doc


def _crds_of(source: str, doc: Mapping[str, Any]) -> dict[GroupVersionKind, Crd]:
    spec = doc["spec"]
    kind = spec["names"]["kind"]
    found: dict[GroupVersionKind, Crd] = {}
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        api_version = f"{spec['group']}/{version['name']}"
        schema = (version.get("schema") or {}).get("openAPIV3Schema") or {"type": "object"}
        found[(api_version, kind)] = Crd(
            api_version=api_version,
            kind=kind,
            namespaced=spec.get("scope") == "Namespaced",
            schema=to_json_schema(schema, root=True),
            source=source,
        )
    return found


@functools.cache
def crds() -> dict[GroupVersionKind, Crd]:
    """Every served version of every CRD in the data folder, keyed by (apiVersion, kind);
    empty when the folder is absent."""
    root = data_root()
    if root is None:
        return {}
    found: dict[GroupVersionKind, Crd] = {}
    for source, doc in _documents(root / "crds"):
        found.update(_crds_of(source, doc))
    return found


_GROUP = re.compile(r"^  group: *(\S+)", re.M)
_KIND = re.compile(r"^    kind: *(\S+)", re.M)


@functools.cache
def _files_by_group_kind() -> dict[tuple[str, str], Path]:
    """(group, kind) -> CRD file, found by a text scan (parsing every CRD takes seconds)."""
    root = data_root()
    if root is None:
        return {}
    index: dict[tuple[str, str], Path] = {}
    for path in sorted((root / "crds").glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        group, kind = _GROUP.search(text), _KIND.search(text)
        if group and kind:
            index[(group.group(1), kind.group(1))] = path
    return index


@functools.cache
def crd_for(api_version: str, kind: str) -> Crd | None:
    """The CRD serving (apiVersion, kind), parsing only its own file; None if none does."""
    path = _files_by_group_kind().get((api_version.rpartition("/")[0], kind))
    if path is None:
        return None
    root = path.parents[1]
    for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_Loader):
        if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
            found = _crds_of(str(path.relative_to(root.parent)), doc).get((api_version, kind))
            if found is not None:
                return found
    return None


@functools.cache
def _validator(api_version: str, kind: str) -> jsonschema.Draft202012Validator:
    crd = crd_for(api_version, kind)
    assert crd is not None
    return jsonschema.Draft202012Validator(crd.schema)


def validate_custom_resource(obj: Mapping[str, Any]) -> list[str] | None:
    """The problems of one custom resource against its CRD ("field.path: message"), [] when
    valid, None when no CRD in the data folder defines its kind."""
    api_version, kind = str(obj.get("apiVersion")), str(obj.get("kind"))
    crd = crd_for(api_version, kind)
    if crd is None:
        return None
    problems = [
        f"{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in _validator(api_version, kind).iter_errors(obj)
    ]
    metadata = obj.get("metadata") or {}
    if crd.namespaced is not ("namespace" in metadata):
        scope = "namespaced: needs one" if crd.namespaced else "cluster-scoped: must not have one"
        problems.append(f"metadata.namespace: {crd.kind} is {scope}")
    return sorted(problems)
