"""Reading stacks/workloads.yaml: camelCase keys, every problem named by its YAML path."""

from pathlib import Path

import pytest
import yaml

from components.errors import Problems, ValidationError
from components.workload import HttpGet, load_workloads, parse_workloads

SAMPLE = Path(__file__).resolve().parents[2] / "stacks" / "workloads.yaml"


def _service(**changes):
    entry = {
        "namespace": "apps",
        "image": "ghcr.io/skyfleet/api:1.4.2",
        "ports": {"http": {"port": 8080}},
        "liveness": {"httpGet": {"path": "/livez", "port": "http"}},
        "readiness": {"httpGet": {"path": "/readyz", "port": "http"}},
    }
    entry.update(changes)
    return {"services": {"api": entry}}


def _problems(raw) -> dict[str, str]:
    found = Problems()
    parse_workloads(raw, found, "workloads.yaml")
    return {p.path: p.rule for p in found.found}


def test_the_sample_workloads_file_is_valid():
    assert [s.name for s in load_workloads(SAMPLE)] == ["web", "api"]


def test_camel_case_keys_fill_snake_case_fields():
    found = Problems()
    (spec,) = parse_workloads(_service(automountServiceAccountToken=True), found)
    assert spec.automount_service_account_token is True and not found


def test_a_probe_action_is_read_from_its_key():
    (spec,) = parse_workloads(_service(), Problems())
    assert spec.readiness is not None and spec.readiness.action == HttpGet(
        path="/readyz", port="http"
    )


def test_an_unknown_key_is_named_by_its_full_path():
    raw = _service(readiness={"httpGet": {"path": "/readyz", "prot": "http"}})
    assert "unknown key" in _problems(raw)["services.api.readiness.httpGet.prot"]


def test_a_wrong_type_is_named_by_its_full_path():
    raw = _service(readiness={"httpGet": {"path": "/readyz", "port": 8.5}})
    assert "must be" in _problems(raw)["services.api.readiness.httpGet.port"]


def test_true_is_not_a_number():
    assert "whole number" in _problems(_service(replicas=True))["services.api.replicas"]


def test_a_missing_required_key_is_reported():
    raw = _service()
    del raw["services"]["api"]["image"]
    assert _problems(raw)["services.api.image"] == "is required"


def test_a_probe_with_two_actions_is_rejected():
    raw = _service(liveness={"httpGet": {"path": "/"}, "tcpSocket": {"port": "http"}})
    assert "exactly one" in _problems(raw)["services.api.liveness"]


def test_the_name_comes_from_the_key_not_a_field():
    assert "services.api.name" in _problems(_service(name="other"))


def test_an_unknown_cloud_key_is_reported():
    raw = _service(cloudAccess={"ibm": ["reader"]})
    assert "must be one of" in _problems(raw)["services.api.cloudAccess.ibm"]


def test_spec_rules_are_reported_with_yaml_paths():
    assert "latest" in _problems(_service(image="api:latest"))["services.api.image"]


def test_an_unknown_top_level_key_is_reported():
    assert "unknown key" in _problems({"services": {}, "jobs": {}})["jobs"]


def test_loading_raises_one_error_listing_every_problem(tmp_path):
    raw = _service(image="api:latest", replicas=0)
    path = tmp_path / "workloads.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValidationError) as caught:
        load_workloads(path)
    assert {p.path for p in caught.value.problems} == {
        "services.api.image",
        "services.api.replicas",
    }


def test_the_old_ingress_key_is_read_as_a_gateway_route_with_a_warning(monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr("components.workload.parse.pulumi.log.warn", warnings.append)
    found = Problems()
    (spec,) = parse_workloads(_service(ingress={"host": "api.example.com", "path": "/v1",
                                                "gatewayApi": False}), found)
    assert found.found == []
    assert (spec.route.host, spec.route.path, spec.route.api) == ("api.example.com", "/v1", "gateway")
    assert len(warnings) == 1 and "services.api.ingress is deprecated" in warnings[0]


def test_ingress_and_route_together_is_an_error():
    raw = _service(ingress={"host": "a.example.com"}, route={"host": "a.example.com"})
    assert "old name of route" in _problems(raw)["services.api.ingress"]


def test_an_ingress_object_is_an_explicit_choice():
    (spec,) = parse_workloads(_service(route={"host": "api.example.com", "api": "ingress"}), Problems())
    assert spec.route.api == "ingress"
