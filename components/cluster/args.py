"""The neutral cluster API: one `ClusterArgs` value describes a cluster on any cloud.

Plain, frozen, keyword-only dataclasses (no Pulumi inputs: everything here is known before the
program runs, so it can be validated before the first resource is registered). Each field's
docstring states its default. Defaults that depend on other fields (zones on the region, node
pools and deletion protection on `production`) are filled in `__post_init__`, so a built value
is always complete.

`parse_cluster_config` (config.py) builds these from stack config; `validate_cluster`
(validate.py) checks them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .catalog import DEFAULT_VERSION, Size
from .cloud import Cloud
from .clouds import SPECS

TaintEffect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
TAINT_EFFECTS: tuple[TaintEffect, ...] = ("NoSchedule", "PreferNoSchedule", "NoExecute")

# Every node carries its pool's key, so workloads can select a pool the same way on every cloud.
POOL_LABEL = "skyfleet.io/pool"


@dataclass(frozen=True, kw_only=True)
class Taint:
    """A Kubernetes node taint (effects spelled as in Kubernetes; each cloud's form is derived)."""

    key: str
    """Required: the taint key, a Kubernetes label key."""
    value: str = ""
    """Default "": the taint value, a Kubernetes label value."""
    effect: TaintEffect = "NoSchedule"
    """Default "NoSchedule": one of NoSchedule, PreferNoSchedule, NoExecute."""

    def __str__(self) -> str:
        """The kubectl/AKS form: key=value:Effect."""
        return f"{self.key}={self.value}:{self.effect}"

    @property
    def effect_constant(self) -> str:
        """The EKS/GKE API form of the effect: NO_SCHEDULE, PREFER_NO_SCHEDULE, NO_EXECUTE."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.effect).upper()


# System pools are reserved for critical add-ons on every cloud (AKS's convention, applied
# everywhere so a workload schedules the same way on each): CoreDNS, CSI controllers and the
# cloud's own agents tolerate it; platform add-ons and workloads land on the other pools.
# https://learn.microsoft.com/azure/aks/use-system-pools#system-and-user-node-pools
CRITICAL_ADDONS_TAINT = Taint(key="CriticalAddonsOnly", value="true", effect="NoSchedule")


@dataclass(frozen=True, kw_only=True)
class NodePoolArgs:
    """One autoscaled group of identical nodes. Sizes are totals across the cluster's zones."""

    size: Size = "medium"
    """Default "medium" (4 vCPU, 16 GiB): small | medium | large | xlarge, see catalog.py."""
    machine_type: str | None = None
    """Default None (the size's machine in the cloud's `cloud.py`): this cloud's machine type."""
    min_size: int = 1
    """Default 1: fewest nodes the autoscaler keeps (also the initial count)."""
    max_size: int = 3
    """Default 3: most nodes the autoscaler may add."""
    spot: bool = False
    """Default False: spot/preemptible capacity (cheaper, can be reclaimed at any time)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Default {}: extra node labels (the pool label skyfleet.io/pool is always added)."""
    taints: Sequence[Taint] = ()
    """Default (): node taints (system pools also get CriticalAddonsOnly=true:NoSchedule)."""
    disk_size_gb: int = 100
    """Default 100: root disk size in GiB (30-2048)."""
    system: bool = False
    """Default False (in config: true for the pool keyed "system"): runs critical add-ons."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "taints", tuple(self.taints))
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    """The cluster's network: created from CIDRs (the default) or existing subnets."""

    vpc_cidr: str = "10.0.0.0/16"
    """Default "10.0.0.0/16": the VPC/VNet range; node subnets are planned inside it."""
    pods_cidr: str = "10.64.0.0/14"
    """Default "10.64.0.0/14": pod IPs (GKE secondary range, AKS overlay; EKS pods use VPC IPs)."""
    services_cidr: str = "10.96.0.0/16"
    """Default "10.96.0.0/16": Service cluster IPs."""
    existing_network: str | None = None
    """Default None: an existing network (GCP: VPC network self-link; required with subnets)."""
    existing_subnet_ids: Sequence[str] = ()
    """Default () (create a network): existing node subnets (AWS: >= 2 ids; GCP, Azure: 1)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "existing_subnet_ids", tuple(self.existing_subnet_ids))

    @property
    def uses_existing(self) -> bool:
        return bool(self.existing_subnet_ids)


@dataclass(frozen=True, kw_only=True)
class EndpointArgs:
    """Who can reach the Kubernetes API server."""

    public: bool = False
    """Default False: a private endpoint, reachable only from inside the network."""
    public_access_cidrs: Sequence[str] = ()
    """Default (): CIDRs allowed to reach a public endpoint (empty: everyone; refused in prod)."""
    private_access_cidrs: Sequence[str] = ()
    """Default (): private ranges (a deploy runner's subnet, a peered network) admitted to the
    private endpoint besides the cloud's own default. EKS: one tcp/443 ingress rule each on the
    cluster security group, which otherwise admits only its members; GKE: added to the master
    authorized networks (the VPC range is always there; at most 50 in all); AKS: the peered
    ranges whose VNets link the private DNS zone (no rule to create: the VNet is admitted)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_access_cidrs", tuple(self.public_access_cidrs))
        object.__setattr__(self, "private_access_cidrs", tuple(self.private_access_cidrs))


Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)


@dataclass(frozen=True, kw_only=True)
class MaintenanceWindowArgs:
    """When the cloud may upgrade the control plane and nodes on its own (GKE, AKS): once a week.

    12 hours because GKE refuses a window with less than 48 hours of availability in any 32
    days (four weekly occurrences) and AKS needs at least 4.
    https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions
    https://learn.microsoft.com/azure/aks/planned-maintenance
    """

    day: Weekday = "Sunday"
    """Default "Sunday": the weekday the window opens on (UTC)."""
    start_utc: str = "00:00"
    """Default "00:00": when it opens, HH:MM in UTC."""
    duration_hours: int = 12
    """Default 12: how long it stays open (GKE: >= 12 for a weekly window; AKS: 4-24)."""


@dataclass(frozen=True, kw_only=True)
class ExistingClusterArgs:
    """A cluster someone else runs (kind, minikube, a shared cluster): only how to reach it."""

    kubeconfig: str = "~/.kube/config"
    """Default "~/.kube/config": the kubeconfig file's path (read by the provider, not by us)."""
    context: str | None = None
    """Default None (the file's current-context): the kubeconfig context to use."""
    self_signed_kubelet_certs: bool | None = None
    """Default None (true only for a kind cluster: a context named `kind-<name>`, as `kind create
    cluster` writes it): whether the kubelets serve self-signed certificates, so metrics-server
    must skip verifying them (`--kubelet-insecure-tls`). A managed cluster reached as `existing`
    keeps verification on; set true for minikube or another self-signed cluster."""


@dataclass(frozen=True, kw_only=True)
class ClusterArgs:
    """A production Kubernetes cluster on `cloud`, described the same way everywhere.

    Derived defaults (zones, node pools, deletion protection) are filled in when the value is
    built, so build a new ClusterArgs to change `cloud`, `region` or `production`:
    `dataclasses.replace` would carry the old derived values over.
    """

    name: str
    """Required: the cluster's name in the cloud and the prefix of every child resource."""
    cloud: Cloud
    """Required: aws | gcp | azure | existing."""
    region: str = ""
    """Default "" (allowed only for existing): the region (us-east-1, europe-west1, westeurope)."""
    version: str = DEFAULT_VERSION
    """Default "1.35": the Kubernetes minor; must be one the cloud's `cloud.py` lists."""
    # `metadata["empty"]`: the config reader refuses an explicit `[]` / `{}` rather than quietly
    # deploying the derived default the user may think they turned off.
    zones: Sequence[str] = field(default=(), metadata={"empty": "leave zones out for three zones of the region"})
    """Default () (three zones of the region, from the cloud's `cloud.py`): zones to spread over."""
    node_pools: Mapping[str, NodePoolArgs] = field(
        default_factory=dict, metadata={"empty": "leave nodePools out for the default pools (system and general)"}
    )
    """Default {} (`default_node_pools(production)`: system + general): pools keyed by name."""
    network: NetworkArgs = field(default_factory=NetworkArgs)
    """Default NetworkArgs(): a new network from the default CIDRs."""
    endpoint: EndpointArgs = field(default_factory=EndpointArgs)
    """Default EndpointArgs(): a private API endpoint."""
    workload_identity: bool = True
    """Default True: pods get cloud credentials by ServiceAccount (IRSA / GKE WI / Entra WI)."""
    secrets_encryption: bool = True
    """Default True: Secrets are envelope-encrypted with a customer-managed key created here."""
    audit_logs: bool = True
    """Default True: API server audit logs are shipped to the cloud's log service."""
    deletion_protection: bool | None = None
    """Default None (same as `production`): the cloud refuses to delete the cluster."""
    production: bool = False
    """Default False: protect (Pulumi + cloud), HA NAT, bigger default pools, stricter checks."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Default {}: extra tags/labels on every cloud resource (skyfleet's own are always added)."""
    admins: Sequence[str] = ()
    """Default (): cluster admins (AWS: IAM ARNs; GCP: IAM members; Azure: Entra group ids)."""
    project: str | None = None
    """Default None (the `gcp:project` config value): the GCP project, for gcp only."""
    resource_group_name: str | None = None
    """Default None (`<cluster>-rg-<hash of project and stack>`): the resource group that holds
    the cluster, for azure only. It is create-only: a stack deployed before that default set it
    to its current group's name, or the group and everything in it are replaced."""
    existing: ExistingClusterArgs | None = None
    """Default None (ExistingClusterArgs() when cloud is existing): how to reach the cluster."""
    maintenance_window: MaintenanceWindowArgs | None = None
    """Default None (MaintenanceWindowArgs(): Sundays 00:00-12:00 UTC on GKE and AKS): when the
    cloud may upgrade on its own. EKS has none (it upgrades only when told), so it is refused
    there."""
    kubeconfig_login: str | None = None
    """Default None (the cloud's first mode; AKS: "azurecli", a person's `az login`): how the
    kubeconfig's exec plugin logs in. AKS also takes "workloadidentity", for CI with a federated
    token file (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID)."""

    @property
    def maintenance(self) -> MaintenanceWindowArgs:
        """The maintenance window in force (the default when none is set)."""
        return self.maintenance_window or MaintenanceWindowArgs()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        # An unknown cloud is reported by validation; until then it is given nothing to derive.
        spec = SPECS.get(self.cloud)
        managed = spec is not None and spec.managed
        default_zones = spec.zones.default(self.region) if spec is not None else ()
        set_(self, "zones", tuple(self.zones) or default_zones)
        set_(self, "admins", tuple(self.admins))
        set_(self, "tags", MappingProxyType(dict(self.tags)))
        pools = dict(self.node_pools)
        if not pools and managed:
            pools = default_node_pools(self.production)
        set_(self, "node_pools", MappingProxyType(pools))
        if self.deletion_protection is None:
            set_(self, "deletion_protection", self.production)
        if spec is not None and not managed and self.existing is None:
            set_(self, "existing", ExistingClusterArgs())

    @property
    def protected(self) -> bool:
        """Whether the cloud's own deletion protection is on (resolved, never None)."""
        return bool(self.deletion_protection)


def default_node_pools(production: bool) -> dict[str, NodePoolArgs]:
    """A small system pool for critical add-ons and a general pool for everything else.

    Production starts one node per zone (three) so losing a zone never empties a pool.
    """
    if production:
        return {
            "system": NodePoolArgs(system=True, size="medium", min_size=3, max_size=6),
            "general": NodePoolArgs(size="large", min_size=3, max_size=12),
        }
    return {
        "system": NodePoolArgs(system=True, size="small", min_size=1, max_size=3),
        "general": NodePoolArgs(size="medium", min_size=1, max_size=5),
    }


def node_labels(pool_name: str, pool: NodePoolArgs) -> dict[str, str]:
    return {**pool.labels, POOL_LABEL: pool_name}


def node_taints(pool: NodePoolArgs) -> tuple[Taint, ...]:
    """The pool's taints, plus the critical-add-ons taint on a system pool."""
    taints = tuple(pool.taints)
    if pool.system and all(t.key != CRITICAL_ADDONS_TAINT.key for t in taints):
        taints += (CRITICAL_ADDONS_TAINT,)
    return taints


__all__ = [
    "CRITICAL_ADDONS_TAINT",
    "POOL_LABEL",
    "TAINT_EFFECTS",
    "WEEKDAYS",
    "ClusterArgs",
    "EndpointArgs",
    "ExistingClusterArgs",
    "MaintenanceWindowArgs",
    "NetworkArgs",
    "NodePoolArgs",
    "Taint",
    "TaintEffect",
    "Weekday",
    "default_node_pools",
    "node_labels",
    "node_taints",
]
