"""components/cluster/catalog.py: the per-cloud facts below the platform."""

from __future__ import annotations

import pytest

from components.cluster import catalog


def test_every_size_has_a_machine_on_every_managed_cloud() -> None:
    for size in catalog.SIZES:
        assert set(catalog.MACHINE_TYPES[size]) == set(catalog.MANAGED_CLOUDS)


def test_the_default_version_is_offered_everywhere() -> None:
    for cloud in catalog.MANAGED_CLOUDS:
        assert catalog.DEFAULT_VERSION in catalog.SUPPORTED_VERSIONS[cloud]


def test_a_machine_type_override_wins_over_the_size() -> None:
    assert catalog.machine_type("aws", "small") == "m7i.large"
    assert catalog.machine_type("aws", "small", "c7i.large") == "c7i.large"


@pytest.mark.parametrize(
    ("machine", "ami"),
    [("m7i.large", "AL2023_x86_64_STANDARD"), ("m7g.large", "AL2023_ARM_64_STANDARD"),
     ("c7gn.xlarge", "AL2023_ARM_64_STANDARD"), ("t4g.small", "AL2023_ARM_64_STANDARD"),
     ("g5.xlarge", "AL2023_x86_64_STANDARD")],
)
def test_eks_ami_type_follows_the_architecture(machine: str, ami: str) -> None:
    assert catalog.eks_ami_type(machine) == ami


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")],
)
def test_aws_partition_of_a_region(region: str, partition: str) -> None:
    assert catalog.aws_partition(region) == partition


@pytest.mark.parametrize(
    ("cloud", "region", "ok"),
    [("aws", "eu-central-1", True), ("aws", "europe-west1", False),
     ("gcp", "europe-west1", True), ("gcp", "westeurope", False),
     ("azure", "westeurope", True), ("azure", "us-east-1", False)],
)
def test_region_syntax_per_cloud(cloud: str, region: str, ok: bool) -> None:
    assert catalog.is_region(cloud, region) is ok  # type: ignore[arg-type]
