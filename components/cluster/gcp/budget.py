"""The stack's budget on Google Cloud: a billing budget in the configured billing account, filtered
to the stack's cluster by its `skyfleet-cluster` label, alerting through Cloud Monitoring
notification channels (email, and webhooks whose URL stays a secret).

A billing budget filters on one label with one value (`budgetFilter.labels`: "multiple entries
or multiple values per entry are not allowed", pulumi-gcp Budget docs), which is why a budgeted
stack has at most one GCP cluster (checked with the settings).
"""

from __future__ import annotations

import math

import pulumi_gcp as gcp

from components.cluster.budget import CLUSTER_TAG, BudgetTarget


def create_budget(target: BudgetTarget) -> gcp.billing.Budget:
    name, budget, opts = target.name, target.budget, target.opts
    project = target.clusters[0].args.project
    channels = [
        gcp.monitoring.NotificationChannel(
            f"{name}-email-{index}", display_name=f"{name} {email}", type="email",
            labels={"email_address": email}, project=project, opts=opts)
        for index, email in enumerate(budget.notify.emails)
    ] + [
        gcp.monitoring.NotificationChannel(
            f"{name}-webhook-{index}", display_name=f"{name} webhook {index}", type="webhook_tokenauth",
            labels={"url": url}, project=project, opts=opts)
        for index, url in enumerate(target.webhooks)
    ]
    fraction, units = math.modf(budget.amount)
    return gcp.billing.Budget(
        name,
        billing_account=budget.gcp_billing_account,
        display_name=name,
        amount=gcp.billing.BudgetAmountArgs(specified_amount=gcp.billing.BudgetAmountSpecifiedAmountArgs(
            currency_code=budget.currency, units=str(int(units)), nanos=round(fraction * 1e9))),
        budget_filter=gcp.billing.BudgetBudgetFilterArgs(labels={CLUSTER_TAG: target.tag_values[0]}),
        threshold_rules=[
            gcp.billing.BudgetThresholdRuleArgs(threshold_percent=percent / 100, spend_basis=basis)
            for basis, percent in budget.alerts("CURRENT_SPEND", "FORECASTED_SPEND")
        ],
        all_updates_rule=gcp.billing.BudgetAllUpdatesRuleArgs(
            monitoring_notification_channels=[channel.id for channel in channels]),
        opts=opts,
    )
