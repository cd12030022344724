"""A fake ClusterHandle and helpers to preview platform components under the preview's mocks."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from components.cluster.cloud import Cloud, CloudProfile
from components.cluster.clouds import PROFILES
from components.cluster.handle import (
    ClusterHandle,
    DnsAccess,
    DnsRequest,
    DnsZones,
    IdentityBinder,
    IdentityBinding,
    IdentityRequest,
    NoCloudIdentity,
    NodeAutoscalerSupport,
)
from components.platform import Platform, PlatformArgs
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan, run_program

RELEASE = "kubernetes:helm.sh/v3:Release"
NAMESPACE = "kubernetes:core/v1:Namespace"
SECRET = "kubernetes:core/v1:Secret"
CUSTOM_POOL = "random:index/randomId:RandomId"  # stands in for a node pool in handle.ready
AUTOSCALER_ROLE = "arn:aws:iam::123456789012:role/main-cluster-autoscaler"


class RecordingBinder:
    """An IdentityBinder that remembers what it was asked and answers like a cloud would."""

    def __init__(self, profile: CloudProfile) -> None:
        self.profile = profile
        self.calls: list[dict[str, Any]] = []

    def bind(self, request: IdentityRequest) -> IdentityBinding:
        self.calls.append(
            {
                "name": request.name,
                "namespace": request.namespace,
                "service_account": request.service_account,
                "roles": list(request.roles),
            }
        )
        key = self.profile.identity_annotation
        annotations = {key: f"identity-of-{request.service_account}"} if key else {}
        return IdentityBinding(annotations, dict(self.profile.identity_pod_labels))


class RecordingDns:
    """A cloud's `DnsZones` that remembers the zones it was asked for and answers with a binding
    and, when given, configuration files (as AKS hands external-dns its azure.json)."""

    def __init__(self, profile: CloudProfile, files: dict[str, str] | None = None) -> None:
        self.binder = RecordingBinder(profile)
        self.files = dict(files or {})
        self.calls: list[dict[str, Any]] = []

    def dns_access(self, request: DnsRequest) -> DnsAccess:
        self.calls.append({"name": request.name, "namespace": request.namespace,
                           "service_account": request.service_account, "zones": list(request.zones)})
        binding = self.binder.bind(IdentityRequest(request.name, request.namespace,
                                                   request.service_account, (), request.parent))
        return DnsAccess(binding, files=self.files, files_dir="/etc/provider" if self.files else "")


def fake_handle(
    cloud: Cloud = "aws",
    *,
    production: bool = False,
    node_autoscaler: bool = True,
    profile: CloudProfile | None = None,
    identity: IdentityBinder | None = None,
    dns: DnsZones | None = None,
) -> ClusterHandle:
    """A ClusterHandle like a cluster module builds, on the provider "test-k8s" (call it inside
    the previewed program: it registers the provider and a stand-in node pool)."""
    provider = k8s.Provider("test-k8s", kubeconfig="apiVersion: v1\nkind: Config\n")
    pool = random.RandomId("main-pool", byte_length=4)
    support = None
    if node_autoscaler and cloud == "aws":
        support = NodeAutoscalerSupport(
            cluster_name="main",
            namespace="kube-system",
            service_account="cluster-autoscaler",
            service_account_annotations={"eks.amazonaws.com/role-arn": AUTOSCALER_ROLE},
            chart_values={"awsRegion": "us-east-1"},
        )
    return ClusterHandle(
        name="main",
        cloud=cloud,
        region="us-east-1",
        kubernetes_version="1.34",
        production=production,
        provider=provider,
        kubeconfig=pulumi.Output.secret("apiVersion: v1\nkind: Config\n"),
        oidc_issuer_url=pulumi.Output.from_input("https://oidc.example.com/main"),
        profile=profile or PROFILES[cloud],
        identity=identity or NoCloudIdentity(),
        ready=(pool,),
        node_autoscaler=support,
        dns=dns,
    )


@dataclasses.dataclass
class Preview:
    plan: Plan
    built: Any  # what the program's build function returned (a Platform, an add-on)


def preview(build: Callable[[ClusterHandle], Any], **handle_kwargs: Any) -> Preview:
    """Runs `build(fake_handle(**handle_kwargs))` under the mocks."""
    built: list[Any] = []

    def program() -> None:
        built.append(build(fake_handle(**handle_kwargs)))

    plan = run_program(program, stack="test")
    return Preview(plan, built[0])


def preview_platform(args: PlatformArgs | None = None, **handle_kwargs: Any) -> Preview:
    return preview(lambda handle: Platform("main-platform", handle, args), **handle_kwargs)


@functools.cache
def default_platform(cloud: Cloud = "aws", production: bool = False) -> Preview:
    """The default Platform (shared by the tests that only read it)."""
    return preview_platform(cloud=cloud, production=production)


def releases(plan: Plan) -> dict[str, Any]:
    """Release registrations keyed by their Helm release name."""
    return {wire.reveal(r.inputs)["name"]: r for r in plan.by_type(RELEASE)}


def values(plan: Plan, release_name: str) -> dict[str, Any]:
    """The values a release sends, secrets revealed."""
    return wire.reveal(releases(plan)[release_name].inputs).get("values", {})


def one(plan: Plan, type_token: str, name: str | None = None) -> Any:
    found = [r for r in plan.by_type(type_token) if name is None or r.name == name]
    assert len(found) == 1, [r.name for r in found]
    return found[0]


def by_urn(plan: Plan) -> dict[str, Any]:
    return {r.urn: r for r in plan.resources}


def dig(data: Any, *path: str) -> Any:
    for key in path:
        data = data[key]
    return data
