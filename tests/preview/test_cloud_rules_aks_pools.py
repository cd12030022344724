"""skyfleet/preview/clouds/azure_rules.py: the AKS pool rules beyond their failing input."""

from __future__ import annotations

from rule_cases import Case
from rule_cases_azure import D2, D4, IGNORE_PROFILES, NET, NET_AFTER, cluster, profile, sized


def test_an_agent_pool_that_imports_the_inline_pool_is_no_second_create() -> None:
    """azure-native refuses to create an existing pool; the `import` option reads it instead."""
    adopting = [*NET, cluster(after=NET_AFTER), sized("system", D2, options={"import": "/subscriptions/x"})]
    assert "azure-native-already-exists" not in Case("azure-native-already-exists", adopting).refusals(adopting)


def test_the_only_system_pool_of_a_cluster_not_yet_adopted_is_judged_on_its_profile() -> None:
    """`skyfleet diff` previews from an empty cloud, where the first pool is the inline profile."""
    base = [*NET, cluster(profiles=[{**profile(), "vmSize": D2}], after=NET_AFTER, options=IGNORE_PROFILES)]
    head = [*NET, cluster(profiles=[{**profile(), "vmSize": D4}], after=NET_AFTER, options=IGNORE_PROFILES)]
    rule = "azure-aks-replace-last-system-pool"
    assert rule in Case(rule, head, base=base).refusals(head)
