"""The stack's budget on Azure: a consumption budget on the subscription, filtered to the stack's
clusters by the `skyfleet-cluster` tag, mailing its contacts and, for webhooks, an action group.

A budget's period must start on the first day of a month: it starts in the month it is first
created, and later runs leave that date alone (ignore_changes) so the budget is not rewritten
every month.
"""

from __future__ import annotations

import datetime

import pulumi
from pulumi_azure_native import authorization, consumption, monitor, resources

from components.cluster.budget import CLUSTER_TAG, BudgetTarget
from components.cluster.tags import resource_tags

# An action group's short name is at most 12 characters.
SHORT_NAME = "skyfleet"


def create_budget(target: BudgetTarget) -> consumption.Budget:
    name, budget, opts = target.name, target.budget, target.opts
    cluster = target.clusters[0]
    client = authorization.get_client_config_output(
        opts=pulumi.InvokeOutputOptions(parent=opts.parent, provider=cluster.cloud_provider))
    groups: list[pulumi.Output[str]] = []
    if target.webhooks:
        group = resources.ResourceGroup(f"{name}-rg", location=cluster.args.region,
                                        tags=resource_tags(cluster.args), opts=opts)
        alerts = monitor.ActionGroup(
            f"{name}-alerts", resource_group_name=group.name, group_short_name=SHORT_NAME,
            enabled=True, location="Global",
            webhook_receivers=[monitor.WebhookReceiverArgs(name=f"webhook-{index}", service_uri=url,
                                                           use_common_alert_schema=True)
                               for index, url in enumerate(target.webhooks)],
            opts=opts)
        groups = [alerts.id]
    notifications = {
        f"{kind}{percent:g}".replace(".", "_"): consumption.NotificationArgs(
            enabled=True, operator="GreaterThan", threshold=percent, threshold_type=kind,
            contact_emails=list(budget.notify.emails), contact_groups=groups or None)
        for kind, percent in budget.alerts("Actual", "Forecasted")
    }
    start = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-01T00:00:00Z")
    return consumption.Budget(
        name,
        budget_name=name,
        scope=client.subscription_id.apply(lambda subscription: f"/subscriptions/{subscription}"),
        amount=budget.amount,
        category="Cost",
        time_grain="Monthly",
        time_period=consumption.BudgetTimePeriodArgs(start_date=start),
        filter=consumption.BudgetFilterArgs(tags=consumption.BudgetComparisonExpressionArgs(
            name=CLUSTER_TAG, operator="In", values=target.tag_values)),
        notifications=notifications,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(ignore_changes=["timePeriod"])),
    )
