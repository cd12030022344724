"""Every policy of the pack, in one list (what `__main__` serves and the offline evaluator runs).

The Kubernetes and stack-wide modules are listed here; each cloud's modules are found in
`clouds/`, so adding a cloud adds a file and edits nothing here.
"""

from __future__ import annotations

import importlib
import pkgutil

from pulumi_policy import Policy

from . import clouds, cost, exposure, kubernetes, pss, rbac, stack

PACK_NAME = "skyfleet"
PACK_DESCRIPTION = "Skyfleet guardrails for Kubernetes workloads and EKS, GKE and AKS clusters."


def cloud_policies() -> list[Policy]:
    """The `POLICIES` of every module in `clouds/`, module by module in name order."""
    found: list[Policy] = []
    for module in sorted(pkgutil.iter_modules(clouds.__path__), key=lambda m: m.name):
        found += importlib.import_module(f"{clouds.__name__}.{module.name}").POLICIES
    return found


POLICIES: list[Policy] = [
    *pss.POLICIES,
    *pss.WARN_POLICIES,
    *kubernetes.POLICIES,
    *exposure.POLICIES,
    *rbac.POLICIES,
    *cloud_policies(),
    *stack.POLICIES,
    *cost.POLICIES,
]
