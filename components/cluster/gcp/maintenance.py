"""GKE's form of the neutral weekly maintenance window: an RFC 3339 start and end on a date of
the right weekday, and an RFC 5545 recurrence rule (what `maintenancePolicy.recurringWindow`
takes). GKE uses the dates only as the first occurrence.
https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-windows-and-exclusions
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..args import WEEKDAYS, MaintenanceWindowArgs

# A Monday long past, so every first occurrence is in the past (GKE accepts that).
_ANCHOR = datetime(2024, 1, 1, tzinfo=UTC)
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def recurring_window(window: MaintenanceWindowArgs) -> tuple[str, str, str]:
    """(start_time, end_time, recurrence) of a weekly window."""
    index = WEEKDAYS.index(window.day)
    hours, minutes = (int(part) for part in window.start_utc.split(":"))
    start = _ANCHOR + timedelta(days=index, hours=hours, minutes=minutes)
    end = start + timedelta(hours=window.duration_hours)
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    return start.strftime(stamp), end.strftime(stamp), f"FREQ=WEEKLY;BYDAY={_RRULE_DAYS[index]}"
