"""The waves of a plan: which clusters roll together, and what each wave's services change.

Used by the preview's summary (per wave, how many service resources it creates or updates) and by
its failure report: when a wave's rollout fails, which later waves `pulumi up` never reached.
A service resource is anything under a `skyfleet:workload:Microservice` component, whose name is
`<cluster>-<service>` (components/workload/deploy.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from components.rollout import Waves, plan_waves, wave_of

MICROSERVICE = "skyfleet:workload:Microservice"


def stack_waves(raw_config: Mapping[str, Any]) -> Waves:
    """The waves a stack's config asks for (`skyfleet:waves`), or the default one wave."""
    clusters = raw_config.get("skyfleet:clusters") or {}
    return plan_waves([str(c) for c in clusters], raw_config.get("skyfleet:waves"))


def service_owners(resources: Iterable[Mapping[str, Any]], clusters: Iterable[str]) -> dict[str, str]:
    """URN -> the cluster whose service it belongs to, for every resource under a Microservice
    (dicts with `urn`, `type`, `parent`, as in plan.json). Other resources are left out."""
    return {urn: cluster for urn, (cluster, _) in service_of(resources, clusters).items()}


def service_of(resources: Iterable[Mapping[str, Any]], clusters: Iterable[str]) -> dict[str, tuple[str, str]]:
    """URN -> (cluster, service) for every resource under a Microservice `<cluster>-<service>`."""
    listed = list(resources)
    names = sorted(clusters, key=len, reverse=True)  # "east-1" before "east"
    owner: dict[str, str] = {}
    for r in listed:
        if r["type"] == MICROSERVICE:
            name = r["urn"].rsplit("::", 1)[-1]
            cluster = next((c for c in names if name.startswith(f"{c}-")), None)
            if cluster is not None:
                owner[r["urn"]] = cluster
    parent = {r["urn"]: r.get("parent") for r in listed}
    found: dict[str, tuple[str, str]] = {}
    for r in listed:
        up = r.get("parent")
        while up is not None and up not in owner:
            up = parent.get(up)
        if up is not None:
            cluster = owner[up]
            found[r["urn"]] = (cluster, up.rsplit("::", 1)[-1].removeprefix(f"{cluster}-"))
    return found


def services_by_wave(resources: Iterable[Mapping[str, Any]], waves: Waves) -> dict[int, dict[str, int]]:
    """Wave number -> service -> how many of its resources (over the wave's clusters) are in
    `resources`: what each wave creates or updates."""
    per_wave: dict[int, dict[str, int]] = {n: {} for n in range(1, len(waves) + 1)}
    number = wave_of(waves)
    for cluster, service in service_of(resources, list(number)).values():
        counts = per_wave[number[cluster]]
        counts[service] = counts.get(service, 0) + 1
    return per_wave


def service_resources_by_cluster(resources: Iterable[Mapping[str, Any]], clusters: Iterable[str]) -> dict[str, int]:
    """Cluster -> how many resources of its services are in `resources`."""
    names = list(clusters)
    counts = dict.fromkeys(names, 0)
    for cluster in service_owners(resources, names).values():
        counts[cluster] += 1
    return counts


def wave_lines(waves: Waves, counts: Mapping[str, int], *, failed: bool = False,
               services: Mapping[int, Mapping[str, int]] | None = None) -> list[str]:
    """One line per wave. With `failed`, a wave none of whose service resources was registered
    is reported as never reached: `pulumi up` would create or update none of them. `services`
    (`services_by_wave`) adds what each wave changes, service by service."""
    lines = []
    for number, wave in enumerate(waves, start=1):
        total = sum(counts.get(c, 0) for c in wave)
        head = f"wave {number} ({', '.join(wave)})"
        if failed and total == 0:
            lines.append(f"{head}: no service resource would be created or updated")
            continue
        per_service = sorted((services or {}).get(number, {}).items())
        detail = f": {', '.join(f'{name} {n}' for name, n in per_service)}" if per_service else ""
        lines.append(f"{head}: {total} service resources{detail}")
    return lines


def _short(urn: str) -> str:
    """`<type>::<name>` of a URN: enough to tell one service object from another."""
    parts = urn.split("::")
    return f"{parts[-2].rsplit('$', 1)[-1]}::{parts[-1]}" if len(parts) >= 2 else urn


def _change_lines(mark: tuple[str, str, tuple[str, ...]]) -> list[str]:
    sign, urn, paths = mark
    return [f"  {sign} {_short(urn)}", *(f"      {path}" for path in paths)]


def wave_change_lines(
    waves: Waves, owners: Mapping[str, str], *, added: Iterable[str] = (), removed: Iterable[str] = (),
    changed: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """What a change does, wave by wave: the service resources each wave adds (+), removes (-)
    and changes (~, with the field paths), in the order `pulumi up` reaches them; then whatever
    belongs to no service (clusters, add-ons, config). `owners`: `service_owners` of both plans."""
    changed = changed or {}
    marks: list[tuple[str, str, tuple[str, ...]]] = [("+", urn, ()) for urn in added]
    marks += [("-", urn, ()) for urn in removed]
    marks += [("~", urn, tuple(paths)) for urn, paths in changed.items()]
    number = wave_of(waves)
    per_wave: dict[int, list[tuple[str, str, tuple[str, ...]]]] = {}
    for mark in sorted(marks, key=lambda m: m[1]):
        per_wave.setdefault(number.get(owners.get(mark[1], ""), 0), []).append(mark)
    lines = []
    for index, wave in enumerate(waves, start=1):
        found = per_wave.get(index, [])
        lines.append(f"wave {index} ({', '.join(wave)}): " + (f"{len(found)} service resource(s) change"
                                                              if found else "no service resource changes"))
        lines += [line for mark in found for line in _change_lines(mark)]
    other = per_wave.get(0, [])
    if other:
        lines.append(f"outside the services: {len(other)} resources change")
        lines += [line for mark in other for line in _change_lines(mark)]
    return lines
