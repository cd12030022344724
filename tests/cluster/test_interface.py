"""components/cluster/__init__.py and base.py: one interface over every cloud."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pulumi
import pytest

from components.cluster import (
    IMPLEMENTATIONS,
    ClusterArgs,
    ClusterHandle,
    NodePoolArgs,
    create_cluster,
)
from components.cluster.clouds import PROFILES
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan, run_program

from .harness import GCP_CONFIG, REGIONS, component, inputs, one

ROOT = Path(__file__).resolve().parents[2]
CLOUD_SDKS = {"pulumi_aws", "pulumi_gcp", "pulumi_azure_native"}


def run_isolated(code: str) -> set[str]:
    """Runs `code` in a fresh interpreter; returns the modules it loaded (SDKs by root name)."""
    script = textwrap.dedent(code) + textwrap.dedent(
        """
        import json, sys
        print(json.dumps(sorted(sys.modules)))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = json.loads(result.stdout.splitlines()[-1])
    return {m.split(".")[0] for m in modules} | {m for m in modules if m.startswith("components.")}


@pytest.fixture(scope="module")
def fleet() -> tuple[Plan, dict[str, ClusterHandle]]:
    """The same cluster description on all three clouds, in one program."""
    pools = {
        "system": NodePoolArgs(system=True, size="small", min_size=2, max_size=3),
        "general": NodePoolArgs(size="large", min_size=2, max_size=6, labels={"tier": "web"}),
    }
    handles: dict[str, ClusterHandle] = {}

    def program() -> None:
        for cloud, region in REGIONS.items():
            args = ClusterArgs(
                name=f"shop-{cloud}", cloud=cloud, region=region, node_pools=pools,  # type: ignore[arg-type]
                tags={"team": "shop"},
            )
            cluster = create_cluster(args)
            handles[cloud] = cluster.handle
            pulumi.export(f"{cloud}-kubeconfig", cluster.handle.kubeconfig)

    return run_program(program, stack="test", config=GCP_CONFIG), handles


def test_one_cluster_description_builds_on_every_cloud(fleet: tuple[Plan, dict]) -> None:
    plan, handles = fleet
    components = sorted(r.type for r in plan.resources if r.type.startswith("skyfleet:"))
    assert components == [
        "skyfleet:cluster:AksCluster", "skyfleet:cluster:EksCluster",
        "skyfleet:cluster:GkeCluster",
    ]
    assert {cloud: h.profile for cloud, h in handles.items()} == {
        cloud: PROFILES[cloud] for cloud in REGIONS  # type: ignore[index]
    }


def test_every_cloud_gets_the_same_pools(fleet: tuple[Plan, dict]) -> None:
    plan, _ = fleet
    eks = {inputs(r)["labels"]["skyfleet.io/pool"] for r in plan.by_type("aws:eks/nodeGroup:NodeGroup")}
    gke = {inputs(r)["name"] for r in plan.by_type("gcp:container/nodePool:NodePool")}
    aks_cluster = one(plan, "azure-native:containerservice:ManagedCluster", "shop-azure")
    aks = {p["name"] for p in inputs(aks_cluster)["agentPoolProfiles"]} | {
        inputs(r)["agentPoolName"]
        for r in plan.by_type("azure-native:containerservice:AgentPool")
    }
    assert eks == gke == aks == {"system", "general"}


def test_the_kubeconfig_is_a_secret_on_every_cloud(fleet: tuple[Plan, dict]) -> None:
    plan, _ = fleet
    for cloud in REGIONS:
        assert wire.is_secret(plan.outputs[f"{cloud}-kubeconfig"]), cloud
        registered = next(
            r for r in plan.resources if r.type.startswith("skyfleet:") and r.name == f"shop-{cloud}"
        )
        assert registered.outputs is not None
        assert wire.contains_secret(registered.outputs["kubeconfig"]), cloud


def test_every_component_registers_the_same_outputs(fleet: tuple[Plan, dict]) -> None:
    plan, _ = fleet
    keys = {
        r.name: sorted((r.outputs or {}).keys())
        for r in plan.resources
        if r.type.startswith("skyfleet:")
    }
    assert set(map(tuple, keys.values())) == {
        ("cloud", "endpoint", "kubeconfig", "kubernetesVersion", "name", "oidcIssuerUrl", "region")
    }


def test_every_child_is_parented_under_its_component_and_named_after_it(
    fleet: tuple[Plan, dict],
) -> None:
    plan, _ = fleet
    by_urn = {r.urn: r for r in plan.resources}
    for r in plan.resources:
        if r.type.startswith("skyfleet:"):
            continue
        root = r
        while root.parent in by_urn and not root.type.startswith("skyfleet:"):
            root = by_urn[root.parent]
        assert root.type.startswith("skyfleet:"), r.urn
        assert r.name.startswith(root.name), r.urn


def test_each_cluster_has_its_own_kubernetes_provider(fleet: tuple[Plan, dict]) -> None:
    plan, _ = fleet
    names = sorted(r.name for r in plan.by_type("pulumi:providers:kubernetes"))
    assert names == ["shop-aws-k8s", "shop-azure-k8s", "shop-gcp-k8s"]
    assert all(inputs(r)["clusterIdentifier"] for r in plan.by_type("pulumi:providers:kubernetes"))


def test_no_cloud_resource_uses_a_default_provider(fleet: tuple[Plan, dict]) -> None:
    plan, _ = fleet
    for r in plan.resources:
        if r.custom and not r.type.startswith(("pulumi:providers:", "random:")):
            assert r.provider is not None, r.urn


def test_only_eks_offers_node_autoscaler_support(fleet: tuple[Plan, dict]) -> None:
    _, handles = fleet
    assert handles["aws"].node_autoscaler is not None
    assert handles["gcp"].node_autoscaler is None and handles["azure"].node_autoscaler is None
    assert handles["aws"].node_autoscaler.service_account == "cluster-autoscaler"


def test_a_cluster_component_is_parented_where_asked() -> None:
    def program() -> None:
        parent = pulumi.ComponentResource("test:index:Fleet", "fleet")
        create_cluster(
            ClusterArgs(name="local", cloud="existing"), pulumi.ResourceOptions(parent=parent)
        )

    plan = run_program(program, stack="test")
    fleet_urn = next(r.urn for r in plan.resources if r.type == "test:index:Fleet")
    assert component(plan).parent == fleet_urn


def test_each_cloud_is_dispatched_to_its_module() -> None:
    assert IMPLEMENTATIONS == {
        "aws": ("components.cluster.aws.eks", "EksCluster"),
        "gcp": ("components.cluster.gcp.gke", "GkeCluster"),
        "azure": ("components.cluster.azure.aks", "AksCluster"),
        "existing": ("components.cluster.existing.cluster", "ExistingCluster"),
    }


def test_importing_the_package_loads_no_cloud_module() -> None:
    loaded = run_isolated("import components.cluster")
    assert not loaded & CLOUD_SDKS
    assert not loaded & {"components.cluster.aws.eks", "components.cluster.gcp.gke",
                         "components.cluster.azure.aks"}


def test_an_eks_stack_never_imports_the_gcp_or_azure_sdks() -> None:
    loaded = run_isolated(
        """
        from components.cluster import ClusterArgs, create_cluster
        from skyfleet.preview.runner import run_program
        args = ClusterArgs(name="main", cloud="aws", region="us-east-1")
        run_program(lambda: create_cluster(args), stack="test")
        """
    )
    assert "pulumi_aws" in loaded
    assert not loaded & {"pulumi_gcp", "pulumi_azure_native"}
