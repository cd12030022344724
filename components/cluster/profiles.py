"""The one per-cloud table: everything above the cluster layer that differs between clouds.

Add-ons and workloads never branch on the cloud; they read the cluster's `CloudProfile`. Adding a
cloud means adding a row here and a module beside this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Cloud = Literal["aws", "gcp", "azure", "existing"]
CLOUDS: tuple[Cloud, ...] = ("aws", "gcp", "azure", "existing")


@dataclass(frozen=True)
class CloudProfile:
    cloud: Cloud
    # Annotations on the ingress controller's Service of type LoadBalancer.
    load_balancer_annotations: Mapping[str, str]
    # The field of Service.status.loadBalancer.ingress[0] that holds the address.
    load_balancer_address_field: Literal["hostname", "ip"]
    # The StorageClass persistent volumes use (Prometheus, Alertmanager, Grafana).
    default_storage_class: str
    # Whether the provider runs metrics-server for us (the HPA needs it).
    ships_metrics_server: bool
    # Whether node autoscaling is built into the managed node pools.
    manages_node_autoscaling: bool
    # The ServiceAccount annotation that binds a pod to a cloud identity (None: no binding).
    identity_annotation: str | None
    # Where cluster-autoscaler runs when the cluster hands it an identity (None: the cloud scales
    # nodes itself, or the cluster offers no such identity).
    node_autoscaler_namespace: str | None = None
    # Whether kubelets serve self-signed certificates (kind, minikube): metrics-server must then
    # skip verifying them, which a managed cloud never needs.
    kubelet_certs_self_signed: bool = False
    # Pod labels the cloud's workload-identity webhook needs.
    identity_pod_labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


PROFILES: Mapping[Cloud, CloudProfile] = MappingProxyType(
    {
        "aws": CloudProfile(
            cloud="aws",
            # An NLB, not the legacy Classic LB the in-tree controller would create by default:
            # https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html
            load_balancer_annotations=MappingProxyType(
                {
                    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                    "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
                }
            ),
            load_balancer_address_field="hostname",
            # EKS >= 1.30 no longer marks gp2 as default; the EKS module creates this gp3 class.
            default_storage_class="gp3",
            ships_metrics_server=False,
            manages_node_autoscaling=False,
            node_autoscaler_namespace="kube-system",
            identity_annotation="eks.amazonaws.com/role-arn",
        ),
        "gcp": CloudProfile(
            cloud="gcp",
            # GKE's default for a LoadBalancer Service is an external passthrough Network LB.
            load_balancer_annotations=MappingProxyType({}),
            load_balancer_address_field="ip",
            default_storage_class="standard-rwo",
            ships_metrics_server=True,
            manages_node_autoscaling=True,
            identity_annotation="iam.gke.io/gcp-service-account",
        ),
        "azure": CloudProfile(
            cloud="azure",
            # The Standard LB probes the controller's health endpoint rather than the TCP port:
            # https://cloud-provider-azure.sigs.k8s.io/topics/loadbalancer/#custom-load-balancer-health-probe
            load_balancer_annotations=MappingProxyType(
                {"service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/ping"}
            ),
            load_balancer_address_field="ip",
            default_storage_class="managed-csi",
            ships_metrics_server=True,
            manages_node_autoscaling=True,
            identity_annotation="azure.workload.identity/client-id",
            identity_pod_labels=MappingProxyType({"azure.workload.identity/use": "true"}),
        ),
        "existing": CloudProfile(
            cloud="existing",
            load_balancer_annotations=MappingProxyType({}),
            load_balancer_address_field="ip",
            # kind and minikube both ship a default class named "standard".
            default_storage_class="standard",
            kubelet_certs_self_signed=True,
            ships_metrics_server=False,
            manages_node_autoscaling=True,
            identity_annotation=None,
        ),
    }
)
