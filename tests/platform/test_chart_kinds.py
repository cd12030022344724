"""The kinds each pinned chart renders (components/platform/chart_kinds.py) against the pins."""

from __future__ import annotations

import pytest

from components.platform.chart_kinds import CHART_KINDS, TRAEFIK
from components.platform.charts import CHARTS
from skyfleet.analysis import k8s_data
from skyfleet.analysis.crd_schemas import crds

requires_k8s_data = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())


def test_every_chart_has_its_kinds_read_at_the_pinned_version():
    assert set(CHART_KINDS) == set(CHARTS)
    for key, known in CHART_KINDS.items():
        assert known.chart == f"{CHARTS[key].chart} {CHARTS[key].version}", key


@requires_k8s_data
@pytest.mark.parametrize(("chart", "folder"), [
    ("traefik", "traefik-v41.3.0"),
    ("kube-prometheus-stack", "prometheus-operator-kube-prometheus-stack-88.5.3"),
    ("cert-manager", "cert-manager-v1.21.1"),
    ("argo-cd", "argo-cd-chart-10.1.1"),
])
def test_the_crds_a_chart_installs_are_the_ones_it_ships(chart, folder):
    from_data = sorted(f"{api} {kind}" for (api, kind), crd in crds().items()
                       if crd.source.startswith(f"crds/{folder}/"))
    assert CHART_KINDS[chart].provides() == from_data


def test_traefik_renders_gateway_api_objects_only_with_its_gateway_provider():
    gateway_kinds = {"gateway.networking.k8s.io/v1 Gateway", "gateway.networking.k8s.io/v1 GatewayClass"}
    assert gateway_kinds <= set(TRAEFIK.creates({"providers": {"kubernetesGateway": {"enabled": True}}}))
    assert not gateway_kinds & set(TRAEFIK.creates({}))


def test_a_chart_default_decides_a_kind_the_values_do_not_mention():
    on = {"providers": {"kubernetesGateway": {"enabled": True}}}
    assert "gateway.networking.k8s.io/v1 Gateway" not in TRAEFIK.creates({**on, "gateway": {"enabled": False}})
    assert "gateway.networking.k8s.io/v1 Gateway" in TRAEFIK.creates(on)


def test_grafanas_test_pod_is_rendered_only_with_its_test_framework():
    from components.platform.chart_kinds import KUBE_PROMETHEUS_STACK

    pods = [r for r in KUBE_PROMETHEUS_STACK.renders if r.kind == "Pod"]
    assert [r.applies({"grafana": {"testFramework": {"enabled": False}}}) for r in pods] == [False]
    assert [r.applies({}) for r in pods] == [True]


def test_redis_ha_renders_its_disruption_budgets_when_they_are_set():
    from components.platform.chart_kinds import ARGO_CD

    budgets = [r.template for r in ARGO_CD.renders if r.kind == "PodDisruptionBudget" and "redis-ha" in r.template]
    ha = {"redis-ha": {"enabled": True, "podDisruptionBudget": {"maxUnavailable": 1},
                       "haproxy": {"podDisruptionBudget": {"maxUnavailable": 1}}}}
    applies = {r.template for r in ARGO_CD.renders if r.template in budgets and r.applies(ha)}
    assert applies == set(budgets) and len(budgets) == 2
    assert not [r for r in ARGO_CD.renders if r.template in budgets and r.applies({"redis-ha": {"enabled": True}})]
