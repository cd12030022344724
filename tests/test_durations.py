"""The one Prometheus duration grammar (components.durations), as prometheus/common's
model.ParseDuration reads it."""

from __future__ import annotations

import pytest

from components.durations import is_duration
from components.errors import Problems
from components.platform.checks import check_duration
from components.workload import rules


@pytest.mark.parametrize("text", ["15d", "12h", "1w2d", "1m30s", "500ms", "1y2w3d4h5m6s7ms", "0"])
def test_a_duration_prometheus_parses_is_accepted(text: str) -> None:
    assert is_duration(text)


@pytest.mark.parametrize("text", ["", "1d1w", "1h1h", "30", "1.5h", "two weeks", "1m 30s", "-1s"])
def test_a_duration_prometheus_refuses_is_refused(text: str) -> None:
    assert not is_duration(text)


@pytest.mark.parametrize("text", ["1w2d", "1d1w", "0", ""])
def test_platform_retention_and_workload_interval_agree(text: str) -> None:
    problems = Problems()
    assert check_duration(problems, "retention", text) == rules.is_duration(text)
