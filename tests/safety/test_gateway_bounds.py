"""Route hosts the Gateway API CRD would refuse at `pulumi up` are refused by validation first.

The limits are read from the upstream CRD (Gateway API v1.6.1 standard,
gateway.networking.k8s.io_gateways.yaml in ../shared/k8s-data), not from the code under test.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from skyfleet.analysis import k8s_data

from .project import copy_project, edit_stack, edit_workloads, preview, preview_error, put, validation_error

CRDS = k8s_data.crd_dir("gateway-api-v1.6.1-standard")
pytestmark = pytest.mark.skipif(CRDS is None, reason=k8s_data.absent_reason())


def _listeners_schema() -> dict[str, Any]:
    assert CRDS is not None
    (crd,) = [d for d in yaml.safe_load_all((CRDS / "gateway.networking.k8s.io_gateways.yaml").read_text()) if d]
    (v1,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    return v1["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["listeners"]


def _long_host(length: int) -> str:
    """A valid DNS name of exactly `length` characters (labels of at most 63)."""
    labels, left = [], length - len(".example.com")
    while left > 0:
        size = min(63, left)
        labels.append("a" * size)
        left -= size + 1
    host = ".".join(labels) + ".example.com"
    return ("b" * (length - len(host)) + host) if len(host) < length else host


def test_a_host_whose_listener_name_the_crd_refuses_is_refused_naming_the_route_host(tmp_path: Path) -> None:
    name_schema = _listeners_schema()["items"]["properties"]["name"]
    # The longest DNS name (253) whose listener name ("https-" + host) is over the CRD's maxLength.
    host = _long_host(253)
    assert len("https-" + host.replace(".", "-")) > name_schema["maxLength"]
    project = copy_project(tmp_path)
    edit_workloads(project, put("web", "route", "host", value=host))
    error = validation_error(project, "aws-dev")
    assert [(p.path, p.value) for p in error.problems] == [("stacks/workloads.yaml: services.web.route.host", host)]
    assert f"at most {name_schema['maxLength']} characters" in error.problems[0].rule


def test_the_longest_host_the_crd_accepts_passes_and_its_listener_name_matches_the_pattern(tmp_path: Path) -> None:
    name_schema = _listeners_schema()["items"]["properties"]["name"]
    host = _long_host(name_schema["maxLength"] - len("https-"))
    name = "https-" + host.replace(".", "-")
    assert len(name) == name_schema["maxLength"] and re.fullmatch(name_schema["pattern"], name)
    project = copy_project(tmp_path)
    edit_workloads(project, put("web", "route", "host", value=host))
    preview(project, "aws-dev")  # raises on any problem


def test_more_hosts_than_the_crd_has_listeners_for_are_refused_before_any_resource(tmp_path: Path) -> None:
    max_listeners = _listeners_schema()["maxItems"]
    # workloads.yaml's web route is one host; these fill every other listener but http, and one more.
    extra = {f"h{i}.example.com": ["apps"] for i in range(max_listeners - 1)}
    project = copy_project(tmp_path)
    edit_stack(project, "aws-dev", put("skyfleet:platform", "ingress", "gatewayHosts", value=extra))
    error = validation_error(project, "aws-dev")
    assert [(p.path, p.value) for p in error.problems] == [
        ("stacks/workloads.yaml: services", f"{max_listeners} Gateway hosts"),
    ], str(error)
    assert f"at most {max_listeners}" in error.problems[0].rule
    failed = preview_error(project, "aws-dev")
    assert failed.recorded == []


def test_as_many_hosts_as_the_crd_has_listeners_for_pass(tmp_path: Path) -> None:
    max_listeners = _listeners_schema()["maxItems"]
    extra = {f"h{i}.example.com": ["apps"] for i in range(max_listeners - 2)}
    project = copy_project(tmp_path)
    edit_stack(project, "aws-dev", put("skyfleet:platform", "ingress", "gatewayHosts", value=extra))
    preview(project, "aws-dev")  # raises on any problem


def test_two_hosts_with_the_same_listener_name_are_refused(tmp_path: Path) -> None:
    """'.' becomes '-' in a listener name, so these two would make one listener twice."""
    project = copy_project(tmp_path)
    edit_workloads(project, put("web", "route", "host", value="web.example-com.org"))
    edit_stack(project, "aws-dev", put("skyfleet:platform", "ingress", "gatewayHosts",
                                       value={"web-example-com.org": ["apps"]}))
    error = validation_error(project, "aws-dev")
    assert [(p.path, p.value) for p in error.problems] == [
        ("stacks/workloads.yaml: services", ["web-example-com.org", "web.example-com.org"]),
    ], str(error)
