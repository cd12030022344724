"""Every rule a `ClusterArgs` must satisfy, checked in pure code before any resource exists.

`validate_cluster` records each broken rule under `clusters.<name>.<configKey>` (the stack
config's own spelling, so a message points at the line to fix) and never stops at the first.
The rules here hold on every cloud; a cloud's own (its names, versions, regions, zone and
network limits) come from its `CloudSpec`, asked at fixed points so problems keep their order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from components import names
from components.errors import Problems

from . import catalog, planning
from .args import TAINT_EFFECTS, ClusterArgs, EndpointArgs, NetworkArgs, NodePoolArgs
from .cloud import CloudSpec
from .clouds import CLOUDS, SPECS

# A production cluster must survive losing a zone.
PRODUCTION_MIN_ZONES = 2
# A production system pool must survive losing a node (CoreDNS runs two replicas).
PRODUCTION_MIN_SYSTEM_NODES = 2
# The narrowest rule every cloud accepts: EKS takes /12-/24; AKS puts the DNS service at .10.
SERVICES_PREFIX_RANGE = (12, 24)


def validate_cluster(args: ClusterArgs, problems: Problems) -> None:
    """Records every problem with `args`; `problems.raise_if_any()` raises them together.

    Paths are relative to the cluster (`nodePools.gpu.maxSize`); `create_cluster` places them
    under `clusters.<name>`, as the stack config reader does.
    """
    here = problems
    if not here.check(args.cloud in CLOUDS, "cloud", args.cloud, f"must be one of {', '.join(CLOUDS)}"):
        return
    cloud = SPECS[args.cloud]
    cloud.cluster_name.check(here, "", args.name)  # the key under clusters
    if not cloud.managed:
        cloud.check_unmanaged(here, args)
        return
    region_ok = _check_region(here, cloud, args.region)
    _check_version(here, cloud, args.version)
    if region_ok:
        _check_zones(here, cloud, args)
    _check_pools(here, cloud, args)
    _check_network(here, cloud, args.network, len(args.zones))
    _check_endpoint(here, args.endpoint, args.production)
    _check_tags(here, cloud, args)
    _check_admins(here, cloud, args.admins)
    _check_project(here, cloud, args.project)
    _check_resource_group(here, cloud, args.resource_group_name)
    _check_maintenance(here, cloud, args)
    _check_login(here, cloud, args.kubeconfig_login)
    here.check(args.existing is None, "existing", "...", "is only for cloud: existing")


def _check_region(problems: Problems, cloud: CloudSpec, region: str) -> bool:
    return problems.check(
        cloud.is_region(region),
        "region",
        region,
        f"must be a {cloud.name} region such as {cloud.region_example}",
    )


def _check_version(problems: Problems, cloud: CloudSpec, version: str) -> None:
    if not problems.check(
        catalog.VERSION_PATTERN.fullmatch(version) is not None,
        "version",
        version,
        'must be a Kubernetes minor such as "1.35"',
    ):
        return
    offered = cloud.versions
    problems.check(
        version in offered,
        "version",
        version,
        f"is not offered on {cloud.name}: supported minors are {', '.join(offered)}",
    )


def _check_zones(problems: Problems, cloud: CloudSpec, args: ClusterArgs) -> None:
    zones = list(args.zones)
    for i, zone in enumerate(zones):
        problems.check(
            cloud.zones.contains(args.region, zone),
            f"zones[{i}]",
            zone,
            f"is not a zone of region {args.region} (e.g. "
            f"{cloud.zones.example(args.region)})",
        )
    problems.check(len(set(zones)) == len(zones), "zones", zones, "must not repeat a zone")
    problems.check(
        len(zones) <= planning.MAX_ZONES, "zones", zones, f"at most {planning.MAX_ZONES} zones"
    )
    cloud.check_zones(problems, zones)
    if args.production:
        problems.check(
            len(zones) >= PRODUCTION_MIN_ZONES,
            "zones",
            zones,
            "a production cluster spans at least 2 zones (it must survive a zone outage)",
        )


def _check_pools(problems: Problems, cloud: CloudSpec, args: ClusterArgs) -> None:
    pools = args.node_pools
    if not problems.check(bool(pools), "nodePools", {}, "needs at least one node pool"):
        return
    problems.check(
        any(p.system for p in pools.values()),
        "nodePools",
        sorted(pools),
        "needs a system pool (system: true, or a pool keyed 'system') for critical add-ons",
    )
    problems.check(
        any(not p.system for p in pools.values()),
        "nodePools",
        sorted(pools),
        "needs a non-system pool: system pools are tainted CriticalAddonsOnly, so workloads "
        "and platform add-ons run elsewhere",
    )
    for name, pool in pools.items():
        with problems.under(f"nodePools.{name}") as here:
            # The key is a node label value everywhere, then the cloud's own limit applies.
            if names.check_dns1123_label(problems, f"nodePools.{name}", name):
                cloud.pool_name.check(problems, f"nodePools.{name}", name)
            _check_pool(here, pool, args.production)
            _check_pool_on_cloud(here, cloud, pool, len(args.zones))


def _check_pool_on_cloud(problems: Problems, cloud: CloudSpec, pool: NodePoolArgs, zones: int) -> None:
    """The cloud's own limits on a pool: its machine type spelling and its node count."""
    if pool.machine_type and cloud.machine_type_rule is not None:
        cloud.machine_type_rule.check(problems, "machineType", pool.machine_type)
    limit = cloud.pool_node_limit(zones)
    if limit is not None:
        problems.check(pool.max_size <= limit, "maxSize", pool.max_size,
                       f"must be at most {limit}: the most nodes one {cloud.pool_label} may have")


def _check_pool(problems: Problems, pool: NodePoolArgs, production: bool) -> None:
    problems.check(
        pool.size in catalog.SIZES, "size", pool.size, f"must be one of {', '.join(catalog.SIZES)}"
    )
    if pool.machine_type is not None:
        problems.check(
            bool(pool.machine_type), "machineType", pool.machine_type, "must not be empty"
        )
    problems.check(pool.min_size >= 0, "minSize", pool.min_size, "must be >= 0")
    problems.check(pool.max_size >= 1, "maxSize", pool.max_size, "must be >= 1")
    problems.check(
        pool.min_size <= pool.max_size,
        "minSize",
        pool.min_size,
        f"must be <= maxSize ({pool.max_size})",
    )
    problems.check(
        catalog.DISK_SIZE_MIN_GB <= pool.disk_size_gb <= catalog.DISK_SIZE_MAX_GB,
        "diskSizeGb",
        pool.disk_size_gb,
        f"must be between {catalog.DISK_SIZE_MIN_GB} and {catalog.DISK_SIZE_MAX_GB}",
    )
    if pool.system:
        problems.check(
            not pool.spot, "spot", pool.spot, "a system pool cannot be spot: critical add-ons "
            "must not be evicted (AKS refuses spot system pools)"
        )
        if production:
            problems.check(
                pool.min_size >= PRODUCTION_MIN_SYSTEM_NODES,
                "minSize",
                pool.min_size,
                f"a production system pool keeps at least {PRODUCTION_MIN_SYSTEM_NODES} nodes",
            )
    names.check_labels(problems, "labels", dict(pool.labels))
    for i, taint in enumerate(pool.taints):
        names.check_label_key(problems, f"taints[{i}].key", taint.key)
        names.check_label_value(problems, f"taints[{i}].value", taint.value)
        problems.check(
            taint.effect in TAINT_EFFECTS,
            f"taints[{i}].effect",
            taint.effect,
            f"must be one of {', '.join(TAINT_EFFECTS)}",
        )


def _check_network(
    problems: Problems, cloud: CloudSpec, network: NetworkArgs, zone_count: int
) -> None:
    with problems.under("network") as here:
        if network.uses_existing:
            if cloud.existing_subnets is not None:
                cloud.existing_subnets.check(here, list(network.existing_subnet_ids))
            cloud.check_existing_network(here, network)
            return
        ranges = {
            "vpcCidr": network.vpc_cidr,
            "podsCidr": network.pods_cidr,
            "servicesCidr": network.services_cidr,
        }
        parsed = {key: _cidr(here, key, value) for key, value in ranges.items()}
        vpc, services = parsed["vpcCidr"], parsed["servicesCidr"]
        if vpc is not None:
            smallest = planning.max_vpc_prefix(max(zone_count, 1))
            here.check(
                vpc.prefixlen <= smallest,
                "vpcCidr",
                network.vpc_cidr,
                f"is too small for {zone_count} zones: use a /{smallest} or larger",
            )
            cloud.check_vpc(here, network.vpc_cidr, vpc)
        if services is not None:
            low, high = SERVICES_PREFIX_RANGE
            here.check(
                low <= services.prefixlen <= high,
                "servicesCidr",
                network.services_cidr,
                f"must be a /{low} to /{high}",
            )
            cloud.check_services(here, network.services_cidr, services)
        for a, b in planning.overlapping(ranges):
            here.check(False, b, ranges[b], f"overlaps {a} ({ranges[a]})")


def _check_endpoint(problems: Problems, endpoint: EndpointArgs, production: bool) -> None:
    with problems.under("endpoint") as here:
        cidrs = list(endpoint.public_access_cidrs)
        nets = [_cidr(here, f"publicAccessCidrs[{i}]", c) for i, c in enumerate(cidrs)]
        for i, private in enumerate(endpoint.private_access_cidrs):
            _cidr(here, f"privateAccessCidrs[{i}]", private)
        if not endpoint.public:
            here.check(
                not cidrs,
                "publicAccessCidrs",
                cidrs,
                "needs public: true (a private endpoint takes no public CIDRs)",
            )
            return
        if production:
            here.check(
                bool(cidrs),
                "publicAccessCidrs",
                cidrs,
                "a production public endpoint must list the CIDRs allowed to reach it",
            )
            for i, net in enumerate(nets):
                here.check(
                    net is None or net.prefixlen > 0,
                    f"publicAccessCidrs[{i}]",
                    cidrs[i],
                    "must not open a production API server to the whole internet",
                )


def _check_tags(problems: Problems, cloud: CloudSpec, args: ClusterArgs) -> None:
    if cloud.tag_rules is None:
        return
    key_rule, value_rule = cloud.tag_rules
    for key, value in args.tags.items():
        key_rule.check(problems, f"tags.{key}", key)
        value_rule.check(problems, f"tags.{key}", value)


def _check_admins(problems: Problems, cloud: CloudSpec, admins: Sequence[str]) -> None:
    if cloud.admin_rule is None:
        return
    for i, admin in enumerate(admins):
        cloud.admin_rule.check(problems, f"admins[{i}]", admin)


def _check_project(problems: Problems, cloud: CloudSpec, project: str | None) -> None:
    if cloud.takes_project:
        cloud.check_project(problems, project)
        return
    takers = ", ".join(spec.name for spec in SPECS.values() if spec.takes_project)
    problems.check(project is None, "project", project, f"is only used on {takers}")


def _check_resource_group(problems: Problems, cloud: CloudSpec, name: str | None) -> None:
    if name is None:
        return
    if cloud.resource_group_rule is not None:
        cloud.resource_group_rule.check(problems, "resourceGroupName", name)
        return
    takers = ", ".join(spec.name for spec in SPECS.values() if spec.resource_group_rule)
    problems.check(False, "resourceGroupName", name, f"is only used on {takers}")


def _cidr(problems: Problems, path: str, value: str) -> planning.Network | None:
    net = planning.parse_cidr(value) if isinstance(value, str) else None
    problems.check(
        net is not None,
        path,
        value,
        "must be an IPv4 network in CIDR notation with no host bits set (e.g. 10.0.0.0/16)",
    )
    return net


def _check_maintenance(problems: Problems, cloud: CloudSpec, args: ClusterArgs) -> None:
    window = args.maintenance_window
    least = cloud.maintenance_min_hours
    if window is None or not problems.check(
        least is not None, "maintenanceWindow", "...",
        f"has no effect on {cloud.name}: the cloud upgrades only when told",
    ):
        return
    problems.check(
        re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", window.start_utc) is not None,
        "maintenanceWindow.startUtc", window.start_utc, "must be HH:MM (UTC, 24-hour clock)",
    )
    problems.check(
        least is not None and least <= window.duration_hours <= 24,
        "maintenanceWindow.durationHours", window.duration_hours,
        f"must be {least}-24 on {cloud.name}",
    )


def _check_login(problems: Problems, cloud: CloudSpec, login: str | None) -> None:
    if login is None:
        return
    if not cloud.kubeconfig_logins:
        takers = ", ".join(spec.name for spec in SPECS.values() if spec.kubeconfig_logins)
        problems.add("kubeconfigLogin", login, f"is only used on {takers}")
        return
    problems.check(login in cloud.kubeconfig_logins, "kubeconfigLogin", login,
                   f"must be one of {', '.join(cloud.kubeconfig_logins)}")
