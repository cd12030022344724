"""The shape of a cloud's price table and of what its cost model measures. Pure data, no Pulumi.

Each cloud keeps its own table (`<cloud>/prices.py`: on-demand Linux list prices per region,
every row with its source and the date it was read) and its own cost model (`<cloud>/cost.py`:
which resources of a plan cost money, and how much of what). The estimator in
`skyfleet.analysis.cost` only multiplies what a model measured by the row it names, so a figure
in an estimate is always one row of a table times a quantity the plan states. No price is
derived or guessed: a row whose figure could not be read has `usd=None`, and a line priced by
it says "unknown".
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any

# The month every estimate uses: 24 h x 365 d / 12. AWS's and Google's price lists state monthly
# figures on the same 730 hours (Google's Cloud Billing catalog data, as the GCP table's source
# shows, is hour x 730).
HOURS_PER_MONTH = 730
DAYS_PER_MONTH = HOURS_PER_MONTH / 24


@dataclass(frozen=True)
class Source:
    """Where a figure was read: the provider's pricing page or price-list data, and when."""

    url: str
    read_on: str
    """ISO date the figure was read (YYYY-MM-DD)."""
    note: str = ""
    """What the source is, when it is not the provider's own page (a mirror of its price API,
    a third party quoting it)."""


def unreadable(url: str, read_on: str) -> Source:
    """The source of a row whose figure could not be read (its `usd` is None)."""
    return Source(url, read_on, "figure not readable here: the stored copy of the page holds no "
                  "number for this region and no other source quoting it was found")


@dataclass(frozen=True)
class Price:
    """One row of a price table: the USD figure of one SKU in one region, per `unit`."""

    service: str
    """The meter, e.g. "ec2-instance", "ebs-volume", "gke-cluster"."""
    sku: str
    """What is metered, e.g. "m7i.large", "gp3", "standard" ("-" when the service has one SKU)."""
    region: str
    usd: float | None
    """USD per unit, on-demand list price; None when it could not be read (the estimate says
    "unknown" for every line priced by this row)."""
    unit: str
    """"hour", "GB-month", "month", "VM-hour", ..."""
    source: Source

    @property
    def ref(self) -> str:
        """How an estimate line names this row: `service/sku@region`."""
        return f"{self.service}/{self.sku}@{self.region}"


class PriceTable:
    """A cloud's price rows, looked up by (service, sku, region)."""

    def __init__(self, cloud: str, rows: Iterable[Price]) -> None:
        self.cloud = cloud
        self.rows: tuple[Price, ...] = tuple(rows)
        index: dict[tuple[str, str, str], Price] = {}
        for row in self.rows:
            key = (row.service, row.sku, row.region)
            if key in index:
                raise ValueError(f"{cloud} price table: duplicate row {row.ref}")
            index[key] = row
        self._index: Mapping[tuple[str, str, str], Price] = MappingProxyType(index)

    def get(self, service: str, sku: str, region: str) -> Price | None:
        """The row, or None when the table has no row for it (not the same as usd=None)."""
        return self._index.get((service, sku, region))

    def regions(self, service: str) -> set[str]:
        return {row.region for row in self.rows if row.service == service}

    def skus(self, service: str, region: str) -> set[str]:
        return {row.sku for row in self.rows if row.service == service and row.region == region}


@dataclass(frozen=True)
class Usage:
    """What a cost model measured: `min_qty`..`max_qty` units of one price row, per month."""

    item: str
    """What the user recognises, e.g. "node pool general: 3..24 x m7i.2xlarge"."""
    service: str
    sku: str
    min_qty: float
    max_qty: float
    basis: str
    """How the quantity was counted, e.g. "3..24 nodes x 730 h"."""
    kind: str = "other"
    """"control-plane", "nodes", "nat", "load-balancer", "disk", "volume", "key", "logs"."""


@dataclass(frozen=True)
class CostResource:
    """A plan resource as a cost model sees it, cloud-neutral."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    dependencies: Sequence[str] = ()


@dataclass(frozen=True)
class ClusterResources:
    """Everything one cluster of a plan registered, with the region its cloud provider targets."""

    name: str
    cloud: str
    region: str
    resources: Sequence[CostResource]
    helm_values: Sequence[Mapping[str, Any]] = ()
    """The values of every Helm release on the cluster (volumes and load balancers they ask for)."""
    manifests: Sequence[Mapping[str, Any]] = ()
    """Every plain Kubernetes object on the cluster."""
    assumptions: Mapping[str, float] = field(default_factory=dict)

    def of_type(self, type_token: str) -> list[CostResource]:
        return [r for r in self.resources if r.type == type_token]

    def by_urn(self, urn: str) -> CostResource | None:
        return next((r for r in self.resources if r.urn == urn), None)


@dataclass(frozen=True)
class Volume:
    """A persistent volume the cluster's workloads claim (a Helm chart's PVC template, a PVC)."""

    item: str
    storage_class: str | None
    gib: float
    replicas: int


def per_gib_volume(volume: Volume, service: str, sku: str) -> Usage:
    """A volume billed per GiB-month (EBS, Persistent Disk): every replica's claim."""
    gib = volume.gib * volume.replicas
    return Usage(f"volume {volume.item}", service, sku, gib, gib,
                 f"{volume.replicas} x {volume.gib:g} GiB {sku}", "volume")


def always_on(item: str, service: str, sku: str, count: int, what: str, kind: str) -> Usage:
    """`count` of something billed by the hour that runs all month (a control plane, a NAT
    gateway, an address, a load balancer)."""
    hours = count * HOURS_PER_MONTH
    return Usage(item, service, sku, hours, hours, f"{count} {what} x {HOURS_PER_MONTH} h", kind)


def node_hours(pool: str, service: str, machine: str, low: int, high: int) -> Usage:
    """A node pool's machines, `low`..`high` of them all month (the autoscaler's bounds)."""
    return Usage(f"node pool {pool}: {low}..{high} x {machine}", service, machine, low * HOURS_PER_MONTH,
                 high * HOURS_PER_MONTH, f"{low}..{high} nodes x {HOURS_PER_MONTH} h", "nodes")


def node_disks_per_gib(pool: str, service: str, disk: str, low: int, high: int, gib: int) -> Usage:
    """The boot disks of a node pool's `low`..`high` nodes, billed per GiB-month (EBS, PD)."""
    return Usage(f"node disks {pool}: {low}..{high} x {gib} GiB {disk}", service, disk, low * gib, high * gib,
                 f"{low}..{high} x {gib} GiB", "disk")


def log_ingestion(name: str, service: str, per_day: float) -> Usage:
    """A month of log ingestion at the assumed `per_day` GB (skyfleet:cost.logsGbPerDay)."""
    gb = per_day * DAYS_PER_MONTH
    return Usage(f"logs {name}: ingestion", service, "ingestion", gb, gb,
                 f"{per_day:g} GB/day (assumed) x {DAYS_PER_MONTH:.2f} d", "logs")


def cost_models() -> dict[str, ModuleType]:
    """Each cloud's cost model: `components/cluster/<cloud>/cost.py`, for every cloud that has
    one (a cloud without, such as `existing`, bills nothing through the stack). Each module has
    CLOUD, PROVIDER_PACKAGE, REGION_INPUT (the provider input naming the region), PRICES,
    NOT_ESTIMATED,
    usages(ClusterResources), volume_usage(Volume) and load_balancer_usages(count, cluster) (count >= 1)."""
    from .clouds import CLOUDS

    package = __name__.rsplit(".", 1)[0]
    names = [f"{package}.{cloud}.cost" for cloud in CLOUDS]
    return {name.split(".")[-2]: importlib.import_module(name) for name in names
            if importlib.util.find_spec(name) is not None}


# What no estimate counts, on any cloud: it depends on traffic, not on what the plan declares.
NOT_ESTIMATED_ANYWHERE = (
    "data transfer (internet egress, cross-zone and cross-region traffic)",
    "requests and operations (API calls, key operations, object-storage requests)",
    "taxes, support plans, and discounts (savings plans, committed use, reservations, credits)",
)


def get_path(data: Any, *keys: str) -> Any:
    """`data[k1][k2]...`, or None where a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def as_int(value: Any, default: int = 0) -> int:
    """An integral count from a plan value (the engine sends numbers as floats)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)
