"""components/cluster/args.py: the neutral arguments and their defaults."""

from __future__ import annotations

import ast
import dataclasses
import inspect

import pytest

from components.cluster import args as args_module
from components.cluster.args import (
    CRITICAL_ADDONS_TAINT,
    POOL_LABEL,
    ClusterArgs,
    ExistingClusterArgs,
    NodePoolArgs,
    Taint,
    default_node_pools,
    node_labels,
    node_taints,
)

ARG_CLASSES = ["Taint", "NodePoolArgs", "NetworkArgs", "EndpointArgs", "ExistingClusterArgs",
               "ClusterArgs"]


def test_every_field_has_a_docstring_stating_its_default() -> None:
    tree = ast.parse(inspect.getsource(args_module))
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name in ARG_CLASSES):
            continue
        body = node.body
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.AnnAssign):
                doc = body[i + 1] if i + 1 < len(body) else None
                assert isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant), (
                    f"{node.name}.{ast.unparse(stmt.target)} has no docstring"
                )
                text = str(doc.value.value)
                assert text.startswith(("Default", "Required")), f"{node.name}: {text}"


def test_documented_defaults_match_the_code() -> None:
    pool = NodePoolArgs()
    assert (pool.size, pool.min_size, pool.max_size, pool.disk_size_gb) == ("medium", 1, 3, 100)
    cluster = ClusterArgs(name="main", cloud="aws", region="us-east-1")
    assert cluster.version == "1.35"
    assert (cluster.workload_identity, cluster.secrets_encryption, cluster.audit_logs) == (
        True, True, True,
    )
    assert cluster.endpoint.public is False


def test_args_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        ClusterArgs("main", "aws")  # type: ignore[misc]


def test_args_are_frozen() -> None:
    cluster = ClusterArgs(name="main", cloud="aws", region="us-east-1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cluster.version = "1.34"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("cloud", "region", "zones"),
    [
        ("aws", "us-east-1", ("us-east-1a", "us-east-1b", "us-east-1c")),
        ("aws", "us-west-1", ("us-west-1b", "us-west-1c")),
        ("gcp", "europe-west1", ("europe-west1-b", "europe-west1-c", "europe-west1-d")),
        ("gcp", "us-central1", ("us-central1-a", "us-central1-b", "us-central1-c")),
        ("azure", "westeurope", ("1", "2", "3")),
        ("existing", "", ()),
    ],
)
def test_zones_default_to_three_zones_of_the_region(cloud: str, region: str, zones: tuple) -> None:
    assert ClusterArgs(name="c", cloud=cloud, region=region).zones == zones  # type: ignore[arg-type]


def test_node_pools_default_to_system_and_general() -> None:
    pools = ClusterArgs(name="c", cloud="gcp", region="europe-west1").node_pools
    assert dict(pools) == default_node_pools(production=False)
    assert [name for name, p in pools.items() if p.system] == ["system"]


def test_production_default_pools_start_one_node_per_zone() -> None:
    pools = ClusterArgs(name="c", cloud="aws", region="us-east-1", production=True).node_pools
    assert all(p.min_size >= 3 for p in pools.values())


def test_an_existing_cluster_gets_no_default_pools() -> None:
    assert dict(ClusterArgs(name="local", cloud="existing").node_pools) == {}


def test_deletion_protection_follows_production_unless_set() -> None:
    assert ClusterArgs(name="c", cloud="aws", region="us-east-1", production=True).protected
    assert not ClusterArgs(name="c", cloud="aws", region="us-east-1").protected
    explicit = ClusterArgs(
        name="c", cloud="aws", region="us-east-1", production=True, deletion_protection=False
    )
    assert not explicit.protected


def test_existing_defaults_to_the_home_kubeconfig() -> None:
    assert ClusterArgs(name="local", cloud="existing").existing == ExistingClusterArgs()


def test_sequences_are_stored_as_tuples() -> None:
    cluster = ClusterArgs(name="c", cloud="aws", region="us-east-1", zones=["us-east-1a", "us-east-1b"])
    assert cluster.zones == ("us-east-1a", "us-east-1b")


def test_system_pools_are_tainted_critical_addons_only() -> None:
    assert node_taints(NodePoolArgs(system=True)) == (CRITICAL_ADDONS_TAINT,)
    assert node_taints(NodePoolArgs()) == ()


def test_every_node_is_labelled_with_its_pool() -> None:
    labels = node_labels("gpu", NodePoolArgs(labels={"team": "ml"}))
    assert labels == {"team": "ml", POOL_LABEL: "gpu"}


@pytest.mark.parametrize(
    ("effect", "constant"),
    [("NoSchedule", "NO_SCHEDULE"), ("PreferNoSchedule", "PREFER_NO_SCHEDULE"),
     ("NoExecute", "NO_EXECUTE")],
)
def test_taint_effects_map_to_the_api_constants(effect: str, constant: str) -> None:
    assert Taint(key="k", effect=effect).effect_constant == constant  # type: ignore[arg-type]


def test_taint_renders_in_kubectl_form() -> None:
    assert str(Taint(key="gpu", value="true", effect="NoExecute")) == "gpu=true:NoExecute"
