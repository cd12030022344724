"""Waves: the order in which a fleet's clusters receive a change to a service (issue 21).

`skyfleet:waves` (or `FleetArgs.waves`) lists the clusters wave by wave, such as
`[[canary], [east, west]]`. Every Kubernetes object of a service on a cluster of wave N+1 waits
(`depends_on`) for the same service's Deployment on every cluster of wave N, and for nothing else:
services never wait for each other, and the clusters of one wave roll side by side. The gate is
pulumi-kubernetes' await on the Deployment, which completes only once the new revision is
available (docs/workloads.md, "Waves"), so `skipAwait` is never set on a service's Deployment.

Default (no waves): one wave holding every cluster, which is exactly the fleet without waves.
Pure planning and checks only: nothing here registers a resource.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from components.errors import Problems

Waves = tuple[tuple[str, ...], ...]


def plan_waves(clusters: Collection[str], waves: Sequence[Sequence[str]] | None) -> Waves:
    """The waves to roll in: `waves` as given (checked by `check_waves`), or one wave of every
    cluster, sorted, when none are configured."""
    if not waves:
        return (tuple(sorted(clusters)),)
    return tuple(tuple(wave) for wave in waves)


def gates(waves: Waves) -> dict[str, tuple[str, ...]]:
    """Cluster -> the clusters of the wave before its own (empty for the first wave)."""
    before: dict[str, tuple[str, ...]] = {}
    previous: tuple[str, ...] = ()
    for wave in waves:
        for cluster in wave:
            before[cluster] = previous
        previous = wave
    return before


def wave_of(waves: Waves) -> dict[str, int]:
    """Cluster -> its wave number, counted from 1 as the docs and the summary do."""
    return {cluster: number for number, wave in enumerate(waves, start=1) for cluster in wave}


def check_waves(waves: Any, clusters: Collection[str], delivery: str, problems: Problems,
                *, hub: str | None = None) -> None:
    """`waves` lists every cluster exactly once, in non-empty waves; paths are `waves[i][j]`.

    None (the key unset) is the default and always valid. With delivery "argocd" Pulumi creates no
    Deployment to gate on, so more than one wave needs `gitops.hub`: the hub's Argo CD orders the
    clusters with ApplicationSet progressive syncs (components/delivery_waves.py)."""
    if waves is None:
        return
    if not problems.check(
        isinstance(waves, Sequence) and not isinstance(waves, str) and len(waves) > 0,
        "waves", waves, "must be a non-empty list of waves, each a list of cluster names",
    ):
        return
    known = set(clusters)
    placed: dict[str, int] = {}
    for i, wave in enumerate(waves):
        if not problems.check(
            isinstance(wave, Sequence) and not isinstance(wave, str) and len(wave) > 0,
            f"waves[{i}]", wave, "must be a non-empty list of cluster names (an empty wave gates nothing)",
        ):
            continue
        for j, cluster in enumerate(wave):
            path = f"waves[{i}][{j}]"
            if not problems.check(
                isinstance(cluster, str) and cluster in known, path, cluster,
                f"is not a cluster of this fleet (clusters: {', '.join(sorted(known))})",
            ):
                continue
            if cluster in placed:
                problems.add(path, cluster, f"is already in waves[{placed[cluster]}]: a cluster rolls in one wave")
                continue
            placed[cluster] = i
    for cluster in sorted(known - set(placed)):
        problems.add("waves", cluster, "is in no wave: list every cluster of the fleet in exactly one wave")
    problems.check(
        delivery != "argocd" or len(waves) <= 1 or hub is not None, "waves", waves,
        "needs delivery 'pulumi', or with 'argocd' a gitops.hub: Argo CD applies the Deployments, so "
        "Pulumi has no rollout to gate on; the hub's Argo CD orders the waves with ApplicationSet "
        "progressive syncs (docs/gitops.md)",
    )
