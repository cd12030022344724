"""The stack's budget on AWS: an AWS Budget (cost, monthly) filtered to the stack's clusters by the
`skyfleet-cluster` tag, alerting by email and, for webhooks, through an SNS topic.

The tag filter counts only once `skyfleet-cluster` is an active cost allocation tag of the
account (Billing console, or `aws ce update-cost-allocation-tags-status`); until then the
budget sees no cost. Tag filter syntax `user:<key>$<value>`: the pulumi-aws Budget docs.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.cluster.budget import CLUSTER_TAG, BudgetTarget


def create_budget(target: BudgetTarget) -> aws.budgets.Budget:
    name, budget, opts = target.name, target.budget, target.opts
    topics: list[pulumi.Output[str]] = []
    if target.webhooks:
        topic = aws.sns.Topic(f"{name}-alerts", opts=opts)
        # AWS Budgets publishes to the topic only if its policy lets the service do so.
        aws.sns.TopicPolicy(f"{name}-alerts", arn=topic.arn, policy=topic.arn.apply(_publish_policy), opts=opts)
        for index, url in enumerate(target.webhooks):
            aws.sns.TopicSubscription(f"{name}-webhook-{index}", topic=topic.arn, protocol="https",
                                      endpoint=url, opts=opts)
        topics = [topic.arn]
    notifications = [
        aws.budgets.BudgetNotificationArgs(
            comparison_operator="GREATER_THAN", notification_type=kind, threshold=percent,
            threshold_type="PERCENTAGE",
            subscriber_email_addresses=list(budget.notify.emails) or None,
            subscriber_sns_topic_arns=topics or None,
        )
        for kind, percent in budget.alerts("ACTUAL", "FORECASTED")
    ]
    return aws.budgets.Budget(
        name,
        name=name,
        budget_type="COST",
        limit_amount=f"{budget.amount:.2f}",
        limit_unit=budget.currency,
        time_unit="MONTHLY",
        cost_filters=[aws.budgets.BudgetCostFilterArgs(
            name="TagKeyValue",
            values=[f"user:{CLUSTER_TAG}${value}" for value in target.tag_values],
        )],
        notifications=notifications,
        opts=opts,
    )


def _publish_policy(topic_arn: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AWSBudgetsPublish",
            "Effect": "Allow",
            "Principal": {"Service": "budgets.amazonaws.com"},
            "Action": "SNS:Publish",
            "Resource": topic_arn,
        }],
    })
