"""The monthly cost of a stack, estimated from its plan: what the offline preview registered,
priced line by line from each cloud's price table.

Each cluster's resources go to its cloud's cost model (`components/cluster/<cloud>/cost.py`),
which says what is billed and how much of it; volumes and load balancers the workloads ask for
(Helm values, Service and PVC manifests) are found here, cloud-neutrally, and priced by the
cloud's model too. A line is `quantity x price row` with min (every node pool at `minSize`) and
max (at `maxSize`); a line whose row has no figure, or that the table lacks, is "unknown" and
counted in neither total. What depends on traffic is listed as not estimated, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from components.cluster.pricing import (
    HOURS_PER_MONTH,
    NOT_ESTIMATED_ANYWHERE,
    ClusterResources,
    CostResource,
    Usage,
    Volume,
    cost_models,
    get_path,
)

CLUSTER_PREFIX = "skyfleet:cluster:"
PROVIDER_PREFIX = "pulumi:providers:"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
CURRENCY = "USD"
# What an estimate assumes unless the stack says otherwise (`skyfleet:cost`).
DEFAULT_ASSUMPTIONS: Mapping[str, float] = {"logsGbPerDay": 1.0}


@dataclass(frozen=True)
class CostLine:
    cluster: str
    item: str
    kind: str
    price: str
    """The price row: `cloud:service/sku@region`."""
    unit_usd: float | None
    unit: str
    basis: str
    min_qty: float
    max_qty: float
    source: str
    status: str = "priced"
    """"priced", "unknown" (the row has no figure) or "missing" (the table has no such row)."""

    @property
    def min_usd(self) -> float | None:
        return None if self.unit_usd is None else self.unit_usd * self.min_qty

    @property
    def max_usd(self) -> float | None:
        return None if self.unit_usd is None else self.unit_usd * self.max_qty

    def to_json(self) -> dict[str, Any]:
        return {
            "cluster": self.cluster, "item": self.item, "kind": self.kind, "price": self.price,
            "unitUsd": self.unit_usd, "unit": self.unit, "basis": self.basis,
            "minQuantity": _round(self.min_qty), "maxQuantity": _round(self.max_qty),
            "minUsd": _money(self.min_usd), "maxUsd": _money(self.max_usd),
            "status": self.status, "source": self.source,
        }


@dataclass(frozen=True)
class Estimate:
    stack: str
    lines: tuple[CostLine, ...]
    not_estimated: tuple[str, ...]
    assumptions: Mapping[str, float] = field(default_factory=dict)
    unpriced_clusters: tuple[str, ...] = ()
    """Clusters on no cloud (an existing cluster): nothing of theirs is billed by this stack."""

    @property
    def min_usd(self) -> float:
        return sum(line.min_usd or 0.0 for line in self.lines)

    @property
    def max_usd(self) -> float:
        return sum(line.max_usd or 0.0 for line in self.lines)

    @property
    def unknown(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if line.status != "priced")

    def drivers(self, count: int = 3) -> list[CostLine]:
        """The lines with the largest maximum, biggest first."""
        priced = [line for line in self.lines if line.max_usd is not None]
        return sorted(priced, key=lambda line: (-(line.max_usd or 0.0), line.item))[:count]

    def cluster_totals(self) -> dict[str, dict[str, float | None]]:
        """min and max per cluster (lines without a figure count in neither)."""
        totals: dict[str, dict[str, float | None]] = {}
        for line in self.lines:
            entry = totals.setdefault(line.cluster, {"minUsd": 0.0, "maxUsd": 0.0})
            entry["minUsd"] = (entry["minUsd"] or 0.0) + (line.min_usd or 0.0)
            entry["maxUsd"] = (entry["maxUsd"] or 0.0) + (line.max_usd or 0.0)
        return {name: {k: _money(v) for k, v in entry.items()} for name, entry in totals.items()}

    def to_json(self) -> dict[str, Any]:
        biggest = self.drivers(1)
        return {
            "clusters": self.cluster_totals(),
            "currency": CURRENCY,
            "hoursPerMonth": HOURS_PER_MONTH,
            "minUsd": _money(self.min_usd),
            "maxUsd": _money(self.max_usd),
            "biggestLine": biggest[0].item if biggest else None,
            "biggestLinePrice": biggest[0].price if biggest else None,
            "unknownLines": len(self.unknown),
            "lines": [line.to_json() for line in self.lines],
            "assumptions": dict(self.assumptions),
            "notEstimated": list(self.not_estimated),
            "unpricedClusters": list(self.unpriced_clusters),
        }


def estimate_plan(plan: Mapping[str, Any], assumptions: Mapping[str, float] | None = None) -> Estimate:
    """The estimate of a plan.json (`skyfleet preview`'s shape)."""
    return estimate_resources(plan.get("resources", []), assumptions, stack=str(plan.get("stack", "")))


def estimate_resources(
    entries: Iterable[Mapping[str, Any]], assumptions: Mapping[str, float] | None = None, *, stack: str = ""
) -> Estimate:
    """The estimate of resources in plan.json's entry shape (urn, type, name, parent, provider,
    inputs, dependencies): the preview's plan, or the resources a policy reviews."""
    resources = [
        _PlanResource(
            urn=r["urn"], type=r["type"], name=r["name"], parent=r.get("parent"),
            provider=r.get("provider"), inputs=r.get("inputs") or {},
            dependencies=tuple(r.get("dependencies") or ()),
        )
        for r in entries
    ]
    return estimate(stack, resources, assumptions)


@dataclass(frozen=True)
class _PlanResource:
    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    inputs: Mapping[str, Any]
    dependencies: tuple[str, ...] = ()


def estimate(
    stack: str, resources: Sequence[_PlanResource], assumptions: Mapping[str, float] | None = None
) -> Estimate:
    """The estimate of a stack's resources (plan entries, or policy resources made alike)."""
    chosen = {**DEFAULT_ASSUMPTIONS, **(assumptions or {})}
    lines: list[CostLine] = []
    not_estimated: set[str] = set(NOT_ESTIMATED_ANYWHERE)
    unpriced: list[str] = []
    for cluster, model in _clusters(resources, chosen):
        if model is None:
            unpriced.append(cluster.name)
            continue
        not_estimated.update(model.NOT_ESTIMATED)
        lines += [_price(cluster, model, usage) for usage in _usages(cluster, model)]
    return Estimate(stack, tuple(lines), tuple(sorted(not_estimated)), chosen, tuple(unpriced))


def _models() -> dict[str, ModuleType]:
    """Provider package (`pulumi:providers:<package>`) -> that cloud's cost model."""
    return {model.PROVIDER_PACKAGE: model for model in cost_models().values()}


def _clusters(
    resources: Sequence[_PlanResource], assumptions: Mapping[str, float]
) -> Iterator[tuple[ClusterResources, ModuleType | None]]:
    by_urn = {r.urn: r for r in resources}
    members: dict[str, list[_PlanResource]] = {}
    for r in resources:
        owner = _cluster_of(r, by_urn)
        if owner is not None:
            members.setdefault(owner.urn, []).append(r)
    models = _models()
    for urn, group in sorted(members.items(), key=lambda item: by_urn[item[0]].name):
        providers = [r for r in group if r.type.startswith(PROVIDER_PREFIX)
                     and r.type.removeprefix(PROVIDER_PREFIX) in models]
        model = models[providers[0].type.removeprefix(PROVIDER_PREFIX)] if providers else None
        region = providers[0].inputs.get(model.REGION_INPUT) if model else None
        region = region if isinstance(region, str) else "?"
        yield ClusterResources(
            name=by_urn[urn].name,
            cloud=model.CLOUD if model else "existing",
            region=region,
            resources=[CostResource(r.urn, r.type, r.name, r.inputs, r.dependencies) for r in group],
            helm_values=[r.inputs.get("values") or {} for r in group if r.type == HELM_RELEASE],
            manifests=[r.inputs for r in group if r.type.startswith("kubernetes:") and "kind" in r.inputs],
            assumptions=assumptions,
        ), model


def _cluster_of(r: _PlanResource, by_urn: Mapping[str, _PlanResource]) -> _PlanResource | None:
    """The cluster component above `r`, or the one owning the provider `r` uses."""
    seen = 0
    current: _PlanResource | None = r
    while current is not None and seen < 100:
        if current.type.startswith(CLUSTER_PREFIX):
            return current
        provider = by_urn.get(current.provider or "")
        if provider is not None and provider is not current:
            owner = _cluster_of(provider, by_urn)
            if owner is not None:
                return owner
        current = by_urn.get(current.parent or "")
        seen += 1
    return None


def _usages(cluster: ClusterResources, model: ModuleType) -> list[Usage]:
    found: list[Usage] = list(model.usages(cluster))
    for volume in volumes(cluster):
        usage = model.volume_usage(volume)
        found.append(usage or Usage(f"volume {volume.item}", "storage-class", volume.storage_class or "?",
                                    volume.gib * volume.replicas, volume.gib * volume.replicas,
                                    f"{volume.replicas} x {volume.gib:g} GiB", "volume"))
    count = load_balancers(cluster)
    if count:  # a cost model prices one or more load balancers
        found += model.load_balancer_usages(count, cluster)
    return found


def _price(cluster: ClusterResources, model: ModuleType, usage: Usage) -> CostLine:
    row = model.PRICES.get(usage.service, usage.sku, cluster.region)
    status = "missing" if row is None else "priced" if row.usd is not None else "unknown"
    return CostLine(
        cluster=cluster.name, item=usage.item, kind=usage.kind,
        price=f"{model.CLOUD}:{usage.service}/{usage.sku}@{cluster.region}",
        unit_usd=row.usd if row else None, unit=row.unit if row else "?", basis=usage.basis,
        min_qty=usage.min_qty, max_qty=usage.max_qty, source=row.source.url if row else "", status=status,
    )


# --- what the workloads ask for, on any cloud -------------------------------------------------

_QUANTITY = re.compile(r"([0-9]+(?:\.[0-9]+)?)([KMGTPE]i?)?")
_BINARY = {"Ki": 2**-20, "Mi": 2**-10, "Gi": 1.0, "Ti": 2**10, "Pi": 2**20, "Ei": 2**30}
_DECIMAL = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}


def gib(quantity: Any) -> float | None:
    """A Kubernetes storage quantity ("50Gi", "500M", "1Ti") in GiB; None if not one."""
    match = _QUANTITY.fullmatch(str(quantity).strip())
    if match is None:
        return None
    number, suffix = float(match.group(1)), match.group(2) or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    return number * _DECIMAL.get(suffix, 1.0) / 2**30


def volumes(cluster: ClusterResources) -> list[Volume]:
    """Volumes the cluster's Helm releases and PVC manifests claim, with their replica counts.

    Found by shape, so a chart added later is counted too: a `volumeClaimTemplate` (Prometheus,
    Alertmanager, Loki's StatefulSets) claimed once per `replicas` of the spec holding it, and a
    `persistence: {enabled: true, size}` block (Grafana, Loki) once per sibling `replicas`.
    """
    found: list[Volume] = []
    for values in cluster.helm_values:
        found += _scan_values(values, (), ())
    for manifest in cluster.manifests:
        if manifest.get("kind") == "PersistentVolumeClaim":
            size = gib(get_path(manifest, "spec", "resources", "requests", "storage"))
            name = str(get_path(manifest, "metadata", "name") or "pvc")
            if size:
                found.append(Volume(f"pvc {name}", get_path(manifest, "spec", "storageClassName"), size, 1))
    # Sorted: the same plan lists the same lines whatever order its values' keys come in.
    return sorted(found, key=lambda v: (v.item, str(v.storage_class), v.gib, v.replicas))


def _scan_values(node: Any, path: tuple[str, ...], parents: tuple[Mapping[str, Any], ...]) -> list[Volume]:
    if not isinstance(node, Mapping):
        return []
    found: list[Volume] = []
    template = node.get("volumeClaimTemplate")
    if isinstance(template, Mapping):
        size = gib(get_path(template, "spec", "resources", "requests", "storage"))
        if size:
            found.append(Volume(".".join(path[:1] or ("volume",)), get_path(template, "spec", "storageClassName"),
                                size, _replicas((node, *reversed(parents)))))
    persistence = node.get("persistence")
    if isinstance(persistence, Mapping) and persistence.get("enabled") is True:
        size = gib(persistence.get("size"))
        if size:
            storage_class = persistence.get("storageClassName") or persistence.get("storageClass")
            found.append(Volume(".".join(path[-1:] or ("volume",)), storage_class, size, _replicas((node,))))
    for key, child in node.items():
        if key not in ("volumeClaimTemplate", "persistence"):
            found += _scan_values(child, (*path, str(key)), (*parents, node))
    return found


def _replicas(candidates: Iterable[Mapping[str, Any]]) -> int:
    for candidate in candidates:
        replicas = candidate.get("replicas")
        if isinstance(replicas, int | float) and not isinstance(replicas, bool):
            return max(int(replicas), 0)
    return 1


def load_balancers(cluster: ClusterResources) -> int:
    """Services of type LoadBalancer the cluster asks for: in Helm values and in manifests."""
    count = sum(_lb_in_values(values) for values in cluster.helm_values)
    count += sum(1 for m in cluster.manifests
                 if m.get("kind") == "Service" and get_path(m, "spec", "type") == "LoadBalancer")
    return count


def _lb_in_values(node: Any) -> int:
    if isinstance(node, Mapping):
        # `service.type` in most charts; Traefik 41 reads `service.spec.type` (its values.yaml).
        kinds = (get_path(node, "service", "type"), get_path(node, "service", "spec", "type"))
        here = 1 if "LoadBalancer" in kinds else 0
        return here + sum(_lb_in_values(child) for child in node.values())
    if isinstance(node, list):
        return sum(_lb_in_values(child) for child in node)
    return 0


# --- output -----------------------------------------------------------------------------------


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _round(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 4)


def usd(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def format_estimate(e: Estimate) -> str:
    """The cost section printed after a stack's preview summary and by `skyfleet cost`."""
    unknown = f" + {len(e.unknown)} line(s) unknown" if e.unknown else ""
    lines = [f"cost of {e.stack}: {usd(e.min_usd)} .. {usd(e.max_usd)}{unknown} per month "
             f"({CURRENCY}, on-demand list prices, {HOURS_PER_MONTH} h a month)"]
    for cluster, totals in e.cluster_totals().items():
        lines.append(f"  cluster {cluster}: {usd(totals['minUsd'])} .. {usd(totals['maxUsd'])}")
        for line in (x for x in e.lines if x.cluster == cluster):
            amount = (f"{usd(line.min_usd)} .. {usd(line.max_usd)}" if line.status == "priced"
                      else "unknown" if line.status == "unknown" else "unknown (no price row)")
            lines.append(f"    {line.item:<58} {amount:>24}  [{line.basis}; {line.price}]")
    for name in e.unpriced_clusters:
        lines.append(f"  cluster {name}: an existing cluster, billed outside this stack (not estimated)")
    if e.unknown:
        lines.append(f"  {len(e.unknown)} line(s) unknown (no readable price): not in the totals")
    assumed = ", ".join(f"{k}={v:g}" for k, v in sorted(e.assumptions.items()))
    lines.append(f"  assumptions: {assumed} (set with skyfleet:cost)")
    lines.append("  not estimated: " + "; ".join(e.not_estimated))
    return "\n".join(lines)


def missing_rows(e: Estimate) -> list[str]:
    """One message per line whose price row the cloud's table lacks (a machine type, a disk, a
    region it has no figure for), naming the row and the table to add it to."""
    return [
        f"{e.stack}: cluster {line.cluster}: {line.item}: the price table has no row "
        f"{line.price.split(':', 1)[1]} (add it to components/cluster/{line.price.split(':', 1)[0]}/prices.py)"
        for line in e.lines if line.status == "missing"
    ]


def stack_assumptions(raw_config: Mapping[str, Any]) -> dict[str, float]:
    """The stack's `skyfleet:cost` assumptions (already validated with the stack settings)."""
    from components.budget import parse_cost_assumptions
    from components.errors import Problems

    return parse_cost_assumptions(raw_config.get("skyfleet:cost"), Problems()).as_mapping()


def summary_cell(cost: Mapping[str, Any]) -> str:
    """`min..max` of a summary.json cost section, for the table across stacks."""
    unknown = f" +{cost['unknownLines']} unknown" if cost.get("unknownLines") else ""
    return f"{cost['minUsd']:,.0f}..{cost['maxUsd']:,.0f}{unknown}"


# --- the cost change of a pull request (skyfleet diff) ----------------------------------------


def _line_key(line: CostLine) -> tuple[str, str]:
    """What a line is, whatever its size: "node pool general" of "node pool general: 1..5 x ..."."""
    return line.cluster, line.item.split(":", 1)[0]


def cost_change(
    base: Mapping[str, Any] | None,
    head: Mapping[str, Any] | None,
    base_config: Mapping[str, Any] | None = None,
    head_config: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Before -> after of a stack's estimate (both priced by today's tables), with the lines that
    changed; None when neither side exists or nothing about the cost changed."""
    if base is None and head is None:
        return None
    before = estimate_plan(base, stack_assumptions(base_config or {})) if base is not None else None
    after = estimate_plan(head, stack_assumptions(head_config or {})) if head is not None else None
    old = {_line_key(line): line for line in (before.lines if before else ())}
    new = {_line_key(line): line for line in (after.lines if after else ())}
    lines = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and (a.item, a.min_usd, a.max_usd) == (b.item, b.min_usd, b.max_usd):
            continue
        lines.append({
            "cluster": key[0],
            "before": a.item if a else None, "after": b.item if b else None,
            "beforeMaxUsd": _money(a.max_usd) if a else None, "afterMaxUsd": _money(b.max_usd) if b else None,
            "change": "added" if a is None else "removed" if b is None else "changed",
        })
    if not lines:
        return None

    def totals(e: Estimate | None) -> dict[str, float | None]:
        return {"minUsd": _money(e.min_usd), "maxUsd": _money(e.max_usd)} if e else {"minUsd": None, "maxUsd": None}

    return {"before": totals(before), "after": totals(after), "lines": lines,
            "deltaMaxUsd": _money((after.max_usd if after else 0.0) - (before.max_usd if before else 0.0))}


def _range(totals: Mapping[str, float | None]) -> str:
    if totals["minUsd"] is None:
        return "-"
    return f"{usd(totals['minUsd'])} .. {usd(totals['maxUsd'])}"


def _signed(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{'+' if value >= 0 else '-'}{usd(abs(value))}"


def format_cost_change_text(stack: str, change: Mapping[str, Any]) -> list[str]:
    """The cost lines of `skyfleet diff`'s table for one stack."""
    lines = [f"  cost per month: {_range(change['before'])} -> {_range(change['after'])} "
             f"(max {_signed(change['deltaMaxUsd'])})"]
    for line in change["lines"]:
        lines.append(f"    {line['cluster']}: {line['before'] or '(none)'} [{usd(line['beforeMaxUsd'])}] -> "
                     f"{line['after'] or '(none)'} [{usd(line['afterMaxUsd'])}]")
    return lines


def format_cost_change_markdown(changes: Mapping[str, Mapping[str, Any]]) -> str:
    """The cost section of the PR comment: one row per stack whose estimate moved, then its lines."""
    if not changes:
        return ""
    rows = ["| stack | cost per month before | after | change of the maximum |", "| --- | ---: | ---: | ---: |"]
    for stack, change in changes.items():
        rows.append(f"| `{stack}` | {_range(change['before'])} | {_range(change['after'])} | "
                    f"{_signed(change['deltaMaxUsd'])} |")
    for stack, change in changes.items():
        rows += ["", f"<details><summary>cost lines of <code>{stack}</code></summary>", "",
                 "| cluster | before | max | after | max |", "| --- | --- | ---: | --- | ---: |"]
        rows += [f"| {line['cluster']} | {line['before'] or '-'} | {usd(line['beforeMaxUsd'])} | "
                 f"{line['after'] or '-'} | {usd(line['afterMaxUsd'])} |" for line in change["lines"]]
        rows.append("</details>")
    return "\n".join(rows) + "\n"
