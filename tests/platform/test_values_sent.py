"""Every value path an add-on sends is one its chart documents (checked against the charts' own
values.yaml kept in tests/fixtures/chart_values): a misspelled key would otherwise be ignored by
Helm without a word. The paths come from the Release inputs of real previews, not from a list."""

from __future__ import annotations

import functools

import pytest
from chart_values import OPEN_MAPS, load_documented_values
from platform_harness import preview_platform, releases
from values_paths import unknown_paths

from components.platform import (
    ArgoCDArgs,
    ExternalDnsArgs,
    IngressControllerArgs,
    PlatformArgs,
)
from components.platform.charts import CHARTS
from skyfleet.preview import wire

# Previews that between them set every typed field's value paths: production (HA, PDBs), an
# Argo CD Ingress, external-dns on, and the other ingress controller.
EVERYTHING = PlatformArgs(
    argocd=ArgoCDArgs(hostname="cd.example.com"),
    external_dns=ExternalDnsArgs(enabled=True, domain_filters=("example.com",)),
)
NGINX = PlatformArgs(ingress=IngressControllerArgs(controller="ingress-nginx"))


@functools.cache
def _sent_by_chart() -> dict[str, list[dict]]:
    """The values each chart is sent, from every preview, keyed by chart key."""
    sent: dict[str, list[dict]] = {}
    for args, production in ((EVERYTHING, True), (EVERYTHING, False), (NGINX, True)):
        for release in releases(preview_platform(args, production=production).plan).values():
            inputs = wire.reveal(release.inputs)
            chart = next(key for key, ref in CHARTS.items() if ref.chart == inputs["chart"])
            sent.setdefault(chart, []).append(inputs.get("values", {}))
    return sent


def _unknown(chart: str, values: dict) -> list[str]:
    return unknown_paths(values, load_documented_values(chart), OPEN_MAPS.get(chart, ()))


def test_the_previews_cover_every_chart_in_the_table():
    assert set(_sent_by_chart()) == set(CHARTS)


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_value_path_sent_is_documented_by_the_chart(chart):
    for values in _sent_by_chart()[chart]:
        assert _unknown(chart, values) == []


def test_a_misspelled_value_path_is_caught():
    args = PlatformArgs(ingress=IngressControllerArgs(values={"deployment": {"replicsa": 3}}))
    (values,) = [
        wire.reveal(r.inputs)["values"]
        for name, r in releases(preview_platform(args).plan).items()
        if name == "traefik"
    ]
    assert _unknown("traefik", values) == ["deployment.replicsa"]
