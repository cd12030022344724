"""external-dns (off by default): DNS records for Ingresses and Services in the cloud's DNS.

Credentials come from the cluster's workload identity (`handle.identity.bind`), never from keys
in values. What differs per cloud (external-dns's provider name and the role its identity gets)
is the cloud's `profile.dns`, declared in the cloud's own `cloud.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from components.cluster.cloud import DnsProvider
from components.cluster.handle import ClusterFacts, ClusterHandle, IdentityRequest
from components.cluster.roles import role_problem
from components.errors import Problems

from .addon import AddonArgs, HelmAddon, Layout
from .checks import check_hostname
from .info import PlatformInfo
from .workload_shape import component_labels, resources

SERVICE_ACCOUNT = "external-dns"


def zone_scope(resource_group: str, zone: str) -> str:
    """An Azure DNS zone's id relative to the subscription (the binder makes it absolute)."""
    return f"resourceGroups/{resource_group}/providers/Microsoft.Network/dnszones/{zone}"


def default_roles(provider: DnsProvider, args: ExternalDnsArgs) -> tuple[str, ...]:
    """The cloud's DNS roles; granted on each zone where the cloud's row says so (Azure)."""
    if not provider.per_zone:
        return provider.roles
    return tuple(
        f"{role}@{zone_scope(args.zones_resource_group or '', zone)}"
        for role in provider.roles
        for zone in args.domain_filters
    )


Source = Literal["ingress", "service", "gateway-httproute", "gateway-grpcroute"]


@dataclass(frozen=True, kw_only=True)
class ExternalDnsArgs(AddonArgs):
    enabled: bool = False
    """Whether the Platform installs external-dns. Default: False (it writes to real DNS zones)."""
    domain_filters: Sequence[str] = ()
    """Zones external-dns may change; at least one is required. Default: () (must be set)."""
    policy: Literal["upsert-only", "sync"] = "upsert-only"
    """"upsert-only" never deletes records; "sync" also deletes those whose source is gone.
    Default: "upsert-only"."""
    sources: Sequence[Source] = ("ingress", "service", "gateway-httproute")
    """Objects whose host names become records. Default: ingress, service, gateway-httproute."""
    provider: str | None = None
    """external-dns provider name. Default: None, the cloud's (aws, google or azure)."""
    roles: Sequence[str] | None = None
    """Roles its cloud identity gets. Default: None, the cloud's DNS role (`profile.dns`)."""
    zones_resource_group: str | None = None
    """Where the cloud grants DNS roles per zone (Azure): the resource group of the zones in
    `domainFilters`, required there unless `roles` is set; the identity then gets its role on
    each zone only, never on the cluster's resource group. Default: None."""
    txt_owner_id: str | None = None
    """Owner id in TXT ownership records. Default: None, the cluster's name."""
    extra_args: Mapping[str, str] = field(default_factory=dict)
    """Extra flags, e.g. {"google-project": "dns-project"}. Default: {}."""

    def check(self, problems: Problems) -> None:
        super().check(problems)
        if self.enabled:
            problems.check(bool(self.domain_filters), "domainFilters", list(self.domain_filters),
                           "must name at least one DNS zone external-dns may change")
        for index, domain in enumerate(self.domain_filters):
            check_hostname(problems, f"domainFilters[{index}]", domain)

    def check_cluster(self, handle: ClusterFacts, problems: Problems) -> None:
        # An existing cluster has no cloud identity: set `provider`, credentials go in values.
        if self.provider is None and handle.profile.dns is None:
            problems.add(
                "provider", None, f"must be set: cloud {handle.cloud!r} has no default DNS provider"
            )
        default = handle.profile.dns
        if self.enabled and self.roles is None and default is not None and default.per_zone:
            problems.check(
                bool(self.zones_resource_group), "zonesResourceGroup", self.zones_resource_group,
                f"must name the resource group of the DNS zones on {handle.cloud}: the identity "
                "is granted each zone, not the cluster's resource group",
            )
        for index, role in enumerate(self.roles or ()):
            why = role_problem(handle.cloud, role)
            problems.check(why is None, f"roles[{index}]", role, why or "")


class ExternalDns(HelmAddon):
    """`skyfleet:platform:ExternalDns`: publishes Ingress and Service host names in DNS."""

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
        name = self.addon_name
        default = handle.profile.dns
        provider = args.provider or (default.name if default else "")
        roles = tuple(args.roles) if args.roles is not None else (
            default_roles(default, args) if default else ()
        )
        binding = handle.identity.bind(
            IdentityRequest(f"{name}-identity", self.namespace_name, SERVICE_ACCOUNT, roles, self)
        )
        typed = {
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
            "extraArgs": dict(args.extra_args),
        }
        self.install(typed=typed, defaults={"resources": resources("50m", "64Mi", "256Mi")})
        self.finish(provider=provider, domain_filters=list(args.domain_filters))
