"""Pure CIDR planning: how a VPC's range is split into per-zone subnets. No resources.

The layout (like pulumi-awsx's subnet distributor): the VPC's first half is split evenly into one
private subnet per zone (nodes and, on EKS, pods live there, so they get nearly all addresses);
the second half holds one public subnet per zone, each a quarter of a private one (only NAT
gateways and load balancers live there). The rest of the second half stays free for later
(endpoints, more zones). The plan depends only on the VPC range and the zone order.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, islice

Network = ipaddress.IPv4Network

# The smallest subnet AWS allows; GCP and Azure allow /29, so /28 is the floor everywhere.
MIN_SUBNET_PREFIX = 28
# Public subnets are 2**2 = 4 times smaller than private ones.
PUBLIC_SHRINK_BITS = 2
MAX_ZONES = 8


@dataclass(frozen=True)
class ZoneSubnets:
    zone: str
    private: str
    public: str


@dataclass(frozen=True)
class SubnetPlan:
    vpc_cidr: str
    zones: tuple[ZoneSubnets, ...]

    @property
    def private(self) -> dict[str, str]:
        return {z.zone: z.private for z in self.zones}

    @property
    def public(self) -> dict[str, str]:
        return {z.zone: z.public for z in self.zones}


def parse_cidr(cidr: str) -> Network | None:
    """The IPv4 network `cidr` names, or None unless it is a network address with a prefix."""
    if "/" not in cidr:
        return None
    try:
        return ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        return None


def zone_bits(zone_count: int) -> int:
    """Bits needed to give each of `zone_count` zones its own block."""
    return math.ceil(math.log2(zone_count)) if zone_count > 1 else 0


def subnet_prefixes(vpc_prefix: int, zone_count: int) -> tuple[int, int]:
    """(private prefix, public prefix) of a VPC with prefix `vpc_prefix` over `zone_count` zones."""
    private = vpc_prefix + 1 + zone_bits(zone_count)
    return private, private + PUBLIC_SHRINK_BITS


def max_vpc_prefix(zone_count: int) -> int:
    """The longest VPC prefix (the smallest VPC) whose public subnets are still >= /28."""
    return MIN_SUBNET_PREFIX - PUBLIC_SHRINK_BITS - 1 - zone_bits(zone_count)


def plan_subnets(vpc_cidr: str, zones: Sequence[str]) -> SubnetPlan:
    """One private and one public subnet per zone, disjoint and inside `vpc_cidr`.

    Raises ValueError for a malformed CIDR, no zones, repeated zones, more than MAX_ZONES zones,
    or a VPC too small for the zones (validation reports these first, naming the field).
    """
    vpc = parse_cidr(vpc_cidr)
    if vpc is None:
        raise ValueError(f"{vpc_cidr!r} is not an IPv4 network in CIDR notation")
    if not 0 < len(zones) <= MAX_ZONES or len(set(zones)) != len(zones):
        raise ValueError(f"need 1-{MAX_ZONES} distinct zones, got {list(zones)!r}")
    if vpc.prefixlen > max_vpc_prefix(len(zones)):
        raise ValueError(
            f"{vpc_cidr} is too small for {len(zones)} zones: use /{max_vpc_prefix(len(zones))} "
            "or larger"
        )
    private_prefix, public_prefix = subnet_prefixes(vpc.prefixlen, len(zones))
    private_half, public_half = vpc.subnets(prefixlen_diff=1)
    private = islice(private_half.subnets(new_prefix=private_prefix), len(zones))
    public = islice(public_half.subnets(new_prefix=public_prefix), len(zones))
    return SubnetPlan(
        vpc_cidr=str(vpc),
        zones=tuple(
            ZoneSubnets(zone, str(priv), str(pub))
            for zone, priv, pub in zip(zones, private, public, strict=True)
        ),
    )


def plan_node_subnet(vpc_cidr: str) -> str:
    """A regional node subnet (Azure): the VNet's first half, the rest kept free for later."""
    vpc = parse_cidr(vpc_cidr)
    if vpc is None:
        raise ValueError(f"{vpc_cidr!r} is not an IPv4 network in CIDR notation")
    return str(next(vpc.subnets(prefixlen_diff=1)))


def overlapping(ranges: Mapping[str, str]) -> list[tuple[str, str]]:
    """Pairs of names whose (well-formed) ranges overlap, in the mapping's order."""
    parsed = {name: parse_cidr(cidr) for name, cidr in ranges.items()}
    nets = [(name, net) for name, net in parsed.items() if net is not None]
    return [(a, b) for (a, na), (b, nb) in combinations(nets, 2) if na.overlaps(nb)]
