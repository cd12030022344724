"""What the platform tells workloads about itself: the same fields on every cluster.

It is also the named hand-off between add-ons: the Platform passes each add-on the info the
add-ons before it provided (`HelmAddon.provides`), so cert-manager learns the ingress class
and Argo CD the ClusterIssuer by name, never by position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from .route_metrics import RouteMetrics


@dataclass(frozen=True)
class PlatformInfo:
    # IngressClass name workloads' Ingresses use (None: no ingress controller installed).
    ingress_class: str | None
    # Where the ingress controller's pods run, so a NetworkPolicy can admit exactly them.
    ingress_namespace: str | None
    ingress_pod_labels: Mapping[str, str] = field(default_factory=dict)
    # ClusterIssuer a workload's Ingress asks cert-manager for (None: no cert-manager).
    cluster_issuer: str | None = None
    # Whether the ServiceMonitor CRD exists (kube-prometheus-stack installed).
    monitoring: bool = False
    # Resources a workload's ServiceMonitor must wait for (the release that ships the CRD).
    monitoring_crds: Sequence[pulumi.Resource] = ()
    # Namespace of Prometheus, so a NetworkPolicy can admit scrapes from it.
    monitoring_namespace: str | None = None
    # The ingress controller's load balancer address, in the one form every cloud gives
    # (hostname on AWS, ip elsewhere); point DNS records at it (None: no ingress controller).
    load_balancer_address: pulumi.Output[str] | None = None
    # Where Argo CD runs, for `delivery: argocd` (None: Argo CD not installed).
    argocd_namespace: str | None = None
    # What must be up before anything creates an Ingress (an ingress controller's admission
    # webhook, as ingress-nginx has): () when nothing is.
    ingress_ready: Sequence[pulumi.Resource] = ()
    # How the ingress controller's metrics name a service's route traffic, for the service's
    # alerts and dashboard (None: no controller, or one whose metrics Skyfleet does not know).
    route_metrics: RouteMetrics | None = None
    # What a Gateway API object (GatewayClass, Gateway, HTTPRoute) must wait for: the CRDs.
    gateway_api_crds: Sequence[pulumi.Resource] = ()
    # The cluster's Gateway, "namespace/name" (None: no Gateway API controller installed).
    gateway: str | None = None
    # The Gateway's HTTPS listener (sectionName) for each host name it serves.
    gateway_listeners: Mapping[str, str] = field(default_factory=dict)
    # What the cluster's Gateway waits for (the CRDs and the controller's GatewayClass); once
    # made, the Gateway itself. An HTTPRoute waits only for `gateway_api_crds`.
    gateway_ready: Sequence[pulumi.Resource] = ()
    # Where Loki takes pushes and queries (None: no logging add-on).
    logs_url: str | None = None
