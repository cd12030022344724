"""external-dns on AKS: an Entra Workload ID identity with "DNS Zone Contributor" on each
configured zone and "Reader" on the zones' resource group, and the azure.json it reads.

As kubernetes-sigs/external-dns @ v0.21.0 docs/tutorials/azure.md ("Managed identity using
Workload Identity") grants it: the provider lists the zones of azure.json's `resourceGroup`
(provider/azure/azure.go: NewListByResourceGroupPager), which needs read access there; it
writes only to the zones. Not "DNS Zone Contributor" on a resource group, which covers every
zone in it (and, on the cluster's group, none of the user's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from components.names import short_hash

from ..handle import DnsAccess, DnsRequest
from .dns_zones import Zone, parse
from .identity import AksIdentity, AzureContext, assign_role

ZONE_ROLE = "DNS Zone Contributor"
LIST_ROLE = "Reader"
# external-dns's --azure-config-file defaults to /etc/kubernetes/azure.json.
CONFIG_DIR = "/etc/kubernetes"


def azure_json(tenant_id: str, zone: Zone) -> str:
    """The file's workload-identity form (docs/tutorials/azure.md, Helm section): the client id
    comes from the ServiceAccount's azure.workload.identity/client-id annotation."""
    return json.dumps({
        "tenantId": tenant_id,
        "subscriptionId": zone.subscription_id,
        "resourceGroup": zone.resource_group,
        "useWorkloadIdentityExtension": True,
    }, indent=2)


@dataclass
class AksDns:
    """The cluster's `DnsZones`: a user-assigned identity per request, assigned zone by zone."""

    identity: AksIdentity
    context: AzureContext

    def dns_access(self, request: DnsRequest) -> DnsAccess:
        c, ctx = self.identity.component, self.context
        identity = self.identity.identity(
            request.name, namespace=request.namespace, service_account=request.service_account,
            parent=request.parent,
        )
        zones = [z for z in map(parse, request.zones) if z]  # validated: every one parses
        for zone in zones:
            assign_role(c, f"{request.name}-zone-{short_hash(zone.id.lower())}", ctx,
                        identity.principal_id, ZONE_ROLE, zone.id, request.parent)
        assign_role(c, f"{request.name}-zones-reader", ctx, identity.principal_id, LIST_ROLE,
                    zones[0].group_id, request.parent)
        return DnsAccess(
            self.identity.binding(identity),
            files={"azure.json": ctx.tenant_id.apply(lambda tenant: azure_json(tenant, zones[0]))},
            files_dir=CONFIG_DIR,
        )
