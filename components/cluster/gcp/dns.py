"""external-dns on GKE: a Workload Identity service account with `roles/dns.admin` on each
configured managed zone and `roles/dns.reader` on the zones' project (to list them).

The per-zone grant of kubernetes-sigs/external-dns @ v0.21.0 docs/tutorials/gke.md
("google_dns_managed_zone_iam_member"), instead of `roles/dns.admin` on the whole project, which
would let it change, create and delete every zone there.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..handle import DnsAccess, DnsRequest, IdentityBinding
from .cloud import SERVICE_ACCOUNT_ANNOTATION
from .dns_zones import split
from .iam import GkeIdentity, grant_project_roles

ZONE_ROLE = "roles/dns.admin"
LIST_ROLE = "roles/dns.reader"


@dataclass
class GkeDns:
    """The cluster's `DnsZones`: a Google service account per request, granted zone by zone."""

    identity: GkeIdentity

    def dns_access(self, request: DnsRequest) -> DnsAccess:
        account = self.identity.account(
            request.name, namespace=request.namespace, service_account=request.service_account,
            parent=request.parent,
        )
        c = self.identity.component
        project = next((p for p, _ in map(split, request.zones) if p), self.identity.project)
        grant_project_roles(c, request.name, project, account.member, [LIST_ROLE], request.parent)
        for zone in request.zones:
            name = split(zone)[1]
            gcp.dns.DnsManagedZoneIamMember(
                f"{request.name}-zone-{name}",
                project=project,
                managed_zone=name,
                role=ZONE_ROLE,
                member=account.member,
                opts=pulumi.ResourceOptions(
                    parent=request.parent, provider=c.cloud_provider, depends_on=list(c.prerequisites)
                ),
            )
        return DnsAccess(
            IdentityBinding(service_account_annotations={SERVICE_ACCOUNT_ANNOTATION: account.email}),
            # The project whose zones it lists (it defaults to the node's, the cluster's).
            args={"google-project": project},
        )
