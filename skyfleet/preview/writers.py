"""Writes a stack's preview: plan.json, plain Kubernetes manifests and Helm release files, and for
a `delivery: argocd` stack the objects Argo CD applies from Git (`gitops/`, as `skyfleet render`
writes them).

Everything is written to a temporary folder next to the final one (`staged_output`) and moved
into place only when the whole stack succeeded, policy verdict and summary included: a failing
stack leaves no folder behind, and a previous good output of that stack stays as it was until a
new one is complete. Output is sorted and stable: two runs give byte-identical files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import wire
from .monitor import Recorded
from .runner import Plan

HELM_TYPES = ("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart")
NOT_OBJECTS = ("kubernetes:helm.sh/", "kubernetes:yaml", "kubernetes:kustomize")
CLUSTER_PREFIX = "skyfleet:cluster:"


@dataclass
class StackSummary:
    stack: str
    resources: int
    by_type: dict[str, int]
    by_cluster: dict[str, int]
    manifests: int
    releases: int
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    cost: dict[str, Any] | None = None
    """The monthly cost estimate (skyfleet.analysis.cost), once computed."""

    def to_json(self) -> dict[str, Any]:
        return ({"cost": self.cost} if self.cost is not None else {}) | {
            "stack": self.stack,
            "resources": self.resources,
            "byType": self.by_type,
            "byCluster": self.by_cluster,
            "manifests": self.manifests,
            "releases": self.releases,
        }


class _Index:
    """Looks resources up by URN and tells which cluster a resource belongs to."""

    def __init__(self, plan: Plan) -> None:
        self.by_urn = {r.urn: r for r in plan.resources}

    def cluster_of(self, r: Recorded | None, seen: int = 0) -> str | None:
        """The cluster component above a resource, or the one that owns its provider."""
        while r is not None and seen < 100:
            if r.type.startswith(CLUSTER_PREFIX):
                return r.name
            if r.provider and r.provider in self.by_urn:
                owner = self.cluster_of(self.by_urn[r.provider], seen + 1)
                if owner:
                    return owner
            r = self.by_urn.get(r.parent or "")
            seen += 1
        return None


def kubernetes_object(r: Recorded) -> dict[str, Any] | None:
    """The object as the API server would receive it (secrets redacted), or None if not one."""
    if not r.custom or not r.type.startswith("kubernetes:") or r.type.startswith(NOT_OBJECTS):
        return None
    state = {k: v for k, v in r.state.items() if k not in ("status",)}
    return wire.redact(state)


def helm_release(r: Recorded) -> dict[str, Any]:
    inputs = wire.redact(r.state)
    repo = (inputs.get("repositoryOpts") or {}).get("repo")
    return {
        "name": inputs.get("name"),
        "chart": inputs.get("chart"),
        "repository": repo,
        "version": inputs.get("version"),
        "namespace": inputs.get("namespace"),
        "createNamespace": inputs.get("createNamespace", False),
        "values": inputs.get("values") or {},
    }


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(wire.normalise_numbers(data), sort_keys=True, default_flow_style=False)


def write_stack(plan: Plan, out_dir: Path, gitops: Mapping[str, str] | None = None) -> StackSummary:
    """Writes `out_dir/<stack>/` whole, or nothing (see `staged_output`)."""
    with staged_output(out_dir, plan.stack) as staging:
        return stage_stack(plan, staging, gitops)


@contextlib.contextmanager
def staged_output(out_dir: Path, stack: str) -> Iterator[Path]:
    """A fresh folder to write `<stack>/` into; on leaving the block without an exception it
    replaces `out_dir/<stack>` (two renames on one file system), otherwise it is removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{stack}.", suffix=".partial", dir=out_dir))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _publish(staging, out_dir / stack)


def _publish(staging: Path, final: Path) -> None:
    os.chmod(staging, 0o755)  # mkdtemp makes it private; the output is an ordinary folder
    if not final.exists():
        staging.rename(final)
        return
    previous = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
    final.rename(previous / final.name)
    staging.rename(final)
    shutil.rmtree(previous, ignore_errors=True)


def stage_stack(plan: Plan, staging: Path, gitops: Mapping[str, str] | None = None) -> StackSummary:
    """Writes plan.json, manifests/, helm/ and gitops/ (`<cluster>/<namespace>/<Kind>-<name>.yaml`
    -> YAML) into `staging`."""
    index = _Index(plan)
    (staging / "plan.json").write_text(json.dumps(plan.to_json(), indent=2, sort_keys=True) + "\n")
    manifests = releases = 0
    by_cluster: Counter[str] = Counter()
    for r in sorted(plan.resources, key=lambda r: r.urn):
        cluster = index.cluster_of(r) or "_stack"
        if r.custom:
            by_cluster[cluster] += 1
        obj = kubernetes_object(r)
        if obj is not None:
            manifests += 1
            _write_manifest(staging / "manifests" / cluster, obj)
        elif r.type in HELM_TYPES:
            releases += 1
            release = helm_release(r)
            path = staging / "helm" / cluster / f"{release['name'] or r.name}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_yaml(release))
    for rel, text in (gitops or {}).items():
        path = staging / "gitops" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    custom = [r for r in plan.resources if r.custom]
    return StackSummary(
        stack=plan.stack,
        resources=len(custom),
        by_type=dict(sorted(Counter(r.type for r in custom).items())),
        by_cluster=dict(sorted(by_cluster.items())),
        manifests=manifests,
        releases=releases,
    )


def _write_manifest(cluster_dir: Path, obj: dict[str, Any]) -> None:
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace") or "_cluster"
    kind = str(obj.get("kind", "Object"))
    path = cluster_dir / namespace / f"{kind}-{metadata.get('name', 'unnamed')}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(obj))
