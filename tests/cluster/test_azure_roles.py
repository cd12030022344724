"""components/cluster/azure/roles.py: Azure roles by built-in name, GUID or full id, never a
name ARM would refuse (InvalidRoleDefinitionId)."""

from __future__ import annotations

import pytest

from components.cluster.azure.roles import BUILT_IN_ROLES, GUID, role_definition_id, role_problem
from skyfleet.preview.clouds.azure import SUBSCRIPTION_ID

from .harness import bind_external_dns, cluster_args, inputs, preview

ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"  # learn.microsoft.com built-in roles table
FULL = f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/"


def test_a_built_in_role_name_is_assigned_by_its_role_definition_guid() -> None:
    plan = preview(cluster_args("azure"), then=bind_external_dns(["Storage Blob Data Reader"]))
    [grant] = [r for r in plan.by_type(ROLE_ASSIGNMENT) if r.name.startswith("main-external-dns")]
    assert inputs(grant)["roleDefinitionId"] == FULL + BLOB_READER


def test_a_scope_relative_to_the_subscription_is_made_absolute() -> None:
    zone = "resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com"
    plan = preview(cluster_args("azure"), then=bind_external_dns([f"DNS Zone Contributor@{zone}"]))
    [grant] = [r for r in plan.by_type(ROLE_ASSIGNMENT) if r.name.startswith("main-external-dns")]
    assert inputs(grant)["scope"] == f"/subscriptions/{SUBSCRIPTION_ID}/{zone}"


@pytest.mark.parametrize("role", ["Storage Blob Data Reader", BLOB_READER, FULL + BLOB_READER,
                                  "/providers/Microsoft.Authorization/roleDefinitions/" + BLOB_READER])
def test_names_guids_and_full_ids_are_accepted(role: str) -> None:
    assert role_problem(role) is None


@pytest.mark.parametrize("role", ["Storage Blob Reader", "storage blob data reader", "blob-reader",
                                  "/subscriptions/x/roleDefinitions/y", "Reader@somewhere"])
def test_anything_else_is_refused(role: str) -> None:
    assert role_problem(role) is not None


def test_a_name_in_the_wrong_case_gets_a_hint() -> None:
    assert "did you mean 'Storage Blob Data Reader'" in (role_problem("storage blob data reader") or "")


def test_every_built_in_role_in_the_table_is_a_guid() -> None:
    assert all(GUID.match(guid) for guid in BUILT_IN_ROLES.values())
    assert len(set(BUILT_IN_ROLES.values())) == len(BUILT_IN_ROLES)


def test_a_full_id_is_kept_and_a_guid_completed() -> None:
    assert role_definition_id("sub", FULL + BLOB_READER) == FULL + BLOB_READER
    assert role_definition_id("sub", BLOB_READER).endswith(f"/roleDefinitions/{BLOB_READER}")
