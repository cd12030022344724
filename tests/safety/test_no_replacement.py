"""No surprise replacements: everyday changes update in place; the dangerous ones are reported.

Two previews of a stack (the shipped config, then one change) are compared with
`skyfleet.analysis.replacements.replacements`, which applies each provider's replace rules to plan.json.
Changing tags or the kubeconfig's credential plugin must replace nothing (the Kubernetes
provider is keyed on `clusterIdentifier`, so every object it manages stays); changing what a
cluster is (its region, or a network it sits in) must report the cluster replaced, which also
proves the comparison can fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from components.cluster.aws import eks
from components.cluster.azure import aks
from components.cluster.gcp import gke
from components.cluster.kubeconfig import ExecCredential
from skyfleet.analysis.diff import diff_plans
from skyfleet.analysis.replacements import CLUSTER_TYPES, K8S_PROVIDER, replacements
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan, run_stack

from .conftest import InProcessPreview
from .project import DEV_STACKS, PROJECT, copy_project, edit_stack, preview, put

DEV = ("skyfleet:clusters", "skyfleet-dev")


def _changed(base: Plan, head: Plan) -> dict[str, list[str]]:
    return diff_plans(base.to_json(), head.to_json()).changed


def _one(plan: Plan, type_token: str) -> Any:
    (found,) = [r for r in plan.resources if r.type == type_token]
    return found


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_changing_a_clusters_tags_replaces_nothing(
    stack: str, tmp_path: Path, inprocess_preview: InProcessPreview
) -> None:
    base = inprocess_preview.plans[stack]
    project = copy_project(tmp_path)
    edit_stack(project, stack, put(*DEV, "tags", value={"team": "platform", "cost-center": "c42"}))
    head = preview(project, stack)
    changed = _changed(base, head)
    # The tags reach the cluster itself, or every resource through the AWS provider's defaultTags.
    tagged = {r.urn for r in head.resources if r.type in CLUSTER_TYPES or r.type == "pulumi:providers:aws"}
    assert tagged & set(changed), f"the tags reached nothing: the test would prove nothing ({changed})"
    assert replacements(base.to_json(), head.to_json()) == []


_AWS_EXEC, _GKE_EXEC, _AKS_EXEC = eks.aws_exec, gke.gke_exec, aks.aks_exec


def _aws_exec_as_deployer(cluster_name: str, region: str) -> ExecCredential:
    credential = _AWS_EXEC(cluster_name, region)
    return replace(credential, args=(*credential.args, "--role-arn", "arn:aws:iam::123456789012:role/deployer"))


CREDENTIALS: dict[str, tuple[Any, str, Callable[..., ExecCredential]]] = {
    # stack: (module, builder, the builder with other exec arguments / environment / login)
    "aws-dev": (eks, "aws_exec", _aws_exec_as_deployer),
    "gcp-dev": (gke, "gke_exec", lambda: replace(_GKE_EXEC(), env={"CLOUDSDK_CORE_PROJECT": "other"})),
    "azure-dev": (aks, "aks_exec", lambda login="azurecli": _AKS_EXEC("workloadidentity")),
}


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_new_kubeconfig_credentials_replace_neither_the_provider_nor_any_workload(
    stack: str, monkeypatch: pytest.MonkeyPatch, inprocess_preview: InProcessPreview
) -> None:
    base = inprocess_preview.plans[stack]
    module, builder, changed_builder = CREDENTIALS[stack]
    monkeypatch.setattr(module, builder, changed_builder)
    head, _ = run_stack(PROJECT, stack)
    old, new = _one(base, K8S_PROVIDER), _one(head, K8S_PROVIDER)
    assert wire.reveal(old.inputs["kubeconfig"]) != wire.reveal(new.inputs["kubeconfig"]), "nothing changed"
    assert old.inputs["clusterIdentifier"] == new.inputs["clusterIdentifier"]
    assert replacements(base.to_json(), head.to_json()) == []


def test_every_kubernetes_provider_is_keyed_on_its_cluster(preview_all: Any) -> None:
    """Without `clusterIdentifier` the provider diffs the (secret) kubeconfig and may replace itself
    and every object it manages when only a credential changed; plan.json could not even show it."""
    for stack in preview_all.stacks():
        for r in preview_all.plan(stack)["resources"]:
            if r["type"] == K8S_PROVIDER:
                identifier = r["inputs"].get("clusterIdentifier")
                assert isinstance(identifier, str) and identifier not in ("", "[secret]", "[unknown]"), (
                    stack, r["urn"], identifier)


# --- positive controls: what does replace a cluster is reported ------------------------------------

MOVES = {
    "gcp-dev": (put(*DEV, "region", value="europe-west4"), "location"),
    "azure-dev": (put(*DEV, "region", value="northeurope"), "location"),
    # A new VPC range: new VPC, new subnets, and EKS cannot move a cluster to other subnets.
    "aws-dev": (put(*DEV, "network", value={"vpcCidr": "10.1.0.0/16"}), "vpcConfig"),
}


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Plan]:
    plans = {}
    for stack, (edit, _) in MOVES.items():
        project = copy_project(tmp_path_factory.mktemp(stack))
        edit_stack(project, stack, edit)
        plans[stack] = preview(project, stack)
    return plans


@pytest.mark.parametrize("stack", sorted(MOVES))
def test_moving_a_cluster_reports_the_cluster_and_everything_on_it_replaced(
    stack: str, moved: dict[str, Plan], inprocess_preview: InProcessPreview
) -> None:
    base, head = inprocess_preview.plans[stack], moved[stack]
    found = {r.urn: r for r in replacements(base.to_json(), head.to_json())}
    cluster = next(r for r in head.resources if r.type in CLUSTER_TYPES)
    assert cluster.urn in found, sorted(found)
    assert MOVES[stack][1] in found[cluster.urn].reason
    provider = _one(head, K8S_PROVIDER)
    assert provider.urn in found, "a replaced cluster must replace its Kubernetes provider"
    on_cluster = [r.urn for r in head.resources if r.custom and r.provider == provider.urn]
    assert on_cluster and set(on_cluster) <= set(found), sorted(set(on_cluster) - set(found))


def test_renaming_a_cluster_is_a_delete_and_create_not_a_replacement(
    tmp_path: Path, inprocess_preview: InProcessPreview
) -> None:
    """The key under skyfleet:clusters names every child: a new key means new URNs. replacements()
    only speaks of resources in both plans; skyfleet.analysis.cluster_guard reports the deleted cluster."""
    from skyfleet.analysis.cluster_guard import cluster_changes

    project = copy_project(tmp_path)
    edit_stack(project, "aws-dev", lambda config: config["skyfleet:clusters"].update(
        {"skyfleet-main": config["skyfleet:clusters"].pop("skyfleet-dev")}))
    base, head = inprocess_preview.plans["aws-dev"].to_json(), preview(project, "aws-dev").to_json()
    assert [r for r in replacements(base, head) if r.is_cluster] == []
    changes = cluster_changes({"aws-dev": base}, {"aws-dev": head})
    assert [(c.action, c.urn.rsplit("::", 1)[-1]) for c in changes] == [("delete", "skyfleet-dev")]
