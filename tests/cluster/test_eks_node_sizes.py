"""components/cluster/aws/nodes.py: the desired size sent to EKS, and which live groups are a pool's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from components.cluster.aws.nodes import desired_size, is_group_of


@given(st.lists(st.integers(0, 500), max_size=3), st.integers(0, 450), st.integers(1, 450))
def test_the_desired_size_is_always_one_eks_accepts(live: list[int], lo: int, hi: int) -> None:
    lo = min(lo, hi)
    assert lo <= desired_size(live, lo, hi) <= hi


def test_the_live_size_is_kept_when_it_is_within_the_new_bounds() -> None:
    assert desired_size([4], 2, 8) == 4


def test_a_new_pool_starts_at_its_min_size() -> None:
    assert desired_size([], 2, 8) == 2


def test_a_min_size_above_the_live_size_raises_it() -> None:
    assert desired_size([1], 3, 8) == 3


def test_a_max_size_below_the_live_size_lowers_it() -> None:
    assert desired_size([6], 1, 4) == 4


def test_two_live_groups_of_a_pool_mid_replacement_keep_the_larger_size() -> None:
    assert desired_size([2, 5], 1, 8) == 5


def test_a_pool_owns_only_its_own_auto_named_groups() -> None:
    assert is_group_of("dev-general", "dev-general-1a2b3c4")
    assert not is_group_of("dev-general", "dev-general-2-1a2b3c4")  # pool "general-2"
    assert not is_group_of("dev-general", "dev-general-1a2b3c")  # not Pulumi's 7-hex suffix
    assert not is_group_of("dev-general", "other-dev-general-1a2b3c4")
