"""components/cluster/clouds.py and each cloud's cloud.py: the facts shared code asks a cloud for."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from components.cluster import catalog
from components.cluster.aws.cloud import aws_partition, eks_ami_type
from components.cluster.cloud import CloudSpec
from components.cluster.clouds import CLOUDS, SPECS, cloud_spec, discover

MANAGED = [name for name, spec in SPECS.items() if spec.managed]


def test_every_cloud_package_is_found_in_a_stable_order() -> None:
    assert CLOUDS == ("aws", "gcp", "azure", "existing")


@pytest.mark.parametrize("cloud", MANAGED)
def test_every_size_has_a_machine_on_every_managed_cloud(cloud: str) -> None:
    assert set(cloud_spec(cloud).machine_types) == set(catalog.SIZES)


@pytest.mark.parametrize("cloud", MANAGED)
def test_the_default_version_is_offered_on_every_managed_cloud(cloud: str) -> None:
    assert catalog.DEFAULT_VERSION in cloud_spec(cloud).versions


def test_an_existing_cluster_accepts_any_well_formed_minor() -> None:
    assert cloud_spec("existing").supported_versions() is None


def test_a_machine_type_override_wins_over_the_size() -> None:
    assert cloud_spec("aws").machine_type("small") == "m7i.large"
    assert cloud_spec("aws").machine_type("small", "c7i.large") == "c7i.large"


@pytest.mark.parametrize(
    ("machine", "ami"),
    [("m7i.large", "AL2023_x86_64_STANDARD"), ("m7g.large", "AL2023_ARM_64_STANDARD"),
     ("c7gn.xlarge", "AL2023_ARM_64_STANDARD"), ("t4g.small", "AL2023_ARM_64_STANDARD"),
     ("g5.xlarge", "AL2023_x86_64_STANDARD")],
)
def test_eks_ami_type_follows_the_architecture(machine: str, ami: str) -> None:
    assert eks_ami_type(machine) == ami


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")],
)
def test_aws_partition_of_a_region(region: str, partition: str) -> None:
    assert aws_partition(region) == partition


@pytest.mark.parametrize(
    ("cloud", "region", "ok"),
    [("aws", "eu-central-1", True), ("aws", "europe-west1", False),
     ("gcp", "europe-west1", True), ("gcp", "westeurope", False),
     ("azure", "westeurope", True), ("azure", "us-east-1", False)],
)
def test_region_syntax_per_cloud(cloud: str, region: str, ok: bool) -> None:
    assert cloud_spec(cloud).is_region(region) is ok


@pytest.mark.parametrize(
    ("cloud", "region", "zones"),
    [("aws", "us-east-1", ("us-east-1a", "us-east-1b", "us-east-1c")),
     ("aws", "us-west-1", ("us-west-1b", "us-west-1c")),
     ("gcp", "europe-west1", ("europe-west1-b", "europe-west1-c", "europe-west1-d")),
     ("azure", "westeurope", ("1", "2", "3")),
     ("existing", "", ())],
)
def test_default_zones_per_cloud(cloud: str, region: str, zones: tuple[str, ...]) -> None:
    assert cloud_spec(cloud).zones.default(region) == zones


def test_the_clouds_package_declares_each_cloud_under_its_own_name() -> None:
    for name, spec in SPECS.items():
        assert spec.name == name == spec.profile.cloud


def test_a_new_cloud_is_a_new_package_found_without_editing_any_list(fourth_cloud: Mapping[str, CloudSpec]) -> None:
    """A fourth cloud, on paper made real: a package with a cloud.py is all discovery needs."""
    assert list(fourth_cloud) == ["oci"]
    assert fourth_cloud["oci"].profile.default_storage_class == "oci-bv"


def test_a_package_must_be_named_after_its_cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "misnamed_clouds"
    (root / "oracle").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "oracle" / "__init__.py").write_text("")
    (root / "oracle" / "cloud.py").write_text(
        "from components.cluster.clouds import SPECS\nCLOUD = SPECS['aws']\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(RuntimeError, match="declares cloud 'aws'"):
            discover(root, "misnamed_clouds")
    finally:
        for name in [m for m in sys.modules if m.startswith("misnamed_clouds")]:
            del sys.modules[name]
