"""Checks rendered manifests against the Kubernetes API's OpenAPI schemas, offline.

Built-in kinds are checked by kubernetes-validate in strict mode (an unknown field is an error,
as `kubectl apply --validate=strict` would report). kubernetes-validate 1.37 ships schemas for
Kubernetes 1.25 to 1.37, so the default 1.35 is checked against its own schema.

Custom resources have no schema there. Each kind Skyfleet renders is listed in the one table
`CUSTOM_RESOURCES`: either with a minimal schema (required fields and value types, unknown fields
allowed) or explicitly as unchecked, with the reason. A kind in neither place is a problem, so
nothing is skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jsonschema
import kubernetes_validate
import yaml

DEFAULT_K8S_VERSION = "1.35"

_STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
_METADATA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "namespace": {"type": "string"},
        "labels": _STRINGS,
        "annotations": _STRINGS,
    },
}
_LABEL_SELECTOR = {
    "type": "object",
    "properties": {"matchLabels": _STRINGS, "matchExpressions": {"type": "array"}},
}
_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
# Prometheus' duration, as the CRD's pattern spells it: 0, or units y w d h m s ms in order.
_UNITS = ("y", "w", "d", "h", "m", "s", "ms")
_PROMETHEUS_DURATION = "^(0|" + "".join(f"(([0-9]+){u})?" for u in _UNITS) + ")$"


def _resource(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"metadata": _METADATA, "spec": spec},
    }


# From prometheus-operator's monitoring.coreos.com_servicemonitors.yaml (the fields Skyfleet sets).
_SERVICE_MONITOR = _resource(
    {
        "type": "object",
        "required": ["selector"],
        "properties": {
            "selector": _LABEL_SELECTOR,
            "namespaceSelector": {
                "type": "object",
                "properties": {
                    "any": {"type": "boolean"},
                    "matchNames": {"type": "array", "items": {"type": "string"}},
                },
            },
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "port": {"type": "string"},
                        "path": {"type": "string"},
                        "interval": {
                            "type": "string",
                            "pattern": _PROMETHEUS_DURATION,
                        },
                        "scheme": {"type": "string"},
                    },
                },
            },
        },
    }
)
# From prometheus-operator's monitoring.coreos.com_prometheusrules.yaml (the fields Skyfleet sets).
_PROMETHEUS_RULE = _resource(
    {
        "type": "object",
        "properties": {
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "rules": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["expr"],
                                "properties": {
                                    "alert": {"type": "string"},
                                    "record": {"type": "string"},
                                    "expr": {"type": ["string", "integer"]},
                                    "for": {"type": "string", "pattern": _PROMETHEUS_DURATION},
                                    "labels": _STRINGS,
                                    "annotations": _STRINGS,
                                },
                            },
                        },
                    },
                },
            },
        },
    }
)
# From gateway-api's gateway.networking.k8s.io_httproutes.yaml (standard channel, v1).
_HTTP_ROUTE = _resource(
    {
        "type": "object",
        "properties": {
            "parentRefs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "namespace": {"type": "string"},
                        "sectionName": {"type": "string"},
                        "port": _PORT,
                    },
                },
            },
            "hostnames": {"type": "array", "items": {"type": "string"}},
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "matches": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "path": {
                                        "type": "object",
                                        "properties": {
                                            "type": {
                                                "enum": ["Exact", "PathPrefix", "RegularExpression"]
                                            },
                                            "value": {"type": "string"},
                                        },
                                    }
                                },
                            },
                        },
                        "backendRefs": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "port": _PORT,
                                    "weight": {"type": "integer"},
                                },
                            },
                        },
                    },
                },
            },
        },
    }
)


@dataclass(frozen=True)
class CustomKind:
    schema: Mapping[str, Any] | None  # None: unchecked
    note: str


CUSTOM_RESOURCES: Mapping[tuple[str, str], CustomKind] = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): CustomKind(
        _SERVICE_MONITOR, "partial: minimal schema (required fields, types); unknown fields allowed"
    ),
    ("monitoring.coreos.com/v1", "PrometheusRule"): CustomKind(
        _PROMETHEUS_RULE, "partial: minimal schema (required fields, types); unknown fields allowed"
    ),
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): CustomKind(
        _HTTP_ROUTE, "partial: minimal schema (required fields, types); unknown fields allowed"
    ),
    ("cert-manager.io/v1", "Certificate"): CustomKind(
        None, "unchecked: no schema shipped offline; cert-manager's webhook validates on apply"
    ),
    ("cert-manager.io/v1", "ClusterIssuer"): CustomKind(
        None, "unchecked: no schema shipped offline; cert-manager's webhook validates on apply"
    ),
    ("argoproj.io/v1alpha1", "Application"): CustomKind(
        None, "unchecked: no schema shipped offline; Argo CD's CRD validates on apply"
    ),
    ("argoproj.io/v1alpha1", "ApplicationSet"): CustomKind(
        None, "unchecked: no schema shipped offline; Argo CD's CRD validates on apply"
    ),
}

Coverage = Literal["full", "partial", "unchecked"]


def coverage(obj: Mapping[str, Any]) -> tuple[Coverage, str]:
    """How thoroughly `validate_manifest` checks this kind, and why."""
    custom = CUSTOM_RESOURCES.get((str(obj.get("apiVersion")), str(obj.get("kind"))))
    if custom is None:
        return "full", "Kubernetes OpenAPI schema, strict"
    return ("partial" if custom.schema is not None else "unchecked"), custom.note


def validate_manifest(obj: dict[str, Any], k8s_version: str = DEFAULT_K8S_VERSION) -> list[str]:
    """The problems found in one object, each "field.path: message"; [] when it is valid.

    A kind listed as unchecked in CUSTOM_RESOURCES returns [] too: `coverage()` and
    `validate_manifests()` say so. kubernetes-validate stops at an object's first error.
    """
    custom = CUSTOM_RESOURCES.get((str(obj.get("apiVersion")), str(obj.get("kind"))))
    if custom is not None:
        if custom.schema is None:
            return []
        validator = jsonschema.Draft202012Validator(custom.schema)
        return sorted(_message(e.absolute_path, e.message) for e in validator.iter_errors(obj))
    try:
        kubernetes_validate.validate(obj, k8s_version, strict=True)
    except kubernetes_validate.ValidationError as e:
        return [_message(e.absolute_path, e.message)]
    except kubernetes_validate.SchemaNotFoundError as e:
        return [f"{e.message}, and CUSTOM_RESOURCES does not list it"]
    return []


def _message(path: Iterable[Any], message: str) -> str:
    where = ".".join(str(p) for p in path)
    return f"{where}: {message}" if where else message


@dataclass
class ManifestReport:
    k8s_version: str
    checked: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)  # object -> its problems
    partial: dict[str, str] = field(default_factory=dict)  # object -> why only partly checked
    unchecked: dict[str, str] = field(default_factory=dict)  # object -> why not checked

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_manifests(
    objects: Iterable[tuple[str, dict[str, Any]]], k8s_version: str = DEFAULT_K8S_VERSION
) -> ManifestReport:
    """Checks `(name, object)` pairs; the report lists partly and un-checked objects by name."""
    report = ManifestReport(k8s_version)
    for name, obj in objects:
        report.checked += 1
        level, why = coverage(obj)
        if level == "partial":
            report.partial[name] = why
        elif level == "unchecked":
            report.unchecked[name] = why
        found = validate_manifest(obj, k8s_version)
        if found:
            report.problems[name] = found
    return report


def validate_directory(root: Path, k8s_version: str = DEFAULT_K8S_VERSION) -> ManifestReport:
    """Every YAML document under `root` (e.g. `out/<stack>/manifests`)."""

    def documents() -> Iterable[tuple[str, dict[str, Any]]]:
        for path in sorted(root.rglob("*.yaml")):
            for i, doc in enumerate(d for d in yaml.safe_load_all(path.read_text()) if d):
                yield (str(path.relative_to(root)) + (f"#{i}" if i else "")), doc

    return validate_manifests(documents(), k8s_version)


def format_manifest_report(report: ManifestReport) -> str:
    lines = [f"{name}: {problem}" for name, found in report.problems.items() for problem in found]
    lines += [f"{name}: {why}" for name, why in {**report.partial, **report.unchecked}.items()]
    lines.append(
        f"schemas (Kubernetes {report.k8s_version}): {report.checked} objects, "
        f"{len(report.problems)} invalid, {len(report.partial)} partly checked, "
        f"{len(report.unchecked)} unchecked"
    )
    return "\n".join(lines)
