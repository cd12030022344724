"""Where each Kubernetes workload kind keeps its pod, and walking its containers.

Pod-level policies are written once against a pod spec; the per-kind paths below hand them
the right sub-object of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job or CronJob.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .define import View
from .props import Props, as_list, as_map, dig

POD = "kubernetes:core/v1:Pod"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
DAEMON_SET = "kubernetes:apps/v1:DaemonSet"
REPLICA_SET = "kubernetes:apps/v1:ReplicaSet"
REPLICATION_CONTROLLER = "kubernetes:core/v1:ReplicationController"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"

_TEMPLATE = ("spec", "template")
POD_PATHS: dict[str, tuple[str, ...]] = {
    POD: (),
    DEPLOYMENT: _TEMPLATE,
    STATEFUL_SET: _TEMPLATE,
    DAEMON_SET: _TEMPLATE,
    REPLICA_SET: _TEMPLATE,
    REPLICATION_CONTROLLER: _TEMPLATE,
    JOB: _TEMPLATE,
    CRON_JOB: ("spec", "jobTemplate", *_TEMPLATE),
}
"""Where the pod (its `metadata` and `spec`) sits inside each pod-bearing kind."""

# Controllers of long-running pods: the kinds where readiness and liveness probes apply
# (a Job's pod is meant to exit).
LONG_RUNNING = (DEPLOYMENT, STATEFUL_SET, DAEMON_SET)


def pod_parts(resource_type: str, props: Props) -> tuple[Props, Props] | None:
    """The pod's `(metadata, spec)` of a pod-bearing resource, or None for other kinds."""
    path = POD_PATHS.get(resource_type)
    if path is None:
        return None
    pod = as_map(dig(props, *path)) if path else props
    return as_map(pod.get("metadata")), as_map(pod.get("spec"))


def _pod_spec_at(path: tuple[str, ...]) -> View:
    def view(props: Props) -> Iterable[Props]:
        return (as_map(dig(props, *path, "spec")),)

    return view


def pod_specs(*resource_types: str) -> dict[str, View]:
    """Targets handing a validator the pod spec of each workload type (default: all)."""
    return {t: _pod_spec_at(POD_PATHS[t]) for t in resource_types or POD_PATHS}


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
