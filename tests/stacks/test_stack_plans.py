"""stack_plans.py reads each cloud's facts from its cloud.py: a new cloud edits no test helper."""

from __future__ import annotations

from collections.abc import Mapping

from stack_plans import CLOUD_SDK_PREFIXES, CLUSTER_TYPES, cloud_sdks, cluster_types

from components.cluster.cloud import CloudSpec


def test_a_fourth_cloud_gets_its_cluster_type_from_its_own_files(fourth_cloud: Mapping[str, CloudSpec]) -> None:
    assert cluster_types(fourth_cloud) == {"oci": "skyfleet:cluster:OkeCluster"}


def test_a_fourth_cloud_gets_its_sdk_from_its_cluster_resource(fourth_cloud: Mapping[str, CloudSpec]) -> None:
    assert cloud_sdks(fourth_cloud) == {"oci": "pulumi_oci"}


def test_the_shipped_clouds_read_as_before() -> None:
    assert CLUSTER_TYPES == {
        "aws": "skyfleet:cluster:EksCluster",
        "gcp": "skyfleet:cluster:GkeCluster",
        "azure": "skyfleet:cluster:AksCluster",
        "existing": "skyfleet:cluster:ExistingCluster",
    }
    assert CLOUD_SDK_PREFIXES == {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure": "pulumi_azure_native"}
