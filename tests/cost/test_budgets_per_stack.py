"""Every cloud stack's plan holds its cloud's budget, scoped by the tag on the stack's cluster
(components/cluster/<cloud>/budget.py); webhook URLs stay secrets."""

from __future__ import annotations

from typing import Any

import pytest
from safety.project import copy_project, edit_stack, preview, put

from components.cluster.budget import CLUSTER_TAG
from components.cluster.tags import resource_tags

BUDGETS = {
    "aws": "aws:budgets/budget:Budget",
    "gcp": "gcp:billing/budget:Budget",
    "azure": "azure-native:consumption:Budget",
}
CLOUD_STACKS = [(stack, stack.split("-")[0]) for stack in
                ("aws-dev", "aws-prod", "gcp-dev", "gcp-prod", "azure-dev", "azure-prod")]


def _budget(plan: dict[str, Any], cloud: str) -> dict[str, Any]:
    (budget,) = [r for r in plan["resources"] if r["type"] == BUDGETS[cloud]]
    return budget["inputs"]


def _cluster_tag(plan: dict[str, Any]) -> str:
    (cluster,) = [r["name"] for r in plan["resources"] if r["type"].startswith("skyfleet:cluster:")]
    return cluster.lower()


@pytest.mark.parametrize(("stack", "cloud"), CLOUD_STACKS)
def test_each_cloud_stack_plans_its_clouds_budget_scoped_to_its_cluster_tag(preview_all, stack, cloud):
    plan = preview_all.plan(stack)
    inputs = _budget(plan, cloud)
    tag = _cluster_tag(plan)
    if cloud == "aws":
        assert inputs["costFilters"] == [{"name": "TagKeyValue", "values": [f"user:{CLUSTER_TAG}${tag}"]}]
        assert (inputs["timeUnit"], inputs["budgetType"]) == ("MONTHLY", "COST")
        assert {(n["notificationType"], n["threshold"]) for n in inputs["notifications"]} == {
            ("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)}
    elif cloud == "gcp":
        assert inputs["budgetFilter"]["labels"] == {CLUSTER_TAG: tag}
        assert inputs["billingAccount"] == "000000-000000-000000"
        assert {(r["spendBasis"], r["thresholdPercent"]) for r in inputs["thresholdRules"]} == {
            ("CURRENT_SPEND", 0.8), ("CURRENT_SPEND", 1), ("FORECASTED_SPEND", 1)}
    else:
        assert inputs["filter"]["tags"] == {"name": CLUSTER_TAG, "operator": "In", "values": [tag]}
        assert (inputs["category"], inputs["timeGrain"]) == ("Cost", "Monthly")
        assert sorted(inputs["notifications"]) == ["Actual100", "Actual80", "Forecasted100"]


def test_the_budget_filters_on_the_very_tag_value_every_cloud_resource_of_the_cluster_carries(preview_all):
    plan = preview_all.plan("aws-dev")
    provider = next(r for r in plan["resources"] if r["type"] == "pulumi:providers:aws")
    assert f'"{CLUSTER_TAG}": "{_cluster_tag(plan)}"' in provider["inputs"]["defaultTags"]


def test_the_cluster_tag_the_budgets_filter_on_is_the_one_resource_tags_sets():
    from components.cluster.args import ClusterArgs

    assert resource_tags(ClusterArgs(name="Shop", cloud="aws", region="us-east-1"))[CLUSTER_TAG] == "shop"


def test_an_existing_cluster_gets_no_budget(preview_all):
    types = {r["type"] for r in preview_all.plan("local")["resources"]}
    assert not types & set(BUDGETS.values())


@pytest.mark.parametrize("stack", ["aws-dev", "gcp-dev", "azure-dev"])
def test_a_webhook_url_reaches_the_cloud_as_a_secret(tmp_path, stack):
    project = copy_project(tmp_path)
    edit_stack(project, stack, put("skyfleet:budget", "notify", "webhooks", value=["budgetHook"]),
               put("skyfleet:secrets", "budgetHook", value={"secure": "v1:aG9vaw=="}))
    plan = preview(project, stack).to_json()
    hooks = {
        "aws-dev": ("aws:sns/topicSubscription:TopicSubscription", lambda i: i["endpoint"]),
        "gcp-dev": ("gcp:monitoring/notificationChannel:NotificationChannel", lambda i: i["labels"].get("url")),
        "azure-dev": ("azure-native:monitor:ActionGroup", lambda i: i["webhookReceivers"][0]["serviceUri"]),
    }
    type_, read = hooks[stack]
    values = [read(r["inputs"]) for r in plan["resources"] if r["type"] == type_]
    assert "[secret]" in values
