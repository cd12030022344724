"""metrics-server, where the cloud does not run it (EKS, existing clusters): the HPA needs it.

The Platform installs it only when `profile.ships_metrics_server` is false; GKE and AKS run
their own, and a second copy would fight over the `v1beta1.metrics.k8s.io` APIService.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from components.cluster.handle import ClusterFacts, ClusterHandle
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout
from .checks import check_replicas
from .info import PlatformInfo
from .workload_shape import component_labels, ha_replicas, pdb, resources, spread

INSECURE_TLS_FLAG = "--kubelet-insecure-tls"


@dataclass(frozen=True, kw_only=True)
class MetricsServerArgs(AddonArgs):
    replicas: int | None = None
    """Replicas. Default: None, 2 in production (the HPA stalls while metrics are down), else 1."""
    kubelet_insecure_tls: bool = False
    """Skip verifying kubelets' serving certificates, for clusters whose kubelets use self-signed
    ones (kind, minikube). Default: False; the Platform turns it on where the cloud profile says
    kubelet certificates are self-signed."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        check_replicas(problems, "replicas", self.replicas)


class MetricsServer(HelmAddon):
    """`skyfleet:platform:MetricsServer`: resource metrics for `kubectl top` and the HPA."""

    TYPE = "skyfleet:platform:MetricsServer"
    ARGS = MetricsServerArgs
    # The chart runs non-root, read-only, seccomp RuntimeDefault, no capabilities and no host
    # network: restricted as shipped.
    LAYOUT = Layout("metrics-server", "metrics-server", "metrics-server", "restricted")

    def prepare(self, args: MetricsServerArgs, handle: ClusterHandle) -> MetricsServerArgs:
        if handle.profile.kubelet_certs_self_signed:
            return replace(args, kubelet_insecure_tls=True)
        return args

    def build(self, handle: ClusterHandle, args: MetricsServerArgs, platform: PlatformInfo) -> None:
        replicas = ha_replicas(args.replicas, handle.production)
        labels = component_labels("metrics-server")
        typed: dict[str, Any] = {
            "replicas": replicas,
            "podDisruptionBudget": pdb(replicas),
            "podLabels": labels,
        }
        if args.kubelet_insecure_tls:
            # Appended to whatever `args` the raw values pass, not replacing them.
            typed["args"] = [*args.values.get("args", []), INSECURE_TLS_FLAG]
        defaults = {
            "resources": resources("100m", "200Mi", "400Mi"),
            "topologySpreadConstraints": spread(labels),
        }
        self.install(typed=typed, defaults=defaults)
        self.finish(replicas=replicas, kubelet_insecure_tls=args.kubelet_insecure_tls)

    @classmethod
    def wanted_on(cls, cluster: ClusterFacts) -> bool:
        return not cluster.profile.ships_metrics_server
