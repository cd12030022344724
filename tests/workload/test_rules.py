"""The value rules behind the spec checks: quantities, image references, port names."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from components.workload.rules import int_or_percent, is_port_name, parse_image, parse_quantity


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["Ki", "Mi", "Gi"]))
def test_a_binary_quantity_is_a_power_of_two_multiple(n, suffix):
    assert parse_quantity(f"{n}{suffix}") == n * {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}[suffix]


@given(st.integers(min_value=0, max_value=10**6))
def test_millicores_are_thousandths(n):
    assert parse_quantity(f"{n}m") == Decimal(n) / 1000


def test_a_decimal_and_an_exponent_quantity_agree():
    assert parse_quantity("0.5") == parse_quantity("500m") == parse_quantity("5e-1")


def test_a_word_is_not_a_quantity():
    assert parse_quantity("half") is None


def test_an_image_reference_splits_registry_port_repository_tag_and_digest():
    ref = parse_image("registry:5000/team/api:1.2@sha256:" + "0" * 64)
    assert ref is not None
    assert (ref.repository, ref.tag, ref.digest) == (
        "registry:5000/team/api",
        "1.2",
        "sha256:" + "0" * 64,
    )


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=15))
def test_short_lowercase_words_are_port_names(name):
    assert is_port_name(name)


def test_a_percentage_above_100_is_not_int_or_percent():
    assert int_or_percent("150%") is None and int_or_percent("25%") == (25, True)
