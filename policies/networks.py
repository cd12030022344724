"""Deciding whether a list of CIDR ranges opens something to the internet.

Ranges are compared as networks (`ipaddress`), never as strings: `0.0.0.0/1` plus
`128.0.0.0/1` is the whole internet although neither entry reads `0.0.0.0/0`. The ranges are
collapsed into disjoint networks, the addresses that are not publicly routable are taken out,
and what is left is measured. A list is *open* when its public part is at least the size of a
/8 (IPv4) or a /32 (IPv6): no organisation's admin or CI egress ranges come near that, while a
cloud provider's whole region or "half the internet" does.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .define import Config, violation
from .props import Props, as_map, strings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# IANA special-purpose IPv4 blocks that are not globally routable (RFC 6890, and the IANA
# IPv4 Special-Purpose Address Registry). They are pairwise disjoint, which the counting
# below relies on.
NON_PUBLIC_V4 = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
# IPv6 global unicast space (RFC 4291 section 2.4); everything outside is not routable.
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")

OPEN_THRESHOLD = {4: 2**24, 6: 2**96}
"""Public addresses (a /8, a /32) from which a range list counts as open to the internet."""


@dataclass(frozen=True)
class RangeCheck:
    invalid: list[str]
    """Entries that are not CIDR ranges or addresses."""
    open_networks: list[str]
    """The collapsed networks of each address family whose public part is too large."""

    @property
    def is_open(self) -> bool:
        return bool(self.open_networks)


def parse(entries: Iterable[str]) -> tuple[list[IPNetwork], list[str]]:
    networks: list[IPNetwork] = []
    invalid: list[str] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            invalid.append(entry)
    return networks, invalid


def public_addresses(network: IPNetwork) -> int:
    """How many addresses of `network` are publicly routable."""
    if isinstance(network, ipaddress.IPv6Network):
        if network.subnet_of(GLOBAL_UNICAST_V6):
            return network.num_addresses
        return GLOBAL_UNICAST_V6.num_addresses if GLOBAL_UNICAST_V6.subnet_of(network) else 0
    count = network.num_addresses
    for block in NON_PUBLIC_V4:
        if network.subnet_of(block):
            return 0
        if block.subnet_of(network):
            count -= block.num_addresses
    return count


def check_ranges(entries: Iterable[str]) -> RangeCheck:
    """Whether `entries`, taken together, admit a large part of the internet."""
    networks, invalid = parse(entries)
    open_networks: list[str] = []
    for version, threshold in OPEN_THRESHOLD.items():
        family = [n for n in networks if n.version == version]
        collapsed = list(ipaddress.collapse_addresses(family))  # type: ignore[type-var]
        if sum(public_addresses(n) for n in collapsed) >= threshold:
            open_networks += [str(n) for n in collapsed]
    return RangeCheck(invalid, open_networks)


def range_problem(field: str, entries: list[str], *, when_empty: str | None) -> str | None:
    """The problem part of a violation for an allow-list `field` whose `entries` are open to
    the internet or not ranges at all (`when_empty` if there are none); None when it is fine."""
    if not entries:
        return when_empty
    check = check_ranges(entries)
    return f"{field} {describe(check)}" if check.is_open or check.invalid else None


def allow_list_violations(field: str, entries: list[str], *, when_empty: str, fix: str) -> Iterator[str]:
    """The violation of a public endpoint whose allow-list `field` is empty (`when_empty` says
    what that means), open to the internet or not ranges at all; nothing when it is fine."""
    problem = range_problem(field, entries, when_empty=when_empty)
    if problem:
        yield violation(problem, fix)


@dataclass(frozen=True)
class ApiEndpoint:
    """Where a managed cluster's props make its API endpoint private, and which allow-list
    limits who reaches it while it is public (EKS `vpcConfig`, AKS `apiServerAccessProfile`).
    A policy's validator (`PolicyList.rule`)."""

    description: str
    block: str
    """The cluster property that holds the endpoint settings."""
    allow_list: str
    """The setting in `block` that lists the CIDR ranges admitted to a public endpoint."""
    private: tuple[str, bool]
    """The switch in `block` and the value that keeps the endpoint off the internet (then no
    allow-list is needed); any other value, or none, leaves it public."""
    when_empty: str
    """What an empty allow-list means on this cloud."""
    fix: str

    def __call__(self, cluster: Props, config: Config) -> Iterator[str]:
        settings = as_map(cluster.get(self.block))
        switch, private = self.private
        if settings.get(switch) is not private:
            yield from allow_list_violations(
                f"{self.block}.{self.allow_list}", strings(settings.get(self.allow_list)),
                when_empty=self.when_empty, fix=self.fix,
            )


def describe(check: RangeCheck) -> str:
    """The problem part of a violation message for a failed `check_ranges`."""
    problems = []
    if check.open_networks:
        problems.append(
            "together admit a large part of the public internet "
            f"({', '.join(check.open_networks)})"
        )
    if check.invalid:
        problems.append(f"contain entries that are not CIDR ranges ({', '.join(check.invalid)})")
    return " and ".join(problems)
