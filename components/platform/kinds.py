"""What a Helm release creates: the API kinds its chart renders for the values Skyfleet sends.

Helm refuses a whole release when one object's kind is not served by the cluster at install time
("resource mapping not found ... ensure CRDs are installed first"), so each add-on states, as its
own knowledge, the kinds its chart renders (read from the chart's templates at the pinned
version, cited there with the template path) and the kinds whose CRDs the release installs. The
offline preview (`skyfleet.analysis.api_kinds`) then requires every created kind to be built into
the cluster's Kubernetes version or provided by a CRD installed earlier in the dependency graph.

Pure data and functions: no Pulumi, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Kind = str  # "<apiVersion> <Kind>", e.g. "gateway.networking.k8s.io/v1 Gateway"


def kind(api_version: str, name: str) -> Kind:
    return f"{api_version} {name}"


@dataclass(frozen=True)
class Renders:
    """One kind the chart renders, from `template`, when every value path in `when` is truthy in
    the values Helm computes (`default` is the chart's own default for a path Skyfleet does not
    send)."""

    api_version: str
    kind: str
    template: str
    when: tuple[tuple[str, bool], ...] = ()  # (dotted value path, the chart's default)

    def applies(self, values: Mapping[str, Any]) -> bool:
        return all(bool(_lookup(values, path, default)) for path, default in self.when)


@dataclass(frozen=True)
class ChartKinds:
    """What one chart version renders and which CRDs it installs."""

    chart: str  # "traefik 41.3.0": the version the templates were read at
    renders: tuple[Renders, ...]
    # Kinds whose CRDs sit in the chart's `crds/` folder (or a subchart's): Helm installs them
    # before the templates, so the release itself may create these kinds.
    crds: tuple[Kind, ...] = ()
    # Kinds whose CRDs the chart renders as templates: only releases and resources that wait
    # for this one may create them (Helm maps every template's kind before applying any).
    template_crds: tuple[Kind, ...] = ()
    notes: Sequence[str] = field(default_factory=tuple)

    def creates(self, values: Mapping[str, Any]) -> list[Kind]:
        """The kinds the release creates for `values` (the values Skyfleet sends), sorted."""
        return sorted({kind(r.api_version, r.kind) for r in self.renders if r.applies(values)})

    def provides(self) -> list[Kind]:
        """The kinds a resource waiting for this release may create."""
        return sorted({*self.crds, *self.template_crds})


def always(api_version: str, name: str, template: str) -> Renders:
    return Renders(api_version, name, template)


def when(api_version: str, name: str, template: str, *paths: tuple[str, bool]) -> Renders:
    return Renders(api_version, name, template, tuple(paths))


def kinds_of(api_version: str, names: Iterable[str]) -> tuple[Kind, ...]:
    return tuple(kind(api_version, name) for name in names)


def _lookup(values: Mapping[str, Any], dotted: str, default: bool) -> Any:
    node: Any = values
    for key in dotted.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return default
        node = node[key]
    return node
