"""Checks rendered manifests against the Kubernetes API's schemas, offline.

Built-in kinds are checked by kubernetes-validate in strict mode (an unknown field is an error,
as `kubectl apply --validate=strict` would report). kubernetes-validate 1.37 ships schemas for
Kubernetes 1.25 to 1.37, so the default 1.35 is checked against its own schema.

Custom resources are checked, strictly too, against the real CRDs in `../shared/k8s-data/crds/`
(`skyfleet.analysis.crd_schemas`). Where that folder is absent (a user's clone) they are reported as
unchecked with the reason; where it is present, a custom kind no CRD there defines is a problem,
so nothing is skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import kubernetes_validate
import yaml

from skyfleet.analysis import crd_schemas
from skyfleet.analysis.builtin_kinds import built_in_groups
from skyfleet.analysis.k8s_data import absent_reason, data_root

DEFAULT_K8S_VERSION = "1.35"

Coverage = Literal["full", "unchecked"]


def _is_built_in(obj: Mapping[str, Any], k8s_version: str) -> bool:
    """Whether the object's API group is one the API server serves itself (custom resources
    come from CRDs, including the Gateway API's `gateway.networking.k8s.io`)."""
    group = str(obj.get("apiVersion", "")).rpartition("/")[0]
    return group in built_in_groups(k8s_version)


def coverage(obj: Mapping[str, Any], k8s_version: str = DEFAULT_K8S_VERSION) -> tuple[Coverage, str]:
    """How `validate_manifest` checks this kind, and why."""
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    crd = crd_schemas.crd_for(*key)
    if crd is not None:
        return "full", f"CRD schema, strict ({crd.source})"
    if _is_built_in(obj, k8s_version):
        return "full", "Kubernetes OpenAPI schema, strict"
    if data_root() is None:
        return "unchecked", absent_reason()
    return "full", "no CRD defines this kind: reported as a problem"


def validate_manifest(obj: dict[str, Any], k8s_version: str = DEFAULT_K8S_VERSION) -> list[str]:
    """The problems found in one object, each "field.path: message"; [] when it is valid.

    A custom resource returns [] when the CRD data is absent: `coverage()` and
    `validate_manifests()` say it was unchecked. kubernetes-validate stops at an object's first
    error.
    """
    custom = crd_schemas.validate_custom_resource(obj)
    if custom is not None:
        return custom
    if not _is_built_in(obj, k8s_version):
        if data_root() is None:
            return []
        return [f"{obj.get('apiVersion')} {obj.get('kind')}: no CRD in k8s-data/crds defines this kind"]
    try:
        kubernetes_validate.validate(obj, k8s_version, strict=True)
    except kubernetes_validate.ValidationError as e:
        return [_message(e.absolute_path, e.message)]
    except kubernetes_validate.SchemaNotFoundError as e:
        return [f"{e.message}: not a kind of Kubernetes {k8s_version}"]
    return []


def _message(path: Iterable[Any], message: str) -> str:
    where = ".".join(str(p) for p in path)
    return f"{where}: {message}" if where else message


@dataclass
class ManifestReport:
    k8s_version: str
    checked: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)  # object -> its problems
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
        level, why = coverage(obj, k8s_version)
        if level == "unchecked":
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
    lines += [f"{name}: {why}" for name, why in report.unchecked.items()]
    lines.append(
        f"schemas (Kubernetes {report.k8s_version}): {report.checked} objects, "
        f"{len(report.problems)} invalid, {len(report.unchecked)} unchecked"
    )
    return "\n".join(lines)
