"""Pure builders of the Kubernetes objects a service is made of (no resources, no cloud branches).

Each function returns the object as the API server receives it. `Microservice` hands these to
typed `pulumi_kubernetes` resources or, with `delivery: argocd`, keeps the ones Argo CD owns
(`owned_by_argocd`) as plain dicts that `skyfleet render` writes to Git: one builder per object
whoever applies it. A few values may be `pulumi.Input`s (the config checksum, identity
annotations, secret values); the builders pass them through untouched.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi

from components.security import (
    restricted_container_security_context,
    restricted_pod_security_context,
)

from . import alerts, dashboard, rules
from .spec import ServiceSpec, volume_name

if TYPE_CHECKING:  # only annotations: importing the platform package pulls in every add-on
    from components.platform.info import PlatformInfo

MANAGED_BY = "skyfleet"
# Every object a Microservice creates carries this label; `skyfleet.analysis.parity` selects on it.
WORKLOAD_LABEL = "skyfleet.io/workload"
# Namespaces created for services carry this one instead (they belong to no single service).
WORKLOAD_NAMESPACE_LABEL = "skyfleet.io/workload-namespace"
CHECKSUM_ANNOTATION = "skyfleet.io/config-checksum"
CERT_MANAGER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"

# With `delivery: argocd` the work is split by what an object carries. Pulumi keeps creating the
# objects that hold secret values or cloud identities, which must never be written to Git: the
# service Namespaces (Argo CD runs with CreateNamespace=false), the ServiceAccounts (their
# workload-identity annotations are only known once the cloud identity exists) and the Secrets.
# Argo CD applies every other kind a service renders, from `<path>/<stack>/<cluster>/` in Git.
PULUMI_OWNED_KINDS = frozenset({"Namespace", "ServiceAccount", "Secret"})

Manifest = dict[str, Any]


def owned_by_argocd(manifest: Mapping[str, Any]) -> bool:
    """Whether Argo CD applies this object from Git when the stack delivers with Argo CD."""
    return manifest.get("kind") not in PULUMI_OWNED_KINDS


def selector_labels(spec: ServiceSpec) -> dict[str, str]:
    """The Deployment selector: immutable once created, so it never includes the version."""
    return {"app.kubernetes.io/name": spec.name, "app.kubernetes.io/instance": spec.name}


def labels(spec: ServiceSpec) -> dict[str, str]:
    """The standard labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).

    Only what the image runs carries `app.kubernetes.io/version` (see `versioned_labels`): an
    image bump then changes the Deployment alone, not every object of the service.
    """
    return {
        **selector_labels(spec),
        "app.kubernetes.io/component": spec.component,
        "app.kubernetes.io/part-of": spec.part_of or spec.namespace,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        WORKLOAD_LABEL: spec.name,
    }


def versioned_labels(spec: ServiceSpec) -> dict[str, str]:
    """The standard labels plus the image tag as `app.kubernetes.io/version`."""
    version = _version(spec.image)
    return {**labels(spec), "app.kubernetes.io/version": version} if version else labels(spec)


def _version(image: str) -> str | None:
    """The image tag as a label value (at most 63 characters, starting and ending alphanumeric)."""
    ref = rules.parse_image(image)
    if ref is None or ref.tag is None:
        return None
    return ref.tag.lstrip("-_.")[:63].rstrip("-_.") or None


def _metadata(spec: ServiceSpec, **extra: Any) -> dict[str, Any]:
    # The Kubernetes name is the service's own: no Pulumi auto-name suffix, so DNS names,
    # selectors and `kubectl -n apps get deploy api` are the same on every cluster.
    return {"name": spec.name, "namespace": spec.namespace, "labels": labels(spec), **extra}


def render_namespace(namespace: str) -> Manifest:
    """A namespace whose pods must meet Pod Security Standards "restricted"."""
    pss = {
        f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")
    }
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": namespace,
            "labels": {
                **pss,
                "pod-security.kubernetes.io/enforce-version": "latest",
                "app.kubernetes.io/managed-by": MANAGED_BY,
                WORKLOAD_NAMESPACE_LABEL: "true",
            },
        },
    }


def render_service_account(
    spec: ServiceSpec, annotations: Mapping[str, pulumi.Input[str]] | None = None
) -> Manifest:
    """The service's own identity; cloud workload identity hangs off its annotations."""
    metadata = _metadata(spec)
    if annotations:
        metadata["annotations"] = dict(annotations)
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata,
        # Denied here as well as on the pod, so a pod added later by hand inherits the safe default.
        "automountServiceAccountToken": spec.automount_service_account_token,
    }


def render_config_map(spec: ServiceSpec) -> Manifest | None:
    if not spec.config:
        return None
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _metadata(spec),
        "data": dict(sorted(spec.config.items())),
    }


def render_secret(spec: ServiceSpec, values: Mapping[str, pulumi.Input[str]]) -> Manifest | None:
    """`values`: `skyfleet:secrets` key -> its (secret) value. The Secret is keyed by env name."""
    if not spec.secrets:
        return None
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _metadata(spec),
        "type": "Opaque",
        "stringData": {env: values[key] for env, key in sorted(spec.secrets.items())},
    }


def config_checksum(config: Mapping[str, str], secrets: Mapping[str, str], key: str = "") -> str:
    """HMAC-SHA256 of the ConfigMap and Secret data: changes whenever either changes.

    A plain hash of a weak password could be brute-forced by anyone allowed to read Deployments
    (a lower bar than reading Secrets), so the digest is keyed with a random, secret value.
    """
    payload = json.dumps({"config": dict(config), "secrets": dict(secrets)}, sort_keys=True)
    return hmac.new(key.encode(), payload.encode(), hashlib.sha256).hexdigest()


def config_map_checksum(config: Mapping[str, str]) -> str:
    """SHA-256 of the ConfigMap data alone: the checksum of a Deployment written to Git.

    Git holds no secret and no per-stack key, so a rotated Secret does not change it: after a
    rotation, `kubectl rollout restart` the Deployment (or run Stakater Reloader).
    """
    payload = json.dumps({"config": dict(config)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _env(spec: ServiceSpec) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = [{"name": k, "value": v} for k, v in sorted(spec.env.items())]
    env += [
        {"name": k, "valueFrom": {"configMapKeyRef": {"name": spec.name, "key": k}}}
        for k in sorted(spec.config)
    ]
    env += [
        {"name": k, "valueFrom": {"secretKeyRef": {"name": spec.name, "key": k}}}
        for k in sorted(spec.secrets)
    ]
    return env


def _container(spec: ServiceSpec) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": spec.name,
        "image": spec.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [
            {"name": name, "containerPort": port.port, "protocol": port.protocol}
            for name, port in sorted(spec.ports.items())
        ],
        "resources": {
            "requests": {
                "cpu": spec.resources.requests.cpu,
                "memory": spec.resources.requests.memory,
            },
            "limits": {"cpu": spec.resources.limits.cpu, "memory": spec.resources.limits.memory},
        },
        # Pod Security Standards "restricted"; the seccomp profile is set once, on the pod.
        "securityContext": restricted_container_security_context(seccomp=False),
        "volumeMounts": [{"name": volume_name(p), "mountPath": p} for p in spec.writable_paths],
    }
    for key, probe in (
        ("livenessProbe", spec.liveness),
        ("readinessProbe", spec.readiness),
        ("startupProbe", spec.startup),
    ):
        if probe is not None:
            container[key] = probe.to_kubernetes()
    if spec.command:
        container["command"] = list(spec.command)
    if spec.args:
        container["args"] = list(spec.args)
    env = _env(spec)
    if env:
        container["env"] = env
    return container


def _topology_spread(spec: ServiceSpec) -> list[dict[str, Any]]:
    # ScheduleAnyway: spreading is best effort, so a single-zone dev cluster still schedules.
    # matchLabelKeys counts only the pods of the same ReplicaSet, so a rollout is not skewed by
    # the old pods it is about to remove.
    return [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": selector_labels(spec)},
            "matchLabelKeys": ["pod-template-hash"],
        }
        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
    ]


def render_deployment(
    spec: ServiceSpec,
    *,
    checksum: pulumi.Input[str],
    pod_labels: Mapping[str, str] | None = None,
) -> Manifest:
    """`checksum` (see `config_checksum`) is a pod annotation, so a config change rolls the pods."""
    pod_spec: dict[str, Any] = {
        "serviceAccountName": spec.name,
        "automountServiceAccountToken": spec.automount_service_account_token,
        # Service links inject an env var per Service in the namespace: noise, and a collision risk.
        "enableServiceLinks": False,
        "securityContext": restricted_pod_security_context(
            runAsUser=spec.run_as_user, runAsGroup=spec.run_as_user
        ),
        "containers": [_container(spec)],
        "volumes": [{"name": volume_name(p), "emptyDir": {}} for p in spec.writable_paths],
    }
    if spec.topology_spread:
        pod_spec["topologySpreadConstraints"] = _topology_spread(spec)
    deployment_spec: dict[str, Any] = {
        "selector": {"matchLabels": selector_labels(spec)},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {
                "maxUnavailable": spec.rollout.max_unavailable,
                "maxSurge": spec.rollout.max_surge,
            },
        },
        "template": {
            "metadata": {
                "labels": {**versioned_labels(spec), **dict(pod_labels or {})},
                "annotations": {CHECKSUM_ANNOTATION: checksum},
            },
            "spec": pod_spec,
        },
    }
    # With an HPA, `replicas` stays unset: setting it would fight the autoscaler on every update.
    if spec.autoscaling is None:
        deployment_spec["replicas"] = spec.replica_floor
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {**_metadata(spec), "labels": versioned_labels(spec)},
        "spec": deployment_spec,
    }


def render_service(spec: ServiceSpec) -> Manifest:
    """A ClusterIP Service exposing every container port under the same name and number."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(spec),
        "spec": {
            "type": "ClusterIP",
            "selector": selector_labels(spec),
            "ports": [
                {"name": name, "port": port.port, "targetPort": name, "protocol": port.protocol}
                for name, port in sorted(spec.ports.items())
            ],
        },
    }


def render_hpa(spec: ServiceSpec) -> Manifest | None:
    hpa = spec.autoscaling
    if hpa is None:
        return None
    metrics = [
        {
            "type": "Resource",
            "resource": {
                "name": name,
                "target": {"type": "Utilization", "averageUtilization": target},
            },
        }
        for name, target in (("cpu", hpa.cpu_utilization), ("memory", hpa.memory_utilization))
        if target is not None
    ]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _metadata(spec),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": spec.name},
            "minReplicas": hpa.min_replicas,
            "maxReplicas": hpa.max_replicas,
            "metrics": metrics,
            "behavior": {
                "scaleDown": {"stabilizationWindowSeconds": hpa.scale_down_stabilization_seconds}
            },
        },
    }


def render_pdb(spec: ServiceSpec) -> Manifest:
    key, value = spec.disruption.effective()
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _metadata(spec),
        "spec": {key: value, "selector": {"matchLabels": selector_labels(spec)}},
    }


def render_ingress(spec: ServiceSpec, platform: PlatformInfo) -> Manifest | None:
    """An Ingress, for a route that asks for one (`api: ingress`)."""
    ingress = spec.route
    if ingress is None or ingress.api != "ingress":
        return None
    metadata = _metadata(spec)
    ingress_spec: dict[str, Any] = {
        "ingressClassName": platform.ingress_class,
        "rules": [
            {
                "host": ingress.host,
                "http": {
                    "paths": [
                        {
                            "path": ingress.path,
                            "pathType": "Prefix",
                            "backend": {
                                "service": {"name": spec.name, "port": {"name": ingress.port}}
                            },
                        }
                    ]
                },
            }
        ],
    }
    if ingress.tls:
        metadata["annotations"] = {CERT_MANAGER_ISSUER_ANNOTATION: platform.cluster_issuer}
        ingress_spec["tls"] = [{"hosts": [ingress.host], "secretName": f"{spec.name}-tls"}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": ingress_spec,
    }


def render_http_route(spec: ServiceSpec, platform: PlatformInfo) -> Manifest | None:
    """An HTTPRoute on the cluster's Gateway, attached to the HTTPS listener of its host: TLS
    (the certificate cert-manager issues for that listener) is the Gateway's business."""
    route = spec.route
    if route is None or route.api != "gateway" or platform.gateway is None:
        return None
    gateway_namespace, _, gateway_name = platform.gateway.partition("/")
    parent = {"group": "gateway.networking.k8s.io", "kind": "Gateway",
              "name": gateway_name, "namespace": gateway_namespace}
    listener = platform.gateway_listeners.get(route.host)
    if listener is not None:
        parent["sectionName"] = listener
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": _metadata(spec),
        "spec": {
            "parentRefs": [parent],
            "hostnames": [route.host],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": route.path}}],
                    "backendRefs": [{"name": spec.name, "port": spec.ports[route.port].port}],
                }
            ],
        },
    }


def render_network_policy(spec: ServiceSpec, platform: PlatformInfo) -> Manifest:
    """Admits only the ingress controller, the declared callers and Prometheus; egress is open."""
    admitted: list[dict[str, Any]] = []
    if spec.route is not None and platform.ingress_namespace:
        peer: dict[str, Any] = {
            "namespaceSelector": _namespace_selector(platform.ingress_namespace)
        }
        if platform.ingress_pod_labels:
            peer["podSelector"] = {"matchLabels": dict(platform.ingress_pod_labels)}
        admitted.append({"from": [peer], "ports": [_policy_port(spec, spec.route.port)]})
    if spec.callers:
        callers = []
        for caller in sorted(spec.callers):
            namespace, _, name = caller.rpartition("/")
            peer = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}
            if namespace and namespace != spec.namespace:
                peer["namespaceSelector"] = _namespace_selector(namespace)
            callers.append(peer)
        served = [p for p in sorted(spec.ports) if spec.metrics is None or p != spec.metrics.port]
        admitted.append({"from": callers, "ports": [_policy_port(spec, p) for p in served]})
    if spec.metrics is not None and platform.monitoring and platform.monitoring_namespace:
        # The whole monitoring namespace: PlatformInfo does not name Prometheus' pod labels.
        admitted.append(
            {
                "from": [{"namespaceSelector": _namespace_selector(platform.monitoring_namespace)}],
                "ports": [_policy_port(spec, spec.metrics.port)],
            }
        )
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _metadata(spec),
        "spec": {
            "podSelector": {"matchLabels": selector_labels(spec)},
            "policyTypes": ["Ingress"],
            "ingress": admitted,
        },
    }


def _namespace_selector(namespace: str) -> dict[str, Any]:
    # Kubernetes sets this label on every namespace (>= 1.22), so it is a reliable handle.
    return {"matchLabels": {"kubernetes.io/metadata.name": namespace}}


def _policy_port(spec: ServiceSpec, name: str) -> dict[str, Any]:
    port = spec.ports[name]
    return {"port": port.port, "protocol": port.protocol}


def render_service_monitor(spec: ServiceSpec, platform: PlatformInfo) -> Manifest | None:
    """None when the service has no metrics or the platform runs no Prometheus Operator."""
    if spec.metrics is None or not platform.monitoring:
        return None
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": _metadata(spec),
        "spec": {
            "selector": {"matchLabels": selector_labels(spec)},
            "namespaceSelector": {"matchNames": [spec.namespace]},
            "endpoints": [
                {
                    "port": spec.metrics.port,
                    "path": spec.metrics.path,
                    "interval": spec.metrics.interval,
                }
            ],
        },
    }


def render_service_objects(
    spec: ServiceSpec,
    platform: PlatformInfo,
    *,
    checksum: pulumi.Input[str] = "",
    secret_values: Mapping[str, pulumi.Input[str]] | None = None,
    service_account_annotations: Mapping[str, pulumi.Input[str]] | None = None,
    pod_labels: Mapping[str, str] | None = None,
) -> list[Manifest]:
    """Every object of one service, in the order they are created (absent ones left out)."""
    values = secret_values or {}
    objects = [
        render_service_account(spec, service_account_annotations),
        render_config_map(spec),
        render_secret(spec, values) if spec.secrets else None,
        render_deployment(spec, checksum=checksum, pod_labels=pod_labels),
        render_service(spec),
        render_hpa(spec),
        render_pdb(spec),
        render_ingress(spec, platform),
        render_http_route(spec, platform),
        render_network_policy(spec, platform),
        render_service_monitor(spec, platform),
        alerts.render_prometheus_rule(
            spec, _metadata(spec), monitoring=platform.monitoring, route_metrics=platform.route_metrics
        ),
        dashboard.render_dashboard_config_map(
            spec, _metadata(spec), monitoring=platform.monitoring, route_metrics=platform.route_metrics
        ),
    ]
    return [o for o in objects if o is not None]
