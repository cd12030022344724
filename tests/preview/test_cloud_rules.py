"""skyfleet/preview/clouds/<cloud>*_rules.py: each rule refuses its failing input and accepts the fix.

Each cloud's cases are in `rule_cases_<cloud>.py`, found by name: a new cloud adds a file.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from rule_cases import Case

from skyfleet.preview.cloud_rules import RULES

CASE_MODULES = sorted(path.stem for path in Path(__file__).parent.glob("rule_cases_*.py"))
CLOUDS = [module.removeprefix("rule_cases_") for module in CASE_MODULES]
CASES: list[Case] = [case for module in CASE_MODULES for case in importlib.import_module(module).CASES]


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_the_rule_refuses_its_failing_input(case: Case) -> None:
    assert case.rule in case.refusals(case.bad)


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_the_rule_accepts_the_fixed_input(case: Case) -> None:
    assert case.rule not in case.refusals(case.good)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_rule_of_the_cloud_has_a_case_in_its_file(cloud: str) -> None:
    cases = importlib.import_module(f"rule_cases_{cloud}").CASES
    assert {n for n in RULES if n.startswith(f"{cloud}-")} == {c.rule for c in cases}


def test_every_rule_belongs_to_a_cloud_with_a_case_file() -> None:
    assert {name.split("-", 1)[0] for name in RULES} <= set(CLOUDS)
