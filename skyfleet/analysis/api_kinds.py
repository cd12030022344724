"""Every kind a release or resource creates must be served by the cluster when it is applied.

Helm maps every object of a release to an API before applying any and refuses the whole release
when a kind is unknown ("resource mapping not found ... ensure CRDs are installed first"); a
custom resource registered before its CRD fails the same way. This check reads a preview's plan:

- each Helm add-on component registers `creates` (the kinds its chart renders for the values
  sent), `provides` (the kinds whose CRDs it installs), `crds` (those in the chart's `crds/`
  folder, which the release itself may use) and `installer` (the URN of the resource that
  installs them: the Release, or a CRD bundle), and may register `watches` (the kinds a
  controller's informers list, which must be served as well: external-dns's gateway sources);
- each Platform registers `kubernetes_version` and `k8s_provider` (the URN of the cluster's
  Kubernetes provider), so every resource on that provider is judged against that version;
- Skyfleet's own custom resources (ClusterIssuers, ServiceMonitors, HTTPRoutes, Gateways,
  ApplicationSets) are the plan's `kubernetes:<group>/<version>:<Kind>` resources.

A kind is resolved when it is built into the cluster's Kubernetes version
(`builtin_kinds.built_in_kinds`) or provided by an installer the resource depends on, directly or
through other resources (a dependency on a component waits for all of its children).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from skyfleet.analysis.builtin_kinds import built_in_groups, built_in_kinds

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
PLATFORM = "skyfleet:platform:Platform"


@dataclass(frozen=True)
class Unresolved:
    resource: str  # the release's name, or the custom resource's Pulumi name
    kind: str  # "<apiVersion> <Kind>"
    kubernetes_version: str
    verb: str = "creates"  # or "watches": a controller whose informers never sync fails too

    def message(self, stack: str) -> str:
        return (
            f"stack {stack}: {self.resource} {self.verb} {self.kind}, which Kubernetes "
            f"{self.kubernetes_version} does not serve and no CRD installed before it provides "
            "(make it depend on the release or resource that installs the CRD)"
        )


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _custom_kind(resource_type: str) -> tuple[str, str] | None:
    """(apiVersion, kind) of a `kubernetes:<group>/<version>:<Kind>` custom resource type."""
    if not resource_type.startswith("kubernetes:") or resource_type.count(":") != 2:
        return None
    _, api_version, kind = resource_type.split(":")
    api_version = api_version.removeprefix("core/")  # the SDK's `core/v1` is the API's `v1`
    if api_version.startswith(("helm.sh/", "yaml/", "kustomize/")):
        return None
    return api_version, kind


class _Graph:
    def __init__(self, resources: Iterable[Mapping[str, Any]]) -> None:
        self.by_urn = {r["urn"]: r for r in resources}
        self.children: dict[str, list[str]] = {}
        for urn, r in self.by_urn.items():
            if r.get("parent"):
                self.children.setdefault(r["parent"], []).append(urn)

    def waits_for(self, urn: str) -> set[str]:
        """Every resource `urn` waits for, transitively; a component stands for its children."""
        seen: set[str] = set()
        stack = list(self.by_urn[urn].get("dependencies") or [])
        while stack:
            current = stack.pop()
            if current in seen or current not in self.by_urn:
                continue
            seen.add(current)
            stack.extend(self.by_urn[current].get("dependencies") or [])
            stack.extend(self.children.get(current, []))
        return seen


def unresolved_kinds(plan: Mapping[str, Any]) -> list[Unresolved]:
    """Every created kind the cluster would not serve at that point, in plan order."""
    resources = list(plan.get("resources") or [])
    graph = _Graph(resources)
    versions = {
        str(r["outputs"]["k8s_provider"]): str(r["outputs"]["kubernetes_version"])
        for r in resources
        if r["type"] == PLATFORM and (r.get("outputs") or {}).get("k8s_provider")
    }
    provided: dict[str, set[str]] = {}  # installer URN -> kinds
    addons: list[tuple[str, Mapping[str, Any]]] = []  # (installer URN, component outputs)
    for r in resources:
        outputs = r.get("outputs") or {}
        installer = outputs.get("installer")
        if isinstance(installer, str) and installer in graph.by_urn:
            provided.setdefault(installer, set()).update(outputs.get("provides") or [])
            addons.append((installer, outputs))
    problems: list[Unresolved] = []

    def available(urn: str, version: str, own: Iterable[str] = ()) -> set[str]:
        kinds = {f"{api} {kind}" for api, kind in built_in_kinds(version)} | set(own)
        for dependency in graph.waits_for(urn):
            kinds |= provided.get(dependency, set())
        return kinds

    for installer, outputs in addons:
        release = graph.by_urn[installer]
        version = versions.get(str(release.get("provider")))
        if version is None:
            continue  # not on a Platform's cluster: nothing to judge it against
        served = available(installer, version, outputs.get("crds") or [])
        problems += [Unresolved(_name(installer), k, version)
                     for k in outputs.get("creates") or [] if k not in served]
        problems += [Unresolved(_name(installer), k, version, "watches")
                     for k in outputs.get("watches") or [] if k not in served]
    for r in resources:
        custom = _custom_kind(r["type"])
        version = versions.get(str(r.get("provider")))
        if custom is None or version is None:
            continue
        api_version, kind = custom
        if api_version.rpartition("/")[0] in built_in_groups(version) or "/" not in api_version:
            continue  # a built-in kind typed as a CustomResource: judged by the schema check
        if f"{api_version} {kind}" not in available(r["urn"], version):
            problems.append(Unresolved(_name(r["urn"]), f"{api_version} {kind}", version))
    return problems
