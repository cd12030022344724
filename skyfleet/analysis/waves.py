"""The waves of a plan: which clusters roll together, and what each wave's services change.

Used by the preview's summary (per wave, how many service resources it creates or updates) and by
its failure report: when a wave's rollout fails, which later waves `pulumi up` never reached.
A service resource is anything under a `skyfleet:workload:Microservice` component, whose name is
`<cluster>-<service>` (components/workload/deploy.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from components.rollout import Waves, plan_waves

MICROSERVICE = "skyfleet:workload:Microservice"


def stack_waves(raw_config: Mapping[str, Any]) -> Waves:
    """The waves a stack's config asks for (`skyfleet:waves`), or the default one wave."""
    clusters = raw_config.get("skyfleet:clusters") or {}
    return plan_waves([str(c) for c in clusters], raw_config.get("skyfleet:waves"))


def service_resources_by_cluster(resources: Iterable[Mapping[str, Any]], clusters: Iterable[str]) -> dict[str, int]:
    """Cluster -> how many resources of its services are in `resources` (dicts with `urn`,
    `type`, `parent`, as in plan.json)."""
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
    counts = dict.fromkeys(clusters, 0)
    for r in listed:
        up = r.get("parent")
        while up is not None and up not in owner:
            up = parent.get(up)
        if up is not None:
            counts[owner[up]] += 1
    return counts


def wave_lines(waves: Waves, counts: Mapping[str, int], *, failed: bool = False) -> list[str]:
    """One line per wave. With `failed`, a wave none of whose service resources was registered
    is reported as never reached: `pulumi up` would create or update none of them."""
    lines = []
    for number, wave in enumerate(waves, start=1):
        total = sum(counts.get(c, 0) for c in wave)
        head = f"wave {number} ({', '.join(wave)})"
        if failed and total == 0:
            lines.append(f"{head}: no service resource would be created or updated")
        else:
            lines.append(f"{head}: {total} service resources")
    return lines
