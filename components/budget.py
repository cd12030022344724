"""A stack's budget (`skyfleet:budget`) and cost assumptions (`skyfleet:cost`), declared once.

Pure: parsing and validation only. Each cloud of the stack turns the budget into its own
resource (`components/cluster/<cloud>/budget.py`: an AWS Budget, a GCP billing budget, an Azure
consumption budget), scoped by the tags/labels Skyfleet puts on every cloud resource of a
cluster (`components/cluster/tags.py`), so the alert watches exactly what the stack runs.
The review gate (`policies/cost.py`) compares the preview's estimated maximum with `amount`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from components.errors import Problems

# Every cloud caps the alerts of one budget: AWS Budgets at 5 notifications per budget
# (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html),
# Azure at 5 notifications per budget
# (https://learn.microsoft.com/rest/api/consumption/budgets/create-or-update).
MAX_THRESHOLDS = 5
# Azure accepts thresholds of 0.01..1000 percent of the amount; the same range holds everywhere.
MAX_THRESHOLD_PERCENT = 1000
_CURRENCY = re.compile(r"[A-Z]{3}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A GCP billing account id: three groups of six hex characters.
_BILLING_ACCOUNT = re.compile(r"[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}")
_BUDGET_KEYS = ("amount", "currency", "thresholds", "notify", "gcp")


@dataclass(frozen=True)
class BudgetNotify:
    emails: tuple[str, ...] = ()
    """Addresses the cloud mails at each threshold (default: none)."""
    webhooks: tuple[str, ...] = ()
    """Keys of `skyfleet:secrets` whose (secret) values are https URLs to call (default: none)."""


@dataclass(frozen=True)
class BudgetArgs:
    """`skyfleet:budget`: a monthly amount and who hears when spending nears it."""

    amount: float
    """Monthly amount, in `currency` (required)."""
    currency: str = "USD"
    """ISO 4217 code; GCP and Azure bill in the account's currency (default: "USD")."""
    actual: tuple[float, ...] = (80.0, 100.0)
    """Percentages of `amount` of actual spend that notify (default: 80 and 100)."""
    forecast: tuple[float, ...] = (100.0,)
    """Percentages of `amount` of forecast spend that notify (default: 100)."""
    notify: BudgetNotify = field(default_factory=BudgetNotify)
    gcp_billing_account: str | None = None
    """The billing account a GCP budget lives in (`gcp.billingAccount`; required with GCP
    clusters: billing budgets belong to a billing account, not to a project)."""

    def alerts(self, actual: str, forecast: str) -> list[tuple[str, float]]:
        """(kind, percent) of every threshold, the kinds named as the cloud names them."""
        return [(actual, p) for p in self.actual] + [(forecast, p) for p in self.forecast]


@dataclass(frozen=True)
class CostAssumptions:
    """`skyfleet:cost`: what an estimate cannot read from the plan."""

    logs_gb_per_day: float = 1.0
    """Logs the cluster ships per day, in GB, priced at the log store's retention (default: 1)."""

    def as_mapping(self) -> dict[str, float]:
        return {"logsGbPerDay": self.logs_gb_per_day}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_cost_assumptions(raw: Any, problems: Problems) -> CostAssumptions:
    if raw is None:
        return CostAssumptions()
    if not problems.check(isinstance(raw, Mapping), "", raw, "must be a mapping such as {logsGbPerDay: 5}"):
        return CostAssumptions()
    for key in sorted(set(raw) - {"logsGbPerDay"}):
        problems.add(str(key), raw[key], "unknown key; known keys: logsGbPerDay")
    per_day = _number(raw.get("logsGbPerDay", 1.0))
    if not problems.check(per_day is not None and per_day >= 0, "logsGbPerDay", raw.get("logsGbPerDay"),
                          "must be a number of GB per day, 0 or more"):
        return CostAssumptions()
    assert per_day is not None
    return CostAssumptions(logs_gb_per_day=per_day)


def parse_budget(
    raw: Any, problems: Problems, *, secret_names: Sequence[str], clouds: Sequence[str]
) -> BudgetArgs | None:
    """`skyfleet:budget` checked whole: every problem recorded, None if any. `clouds` has the
    cloud of each cluster of the stack."""
    if raw is None:
        return None
    before = len(problems.found)
    if not problems.check(isinstance(raw, Mapping), "", raw,
                          "must be a mapping such as {amount: 500, notify: {emails: [...]}}"):
        return None
    for key in sorted(set(raw) - set(_BUDGET_KEYS)):
        problems.add(str(key), raw[key], f"unknown key; known keys: {', '.join(_BUDGET_KEYS)}")
    amount = _number(raw.get("amount"))
    problems.check(amount is not None and amount > 0, "amount", raw.get("amount"),
                   "required: the monthly amount, a number above 0")
    currency = raw.get("currency", "USD")
    problems.check(isinstance(currency, str) and _CURRENCY.fullmatch(currency) is not None, "currency",
                   currency, "must be an ISO 4217 currency code such as USD or EUR")
    actual, forecast = _thresholds(raw.get("thresholds"), problems)
    notify = _notify(raw.get("notify"), problems, secret_names)
    account = _gcp_account(raw.get("gcp"), problems, required="gcp" in clouds)
    # A GCP billing budget filters on one label value, i.e. one cluster (gcp/budget.py).
    problems.check(list(clouds).count("gcp") <= 1, "", f"{list(clouds).count('gcp')} GCP clusters",
                   "a budgeted stack may have one GCP cluster: a GCP billing budget filters on "
                   "one label value; give each GCP cluster its own stack")
    if len(problems.found) > before or amount is None:
        return None
    return BudgetArgs(amount=amount, currency=str(currency), actual=actual, forecast=forecast,
                      notify=notify, gcp_billing_account=account)


def _thresholds(raw: Any, problems: Problems) -> tuple[tuple[float, ...], tuple[float, ...]]:
    defaults = BudgetArgs(amount=1.0)
    if raw is None:
        return defaults.actual, defaults.forecast
    if not problems.check(isinstance(raw, Mapping), "thresholds", raw,
                          "must be a mapping such as {actual: [80, 100], forecast: [100]}"):
        return defaults.actual, defaults.forecast
    for key in sorted(set(raw) - {"actual", "forecast"}):
        problems.add(f"thresholds.{key}", raw[key], "unknown key; known keys: actual, forecast")
    found: dict[str, tuple[float, ...]] = {}
    for kind, default in (("actual", defaults.actual), ("forecast", defaults.forecast)):
        values = raw.get(kind, list(default))
        path = f"thresholds.{kind}"
        if not problems.check(isinstance(values, list), path, values, "must be a list of percentages"):
            found[kind] = ()
            continue
        numbers = [_number(v) for v in values]
        for index, (value, number) in enumerate(zip(values, numbers, strict=True)):
            problems.check(number is not None and 0 < number <= MAX_THRESHOLD_PERCENT, f"{path}[{index}]",
                           value, f"must be a percentage of the amount above 0 and at most {MAX_THRESHOLD_PERCENT}")
        problems.check(len(set(values)) == len(values), path, values, "must not repeat a percentage")
        found[kind] = tuple(n for n in numbers if n is not None)
    total = len(found["actual"]) + len(found["forecast"])
    problems.check(0 < total <= MAX_THRESHOLDS, "thresholds", raw,
                   f"needs 1 to {MAX_THRESHOLDS} thresholds in all (AWS and Azure allow "
                   f"{MAX_THRESHOLDS} notifications per budget)")
    return found["actual"], found["forecast"]


def _notify(raw: Any, problems: Problems, secret_names: Sequence[str]) -> BudgetNotify:
    if not problems.check(isinstance(raw, Mapping), "notify", raw,
                          "required: {emails: [...]} and/or {webhooks: [<skyfleet:secrets key>]}, "
                          "so an alert reaches someone"):
        return BudgetNotify()
    for key in sorted(set(raw) - {"emails", "webhooks"}):
        problems.add(f"notify.{key}", raw[key], "unknown key; known keys: emails, webhooks")
    emails = raw.get("emails") or []
    webhooks = raw.get("webhooks") or []
    if problems.check(isinstance(emails, list), "notify.emails", emails, "must be a list of addresses"):
        for index, email in enumerate(emails):
            problems.check(isinstance(email, str) and _EMAIL.fullmatch(email) is not None,
                           f"notify.emails[{index}]", email, "must be an email address")
    if problems.check(isinstance(webhooks, list), "notify.webhooks", webhooks,
                      "must be a list of skyfleet:secrets keys"):
        for index, key in enumerate(webhooks):
            problems.check(key in secret_names, f"notify.webhooks[{index}]", key,
                           "must name a key of skyfleet:secrets holding the webhook URL (a URL "
                           "with its token is a credential: keep it a secret)")
    ok = isinstance(emails, list) and isinstance(webhooks, list)
    problems.check(not ok or bool(emails) or bool(webhooks), "notify", raw,
                   "needs at least one email or webhook, so an alert reaches someone")
    if not ok:
        return BudgetNotify()
    return BudgetNotify(emails=tuple(str(e) for e in emails), webhooks=tuple(str(w) for w in webhooks))


def _gcp_account(raw: Any, problems: Problems, *, required: bool) -> str | None:
    if raw is None:
        problems.check(not required, "gcp.billingAccount", None,
                       "required when the stack has GCP clusters: the billing account "
                       "(XXXXXX-XXXXXX-XXXXXX) a billing budget belongs to")
        return None
    if not problems.check(isinstance(raw, Mapping), "gcp", raw, "must be a mapping such as {billingAccount: ...}"):
        return None
    for key in sorted(set(raw) - {"billingAccount"}):
        problems.add(f"gcp.{key}", raw[key], "unknown key; known keys: billingAccount")
    account = raw.get("billingAccount")
    problems.check(isinstance(account, str) and _BILLING_ACCOUNT.fullmatch(account) is not None,
                   "gcp.billingAccount", account,
                   "must be a billing account id: three groups of 6 hex digits, e.g. 01A2B3-C4D5E6-F7A8B9")
    return account if isinstance(account, str) else None
