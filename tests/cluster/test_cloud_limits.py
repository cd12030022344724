"""Each cloud's machine-type spelling and node-pool limit (its `cloud.py`), as validate_cluster applies them."""

from __future__ import annotations

import pytest

from components.cluster.args import ClusterArgs, NodePoolArgs
from components.cluster.clouds import SPECS
from components.cluster.validate import validate_cluster
from components.errors import Problems

from .harness import REGIONS

MANAGED = sorted(name for name, spec in SPECS.items() if spec.managed)
OTHER_CLOUDS_MACHINES = {"aws": "e2-standard-4", "gcp": "Standard_D4s_v5", "azure": "m7i.xlarge"}


def _problems(cloud: str, **pool: object) -> dict[str, str]:
    pools = {"system": NodePoolArgs(system=True), "general": NodePoolArgs(**pool)}  # type: ignore[arg-type]
    args = ClusterArgs(name="main", cloud=cloud, region=REGIONS[cloud], project="p-123456", node_pools=pools)
    problems = Problems()
    validate_cluster(args, problems)
    return {p.path: p.rule for p in problems.found}


@pytest.mark.parametrize("cloud", MANAGED)
def test_every_size_maps_to_a_machine_type_the_cloud_spells_that_way(cloud: str) -> None:
    spec = SPECS[cloud]
    assert spec.machine_type_rule is not None
    for size, machine in spec.machine_types.items():
        assert spec.machine_type_rule(machine), (size, machine)


@pytest.mark.parametrize("cloud", MANAGED)
def test_another_clouds_machine_type_is_refused(cloud: str) -> None:
    found = _problems(cloud, machine_type=OTHER_CLOUDS_MACHINES[cloud])
    assert "is not" in found["nodePools.general.machineType"], found


@pytest.mark.parametrize("cloud", MANAGED)
def test_a_pool_above_the_clouds_node_limit_is_refused(cloud: str) -> None:
    limit = SPECS[cloud].pool_node_limit(3)
    assert limit is not None
    assert "nodePools.general.maxSize" not in _problems(cloud, max_size=limit)
    assert "must be at most" in _problems(cloud, max_size=limit + 1)["nodePools.general.maxSize"]
