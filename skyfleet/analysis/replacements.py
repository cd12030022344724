"""Which resources a change would replace, told from two plans before any cloud is touched.

A replacement is the change that hurts: a replaced cluster loses every workload, a replaced
Kubernetes provider replaces every object it manages. The rules mirror the providers':
- `pulumi:providers:kubernetes` is replaced only when `clusterIdentifier` changes (when it is
  set; otherwise any kubeconfig change may replace it, so Skyfleet always sets it);
- a resource whose provider is replaced is replaced;
- a Kubernetes object is replaced when its name, namespace or an immutable field changes;
- a cloud resource is replaced when one of its create-only inputs changes (table below, taken
  from each provider's schema: the inputs documented as "Changing this forces a new resource");
- any input listed in the resource's `replaceOnChanges` option;
- an `import` id that is not the exact string the engine stored (an import-replacement);
- a replacement cascades: when a create-only input (or a provider's `clusterIdentifier`) comes
  from a resource that is replaced (`propertyDependencies`), its new value is only known once
  the new resource exists, and `pulumi preview` reports the dependent as replaced too (a new
  VPC means new subnets, and new subnets a new EKS cluster).
Values the plan redacts ("[secret]") compare equal, so a provider without `clusterIdentifier`
whose kubeconfig changed is missed: Skyfleet always sets `clusterIdentifier`, and
tests/safety/test_no_replacement.py checks that it does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.cluster.clouds import SPECS

K8S_PROVIDER = "pulumi:providers:kubernetes"
# Each cloud declares, in its components/cluster/<cloud>/cloud.py, the resource that is its cluster
# and the create-only inputs of the resources that hold a cluster or its data.
CLUSTER_TYPES = frozenset(spec.cluster_type for spec in SPECS.values() if spec.cluster_type)
CREATE_ONLY: Mapping[str, tuple[str, ...]] = {
    type_: inputs for spec in SPECS.values() for type_, inputs in spec.create_only.items()
}
# Kubernetes fields the API server refuses to change in place.
K8S_IMMUTABLE: Mapping[str, tuple[str, ...]] = {
    "Deployment": ("spec.selector",),
    "StatefulSet": ("spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"),
    "DaemonSet": ("spec.selector",),
    "Job": ("spec.selector", "spec.template"),
    "Service": ("spec.clusterIP",),
    "PersistentVolumeClaim": ("spec.storageClassName", "spec.accessModes"),
}


@dataclass(frozen=True)
class Replacement:
    urn: str
    type: str
    reason: str

    @property
    def is_cluster(self) -> bool:
        return self.type in CLUSTER_TYPES


def get_path(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _changed(old: Mapping[str, Any], new: Mapping[str, Any], paths: tuple[str, ...] | list[str]) -> list[str]:
    return [p for p in paths if get_path(old, p) != get_path(new, p)]


def replace_paths(resource: Mapping[str, Any]) -> list[str]:
    """The input paths whose change replaces `resource` (a plan.json resource entry)."""
    type_ = resource["type"]
    inputs = resource.get("inputs") or {}
    if type_ == K8S_PROVIDER:
        paths = ["clusterIdentifier" if "clusterIdentifier" in inputs else "kubeconfig"]
    elif type_.startswith("kubernetes:"):
        paths = ["metadata.name", "metadata.namespace", *K8S_IMMUTABLE.get(str(inputs.get("kind")), ())]
    else:
        paths = list(CREATE_ONLY.get(type_, ()))
    return paths + list((resource.get("options") or {}).get("replaceOnChanges", []))


def _import_reason(old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    """The engine re-imports a resource, replacing it, when its `import` id is not the exact
    string it stored: the id it was imported with, else the id it was created with
    (pulumi/pulumi pkg/resource/deploy/step_generator.go, `oldImportID != goal.ID`)."""
    goal = (new.get("options") or {}).get("import")
    stored = (old.get("options") or {}).get("import") or old.get("id")
    if goal and goal != stored:
        return f"import id {goal} is not the stored {stored}: re-imported and replaced"
    return None


def _own_reason(old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    """Why `new` is replaced by its own inputs or import id changing, if it is."""
    if why := _import_reason(old, new):
        return why
    changed = _changed(old.get("inputs") or {}, new.get("inputs") or {}, replace_paths(new))
    if not changed:
        return None
    if new["type"] == K8S_PROVIDER:
        return f"{changed[0]} changed"
    return f"create-only input changed: {', '.join(changed)}"


def _short(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def replacements(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> list[Replacement]:
    """Resources present in both plans that the change would replace (deletes are diffs' job)."""
    if not base or not head:
        return []
    old = {r["urn"]: r for r in base.get("resources", [])}
    new = {r["urn"]: r for r in head.get("resources", [])}
    decided: dict[str, str | None] = {}

    def reason(urn: str) -> str | None:
        if urn in decided:
            return decided[urn]
        decided[urn] = None  # a cycle guard; plans have none
        if urn not in old or urn not in new:
            return None
        resource = new[urn]
        why = _own_reason(old[urn], resource)
        if why is None:
            why = _cascade_reason(resource)
        provider = resource.get("provider")
        if why is None and provider and reason(provider):
            why = f"its provider {_short(provider)} is replaced"
        decided[urn] = why
        return why

    def _cascade_reason(resource: Mapping[str, Any]) -> str | None:
        sources = resource.get("propertyDependencies") or {}
        for path in replace_paths(resource):
            key = path.split(".", 1)[0]
            for dep in sources.get(key, []):
                if dep != resource["urn"] and reason(dep):
                    what = "input" if resource["type"] == K8S_PROVIDER else "create-only input"
                    return f"{what} {key} comes from {_short(dep)}, which is replaced"
        return None

    return [Replacement(urn, new[urn]["type"], why) for urn in sorted(new) if (why := reason(urn))]
