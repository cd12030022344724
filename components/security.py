"""The Pod Security Standard "restricted", as add-ons and workloads set it: defined once.

https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
Each call returns a fresh mapping, so a caller adding fields never changes another's.
"""

from __future__ import annotations

import copy
from typing import Any

_POD: dict[str, Any] = {
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
# No privilege escalation, no capabilities, and a read-only root so a compromised process cannot
# rewrite the image's binaries.
_CONTAINER: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
}


def restricted_pod_security_context(**fields: Any) -> dict[str, Any]:
    """A pod securityContext meeting "restricted", plus `fields` (runAsUser, fsGroup, ...)."""
    return {**copy.deepcopy(_POD), **fields}


def restricted_container_security_context(*, seccomp: bool = True) -> dict[str, Any]:
    """A container securityContext meeting "restricted". `seccomp=False` leaves the profile to
    the pod's securityContext (which the container inherits)."""
    context = copy.deepcopy(_CONTAINER)
    if seccomp:
        context["seccompProfile"] = copy.deepcopy(_POD["seccompProfile"])
    return context
