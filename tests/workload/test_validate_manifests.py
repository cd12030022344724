"""Schema checks of rendered manifests: every object of the sample services is valid Kubernetes."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from components.workload import load_workloads
from components.workload import render as r
from skyfleet.analysis import crd_schemas, k8s_data
from skyfleet.analysis.validate_manifests import (
    DEFAULT_K8S_VERSION,
    coverage,
    format_manifest_report,
    validate_directory,
    validate_manifest,
)

from .samples import PLATFORM

requires_k8s_data = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())

SAMPLE = Path(__file__).resolve().parents[2] / "stacks" / "workloads.yaml"
RENDERED = [
    obj
    for spec in load_workloads(SAMPLE)
    for obj in r.render_service_objects(
        spec,
        PLATFORM,
        checksum="0" * 64,
        secret_values={"apiDatabasePassword": "[secret]"},
        service_account_annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/api"},
    )
] + [r.render_namespace("apps")]


def test_the_default_kubernetes_version_has_shipped_schemas():
    assert DEFAULT_K8S_VERSION in {
        v.rsplit(".", 1)[0] for v in kubernetes_validate.utils.all_versions()
    }


@pytest.mark.parametrize("obj", RENDERED, ids=lambda o: f"{o['kind']}-{o['metadata']['name']}")
def test_every_rendered_object_is_valid_kubernetes(obj):
    assert validate_manifest(obj) == []


def test_an_unknown_field_is_reported_with_its_path():
    deployment = r.render_deployment(load_workloads(SAMPLE)[0], checksum="c")
    deployment["spec"]["replica"] = 2
    assert validate_manifest(deployment) == [
        "spec: Additional properties are not allowed ('replica' was unexpected)"
    ]


def test_a_wrong_type_is_reported_with_its_path():
    service = r.render_service(load_workloads(SAMPLE)[0])
    service["spec"]["ports"][0]["port"] = "http"
    assert validate_manifest(service) == ["spec.ports.0.port: 'http' is not of type 'integer'"]


@requires_k8s_data
def test_a_service_monitor_without_a_selector_is_reported():
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "api", "namespace": "apps"},
        "spec": {"endpoints": []},
    }
    assert validate_manifest(monitor) == ["spec: 'selector' is a required property"]


@requires_k8s_data
def test_a_misspelled_field_of_a_custom_resource_is_reported_strictly():
    monitor = r.render_service_monitor(load_workloads(SAMPLE)[1], PLATFORM)
    assert validate_manifest(monitor) == []
    monitor["spec"]["endpoints"][0]["intervall"] = "30s"
    assert validate_manifest(monitor) == [
        "spec.endpoints.0: Additional properties are not allowed ('intervall' was unexpected)"
    ]


@requires_k8s_data
def test_a_certificate_is_checked_against_its_crd():
    certificate = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": "x", "namespace": "apps"},
        "spec": {"dnsNames": ["a.example.com"], "issuerRef": {"name": "le"}},
    }
    assert coverage(certificate)[0] == "full"
    assert validate_manifest(certificate) == ["spec: 'secretName' is a required property"]


def _clear_crd_caches():
    for cached in (crd_schemas.crds, crd_schemas.crd_for, crd_schemas._files_by_group_kind,
                   crd_schemas._validator):
        cached.cache_clear()


def test_a_custom_resource_is_unchecked_with_the_reason_when_the_crd_data_is_absent(monkeypatch):
    monkeypatch.setenv(k8s_data.DATA_ENV, "/nonexistent")
    k8s_data.data_root.cache_clear()
    _clear_crd_caches()
    try:
        certificate = {"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
                       "metadata": {"name": "x"}}
        level, why = coverage(certificate)
        assert (level, validate_manifest(certificate)) == ("unchecked", [])
        assert "/nonexistent" in why and "not checked" in why
    finally:
        monkeypatch.undo()
        k8s_data.data_root.cache_clear()
        _clear_crd_caches()


@requires_k8s_data
def test_a_custom_kind_no_crd_defines_is_a_problem():
    found = validate_manifest(
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "x"}}
    )
    assert found == ["example.com/v1 Widget: no CRD in k8s-data/crds defines this kind"]


def test_a_kind_the_kubernetes_version_no_longer_serves_is_a_problem():
    found = validate_manifest(
        {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "x"}}
    )
    assert found and "not a kind of Kubernetes 1.35" in found[0]


@requires_k8s_data
def test_a_directory_report_names_invalid_objects(tmp_path):
    files = {
        "apps/Service-api.yaml": {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "api"},
            "spec": {"ports": [{"port": "http"}]},
        },
        "apps/ServiceMonitor-api.yaml": r.render_service_monitor(
            load_workloads(SAMPLE)[1], PLATFORM
        ),
        "_cluster/ClusterIssuer-le.yaml": {
            "apiVersion": "cert-manager.io/v1",
            "kind": "ClusterIssuer",
            "metadata": {"name": "le"},
            "spec": {"acme": {"servr": "https://acme.example", "privateKeySecretRef": {"name": "k"}}},
        },
    }
    for name, obj in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(yaml.safe_dump(obj))
    report = validate_directory(tmp_path)
    assert (sorted(report.problems), report.unchecked) == (
        ["_cluster/ClusterIssuer-le.yaml", "apps/Service-api.yaml"], {}
    )
    assert format_manifest_report(report).endswith("3 objects, 2 invalid, 0 unchecked")
