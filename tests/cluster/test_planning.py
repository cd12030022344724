"""components/cluster/planning.py: subnet layouts, checked as properties over many VPCs."""

from __future__ import annotations

import ipaddress
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.cluster import planning

ZONES = [f"zone-{c}" for c in "abcdefgh"]


@st.composite
def vpcs_and_zones(draw: st.DrawFn) -> tuple[str, list[str]]:
    count = draw(st.integers(min_value=1, max_value=planning.MAX_ZONES))
    prefix = draw(st.integers(min_value=8, max_value=planning.max_vpc_prefix(count)))
    address = draw(st.integers(min_value=0, max_value=2**32 - 1))
    network = ipaddress.IPv4Network((address, prefix), strict=False)
    zones = draw(st.permutations(ZONES))[:count]
    return str(network), list(zones)


def _all_subnets(plan: planning.SubnetPlan) -> list[ipaddress.IPv4Network]:
    return [ipaddress.IPv4Network(c) for z in plan.zones for c in (z.private, z.public)]


@settings(max_examples=200, deadline=None)
@given(vpcs_and_zones())
def test_every_subnet_lies_inside_the_vpc(case: tuple[str, list[str]]) -> None:
    vpc, zones = case
    network = ipaddress.IPv4Network(vpc)
    assert all(s.subnet_of(network) for s in _all_subnets(planning.plan_subnets(vpc, zones)))


@settings(max_examples=200, deadline=None)
@given(vpcs_and_zones())
def test_no_two_subnets_overlap(case: tuple[str, list[str]]) -> None:
    subnets = _all_subnets(planning.plan_subnets(*case))
    assert not any(a.overlaps(b) for a, b in combinations(subnets, 2))


@settings(max_examples=200, deadline=None)
@given(vpcs_and_zones())
def test_one_private_and_one_public_subnet_per_zone_in_zone_order(
    case: tuple[str, list[str]],
) -> None:
    vpc, zones = case
    plan = planning.plan_subnets(vpc, zones)
    assert [z.zone for z in plan.zones] == zones


@settings(max_examples=200, deadline=None)
@given(vpcs_and_zones())
def test_private_subnets_are_four_times_the_public_ones_and_at_least_a_28(
    case: tuple[str, list[str]],
) -> None:
    for zone in planning.plan_subnets(*case).zones:
        private, public = ipaddress.IPv4Network(zone.private), ipaddress.IPv4Network(zone.public)
        assert public.prefixlen - private.prefixlen == planning.PUBLIC_SHRINK_BITS
        assert public.prefixlen <= planning.MIN_SUBNET_PREFIX


@settings(max_examples=100, deadline=None)
@given(vpcs_and_zones())
def test_a_zone_keeps_its_subnets_when_zones_are_added_after_it(
    case: tuple[str, list[str]],
) -> None:
    """Appending a zone within the same power of two renames nothing already planned."""
    vpc, zones = case
    if len(zones) < 2 or planning.zone_bits(len(zones) - 1) != planning.zone_bits(len(zones)):
        return
    before = planning.plan_subnets(vpc, zones[:-1]).zones
    after = planning.plan_subnets(vpc, zones).zones
    assert after[: len(before)] == before


def test_a_16_over_three_zones_gets_19s_and_21s() -> None:
    plan = planning.plan_subnets("10.0.0.0/16", ["a", "b", "c"])
    assert plan.private == {"a": "10.0.0.0/19", "b": "10.0.32.0/19", "c": "10.0.64.0/19"}
    assert plan.public == {"a": "10.0.128.0/21", "b": "10.0.136.0/21", "c": "10.0.144.0/21"}


@pytest.mark.parametrize(
    ("vpc", "zones", "message"),
    [
        ("10.0.0.0/24", ["a", "b", "c"], "too small"),
        ("10.0.0.1/16", ["a"], "not an IPv4 network"),
        ("10.0.0.0/16", [], "distinct zones"),
        ("10.0.0.0/16", ["a", "a"], "distinct zones"),
    ],
)
def test_plan_refuses_what_validation_reports(vpc: str, zones: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        planning.plan_subnets(vpc, zones)


def test_node_subnet_is_the_first_half_of_the_vnet() -> None:
    assert planning.plan_node_subnet("10.1.0.0/16") == "10.1.0.0/17"


def test_overlapping_names_each_overlapping_pair() -> None:
    ranges = {"vpc": "10.0.0.0/16", "pods": "10.0.128.0/17", "services": "172.20.0.0/16"}
    assert planning.overlapping(ranges) == [("vpc", "pods")]
