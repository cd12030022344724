"""The stack's budget on each cloud it runs on: one budget per cloud, scoped to the stack's clusters.

`create_budgets` groups the fleet's clusters by cloud and hands each group to that cloud's
module (`<cloud>/budget.py`), which creates the cloud's own budget resource on the group's cloud
provider, filtered by the cluster tag every cloud resource of a cluster carries. An existing
cluster bills nowhere, so it gets none.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from .tags import resource_tags

if TYPE_CHECKING:
    from components.budget import BudgetArgs

    from .base import ClusterComponent

# The tag (AWS, Azure) or label (GCP) naming a resource's cluster (tags.resource_tags sets it).
CLUSTER_TAG = "skyfleet-cluster"



def _budget_module(cloud: str) -> str | None:
    """`components/cluster/<cloud>/budget.py` if the cloud has one (an existing cluster has none)."""
    name = f"{__name__.rsplit('.', 1)[0]}.{cloud}.budget"
    return name if importlib.util.find_spec(name) is not None else None


@dataclass(frozen=True)
class BudgetTarget:
    """What a cloud's `create_budget` builds from: the budget, the clusters it watches on that
    cloud, the webhook URLs (secrets), and the options of every resource it creates."""

    name: str
    budget: BudgetArgs
    clusters: Sequence[ClusterComponent]
    webhooks: Sequence[pulumi.Output[str]]
    opts: pulumi.ResourceOptions
    """Parented to the fleet, on the first cluster's cloud provider."""

    @property
    def tag_values(self) -> list[str]:
        """The `skyfleet-cluster` values the budget filters on: exactly what the resources carry."""
        return sorted(resource_tags(c.args)[CLUSTER_TAG] for c in self.clusters)


def _value_of(key: str) -> Callable[[Mapping[str, str]], str]:
    return lambda values: values[key]


def create_budgets(
    name: str,
    budget: BudgetArgs,
    clusters: Mapping[str, ClusterComponent],
    secrets: pulumi.Output[Mapping[str, str]],
    parent: pulumi.Resource,
) -> dict[str, pulumi.Resource]:
    """One budget per cloud of `clusters`, named `<name>-<cloud>-budget`, parented to `parent`.

    Webhook URLs are read from `secrets` (the stack's `skyfleet:secrets`) and stay secrets.
    """
    by_cloud: dict[str, list[ClusterComponent]] = {}
    for cluster in clusters.values():
        if _budget_module(cluster.args.cloud) is not None:
            by_cloud.setdefault(cluster.args.cloud, []).append(cluster)
    webhooks: list[pulumi.Output[str]] = [
        pulumi.Output.secret(secrets.apply(_value_of(key))) for key in budget.notify.webhooks  # type: ignore[arg-type]
    ]
    created: dict[str, pulumi.Resource] = {}
    for cloud, group in sorted(by_cloud.items()):
        module = importlib.import_module(str(_budget_module(cloud)))
        opts = pulumi.ResourceOptions(parent=parent, provider=group[0].cloud_provider)
        created[cloud] = module.create_budget(BudgetTarget(f"{name}-{cloud}-budget", budget, group, webhooks, opts))
    return created
