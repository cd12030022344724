"""How Cloud DNS names a managed zone (pure: `cloud.py` states the rule, `dns.py` grants it)."""

from __future__ import annotations

import re
from collections.abc import Sequence

# ManagedZone.name: "1-63 characters long, must begin with a letter, end with a letter or digit,
# and only contain lowercase letters, digits or dashes".
# https://cloud.google.com/dns/docs/reference/rest/v1/managedZones
MANAGED_ZONE_NAME = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")
# A project id: 6-30 lowercase letters, digits and dashes, starting with a letter.
# https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
_PROJECT = r"[a-z][-a-z0-9]{4,28}[a-z0-9]"
_QUALIFIED = re.compile(rf"projects/({_PROJECT})/managedZones/(.+)")
ZONE_FORM = (
    "a Cloud DNS managed zone name such as example-com (in the cluster's project), "
    "or projects/<project>/managedZones/<name>"
)


def split(zone: str) -> tuple[str | None, str]:
    """(project or None for the cluster's, managed zone name)."""
    qualified = _QUALIFIED.fullmatch(zone)
    return (qualified.group(1), qualified.group(2)) if qualified else (None, zone)


def zone_problem(zone: str) -> str | None:
    _, name = split(zone)
    if MANAGED_ZONE_NAME.fullmatch(name) and (zone == name or _QUALIFIED.fullmatch(zone)):
        return None
    return f"must be {ZONE_FORM} (a managed zone's name, not its DNS name)"


def zones_problem(zones: Sequence[str]) -> str | None:
    """external-dns works in one project (--google-project): every zone must be in it."""
    projects = {split(zone)[0] for zone in zones}
    if len(projects) <= 1:
        return None
    shown = ", ".join(sorted(p or "the cluster's" for p in projects))
    return f"must all be in one project for one external-dns (found {shown})"


def zone_filter(zone: str) -> str:
    """external-dns matches --zone-id-filter against the zone's name (or numeric id)."""
    return split(zone)[1]
