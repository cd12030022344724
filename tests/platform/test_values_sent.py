"""Every value an add-on sends is one its chart knows, checked against the chart's own data at the
pinned version (../shared/k8s-data/charts: values.schema.json where the chart has one, and the value
paths of values.yaml): a misspelled key would otherwise be ignored by Helm without a word. The
values come from the Release inputs of real previews, not from a list."""

from __future__ import annotations

import functools

import pytest
from platform_harness import RecordingDns, preview_platform, releases

from components.cluster.clouds import PROFILES
from components.platform import (
    ArgoCDArgs,
    ExternalDnsArgs,
    IngressControllerArgs,
    PlatformArgs,
)
from components.platform.charts import CHARTS
from skyfleet.analysis import k8s_data
from skyfleet.analysis.chart_values import check_values
from skyfleet.preview import wire

pytestmark = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())

# Previews that between them set every typed field's value paths: production (HA, PDBs), an
# Argo CD hostname, external-dns on, and the other ingress controller.
EVERYTHING = PlatformArgs(
    argocd=ArgoCDArgs(hostname="cd.example.com"),
    external_dns=ExternalDnsArgs(enabled=True, domain_filters=("example.com",),
                                 zones={"aws": ("Z0123456789ABCDEFGHIJ",)}),
)
NGINX = PlatformArgs(ingress=IngressControllerArgs(controller="ingress-nginx"))


@functools.cache
def _sent_by_chart() -> dict[str, list[tuple[str, dict]]]:
    """(version, values) each chart is sent, from every preview, keyed by chart key."""
    sent: dict[str, list[tuple[str, dict]]] = {}
    for args, production in ((EVERYTHING, True), (EVERYTHING, False), (NGINX, True)):
        # A DNS provider that hands external-dns a config file (AKS's azure.json), so the
        # values that mount it are checked too.
        dns = RecordingDns(PROFILES["aws"], files={"azure.json": "{}"})
        for release in releases(preview_platform(args, production=production, dns=dns).plan).values():
            inputs = wire.reveal(release.inputs)
            chart = next(key for key, ref in CHARTS.items() if ref.chart == inputs["chart"])
            sent.setdefault(chart, []).append((inputs["version"], inputs.get("values", {})))
    return sent


def test_the_previews_cover_every_chart_in_the_table():
    assert set(_sent_by_chart()) == set(CHARTS)


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_value_sent_is_valid_for_the_pinned_chart(chart):
    for version, values in _sent_by_chart()[chart]:
        assert check_values(chart, version, values) == []


def test_a_misspelled_value_path_is_caught():
    args = PlatformArgs(ingress=IngressControllerArgs(values={"deployment": {"replicsa": 3}}))
    (values,) = [
        wire.reveal(r.inputs)["values"]
        for name, r in releases(preview_platform(args).plan).items()
        if name == "traefik"
    ]
    assert check_values("traefik", CHARTS["traefik"].version, values) == [
        "deployment.replicsa: not a value of traefik 41.3.0 (values.yaml)"
    ]
