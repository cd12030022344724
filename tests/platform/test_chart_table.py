"""The chart table: the versions the product wants, each with its chart data in k8s-data."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from components.platform.charts import CHARTS, ChartRef
from skyfleet.analysis import k8s_data
from skyfleet.analysis.chart_values import chart_data

requires_k8s_data = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())

# The release line the product wants for each chart (a version must start with this).
WANTED_LINES = {
    "traefik": "41.",
    "ingress-nginx": "4.",
    "cert-manager": "v1.21.",
    "kube-prometheus-stack": "88.",
    "argo-cd": "10.",
    "metrics-server": "3.",
    "cluster-autoscaler": "9.",
    "external-dns": "1.",
    "loki": "7.",
    "alloy": "1.",
}


def test_chart_table_has_every_addon() -> None:
    assert set(CHARTS) == set(WANTED_LINES)


def test_chart_refs_are_frozen() -> None:
    ref = CHARTS["traefik"]
    assert isinstance(ref, ChartRef)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.version = "0.0.0"  # type: ignore[misc]


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_pins_are_on_the_wanted_lines(key: str) -> None:
    assert CHARTS[key].version.startswith(WANTED_LINES[key])


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_chart_names_match_their_keys_and_repositories_are_https(key: str) -> None:
    assert CHARTS[key].chart == key
    assert CHARTS[key].repository.startswith("https://")


@requires_k8s_data
@pytest.mark.parametrize("key", sorted(CHARTS))
def test_every_pin_has_its_chart_data(key: str) -> None:
    ref = CHARTS[key]
    data = chart_data(ref.chart, ref.version)
    assert data is not None, f"no k8s-data/charts/{ref.chart}-{ref.version}: the pin is unchecked"
    chart_yaml = yaml.safe_load((data.folder / "Chart.yaml").read_text())
    # cert-manager's Chart.yaml in git says v0.0.0: the version is stamped when it is packaged.
    assert chart_yaml["name"] == ref.chart
    assert chart_yaml["version"] in (ref.version, "v0.0.0")
