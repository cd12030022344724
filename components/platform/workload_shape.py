"""Pod-shape values several add-ons set the same way: spread, resources, PDBs, security context.

Pure functions returning plain values; each add-on places them at its chart's own value paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.security import (
    restricted_container_security_context,
    restricted_pod_security_context,
)

# Which pods a NetworkPolicy or a spread constraint selects: a label Skyfleet sets itself through
# each chart's pod-labels value, so it does not depend on how a chart labels its pods.
COMPONENT_LABEL = "platform.skyfleet.io/component"


def component_labels(component: str) -> dict[str, str]:
    return {COMPONENT_LABEL: component}


def spread(labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Spread replicas across zones, then nodes. ScheduleAnyway: a single-zone or single-node
    cluster (dev, kind) still schedules every replica instead of leaving some Pending."""
    return [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": dict(labels)},
        }
        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
    ]


def resources(cpu: str, memory: str, memory_limit: str) -> dict[str, Any]:
    """Requests for scheduling plus a memory limit. No CPU limit: throttling a controller on the
    request path adds latency, while memory is the resource whose overuse evicts neighbours."""
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory_limit}}


def pdb_enabled(replicas: int) -> bool:
    """A PodDisruptionBudget of minAvailable 1 only protects something with two or more replicas;
    with one it blocks every node drain (and so every node upgrade) forever."""
    return replicas >= 2


def pdb(replicas: int) -> dict[str, Any]:
    """The `{enabled, minAvailable}` PodDisruptionBudget block most charts take."""
    return {"enabled": pdb_enabled(replicas), "minAvailable": 1}


def ha_replicas(requested: int | None, production: bool) -> int:
    """None means: two in production (one can be evicted while the other serves), one elsewhere."""
    if requested is not None:
        return requested
    return 2 if production else 1


# What the "restricted" Pod Security Standard asks of a pod that a chart may leave out.
RESTRICTED_POD_SECURITY_CONTEXT: dict[str, Any] = restricted_pod_security_context()
RESTRICTED_CONTAINER_SECURITY_CONTEXT: dict[str, Any] = restricted_container_security_context()
