"""`skyfleet parity`: are the services rendered identically on every cluster of every stack?

A service is described once, so its Kubernetes objects must come out the same everywhere. This
compares the workload objects the preview wrote (`out/<stack>/manifests/<cluster>/...`, one YAML
document per file, plus `out/<stack>/gitops/<cluster>/...`: what Argo CD applies for a
`delivery: argocd` stack, so both delivery modes are compared alike) field by field and reports
every difference with its path, every object missing somewhere, and nothing else: the few
legitimate per-cloud differences are listed, with the reason, in the one table
`ALLOWED_DIFFERENCES` below.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.cluster.clouds import SPECS
from components.workload.render import CHECKSUM_ANNOTATION, WORKLOAD_LABEL, WORKLOAD_NAMESPACE_LABEL

Target = tuple[str, str]  # (stack, cluster)
ObjectKey = tuple[str, str, str]  # (kind, namespace or "", name)
ABSENT = "<absent>"


@dataclass(frozen=True)
class Allowed:
    kind: str
    path: str
    why: str


ALLOWED_DIFFERENCES: tuple[Allowed, ...] = (
    # What each cloud's identity binding adds (its components/cluster/<cloud>/cloud.py says).
    *(Allowed(*allowance) for spec in SPECS.values() for allowance in spec.parity_allowances),
    Allowed(
        "Deployment",
        f"spec.template.metadata.annotations[{CHECKSUM_ANNOTATION}]",
        "keyed by a per-stack random key over per-stack secrets (in an Argo CD stack a plain hash of "
        "the ConfigMap, Git holding no key); the ConfigMap is compared",
    ),
    Allowed(
        "Ingress",
        "metadata.annotations[cert-manager.io/cluster-issuer]",
        "dev stacks ask Let's Encrypt staging (no production rate limits), prod stacks production",
    ),
)


def is_workload_object(obj: Mapping[str, Any]) -> bool:
    """What `Microservice` and `create_service_namespace` create: the objects compared."""
    object_labels = (obj.get("metadata") or {}).get("labels") or {}
    return WORKLOAD_LABEL in object_labels or WORKLOAD_NAMESPACE_LABEL in object_labels


def object_key(obj: Mapping[str, Any]) -> ObjectKey:
    metadata = obj.get("metadata") or {}
    return str(obj.get("kind")), str(metadata.get("namespace") or ""), str(metadata.get("name"))


def describe(key: ObjectKey) -> str:
    """`Deployment apps/api`, or `Namespace apps` for a cluster-scoped object."""
    kind, namespace, name = key
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def label(target: Target) -> str:
    return f"{target[0]}/{target[1]}"


@dataclass(frozen=True)
class Difference:
    key: ObjectKey
    path: str
    values: Mapping[str, Any]  # target label -> value (ABSENT where the field is missing)


@dataclass(frozen=True)
class Missing:
    key: ObjectKey
    present: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass
class ParityReport:
    targets: list[str]
    objects: int = 0
    differences: list[Difference] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    allowed: int = 0  # differences ignored because ALLOWED_DIFFERENCES lists them

    @property
    def clean(self) -> bool:
        return not self.differences and not self.missing


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Leaf values by path: `spec.replicas`, `spec.template.spec.containers[0].image`,
    `metadata.annotations[eks.amazonaws.com/role-arn]`. Empty maps and lists count as absent,
    as they do for the API server."""
    if isinstance(value, Mapping):
        leaves: dict[str, Any] = {}
        for key in sorted(value, key=str):
            child = f"{path}.{key}" if _PLAIN_KEY.fullmatch(str(key)) else f"{path}[{key}]"
            leaves.update(flatten(value[key], child.lstrip(".")))
        return leaves
    if isinstance(value, list):
        leaves = {}
        for i, item in enumerate(value):
            leaves.update(flatten(item, f"{path}[{i}]"))
        return leaves
    return {path: value}


def _allowed(kind: str, path: str) -> bool:
    return any(a.kind in (kind, "*") and a.path == path for a in ALLOWED_DIFFERENCES)


def compare(
    manifests: Mapping[Target, Iterable[Mapping[str, Any]] | Mapping[Any, Mapping[str, Any]]],
) -> ParityReport:
    """Compares the workload objects of every target: `{(stack, cluster): objects}`, where
    objects is a list of manifests or a dict whose values are manifests (keys are ignored:
    objects are matched by kind, namespace and name)."""
    by_target: dict[str, dict[ObjectKey, Mapping[str, Any]]] = {}
    for target in sorted(manifests):
        objects = manifests[target]
        values = objects.values() if isinstance(objects, Mapping) else objects
        by_target[label(target)] = {object_key(o): o for o in values if is_workload_object(o)}
    targets = sorted(by_target)
    report = ParityReport(targets=targets)
    keys = sorted({key for objects in by_target.values() for key in objects})
    report.objects = len(keys)
    for key in keys:
        present = tuple(t for t in targets if key in by_target[t])
        if len(present) < len(targets):
            missing = tuple(t for t in targets if t not in present)
            report.missing.append(Missing(key, present, missing))
        _compare_object(key, {t: flatten(by_target[t][key]) for t in present}, report)
    return report


def _compare_object(
    key: ObjectKey, leaves: dict[str, dict[str, Any]], report: ParityReport
) -> None:
    paths = sorted({path for fields in leaves.values() for path in fields})
    for path in paths:
        values = {t: fields.get(path, ABSENT) for t, fields in leaves.items()}
        if len({json.dumps(v, sort_keys=True, default=str) for v in values.values()}) == 1:
            continue
        if _allowed(key[0], path):
            report.allowed += 1
        else:
            report.differences.append(Difference(key, path, values))


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def format_report(report: ParityReport) -> str:
    """One line per difference or missing object, then a summary line."""
    lines = [
        f"{describe(m.key)}: missing on {', '.join(m.missing)} (present on {', '.join(m.present)})"
        for m in report.missing
    ]
    lines += [
        f"{describe(d.key)}: {d.path}: " + " ".join(f"{t}={_show(v)}" for t, v in d.values.items())
        for d in report.differences
    ]
    where = ", ".join(report.targets) or "no targets"
    ignored = f"; {report.allowed} allowed differences ignored (parity.ALLOWED_DIFFERENCES)"
    if len(report.targets) < 2:
        lines.append(f"parity: only {where}: nothing to compare against")
    elif report.clean:
        lines.append(f"parity: {report.objects} workload objects identical on {where}{ignored}")
    else:
        lines.append(
            f"parity: {len(report.differences)} differences, {len(report.missing)} missing objects "
            f"among {report.objects} workload objects on {where}{ignored}"
        )
    return "\n".join(lines)


def load_manifests(out_dir: Path, stacks: Iterable[str]) -> dict[Target, list[dict[str, Any]]]:
    """Every manifest under `out_dir/<stack>/manifests/<cluster>/` and, for an Argo CD stack,
    `out_dir/<stack>/gitops/<cluster>/`, by (stack, cluster)."""
    result: dict[Target, list[dict[str, Any]]] = {}
    for stack in stacks:
        root = out_dir / stack / "manifests"
        if not root.is_dir():
            raise FileNotFoundError(
                f"no manifests for stack {stack!r} at {root}: run `skyfleet preview` first"
            )
        for folder in (root, out_dir / stack / "gitops"):
            cluster_dirs = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
            for cluster_dir in cluster_dirs:
                objects = result.setdefault((stack, cluster_dir.name), [])
                for path in sorted(cluster_dir.rglob("*.yaml")):
                    objects += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return result


def previewed_stacks(out_dir: Path) -> list[str]:
    return (
        sorted(p.name for p in out_dir.iterdir() if (p / "manifests").is_dir())
        if out_dir.is_dir()
        else []
    )


def main_parity(out_dir: Path, stacks: list[str]) -> int:
    """`skyfleet parity [STACKS...] --out DIR`: 0 identical, 1 differences, 2 nothing to read."""
    chosen = stacks or previewed_stacks(out_dir)
    if not chosen:
        print(
            f"parity: no previewed stacks under {out_dir}: run `skyfleet preview` first",
            file=sys.stderr,
        )
        return 2
    try:
        manifests = load_manifests(out_dir, chosen)
    except FileNotFoundError as exc:
        print(f"parity: {exc}", file=sys.stderr)
        return 2
    report = compare(manifests)
    print(format_report(report))
    return 0 if report.clean else 1
