"""Prometheus' duration grammar: the one rule the platform (Prometheus retention) and workloads
(ServiceMonitor scrape intervals) are both checked against.

Prometheus reads durations with `model.ParseDuration` (prometheus/common, model/time.go): units
in the fixed order y w d h m s ms, each at most once; "0" alone is allowed, "" is refused. The
Prometheus Operator's CRDs validate the same pattern (monitoring.coreos.com/v1 `Duration`:
`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`).
"""

from __future__ import annotations

import re
from typing import Any

_DURATION = re.compile(r"0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?")
DURATION_RULE = "must be a Prometheus duration such as 15d, 12h, 1w2d or 1m30s (units in the order y w d h m s ms)"


def is_duration(value: Any) -> bool:
    return isinstance(value, str) and value != "" and _DURATION.fullmatch(value) is not None
