"""Schema checks of rendered manifests: every object of the sample services is valid Kubernetes."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from components.workload import load_workloads
from components.workload import render as r
from skyfleet.analysis.validate_manifests import (
    DEFAULT_K8S_VERSION,
    coverage,
    format_manifest_report,
    validate_directory,
    validate_manifest,
)

from .samples import PLATFORM

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


def test_a_service_monitor_without_a_selector_is_reported():
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "api"},
        "spec": {"endpoints": []},
    }
    assert validate_manifest(monitor) == ["spec: 'selector' is a required property"]


def test_a_certificate_is_listed_as_unchecked():
    certificate = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": "x"},
    }
    assert coverage(certificate)[0] == "unchecked"


def test_an_unlisted_custom_kind_is_a_problem():
    found = validate_manifest(
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "x"}}
    )
    assert "CUSTOM_RESOURCES does not list it" in found[0]


def test_a_directory_report_names_invalid_partial_and_unchecked_objects(tmp_path):
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
        },
    }
    for name, obj in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(yaml.safe_dump(obj))
    report = validate_directory(tmp_path)
    assert (list(report.problems), list(report.partial), list(report.unchecked)) == (
        ["apps/Service-api.yaml"],
        ["apps/ServiceMonitor-api.yaml"],
        ["_cluster/ClusterIssuer-le.yaml"],
    )
    assert format_manifest_report(report).endswith(
        "3 objects, 1 invalid, 1 partly checked, 1 unchecked"
    )
