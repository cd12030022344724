"""The review gate on cost: the stack's estimated maximum monthly cost stays within its budget.

The estimate is the one `skyfleet preview` and `skyfleet cost` print (skyfleet/analysis/cost.py,
priced from components/cluster/<cloud>/prices.py) computed from the resources under review;
the budget is the amount of the budget resource the stack declares (`skyfleet:budget`, one per
cloud, all with the same amount). Advisory by default: a team sees the overrun in review; make
it mandatory with `{"cost-within-budget": "mandatory"}` (`skyfleet:policyConfig` or
`--policy-pack-config`) to block it.

The estimator and the price tables live in the project (skyfleet/, components/), not in the
pack: the gate runs wherever they are installed, i.e. `skyfleet preview` and `skyfleet policy`
(the CI policy step). The published pack, which carries only pulumi-policy, skips it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from .define import ADVISORY, Config, Findings, PolicyList, Resources, Setting, violation
from .props import dig, number

DRIVERS = 3
AWS_BUDGET = "aws:budgets/budget:Budget"
GCP_BUDGET = "gcp:billing/budget:Budget"
AZURE_BUDGET = "azure-native:consumption:Budget"


POLICIES = PolicyList()


def _plain(value: Any) -> Any:
    """A policy proxy as plain data; a value known only after apply reads as None."""
    if isinstance(value, Mapping):
        plain: dict[str, Any] = {}
        for key in list(value.keys()):
            try:
                plain[key] = _plain(value[key])
            except UnknownValueError:
                plain[key] = None
        return plain
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = []
        for index in range(len(value)):
            try:
                items.append(_plain(value[index]))
            except UnknownValueError:
                items.append(None)
        return items
    return value


def _amount(value: Any) -> float | None:
    """A budget amount: a number, or the decimal string AWS takes ("1500.00")."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return number(value)


def budget_amount(resources: Sequence[PolicyResource]) -> tuple[float, str, str] | None:
    """The monthly amount, currency and URN of the stack's budget, from whichever cloud declares it."""
    for r in resources:
        props = _plain(r.props)
        if r.resource_type == AWS_BUDGET and (amount := _amount(props.get("limitAmount"))) is not None:
            return amount, str(props.get("limitUnit") or "USD"), r.urn
        if r.resource_type == GCP_BUDGET:
            units = _amount(dig(props, "amount", "specifiedAmount", "units"))
            nanos = number(dig(props, "amount", "specifiedAmount", "nanos")) or 0
            if units is not None:
                currency = dig(props, "amount", "specifiedAmount", "currencyCode") or "USD"
                return units + nanos / 1e9, str(currency), r.urn
        if r.resource_type == AZURE_BUDGET and (amount := _amount(props.get("amount"))) is not None:
            # An Azure budget is in the billing currency of the subscription, which the plan
            # does not state: the stack's `currency` setting is what the user declared it as.
            return amount, "USD", r.urn
    return None


def estimate_resources(resources: Sequence[PolicyResource], config: Config) -> Any:
    """The estimate of the resources under review (the preview's own estimator), or None where
    the estimator is not installed: the published pack carries only pulumi-policy, and the
    price tables belong with each cloud's facts in the project, not in the pack."""
    try:
        # Optional, by name: the pack's only requirement is pulumi-policy.
        estimator = importlib.import_module("skyfleet.analysis.cost")
    except ImportError:
        return None
    estimate = estimator.estimate_resources

    entries = [
        {
            "urn": r.urn, "type": r.resource_type, "name": r.name,
            "parent": r.parent.urn if r.parent is not None else None,
            "provider": r.provider.urn if r.provider is not None else None,
            "inputs": _plain(r.props),
            "dependencies": [d.urn for d in r.dependencies],
        }
        for r in resources
    ]
    return estimate(entries, {"logsGbPerDay": float(config["logsGbPerDay"])})


@POLICIES.stack(
    "cost-within-budget", ADVISORY,
    settings=[
        Setting("logsGbPerDay", 1.0, {"type": "number", "minimum": 0},
                                  "log GB per day the estimate assumes (as skyfleet:cost.logsGbPerDay)")
    ],
)
def check_cost_within_budget(resources: Resources, config: Config) -> Findings:
    """The stack's estimated maximum monthly cost does not exceed its skyfleet:budget."""
    budget = budget_amount(resources)
    if budget is None:
        return
    amount, currency, budget_urn = budget
    if currency != "USD":
        # The price tables are in USD; another currency would need an exchange rate.
        return
    estimate = estimate_resources(resources, config)
    if estimate is None or estimate.max_usd <= amount:
        return
    drivers = "; ".join(
        f"{index}. {line.item} ({line.cluster}): up to ${line.max_usd:,.2f}"
        for index, line in enumerate(estimate.drivers(DRIVERS), start=1)
    )
    unknown = (f" ({len(estimate.unknown)} line(s) have no readable price and are not counted, "
               "so the true maximum is higher)" if estimate.unknown else "")
    yield (
        budget_urn,
        violation(
            f"the estimated maximum monthly cost ${estimate.max_usd:,.2f} exceeds the budget of "
            f"${amount:,.2f}{unknown}. Top cost drivers: {drivers}",
            "lower maxSize or the machine type of the drivers, or raise skyfleet:budget.amount "
            "(skyfleet cost --stack <stack> lists every line)",
        ),
    )
