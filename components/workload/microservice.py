"""`Microservice`: one service on one cluster, built from the pure manifests of `render.py`.

The constructor is thin: it checks everything first (so a bad spec creates nothing), binds the
cloud identity, computes the config checksum and creates each rendered object with the typed
`pulumi_kubernetes` resource for its kind, on the cluster's provider. With `delivery="argocd"`
it creates only the objects Pulumi keeps (`render.PULUMI_OWNED_KINDS`: ServiceAccount, Secret)
and holds the rest, rendered by the same builders, in `git_objects` for `skyfleet render`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from components.cluster.handle import ClusterHandle, IdentityBinding, IdentityRequest
from components.delivery import Delivery
from components.errors import Problems

from . import render
from .spec import ServiceSpec
from .validate import check_platform, validate_spec

if TYPE_CHECKING:  # only annotations: importing the platform package pulls in every add-on
    from components.platform.info import PlatformInfo

TYPE = "skyfleet:workload:Microservice"

# The typed resource for each kind a service renders; any other kind is a CustomResource.
_TYPED: Mapping[str, Any] = {
    "Namespace": k8s.core.v1.Namespace,
    "ServiceAccount": k8s.core.v1.ServiceAccount,
    "ConfigMap": k8s.core.v1.ConfigMap,
    "Secret": k8s.core.v1.Secret,
    "Service": k8s.core.v1.Service,
    "Deployment": k8s.apps.v1.Deployment,
    "HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
    "PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "Ingress": k8s.networking.v1.Ingress,
    "NetworkPolicy": k8s.networking.v1.NetworkPolicy,
}
# Objects that must exist before the Deployment's pods can start.
_POD_INPUTS = ("ServiceAccount", "ConfigMap", "Secret")
# Kinds whose CRDs the monitoring release installs.
_MONITORING_KINDS = frozenset({"ServiceMonitor", "PrometheusRule"})


def _object_key(name: str, manifest: Mapping[str, Any], spec: ServiceSpec) -> tuple[str, str]:
    """(key in `Microservice.objects`, Pulumi name) of a rendered object: its kind and the
    component's name, except for a second object of a kind (the dashboard's ConfigMap), which is
    told apart by the suffix of its Kubernetes name, so no two children share a URN."""
    kind, object_name = manifest["kind"], manifest["metadata"]["name"]
    if object_name == spec.name:
        return kind, name
    suffix = object_name.removeprefix(f"{spec.name}-")
    return f"{kind}/{suffix}", f"{name}-{suffix}"


def check_service(
    spec: ServiceSpec,
    platform: PlatformInfo,
    problems: Problems,
    secret_keys: Collection[str] | None = None,
) -> None:
    """Every rule for `spec` on this platform; `secret_keys`, when known, must cover its secrets."""
    validate_spec(spec, problems)
    check_platform(spec, platform, problems)
    if secret_keys is not None:
        for env, key in sorted(spec.secrets.items()):
            problems.check(
                key in secret_keys,
                f"secrets.{env}",
                key,
                "has no value in the stack's skyfleet:secrets config",
            )


def create_object(
    name: str, manifest: Mapping[str, Any], opts: pulumi.ResourceOptions
) -> pulumi.CustomResource:
    """The typed resource for a rendered object (a CustomResource for CRD kinds)."""
    fields = {_snake(k): v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    cls = _TYPED.get(manifest["kind"])
    if cls is None:
        return k8s.apiextensions.CustomResource(
            name, api_version=manifest["apiVersion"], kind=manifest["kind"], opts=opts, **fields
        )
    resource: pulumi.CustomResource = cls(name, opts=opts, **fields)
    return resource


def _waiting_for(after: list[pulumi.Resource]) -> pulumi.ResourceTransformation:
    """A transformation that adds `after` to the `depends_on` of every custom resource below the
    component it is given to (Pulumi applies a component's transformations to its children)."""

    def wait(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if not isinstance(args.resource, pulumi.CustomResource):
            return None
        return pulumi.ResourceTransformationResult(
            args.props, pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(depends_on=after))
        )

    return wait


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def create_service_namespace(
    name: str, namespace: str, handle: ClusterHandle, *, parent: pulumi.Resource
) -> pulumi.CustomResource:
    """A namespace for services (Pod Security "restricted"). Create it once per cluster, however
    many services share it, and pass it to each `Microservice` as `namespace=`."""
    opts = handle.k8s_options(parent, depends_on=handle.ready)
    return create_object(name, render.render_namespace(namespace), opts)


class Microservice(pulumi.ComponentResource):
    """A Deployment and everything around it: Service, ServiceAccount, ConfigMap, Secret, HPA,
    PodDisruptionBudget, Ingress or HTTPRoute, NetworkPolicy, ServiceMonitor, and, with
    monitoring, its alerts (PrometheusRule) and Grafana dashboard (a ConfigMap)."""

    def __init__(
        self,
        name: str,
        handle: ClusterHandle,
        spec: ServiceSpec,
        platform: PlatformInfo,
        opts: pulumi.ResourceOptions | None = None,
        *,
        secret_values: Mapping[str, pulumi.Input[str]] | None = None,
        namespace: pulumi.Resource | None = None,
        create_namespace: bool = False,
        delivery: Delivery = "pulumi",
        after: Sequence[pulumi.Resource] = (),
    ) -> None:
        """`secret_values`: `skyfleet:secrets` key -> value, for the keys `spec.secrets` names.
        `namespace`: the Namespace resource the service lives in, if this program created it.
        `create_namespace`: create `spec.namespace` here (only when no other service shares it).
        `delivery`: "pulumi" (default) creates every object; "argocd" creates the ServiceAccount
        and Secret only and leaves the others, as plain manifests, in `git_objects`.
        `after`: what every Kubernetes object of the service waits for besides its cluster and
        namespace; the Fleet passes the same service's Deployments of the previous wave
        (components/rollout.py). Default: nothing.
        """
        problems = Problems()
        check_service(spec, platform, problems, secret_keys=set(secret_values or {}))
        problems.raise_if_any(f"service {spec.name}")
        if after:
            # Every custom child (Kubernetes objects, and the cloud identity the binder creates
            # under this component) waits, so nothing of the service changes before the gate.
            gate = pulumi.ResourceOptions(transformations=[_waiting_for(list(after))])
            opts = pulumi.ResourceOptions.merge(opts, gate)
        super().__init__(TYPE, name, None, opts)
        self.spec = spec
        self.delivery = delivery
        waits: list[pulumi.Resource] = list(handle.ready)
        if create_namespace:
            namespace = create_service_namespace(f"{name}-ns", spec.namespace, handle, parent=self)
        if namespace is not None:
            waits.append(namespace)
        self.namespace = namespace

        binding = self._bind_identity(name, handle, spec)
        secrets = {key: pulumi.Output.secret(value) for key, value in (secret_values or {}).items()}
        argocd = delivery == "argocd"
        # Git can hold neither the per-stack HMAC key nor the secrets: ConfigMap data only there.
        checksum = render.config_map_checksum(spec.config) if argocd else self._checksum(name, spec, secrets)
        if spec.metrics is not None and not platform.monitoring:
            pulumi.log.warn(
                f"service {spec.name}: the platform runs no Prometheus Operator, so no "
                "ServiceMonitor is created",
                resource=self,
            )
        manifests = render.render_service_objects(
            spec,
            platform,
            checksum=checksum,
            secret_values=secrets,
            service_account_annotations=binding.service_account_annotations,
            pod_labels=binding.pod_labels,
        )
        self.git_objects: list[render.Manifest] = []
        self.objects: dict[str, pulumi.CustomResource] = {}
        for manifest in manifests:
            if argocd and render.owned_by_argocd(manifest):
                self.git_objects.append(manifest)  # Argo CD applies it from Git: never registered
                continue
            kind = manifest["kind"]
            depends_on = list(waits)
            if kind == "Deployment":
                depends_on += [self.objects[k] for k in _POD_INPUTS if k in self.objects]
            if kind in _MONITORING_KINDS:
                depends_on += list(platform.monitoring_crds)  # the CRD ships with the platform
            if kind == "HTTPRoute":
                # Only the CRDs: a route may exist before its Gateway (it attaches once the
                # Gateway does), so it never waits for the controller's rollout.
                depends_on += list(platform.gateway_api_crds)
            key, resource_name = _object_key(name, manifest, spec)
            self.objects[key] = create_object(
                resource_name, manifest, handle.k8s_options(self, depends_on=depends_on)
            )

        # None with delivery "argocd": Argo CD creates them.
        self.deployment: pulumi.CustomResource | None = self.objects.get("Deployment")
        self.service: pulumi.CustomResource | None = self.objects.get("Service")
        self.host = f"{spec.name}.{spec.namespace}.svc.cluster.local"
        self.url = f"https://{spec.route.host}{spec.route.path}" if spec.route else None
        self.register_outputs(
            {
                "name": spec.name,
                "namespace": spec.namespace,
                "host": self.host,
                "url": self.url,
                "kinds": sorted(self.objects),
                **({"gitKinds": sorted(m["kind"] for m in self.git_objects)} if argocd else {}),
            }
        )

    def _bind_identity(
        self, name: str, handle: ClusterHandle, spec: ServiceSpec
    ) -> IdentityBinding:
        """Cloud roles for this cluster's cloud, federated to the service's ServiceAccount."""
        roles = spec.cloud_access.get(handle.cloud)
        if not roles:
            return IdentityBinding()
        return handle.identity.bind(
            IdentityRequest(name, spec.namespace, spec.name, list(roles), self)
        )

    def _checksum(
        self, name: str, spec: ServiceSpec, secrets: Mapping[str, pulumi.Output[str]]
    ) -> pulumi.Input[str]:
        if not spec.secrets:
            return render.config_checksum(spec.config, {})
        hmac_key = random.RandomPassword(
            f"{name}-checksum-key",
            length=32,
            special=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        by_env = {env: secrets[key] for env, key in spec.secrets.items()}
        digest = pulumi.Output.all(hmac_key.result, pulumi.Output.all(**by_env)).apply(
            lambda args: render.config_checksum(spec.config, args[1], args[0])
        )
        # Deliberately not secret: an HMAC under a random secret key reveals nothing about the
        # values, while a secret annotation would make the Deployment's whole `spec` secret
        # (Pulumi marks the top-level property), hiding every diff and the preview's manifest.
        return pulumi.Output.unsecret(digest)
