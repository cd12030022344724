"""Grafana Alloy on every node: ships every pod's logs to Loki with the labels to find them.

Alloy tails logs through the Kubernetes API (`loki.source.kubernetes`), each node's Alloy only
the pods of its own node, instead of mounting `/var/log` from the host: it then needs no host
path, runs as a non-root user with a read-only root filesystem and no capabilities, and its
namespace enforces Pod Security "restricted" like every other platform namespace. The trade-off:
log lines travel through the kubelet's log API, which is fine for the volumes of a service
platform and is what the Alloy docs describe for clusters without host access.
https://grafana.com/docs/alloy/latest/reference/components/loki/loki.source.kubernetes/

Every line carries `namespace`, `pod`, `container`, `node`, and for Skyfleet's services `service`
(the `skyfleet.io/workload` pod label) and `app` (`app.kubernetes.io/name`): a service's
dashboard queries `{namespace, service}`. Chart: grafana/alloy @ helm-chart/1.11.1 :
operations/helm/charts/alloy/values.yaml (rendering checked with Helm, docs/observability.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components.cluster.handle import ClusterHandle

from .addon import AddonArgs, HelmAddon, Layout
from .info import PlatformInfo
from .workload_shape import resources

NAMESPACE = "alloy"
# The image's own unprivileged user.
ALLOY_UID = 473
# Alloy keeps its positions (how far each log has been read) here: an emptyDir, since the root
# filesystem is read-only.
STORAGE_PATH = "/var/lib/alloy"
_LOCKED_DOWN = {
    "runAsNonRoot": True,
    "runAsUser": ALLOY_UID,
    "runAsGroup": ALLOY_UID,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
# Only what discovering pods and reading their logs needs; the chart's default role also reads
# every Secret and ConfigMap in the cluster (for components Skyfleet does not use).
RBAC_RULES = [
    {"apiGroups": [""], "resources": ["pods", "pods/log", "namespaces"], "verbs": ["get", "list", "watch"]},
]

# Pod labels become Loki labels; Kubernetes' label names are sanitised by discovery.kubernetes
# (skyfleet.io/workload -> skyfleet_io_workload).
PIPELINE = """\
discovery.kubernetes "pods" {{
  role = "pod"
  selectors {{
    role  = "pod"
    field = "spec.nodeName=" + sys.env("NODE_NAME")
  }}
}}

discovery.relabel "pods" {{
  targets = discovery.kubernetes.pods.targets
  rule {{
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_node_name"]
    target_label  = "node"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_label_skyfleet_io_workload"]
    target_label  = "service"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }}
}}

loki.source.kubernetes "pods" {{
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.default.receiver]
}}

loki.write "default" {{
  endpoint {{
    url = "{push_url}"
  }}
}}
"""


def pipeline(loki_url: str) -> str:
    """Alloy's configuration: discover this node's pods, label them, push to Loki."""
    return PIPELINE.format(push_url=f"{loki_url}/loki/api/v1/push")


@dataclass(frozen=True, kw_only=True)
class LogCollectorArgs(AddonArgs):
    """Grafana Alloy; installed where Loki is (`logging`), shipping to it."""


class LogCollector(HelmAddon):
    """`skyfleet:platform:LogCollector`: Alloy as a DaemonSet, pushing to the cluster's Loki."""

    TYPE = "skyfleet:platform:LogCollector"
    ARGS = LogCollectorArgs
    # No host paths, non-root, read-only, no capabilities (see the module doc).
    LAYOUT = Layout("alloy", NAMESPACE, "alloy", "restricted")

    def build(self, handle: ClusterHandle, args: LogCollectorArgs, platform: PlatformInfo) -> None:
        if platform.logs_url is None:
            raise ValueError(f"{self.addon_name}: the log collector needs Loki (platform `logging`)")
        typed = {
            "controller": {
                "type": "daemonset",
                "volumes": {"extra": [{"name": "data", "emptyDir": {}}]},
            },
            "alloy": {
                "configMap": {"create": True, "content": pipeline(platform.logs_url)},
                "storagePath": STORAGE_PATH,
                "mounts": {"varlog": False, "dockercontainers": False,
                           "extra": [{"name": "data", "mountPath": STORAGE_PATH}]},
                "extraEnv": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                "securityContext": _LOCKED_DOWN,
            },
            "configReloader": {"securityContext": _LOCKED_DOWN},
            # Only `rules` is narrowed: the chart's node-read `clusterRules` stay (an empty list
            # there renders as invalid YAML inside the ClusterRole, found by rendering the chart).
            "rbac": {"rules": RBAC_RULES},
            # The chart's CRDs (PodLogs) serve components Skyfleet does not use.
            "crds": {"create": False},
        }
        self.install(typed=typed, defaults=_defaults())
        self.finish(loki_url=platform.logs_url)


def _defaults() -> dict[str, Any]:
    return {
        "alloy": {"resources": resources("50m", "128Mi", "512Mi")},
        "configReloader": {"resources": resources("10m", "32Mi", "64Mi")},
    }
