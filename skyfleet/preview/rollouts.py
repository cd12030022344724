"""A rollout that never completes, emulated: what `pulumi up` does when a canary stays unready.

pulumi-kubernetes awaits a Deployment's create or update until the new revision is available
(the await rules in the provider's Deployment docs, `kubernetes.apps/v1.Deployment`, v4.23.0:
the controller observed the new generation, a ReplicaSet of the new revision exists, condition
Available is True and, for an update, Progressing is True with reason NewReplicaSetAvailable),
and fails the resource after its timeout (10 minutes by default). The engine then starts nothing
that depends on it. `never_available(name, ...)` makes the preview's Deployment emulator fail
those Deployments the same way, so a test sees which resources `pulumi up` would still have
registered: none that waits for the failed canary.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .emulators import Emulation, computes

# Pulumi names of the Deployments whose new revision never becomes available.
_UNAVAILABLE: set[str] = set()


class RolloutTimeout(RuntimeError):
    """The provider's await gave up on a Deployment (its wording, shortened)."""


@contextlib.contextmanager
def never_available(*names: str) -> Iterator[None]:
    """Within the block, the Deployments of these Pulumi names never become available."""
    _UNAVAILABLE.update(names)
    try:
        yield
    finally:
        _UNAVAILABLE.difference_update(names)


@computes("kubernetes:apps/v1:Deployment")
def _deployment(res: Emulation) -> dict[str, Any]:
    if res.name in _UNAVAILABLE:
        raise RolloutTimeout(
            f"resource {res.name} was not successfully created by the Kubernetes API server: "
            "Timeout occurred polling for the new ReplicaSet's Pods to become available "
            "(Deployment condition Available is not True)"
        )
    return {}
