"""components/rollout.py: the waves a fleet rolls in, planned and checked without resources."""

from __future__ import annotations

import pytest

from components.errors import Problems
from components.rollout import check_waves, gates, plan_waves, wave_of

CLUSTERS = ["canary", "east", "west"]


def _problems(waves: object, delivery: str = "pulumi") -> list[str]:
    problems = Problems()
    check_waves(waves, CLUSTERS, delivery, problems)
    return [str(p) for p in problems.found]


def test_no_waves_is_one_wave_of_every_cluster_sorted():
    assert plan_waves(["west", "canary", "east"], None) == (("canary", "east", "west"),)


def test_configured_waves_keep_their_order():
    assert plan_waves(CLUSTERS, [["west"], ["canary", "east"]]) == (("west",), ("canary", "east"))


def test_each_cluster_is_gated_by_the_wave_before_its_own():
    assert gates((("canary",), ("east", "west"))) == {"canary": (), "east": ("canary",), "west": ("canary",)}


def test_a_third_wave_is_gated_by_the_second_only():
    assert gates((("canary",), ("east",), ("west",)))["west"] == ("east",)


def test_waves_are_numbered_from_one():
    assert wave_of((("canary",), ("east", "west"))) == {"canary": 1, "east": 2, "west": 2}


def test_unset_waves_are_valid():
    assert _problems(None) == []


def test_every_cluster_once_is_valid():
    assert _problems([["canary"], ["east", "west"]]) == []


def test_an_unknown_cluster_is_named_with_its_position():
    (problem,) = _problems([["canary"], ["east", "west", "north"]])
    assert problem.startswith("waves[1][2]: 'north': is not a cluster of this fleet")


def test_a_cluster_in_two_waves_names_the_first():
    (problem,) = _problems([["canary", "east"], ["east", "west"]])
    assert problem == "waves[1][0]: 'east': is already in waves[0]: a cluster rolls in one wave"


def test_a_cluster_in_no_wave_is_named():
    (problem,) = _problems([["canary"], ["east"]])
    assert problem.startswith("waves: 'west': is in no wave")


def test_an_empty_wave_is_refused():
    (problem,) = _problems([["canary"], [], ["east", "west"]])
    assert problem.startswith("waves[1]: []: must be a non-empty list")


@pytest.mark.parametrize("waves", [[], "canary", {"canary": 1}])
def test_waves_must_be_a_non_empty_list(waves):
    (problem,) = _problems(waves)
    assert problem.startswith("waves: ")


def test_several_waves_need_pulumi_delivery():
    (problem,) = _problems([["canary"], ["east", "west"]], delivery="argocd")
    assert "needs delivery 'pulumi'" in problem
