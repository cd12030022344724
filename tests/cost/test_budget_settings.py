"""`skyfleet:budget` and `skyfleet:cost` are checked before anything exists: one clear problem per
mistake, naming the file, the field and the rule (components/budget.py)."""

from __future__ import annotations

from typing import Any

import pytest
from safety.project import copy_project, edit_stack, put, validation_error

from components.budget import BudgetArgs, BudgetNotify, parse_budget, parse_cost_assumptions
from components.errors import Problems

GOOD = {"amount": 500, "notify": {"emails": ["ops@example.com"]}}


def _problems(raw: Any, clouds: tuple[str, ...] = ("aws",), secrets: tuple[str, ...] = ("hook",)) -> list[str]:
    problems = Problems(prefix="budget")
    parse_budget(raw, problems, secret_names=secrets, clouds=clouds)
    return [f"{p.path}: {p.rule}" for p in problems.found]


def test_a_valid_budget_keeps_its_values_and_fills_the_default_thresholds() -> None:
    problems = Problems()
    budget = parse_budget({**GOOD, "currency": "EUR"}, problems, secret_names=(), clouds=("aws",))
    assert problems.found == []
    assert budget == BudgetArgs(amount=500.0, currency="EUR", actual=(80.0, 100.0), forecast=(100.0,),
                                notify=BudgetNotify(emails=("ops@example.com",)))


@pytest.mark.parametrize(("raw", "expected"), [
    ({"notify": GOOD["notify"]}, "budget.amount: required: the monthly amount, a number above 0"),
    ({**GOOD, "amount": -5}, "budget.amount: required: the monthly amount, a number above 0"),
    ({**GOOD, "amount": "500"}, "budget.amount: required: the monthly amount, a number above 0"),
    ({**GOOD, "currency": "dollars"}, "budget.currency: must be an ISO 4217 currency code such as USD or EUR"),
    ({**GOOD, "thresholds": {"actual": [0]}},
     "budget.thresholds.actual[0]: must be a percentage of the amount above 0"),
    ({**GOOD, "thresholds": {"actual": [80, 80]}}, "budget.thresholds.actual: must not repeat a percentage"),
    ({**GOOD, "thresholds": {"actual": [10, 20, 30, 40], "forecast": [50, 60]}},
     "budget.thresholds: needs 1 to 5 thresholds in all"),
    ({**GOOD, "thresholds": {"actaul": [80]}}, "budget.thresholds.actaul: unknown key; known keys: actual, forecast"),
    ({"amount": 5}, "budget.notify: required: {emails: [...]}"),
    ({"amount": 5, "notify": {}}, "budget.notify: needs at least one email or webhook"),
    ({"amount": 5, "notify": {"emails": ["not-an-address"]}}, "budget.notify.emails[0]: must be an email address"),
    ({"amount": 5, "notify": {"webhooks": ["https://hooks.example.com/T0/abc"]}},
     "budget.notify.webhooks[0]: must name a key of skyfleet:secrets"),
    ({**GOOD, "amout": 5}, "budget.amout: unknown key; known keys: amount, currency, thresholds, notify, gcp"),
])
def test_a_bad_budget_setting_is_one_problem_naming_its_field_and_rule(raw: dict[str, Any], expected: str) -> None:
    found = _problems(raw)
    assert any(p.startswith(expected) for p in found), found


def test_a_stack_with_a_gcp_cluster_needs_the_billing_account_its_budget_lives_in() -> None:
    assert _problems(GOOD, clouds=("gcp",)) == [
        "budget.gcp.billingAccount: required when the stack has GCP clusters: the billing account "
        "(XXXXXX-XXXXXX-XXXXXX) a billing budget belongs to"]
    assert _problems({**GOOD, "gcp": {"billingAccount": "01A2B3-C4D5E6-F7A8B9"}}, clouds=("gcp",)) == []
    assert _problems({**GOOD, "gcp": {"billingAccount": "my-account"}}, clouds=("gcp",))[0].startswith(
        "budget.gcp.billingAccount: must be a billing account id")


def test_a_budgeted_stack_may_have_one_gcp_cluster_as_a_billing_budget_filters_on_one_label_value() -> None:
    raw = {**GOOD, "gcp": {"billingAccount": "01A2B3-C4D5E6-F7A8B9"}}
    assert any("a budgeted stack may have one GCP cluster" in p for p in _problems(raw, clouds=("gcp", "gcp")))


def test_cost_assumptions_take_a_non_negative_daily_log_volume() -> None:
    problems = Problems(prefix="cost")
    assert parse_cost_assumptions({"logsGbPerDay": 5}, problems).logs_gb_per_day == 5
    parse_cost_assumptions({"logsGbPerDay": -1, "gbPerDay": 2}, problems)
    assert [f"{p.path}: {p.rule}" for p in problems.found] == [
        "cost.gbPerDay: unknown key; known keys: logsGbPerDay",
        "cost.logsGbPerDay: must be a number of GB per day, 0 or more",
    ]


def test_a_bad_budget_in_a_stack_file_fails_the_preview_naming_the_file_and_field(tmp_path) -> None:
    project = copy_project(tmp_path)
    edit_stack(project, "aws-dev", put("skyfleet:budget", "amount", value=0),
               put("skyfleet:budget", "notify", "webhooks", value=["noSuchSecret"]))
    message = str(validation_error(project, "aws-dev"))
    assert "stacks/Pulumi.aws-dev.yaml: skyfleet:budget.amount: 0: required: the monthly amount" in message
    assert "stacks/Pulumi.aws-dev.yaml: skyfleet:budget.notify.webhooks[0]: 'noSuchSecret': must name a key" in message
