"""The chart-data checker (skyfleet.analysis.chart_values) on the real chart data of ../shared/k8s-data."""

from __future__ import annotations

import pytest

from skyfleet.analysis import k8s_data
from skyfleet.analysis.chart_values import check_values, coalesce

pytestmark = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())


def test_a_value_breaking_the_charts_schema_is_reported():
    found = check_values("traefik", "41.3.0", {"deployment": {"replicas": "two"}})
    assert found == ["deployment.replicas: 'two' is not of type 'integer', 'null' (values.schema.json)"]


def test_a_key_the_schema_closes_is_reported_once_per_check():
    found = check_values("cert-manager", "v1.21.1", {"replicaCont": 2})
    assert "replicaCont: not a value of cert-manager v1.21.1 (values.yaml)" in found
    assert any("values.schema.json" in problem for problem in found)


def test_a_key_whose_default_is_null_counts_as_a_value():
    # metrics-server 3.13.1 values.yaml: `podDisruptionBudget.minAvailable:` (null default).
    assert check_values("metrics-server", "3.13.1", {"podDisruptionBudget": {"minAvailable": 1}}) == []


def test_below_a_free_form_map_anything_goes():
    annotations = {"service": {"annotations": {"example.com/anything": "x"}}}
    assert check_values("metrics-server", "3.13.1", annotations) == []


def test_a_path_without_a_schema_is_checked_against_values_yaml():
    assert check_values("metrics-server", "3.13.1", {"replica": 2}) == [
        "replica: not a value of metrics-server 3.13.1 (values.yaml)"
    ]


def test_a_subcharts_values_are_known_under_its_key():
    sent = {"grafana": {"admin": {"existingSecret": "s"}}, "kube-state-metrics": {"resources": {}}}
    assert check_values("kube-prometheus-stack", "88.5.3", sent) == []
    assert check_values("kube-prometheus-stack", "88.5.3", {"grafana": {"admin": {"existingSecrets": "s"}}}) == [
        "grafana.admin.existingSecrets: not a value of kube-prometheus-stack 88.5.3 (values.yaml)"
    ]


def test_traefik_41_has_no_service_type_value():
    # traefik 41.3.0 values.yaml: the Service type moved to `service.spec.type`.
    assert check_values("traefik", "41.3.0", {"service": {"type": "LoadBalancer"}}) == [
        "service.type: not a value of traefik 41.3.0 (values.yaml)"
    ]


def test_a_chart_version_without_data_is_not_checked():
    assert check_values("traefik", "0.0.1", {"anything": 1}) is None


def test_a_sent_null_deletes_a_default_as_helm_coalesces():
    assert coalesce({"a": {"b": 1, "c": 2}}, {"a": {"b": None, "d": 3}}) == {"a": {"c": 2, "d": 3}}
