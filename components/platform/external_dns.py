"""external-dns (off by default): DNS records for HTTPRoutes, Ingresses and Services.

Credentials come from the cluster's workload identity, never from keys in values, and reach only
the configured zones: each cloud's `ClusterHandle.dns` (`<cloud>/dns.py`) grants its identity
the right to change records in `zones` and to list zones, nothing else. The zones are named in
the cloud's own form (`profile.dns`, checked before anything is registered), and external-dns
is told the same zones (`--zone-id-filter`, `domainFilters`), so it never tries another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.cloud import Cloud
from components.cluster.clouds import CLOUDS, PROFILES
from components.cluster.handle import ClusterFacts, ClusterHandle, DnsAccess, DnsRequest, IdentityBinding
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout
from .checks import check_hostname
from .info import PlatformInfo
from .kinds import Kind
from .workload_shape import component_labels, resources

SERVICE_ACCOUNT = "external-dns"
CONFIG_SECRET = "external-dns-provider-config"

Source = Literal["ingress", "service", "gateway-httproute", "gateway-grpcroute"]

_GATEWAY = "gateway.networking.k8s.io/v1"
# What each source watches: external-dns fails to start when an informer's kind is not served,
# so these kinds must resolve like created ones (skyfleet/analysis/api_kinds.py).
# kubernetes-sigs/external-dns @ v0.21.0 : source/gateway.go (Gateway().V1().Gateways()),
# source/gateway_httproute.go (V1().HTTPRoutes()), source/gateway_grpcroute.go,
# source/ingress.go (networking.k8s.io/v1), source/service.go.
SOURCE_KINDS: Mapping[str, tuple[Kind, ...]] = {
    "ingress": ("networking.k8s.io/v1 Ingress",),
    "service": ("v1 Service",),
    "gateway-httproute": (f"{_GATEWAY} Gateway", f"{_GATEWAY} HTTPRoute"),
    "gateway-grpcroute": (f"{_GATEWAY} Gateway", f"{_GATEWAY} GRPCRoute"),
}


def watched_kinds(sources: Sequence[str]) -> list[Kind]:
    return sorted({kind for source in sources for kind in SOURCE_KINDS.get(source, ())})


@dataclass(frozen=True, kw_only=True)
class ExternalDnsArgs(AddonArgs):
    enabled: bool = False
    """Whether the Platform installs external-dns. Default: False (it writes to real DNS zones)."""
    domain_filters: Sequence[str] = ()
    """DNS names of the zones external-dns may change (example.com); at least one is required.
    Default: () (must be set)."""
    zones: Mapping[Cloud, Sequence[str]] = field(default_factory=dict)
    """The same zones per cloud, in that cloud's form, which its identity is granted and nothing
    else: Route53 hosted zone ids (aws), Cloud DNS managed zone names (gcp), Azure DNS zone
    resource ids (azure). Required for each cloud a cluster runs on with the cloud's provider;
    with another `provider`, passed to --zone-id-filter as written. Default: {} (must be set)."""
    policy: Literal["upsert-only", "sync"] = "upsert-only"
    """"upsert-only" never deletes records; "sync" also deletes those whose source is gone.
    Default: "upsert-only"."""
    sources: Sequence[Source] = ("gateway-httproute", "ingress", "service")
    """Objects whose host names become records: HTTPRoutes (the platform's routes), Ingresses
    (services with `api: ingress`), Services. Default: gateway-httproute, ingress, service."""
    provider: str | None = None
    """external-dns provider name. Default: None, the cloud's (aws, google or azure); another
    provider gets no cloud identity (its credentials go in `values`)."""
    txt_owner_id: str | None = None
    """Owner id in TXT ownership records. Default: None, the cluster's name."""
    extra_args: Mapping[str, str] = field(default_factory=dict)
    """Extra flags, e.g. {"txt-prefix": "edns-"}. Default: {}."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        if self.enabled:
            problems.check(bool(self.domain_filters), "domainFilters", list(self.domain_filters),
                           "must name at least one DNS zone external-dns may change")
        for index, domain in enumerate(self.domain_filters):
            check_hostname(problems, f"domainFilters[{index}]", domain)
        for cloud, zones in self.zones.items():
            path = f"zones.{cloud}"
            if not problems.check(cloud in CLOUDS, path, cloud, f"must be one of {', '.join(CLOUDS)}"):
                continue
            problems.check(len(set(zones)) == len(zones), path, list(zones), "must not name a zone twice")
            dns = PROFILES[cloud].dns
            if dns is None or self.provider not in (None, dns.name):
                continue  # another provider's zones, as it names them
            for index, zone in enumerate(zones):
                why = dns.zone_problem(zone)
                problems.check(why is None, f"{path}[{index}]", zone, why or "")
            why = dns.zones_problem(zones)
            problems.check(why is None, path, list(zones), why or "")

    def uses_cloud_dns(self, handle: ClusterFacts) -> bool:
        dns = handle.profile.dns
        return dns is not None and self.provider in (None, dns.name)

    def zones_on(self, cloud: Cloud) -> tuple[str, ...]:
        return tuple(self.zones.get(cloud, ()))

    def check_cluster(self, handle: ClusterFacts, problems: Problems) -> None:
        # An existing cluster has no cloud identity: set `provider`, credentials go in values.
        dns = handle.profile.dns
        if self.provider is None and dns is None:
            problems.add(
                "provider", None, f"must be set: cloud {handle.cloud!r} has no default DNS provider"
            )
        if dns is None or not self.uses_cloud_dns(handle) or not self.enabled:
            return
        cloud = handle.cloud
        problems.check(bool(self.zones_on(cloud)), f"zones.{cloud}", list(self.zones_on(cloud)),
                       f"must name the zones external-dns may change on {cloud}, "
                       f"each as {dns.zone_form}: its identity is granted those only")


class ExternalDns(HelmAddon):
    """`skyfleet:platform:ExternalDns`: publishes HTTPRoute, Ingress and Service host names."""

    TYPE = "skyfleet:platform:ExternalDns"
    ARGS = ExternalDnsArgs
    # The chart runs non-root, read-only, seccomp RuntimeDefault, no capabilities.
    LAYOUT = Layout(chart_key="external-dns", namespace="external-dns", release_name="external-dns",
                    pod_security="restricted")

    @classmethod
    def default_args(cls) -> ExternalDnsArgs:
        # Built directly, it is wanted: the Platform's default (off) is for stacks.
        return ExternalDnsArgs(enabled=True)

    def build(self, handle: ClusterHandle, args: ExternalDnsArgs, platform: PlatformInfo) -> None:
        dns = handle.profile.dns
        provider = args.provider or (dns.name if dns else "")
        cloud_dns = args.uses_cloud_dns(handle) and dns is not None
        access = self._access(handle, args) if cloud_dns else DnsAccess(IdentityBinding())
        zones = args.zones_on(handle.cloud)
        filters = [dns.zone_filter(z) for z in zones] if cloud_dns and dns else list(zones)
        binding = access.binding
        extra: dict[str, Any] = dict(access.args)
        if filters:
            # The chart has no value for it; a list repeats the flag (templates/deployment.yaml).
            extra["zone-id-filter"] = filters
        typed: dict[str, Any] = {
            "provider": {"name": provider},
            "domainFilters": list(args.domain_filters),
            "policy": args.policy,
            "sources": list(args.sources),
            "registry": "txt",
            # Records carry this owner, so two clusters sharing a zone never delete each other's.
            "txtOwnerId": args.txt_owner_id or handle.name,
            "serviceAccount": {
                "create": True,
                "name": SERVICE_ACCOUNT,
                "annotations": dict(binding.service_account_annotations),
            },
            "podLabels": {**binding.pod_labels, **component_labels("external-dns")},
            "extraArgs": {**extra, **args.extra_args},
        }
        needs: list[pulumi.Resource] = [*self._files(access, typed)]
        watches = watched_kinds(args.sources)
        if any(kind.startswith(_GATEWAY) for kind in watches):
            # Its gateway informers never sync without the Gateway API CRDs.
            needs = [*needs, *platform.gateway_api_crds]
        self.install(typed=typed, defaults={"resources": resources("50m", "64Mi", "256Mi")},
                     depends_on=needs)
        self.finish(provider=provider, domain_filters=list(args.domain_filters),
                    zones=list(zones), watches=watches)

    def _access(self, handle: ClusterHandle, args: ExternalDnsArgs) -> DnsAccess:
        if handle.dns is None:  # a cloud cluster without workload identity: nothing to bind
            return DnsAccess(IdentityBinding())
        return handle.dns.dns_access(DnsRequest(
            f"{self.addon_name}-identity", args.zones_on(handle.cloud), self.namespace_name,
            SERVICE_ACCOUNT, self,
        ))

    def _files(self, access: DnsAccess, typed: dict[str, Any]) -> list[k8s.core.v1.Secret]:
        """The provider's config files (azure.json) in a Secret mounted where it reads them, as
        docs/tutorials/azure.md's Helm section does (extraVolumes, not the chart's deprecated
        secretConfiguration)."""
        if not access.files:
            return []
        secret = k8s.core.v1.Secret(
            f"{self.addon_name}-provider-config",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=CONFIG_SECRET, namespace=self.namespace),
            string_data=dict(access.files),
            opts=self.k8s_options(),
        )
        typed["extraVolumes"] = [{"name": "provider-config", "secret": {"secretName": CONFIG_SECRET}}]
        typed["extraVolumeMounts"] = [
            {"name": "provider-config", "mountPath": access.files_dir, "readOnly": True}
        ]
        return [secret]
