"""Where each Kubernetes workload kind keeps its pod spec, and walking its containers.

Pod-level policies are written once against a pod spec; the per-kind views below hand them
the right sub-object of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from policies.define import View
from policies.props import Props, as_list, as_map, dig

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
DAEMON_SET = "kubernetes:apps/v1:DaemonSet"

_TEMPLATE_SPEC = ("spec", "template", "spec")
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "kubernetes:core/v1:Pod": ("spec",),
    DEPLOYMENT: _TEMPLATE_SPEC,
    STATEFUL_SET: _TEMPLATE_SPEC,
    DAEMON_SET: _TEMPLATE_SPEC,
    "kubernetes:apps/v1:ReplicaSet": _TEMPLATE_SPEC,
    "kubernetes:batch/v1:Job": _TEMPLATE_SPEC,
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", *_TEMPLATE_SPEC),
}

# Controllers of long-running pods: the kinds where readiness and liveness probes apply
# (a Job's pod is meant to exit).
LONG_RUNNING = (DEPLOYMENT, STATEFUL_SET, DAEMON_SET)


def _pod_spec_at(path: tuple[str, ...]) -> View:
    def view(props: Props) -> Iterable[Props]:
        return (as_map(dig(props, *path)),)

    return view


def pod_specs(*resource_types: str) -> dict[str, View]:
    """Targets handing a validator the pod spec of each workload type (default: all)."""
    return {t: _pod_spec_at(POD_SPEC_PATHS[t]) for t in resource_types or POD_SPEC_PATHS}


def containers(pod_spec: Props, *, include_init: bool = True) -> Iterator[Props]:
    """The pod's containers; with `include_init`, also init and ephemeral containers."""
    keys = (
        ("initContainers", "containers", "ephemeralContainers") if include_init else ("containers",)
    )
    for key in keys:
        for container in as_list(pod_spec.get(key)):
            yield as_map(container)


def container_name(container: Props) -> str:
    return str(container.get("name") or "<unnamed>")


def effective_security(pod_spec: Props, container: Props, field: str) -> Any:
    """A security setting as Kubernetes applies it: the container's, else the pod's."""
    value = dig(container, "securityContext", field)
    return value if value is not None else dig(pod_spec, "securityContext", field)
