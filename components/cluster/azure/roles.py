"""Azure role definitions: a role is given by built-in name, GUID or full role definition id.

ARM takes only a role definition *id* (`/subscriptions/<sub>/providers/Microsoft.Authorization/
roleDefinitions/<guid>`); a display name in its place is refused with InvalidRoleDefinitionId.
So a name is resolved here from the table of Azure's built-in roles (their GUIDs are the same in
every tenant and subscription), and anything that is neither a known name, a GUID nor a full id
is refused in validation, before anything is registered. The same three forms the Azure
Verified Modules accept (`roleDefinitionIdOrName`, e.g. avm/res/network/dns-zone main.bicep).

Source of the GUIDs: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
(MicrosoftDocs/azure-docs, articles/role-based-access-control/built-in-roles.md). Add a row when
a workload needs another built-in role; custom roles are given by GUID or full id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from ..cloud import pattern_rule

BUILT_IN_ROLES: Mapping[str, str] = MappingProxyType(
    {
        # General
        "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        # Networking
        "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
        "DNS Zone Contributor": "befefa01-2a29-4197-83a8-272ff33ce314",
        "Private DNS Zone Contributor": "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
        # Storage
        "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
        "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        "Storage Queue Data Reader": "19e7f393-937e-4f77-808e-94535e297925",
        # Key Vault
        "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
        "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
        "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
        "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
        # Containers
        "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
        "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
        "Azure Kubernetes Service RBAC Admin": "3498e952-d568-435e-9b2c-8d77e338d7f7",
        "Azure Kubernetes Service RBAC Reader": "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
        "Azure Kubernetes Service RBAC Writer": "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
        "Azure Kubernetes Service Cluster User Role": "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
        # Integration
        "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
        "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        "App Configuration Data Reader": "516239f1-63e1-4d78-a4de-a74fb236a071",
    }
)

# What a workload's `access` entry may name (workload/validate.py): a built-in role's name
# ("Storage Blob Data Reader") or a role id (GUID).
# https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
ACCESS_ROLE = pattern_rule(
    r"[A-Za-z0-9][A-Za-z0-9 ._()-]*", 128,
    "must be an Azure role name such as 'Storage Blob Data Reader' or a role definition id",
)
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_G = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# What ARM accepts as roleDefinitionId: subscription-scoped or tenant-scoped (built-in) ids.
ROLE_DEFINITION_ID = re.compile(
    rf"^(/subscriptions/{_G})?/providers/Microsoft\.Authorization/roleDefinitions/{_G}$"
)
# A scope given after "@": an ARM id of a subscription, resource group or resource, or one
# relative to the cluster's subscription (resourceGroups/<group>/...).
SCOPE = re.compile(
    rf"^(/subscriptions/{_G}(/resourceGroups/[-\w._()]+(/providers/.+)?)?"
    r"|resourceGroups/[-\w._()]+(/providers/.+)?)$"
)
ROLE_FORMS = (
    "must be an Azure built-in role name (e.g. 'Storage Blob Data Reader'), a role definition "
    "GUID or a full role definition id (/subscriptions/<id>/providers/Microsoft.Authorization/"
    "roleDefinitions/<guid>), optionally followed by @<ARM scope id>"
)


def role_problem(role: str) -> str | None:
    """Why `role` (`<role>[@<scope>]`) is not something ARM would accept, or None."""
    definition, at, scope = role.partition("@")
    if at and not SCOPE.match(scope):
        return ("the scope after '@' must be an ARM id (/subscriptions/<id>[/resourceGroups/"
                "<group>[/providers/...]]) or resourceGroups/<group>[/providers/...]")
    if definition in BUILT_IN_ROLES or GUID.match(definition) or ROLE_DEFINITION_ID.match(definition):
        return None
    folded = {name.lower(): name for name in BUILT_IN_ROLES}
    hint = f" (did you mean {folded[definition.lower()]!r}?)" if definition.lower() in folded else ""
    return ROLE_FORMS + hint


def role_definition_id(subscription_id: str, role: str) -> str:
    """The full role definition id ARM expects for a built-in name, a GUID or a full id."""
    if role.startswith("/"):
        return role
    guid = BUILT_IN_ROLES.get(role, role)
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
