"""How ARM names an Azure DNS zone (pure: `cloud.py` states the rule, `dns.py` grants it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Resource group names: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources
_GROUP = r"[-\w.()]{0,89}[-\w()]"
# A zone's name is a DNS name: dot-separated labels of letters, digits and '-'.
_ZONE = r"(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?"
# ARM matches segment names case-insensitively (resourceGroups, dnsZones, dnszones).
ZONE_ID = re.compile(
    rf"/subscriptions/({_GUID})/resourceGroups/({_GROUP})/providers/Microsoft\.Network/dnszones/({_ZONE})",
    re.IGNORECASE,
)
ZONE_FORM = (
    "an Azure DNS zone resource id: /subscriptions/<subscription id>/resourceGroups/<group>"
    "/providers/Microsoft.Network/dnszones/<zone>"
)


@dataclass(frozen=True)
class Zone:
    subscription_id: str
    resource_group: str
    name: str

    @property
    def group_id(self) -> str:
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"

    @property
    def id(self) -> str:
        return f"{self.group_id}/providers/Microsoft.Network/dnszones/{self.name}"


def parse(zone: str) -> Zone | None:
    found = ZONE_ID.fullmatch(zone)
    if found is None or found.group(3) != found.group(3).lower():
        return None
    return Zone(found.group(1).lower(), found.group(2), found.group(3))


def zone_problem(zone: str) -> str | None:
    return None if parse(zone) else f"must be {ZONE_FORM} (zone name in lowercase)"


def zones_problem(zones: Sequence[str]) -> str | None:
    """external-dns's azure.json names one subscription and resource group; it lists zones there."""
    groups = {(z.subscription_id, z.resource_group.lower()) for z in map(parse, zones) if z}
    if len(groups) <= 1:
        return None
    return "must all be in one resource group for one external-dns (its azure.json names one)"


def zone_filter(zone: str) -> str:
    """external-dns matches --zone-id-filter as a suffix of the zone's ARM id; `/<name>` matches
    this zone whatever case ARM spells the path in, and no zone below it (sub.<name>)."""
    parsed = parse(zone)
    return f"/{parsed.name}" if parsed else zone
