"""The preview's emulation of what the platform's providers compute (release status, LB address)."""

from __future__ import annotations

from skyfleet.preview import platform_emulators  # noqa: F401 - registers the emulators
from skyfleet.preview.emulators import Emulation, emulate

SERVICE = "kubernetes:core/v1:Service"


def _emulate(type_token: str, inputs: dict, urn: str = "urn:test") -> dict:
    return emulate(Emulation(type=type_token, name="x", urn=urn, inputs=inputs))[1]


def test_a_read_service_gets_a_hostname_and_an_ip():
    (address,) = _emulate(SERVICE, {})["status"]["loadBalancer"]["ingress"]
    assert address["hostname"].endswith(".preview.invalid")
    assert address["ip"].startswith("203.0.113.")


def test_a_load_balancer_service_gets_an_address():
    outputs = _emulate(SERVICE, {"spec": {"type": "LoadBalancer"}})
    assert outputs["status"]["loadBalancer"]["ingress"]


def test_a_cluster_ip_service_gets_no_address():
    assert "status" not in _emulate(
        SERVICE, {"spec": {"type": "ClusterIP"}, "metadata": {"name": "a"}}
    )


def test_addresses_are_deterministic_per_urn():
    assert _emulate(SERVICE, {}, "urn:a") == _emulate(SERVICE, {}, "urn:a")
    assert _emulate(SERVICE, {}, "urn:a") != _emulate(SERVICE, {}, "urn:b")


def test_a_release_reports_deployed_with_its_chart_version():
    status = _emulate(
        "kubernetes:helm.sh/v3:Release",
        {"name": "traefik", "namespace": "traefik", "chart": "traefik", "version": "41.3.0"},
    )["status"]
    assert status["status"] == "deployed"
    assert (status["name"], status["namespace"], status["version"]) == (
        "traefik",
        "traefik",
        "41.3.0",
    )
