"""A change to a stack moves its estimate by exactly the price table's figures: one more node at
maxSize, another machine type, another region (the stack's real program, previewed in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from safety.project import copy_project, edit_stack, preview, put

from components.cluster.aws.prices import PRICES as AWS
from components.cluster.gcp.prices import PRICES as GCP
from components.cluster.pricing import HOURS_PER_MONTH
from skyfleet.analysis.cost import Estimate, estimate_plan

POOL = ("skyfleet:clusters", "skyfleet-dev", "nodePools")


def _usd(table, service: str, sku: str, region: str) -> float:
    row = table.get(service, sku, region)
    assert row is not None and row.usd is not None, (service, sku, region)
    return row.usd


def _estimate(tmp_path: Path, stack: str, *edits) -> Estimate:
    project = copy_project(tmp_path / f"copy-{len(list(tmp_path.iterdir()))}")
    edit_stack(project, stack, *edits)
    return estimate_plan(preview(project, stack).to_json())


@pytest.fixture(scope="module")
def aws_dev(tmp_path_factory: pytest.TempPathFactory) -> Estimate:
    return _estimate(tmp_path_factory.mktemp("aws-dev"), "aws-dev")


def test_three_more_nodes_at_max_size_add_three_nodes_and_their_disks_to_the_maximum(aws_dev, tmp_path):
    after = _estimate(tmp_path, "aws-dev", put(*POOL, "general", "maxSize", value=8))
    node = _usd(AWS, "ec2-instance", "m7i.xlarge", "us-east-1") * HOURS_PER_MONTH
    disk = _usd(AWS, "ebs-volume", "gp3", "us-east-1") * 100  # the pool's 100 GiB root volume
    assert after.max_usd - aws_dev.max_usd == pytest.approx(3 * (node + disk), abs=1e-9)
    assert after.min_usd == pytest.approx(aws_dev.min_usd, abs=1e-9)


def test_another_machine_type_moves_min_and_max_by_the_rows_difference(aws_dev, tmp_path):
    # size and machineType are exclusive: the pool names its machine type instead of size medium.
    general = {"machineType": "m7i.large", "minSize": 1, "maxSize": 5}
    after = _estimate(tmp_path, "aws-dev", put(*POOL, "general", value=general))
    step = (_usd(AWS, "ec2-instance", "m7i.large", "us-east-1")
            - _usd(AWS, "ec2-instance", "m7i.xlarge", "us-east-1")) * HOURS_PER_MONTH
    assert after.min_usd - aws_dev.min_usd == pytest.approx(1 * step, abs=1e-9)  # minSize 1
    assert after.max_usd - aws_dev.max_usd == pytest.approx(5 * step, abs=1e-9)  # maxSize 5


def test_another_region_prices_every_line_from_that_regions_rows(tmp_path):
    before = _estimate(tmp_path, "gcp-dev")
    after = _estimate(tmp_path, "gcp-dev", put("skyfleet:clusters", "skyfleet-dev", "region", value="us-central1"))
    machines = {"system": ("e2-standard-2", 1, 3), "general": ("e2-standard-4", 1, 5)}
    low = high = 0.0
    for machine, min_size, max_size in machines.values():
        step = (_usd(GCP, "compute-instance", machine, "us-central1")
                - _usd(GCP, "compute-instance", machine, "europe-west1")) * HOURS_PER_MONTH
        low, high = low + min_size * step, high + max_size * step
    # Disks, NAT, KMS and the GKE fee cost the same in both regions (the table's rows say so).
    assert after.min_usd - before.min_usd == pytest.approx(low, abs=1e-9)
    assert after.max_usd - before.max_usd == pytest.approx(high, abs=1e-9)
    assert all(line.price.endswith("@us-central1") for line in after.lines)
