"""Range lists compared as networks (policies/networks.py): splitting a public range into
pieces never hides it, and private or documentation ranges never count as public."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from policies.networks import check_ranges, public_addresses

PRIVATE_BLOCKS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]


def _split(network: str, depth: int, choices: list[int]) -> list[str]:
    """`network` cut into subnets: each step halves one piece."""
    pieces = [ipaddress.ip_network(network)]
    for choice in choices[:depth]:
        piece = pieces.pop(choice % len(pieces))
        if piece.prefixlen < piece.max_prefixlen:
            pieces += list(piece.subnets())
        else:
            pieces.append(piece)
    return [str(p) for p in pieces]


@given(st.lists(st.integers(min_value=0), max_size=40), st.sampled_from(["0.0.0.0/0", "::/0"]))
def test_any_split_of_the_whole_internet_is_open(choices: list[int], everything: str) -> None:
    assert check_ranges(_split(everything, len(choices), choices)).is_open


@given(st.lists(st.sampled_from(PRIVATE_BLOCKS), min_size=1), st.integers(min_value=0, max_value=8))
def test_private_ranges_in_any_number_are_not_open(blocks: list[str], extra_bits: int) -> None:
    narrowed = [str(next(ipaddress.ip_network(b).subnets(prefixlen_diff=extra_bits))) for b in blocks]
    assert not check_ranges(narrowed).is_open


def test_two_halves_are_the_whole_internet() -> None:
    result = check_ranges(["0.0.0.0/1", "128.0.0.0/1"])
    assert result.open_networks == ["0.0.0.0/0"]


def test_an_organisations_ranges_are_not_open() -> None:
    assert not check_ranges(["203.0.113.0/24", "198.51.100.7/32", "34.120.0.0/16"]).is_open


def test_a_slash_8_of_public_space_is_open() -> None:
    assert check_ranges(["35.0.0.0/8"]).is_open


def test_public_addresses_leave_out_special_purpose_blocks() -> None:
    everything = ipaddress.ip_network("0.0.0.0/0")
    assert public_addresses(ipaddress.ip_network("10.1.0.0/16")) == 0
    assert 0 < public_addresses(everything) < everything.num_addresses


def test_entries_that_are_not_ranges_are_reported() -> None:
    assert check_ranges(["office", "10.0.0.0/33"]).invalid == ["office", "10.0.0.0/33"]
