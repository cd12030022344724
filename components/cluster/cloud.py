"""What a cloud must tell the shared code: the `CloudSpec` each cloud package exports as `CLOUD`.

Shared code (validation, the neutral args, add-ons, the preview, the CI matrix) never tests a
cloud's name; it asks the cloud's `CloudSpec`. A cloud lives in its own package beside this
module (`aws/`, `gcp/`, `azure/`, `existing/`), whose `cloud.py` builds the spec from that cloud's
facts; `clouds.py` finds the packages. Pure data and checks: no Pulumi resources, no cloud SDK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from components.errors import Problems
from components.names import NameRule, matches

if TYPE_CHECKING:
    from .args import ClusterArgs, NetworkArgs
    from .kubeconfig import ExecCredential
    from .planning import Network

# A cloud's name: the name of its package under components/cluster (aws, gcp, azure, existing).
Cloud = str
Size = Literal["small", "medium", "large", "xlarge"]


def _one_group(zones: Sequence[str]) -> str | None:
    return None


@dataclass(frozen=True)
class DnsProvider:
    """The cloud's DNS service as external-dns names it, and how the cloud names a zone.

    external-dns is granted exactly the configured zones (`ClusterHandle.dns`, which each cloud
    implements in its `dns.py`), so the config names them in the cloud's own form; these rules
    check that form before anything is registered.
    """

    name: str  # external-dns's --provider
    zone_form: str  # how a zone is named in config, e.g. "a Route53 hosted zone id (Z...)"
    # Why one configured zone is not in the cloud's form (None: it is).
    zone_problem: Callable[[str], str | None]
    # The zone as external-dns's --zone-id-filter matches it (a suffix of the zone's id).
    zone_filter: Callable[[str], str]
    # Why the zones cannot be served by one external-dns (one project, one resource group).
    zones_problem: Callable[[Sequence[str]], str | None] = _one_group


@dataclass(frozen=True)
class CloudProfile:
    """What add-ons and workloads need to know of a cloud (everything above the cluster layer)."""

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
    # external-dns's provider for the cloud's DNS (None: the cloud has none to default to).
    dns: DnsProvider | None = None
    # cluster-autoscaler's --cloud-provider (None: it cannot drive this cloud's node groups).
    cluster_autoscaler_provider: str | None = None


def pattern_rule(pattern: str, max_len: int, rule: str) -> NameRule:
    """A name rule: at most `max_len` characters matching `pattern` in full."""
    return NameRule(matches(re.compile(pattern), max_len), rule)


def by_size(small: str, medium: str, large: str, xlarge: str) -> Mapping[Size, str]:
    """A cloud's machine for each neutral size class (catalog.SIZES)."""
    return MappingProxyType({"small": small, "medium": medium, "large": large, "xlarge": xlarge})


@dataclass(frozen=True)
class SubnetIds:
    """How many existing subnets a cluster of the cloud takes, and how the cloud names one."""

    count_ok: Callable[[int], bool]
    count_rule: str
    id_ok: Callable[[str], bool]
    id_rule: str

    @classmethod
    def one_regional(cls, cloud: str, id_marker: str) -> SubnetIds:
        """A cloud whose subnets span the region (GCP, Azure): exactly one, an id containing
        `id_marker` (the start of its resource path)."""
        return cls(
            lambda n: n == 1, f"{cloud} takes exactly one (regional) subnet",
            lambda s: id_marker in s, f"must be a {id_marker}... id",
        )

    def check(self, problems: Problems, ids: list[str]) -> None:
        problems.check(self.count_ok(len(ids)), "existingSubnetIds", ids, self.count_rule)
        for i, subnet in enumerate(ids):
            problems.check(self.id_ok(subnet), f"existingSubnetIds[{i}]", subnet, self.id_rule)


# --- zones -------------------------------------------------------------------------------------

_DEFAULT_LETTERS = ("a", "b", "c")


@dataclass(frozen=True)
class LetterZones:
    """Zones named after their region and a letter: us-east-1a (AWS), europe-west1-b (GCP)."""

    separator: str
    # Regions whose first three zones are not a, b, c (the zones that exist there differ).
    exceptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def name(self, region: str, letter: str) -> str:
        return f"{region}{self.separator}{letter}"

    def default(self, region: str) -> tuple[str, ...]:
        letters = self.exceptions.get(region, _DEFAULT_LETTERS)
        return tuple(self.name(region, letter) for letter in letters)

    def contains(self, region: str, zone: str) -> bool:
        pattern = re.escape(region + self.separator) + r"[a-z]"
        return re.fullmatch(pattern, zone) is not None

    def example(self, region: str) -> str:
        return self.name(region, "a")


@dataclass(frozen=True)
class NumberedZones:
    """The same zone numbers in every region (Azure: 1, 2, 3)."""

    zones: tuple[str, ...]

    def default(self, region: str) -> tuple[str, ...]:
        return self.zones

    def contains(self, region: str, zone: str) -> bool:
        return zone in self.zones

    def example(self, region: str) -> str:
        return self.zones[0]


@dataclass(frozen=True)
class NoZones:
    """A cluster Skyfleet does not run has no zones to choose."""

    def default(self, region: str) -> tuple[str, ...]:
        return ()

    def contains(self, region: str, zone: str) -> bool:
        return False

    def example(self, region: str) -> str:
        return ""


Zones = LetterZones | NumberedZones | NoZones


# --- the spec ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CloudSpec:
    """One cloud's facts. A cloud whose rules go beyond these tables subclasses it and overrides
    the `check_*` hooks, which validate.py calls at fixed points (so problems keep their order).
    """

    name: Cloud
    order: int
    """Where the cloud stands in listings and messages (aws, gcp, azure, existing)."""
    implementation: tuple[str, str]
    """(module, class) of the cluster component, imported only when a cluster is built."""
    profile: CloudProfile
    cluster_name: NameRule
    """The cloud's rule for a cluster name (the key under `clusters`)."""
    pool_name: NameRule
    """The cloud's own limit on a node pool key (checked after the DNS-1123 label rule)."""
    managed: bool = True
    """False: Skyfleet only reaches the cluster (`check_unmanaged` replaces every other rule)."""
    versions: tuple[str, ...] = ()
    """The Kubernetes minors the managed service offers in standard support."""
    machine_types: Mapping[Size, str] = field(default_factory=dict)
    """The machine of each neutral size class."""
    region_pattern: re.Pattern[str] | None = None
    region_example: str = ""
    zones: Zones = NoZones()
    tag_rules: tuple[NameRule, NameRule] | None = None
    """(key rule, value rule) of the cloud's resource tags or labels."""
    admin_rule: NameRule | None = None
    """How the cloud names a cluster admin principal."""
    takes_project: bool = False
    """Whether clusters name a project (`project` is refused elsewhere)."""
    resource_group_rule: NameRule | None = None
    """How a cluster's `resourceGroupName` must be spelled (None: the field is refused)."""
    existing_subnets: SubnetIds | None = None
    """The rule for `network.existingSubnetIds` (None: the cloud takes no existing subnets)."""
    cluster_type: str | None = None
    """The provider resource that is the cluster itself (None: Skyfleet creates none)."""
    create_only: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per resource type, the inputs whose change makes the provider replace the resource (its
    schema's "Changing this forces a new resource"), for `skyfleet diff`'s replacement check."""
    parity_allowances: tuple[tuple[str, str, str], ...] = ()
    """(kind, field path, why) of the workload fields that legitimately differ on this cloud."""
    machine_type_rule: NameRule | None = None
    """How the cloud spells a machine type (another cloud's spelling is refused early)."""
    max_pool_nodes: int | None = None
    """The most nodes one node pool may have (the managed service's own limit)."""
    access_role: NameRule | None = None
    """How a workload's `cloudAccess` entry for this cloud names a role or policy."""
    pool_label: str = "node pool"
    """What the cloud calls a node pool, for messages (EKS: managed node group)."""
    pool_limit_per_zone: bool = False
    """Whether `max_pool_nodes` counts per zone (GKE) rather than per pool (sizes are totals)."""

    def pool_node_limit(self, zones: int) -> int | None:
        if self.max_pool_nodes is None:
            return None
        return self.max_pool_nodes * max(zones, 1) if self.pool_limit_per_zone else self.max_pool_nodes
    maintenance_min_hours: int | None = None
    """The shortest weekly maintenance window the cloud takes (None: it upgrades only when told,
    so a window is refused)."""
    kubeconfig_logins: tuple[str, ...] = ()
    """The exec plugin's login modes `kubeconfigLogin` may pick, the default first (none: the
    setting is refused)."""
    role_rule: Callable[[str], str | None] | None = None
    """Why a role given to the identity binder is not in the cloud's form (None: any is taken)."""

    @property
    def needs_cloud_credentials(self) -> bool:
        """Whether a deploy of a stack with this cloud's clusters logs in to the cloud (CI)."""
        return self.managed

    def machine_type(self, size: Size, override: str | None = None) -> str:
        return override or self.machine_types[size]

    def is_region(self, region: str) -> bool:
        return self.region_pattern is not None and self.region_pattern.fullmatch(region) is not None

    def supported_versions(self) -> tuple[str, ...] | None:
        """The minors this cloud offers; None when any well-formed minor is accepted."""
        return self.versions if self.managed else None

    def exec_credential(self, args: ClusterArgs) -> ExecCredential | None:
        """The kubeconfig exec plugin kubectl runs for a token (None: the kubeconfig is given)."""
        return None

    # Hooks for the rules that only this cloud has; the defaults add nothing.

    def check_unmanaged(self, problems: Problems, args: ClusterArgs) -> None:
        """Every rule of a cluster Skyfleet does not run (only called when `managed` is False)."""

    def check_zones(self, problems: Problems, zones: list[str]) -> None:
        """The cloud's own floor or ceiling on the number of zones."""

    def check_vpc(self, problems: Problems, cidr: str, vpc: Network) -> None:
        """The cloud's limits on the network range (`cidr` as written, `vpc` parsed)."""

    def check_services(self, problems: Problems, cidr: str, services: Network) -> None:
        """The cloud's limits on the Service range (`cidr` as written, `services` parsed)."""

    def check_existing_network(self, problems: Problems, network: NetworkArgs) -> None:
        """What the cloud needs besides `existing_subnets` when the network exists already."""

    def check_project(self, problems: Problems, project: str | None) -> None:
        """A project where `takes_project`; elsewhere the field must be left out."""

    def resolve(self, problems: Problems, args: ClusterArgs) -> ClusterArgs:
        """`args` with the settings that come from the cloud provider's config filled in."""
        return args

    # Reachability of the API endpoint (components.cluster.reachability).

    def private_endpoint_admits(self, args: ClusterArgs) -> tuple[list[str], str]:
        """(ranges, what admits them): who reaches the endpoint from inside the network. By
        default the cluster's own network range and `endpoint.privateAccessCidrs`."""
        return ([args.network.vpc_cidr, *args.endpoint.private_access_cidrs],
                "network.vpcCidr and endpoint.privateAccessCidrs")

    def endpoint_limit_problem(self, args: ClusterArgs) -> str | None:
        """The cloud's own limit on the endpoint's access lists, broken (None: none or kept)."""
        return None
