"""Comparing plans: what counts as a change, how it is named, and the document CI reads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from skyfleet.analysis.diff import (
    Snapshot,
    StackDiff,
    diff_dirs,
    diff_plans,
    diff_snapshots,
    format_markdown,
    format_table,
    stack_clouds,
    stack_environment,
    to_json,
    value_paths,
)

WORKLOAD = "urn:pulumi:aws-dev::skyfleet::skyfleet:workload:Microservice"
DEPLOY = f"{WORKLOAD}$kubernetes:apps/v1:Deployment::api"
SERVICE = "urn:pulumi:aws-dev::skyfleet::skyfleet:workload:Microservice$kubernetes:core/v1:Service::api"
K8S = "urn:pulumi:aws-dev::skyfleet::pulumi:providers:kubernetes::main-k8s"


def _plan(stack: str = "aws-dev") -> dict[str, Any]:
    deployment = {
        "urn": DEPLOY,
        "type": "kubernetes:apps/v1:Deployment",
        "name": "api",
        "parent": None,
        "dependencies": [K8S],
        "provider": K8S,
        "custom": True,
        "protect": False,
        "inputs": {
            "metadata": {"annotations": {"checksum/config": "abc"}, "name": "api"},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {"image": "ghcr.io/acme/api:1.0", "name": "api"},
                            {"image": "envoy:1", "name": "proxy"},
                        ]
                    }
                }
            },
        },
    }
    service = {
        "urn": SERVICE,
        "type": "kubernetes:core/v1:Service",
        "name": "api",
        "parent": None,
        "dependencies": [DEPLOY, K8S],
        "provider": K8S,
        "custom": True,
        "protect": False,
        "inputs": {"spec": {"ports": [{"port": 80}]}, "password": "[secret]"},
        "outputs": {"status": "[unknown]"},
    }
    return {
        "stack": stack,
        "project": "skyfleet",
        "resources": [deployment, service],
        "outputs": {"kubeconfig": "[secret]", "endpoints": {"api": "api.example.com"}},
    }


def _resource(plan: dict[str, Any], urn: str) -> dict[str, Any]:
    return next(r for r in plan["resources"] if r["urn"] == urn)


def test_identical_plans_are_unchanged() -> None:
    diff = diff_plans(_plan(), _plan())
    assert diff.status == "unchanged" and not diff.is_changed
    assert (diff.added, diff.removed, diff.changed, diff.outputs) == ([], [], {}, [])


def test_an_image_bump_names_exactly_the_image_path() -> None:
    head = _plan()
    containers = _resource(head, DEPLOY)["inputs"]["spec"]["template"]["spec"]["containers"]
    containers[0]["image"] = "ghcr.io/acme/api:1.1"
    diff = diff_plans(_plan(), head)
    assert diff.status == "changed" and diff.is_changed
    assert diff.changed == {DEPLOY: ["inputs.spec.template.spec.containers[0].image"]}
    assert diff.added == diff.removed == []


def test_keys_that_are_not_identifiers_are_quoted() -> None:
    head = _plan()
    _resource(head, DEPLOY)["inputs"]["metadata"]["annotations"]["checksum/config"] = "def"
    assert diff_plans(_plan(), head).changed == {DEPLOY: ['inputs.metadata.annotations["checksum/config"]']}


def test_resources_added_and_removed_by_urn() -> None:
    head = _plan()
    renamed = _resource(head, SERVICE)
    renamed["urn"] = renamed["urn"].replace("::api", "::api-v2")
    diff = diff_plans(_plan(), head)
    assert diff.added == [renamed["urn"]]
    assert diff.removed == [SERVICE]
    assert diff.changed == {}


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("protect", True, ["protect"]),
        ("provider", None, ["provider"]),
        ("dependencies", [K8S], ["dependencies"]),
        ("options", {"ignoreChanges": ["spec"]}, ["options.ignoreChanges"]),
    ],
)
def test_every_field_pulumi_up_acts_on_is_compared(field: str, value: Any, expected: list[str]) -> None:
    head = _plan()
    _resource(head, SERVICE)[field] = value
    assert diff_plans(_plan(), head).changed == {SERVICE: expected}


def test_what_pulumi_up_ignores_is_not_a_change() -> None:
    head = _plan()
    service = _resource(head, SERVICE)
    service["dependencies"] = [K8S, DEPLOY, K8S]  # order and repeats do not matter
    service["options"] = {}  # empty options are absent options
    service["outputs"] = {"status": "Ready"}  # outputs are the provider's business
    head["resources"].reverse()
    assert diff_plans(_plan(), head).status == "unchanged"


def test_list_length_changes_name_the_extra_item() -> None:
    assert value_paths([1, 2], [1, 2, 3], "x") == ["x[2]"]
    assert value_paths({"a": 1}, {"a": 1, "b": 2}) == ["b"]
    assert value_paths({"a": {"b": 1}}, {"a": [1]}) == ["a"]
    assert value_paths(1, 1.5, "n") == ["n"]
    assert value_paths(True, 1, "flag") == ["flag"]  # a bool is not the number 1


def test_stack_outputs_are_compared() -> None:
    head = _plan()
    head["outputs"]["endpoints"]["api"] = "api2.example.com"
    diff = diff_plans(_plan(), head)
    assert diff.status == "changed" and diff.outputs == ["outputs.endpoints.api"]


def test_a_stack_added_or_removed_entirely() -> None:
    added = diff_plans(None, _plan())
    assert added.status == "added" and added.is_changed
    assert added.added == sorted([DEPLOY, SERVICE])
    removed = diff_plans(_plan(), None)
    assert removed.status == "removed" and not removed.is_changed
    assert removed.removed == sorted([DEPLOY, SERVICE])
    with pytest.raises(ValueError):
        diff_plans(None, None)


def _write(out: Path, plan: dict[str, Any], files: dict[str, str] | None = None) -> None:
    stack_dir = out / plan["stack"]
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / "plan.json").write_text(json.dumps(plan, indent=2, sort_keys=True))
    for rel, text in (files or {}).items():
        (stack_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (stack_dir / rel).write_text(text)


def test_diff_dirs_over_per_stack_plans_and_rendered_files(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    manifest = "manifests/main/api/deployment-api.yaml"
    _write(base, _plan("aws-dev"), {manifest: "image: 1.0\n"})
    _write(base, _plan("gcp-dev"))
    _write(base, _plan("old"))
    _write(head, _plan("aws-dev"), {manifest: "image: 1.1\n", "helm/x/values.yaml": "a: 1\n"})
    _write(head, _plan("gcp-dev"))
    _write(head, _plan("azure-dev"))
    diffs = diff_dirs(base, head)
    assert list(diffs) == ["aws-dev", "azure-dev", "gcp-dev", "old"]
    assert diffs["aws-dev"].status == "changed"
    assert diffs["aws-dev"].files == {"helm/x/values.yaml": "added", manifest: "changed"}
    assert diffs["azure-dev"].status == "added"
    assert diffs["gcp-dev"].status == "unchanged"
    assert diffs["old"].status == "removed"

    document = to_json(diffs, {"azure-dev": {"skyfleet:environment": "prod"}})
    assert document["changed"] == ["aws-dev", "azure-dev"]
    assert document["unchanged"] == ["gcp-dev"]
    assert document["removed"] == ["old"]
    assert document["stacks"]["gcp-dev"] == {
        "status": "unchanged",
        "added": [],
        "removed": [],
        "changed": {},
    }
    hosted = ["ubuntu-latest"]
    assert document["matrix"]["dev"] == {
        "include": [{"stack": "aws-dev", "environment": "dev", "clouds": "aws", "runner": hosted}]
    }
    assert document["matrix"]["prod"] == {
        "include": [{"stack": "azure-dev", "environment": "prod", "clouds": "azure", "runner": hosted}]
    }
    json.dumps(document)  # serialisable as is

    table = format_table(diffs)
    assert table.splitlines()[0].split() == [
        "STACK",
        "STATUS",
        "ADDED",
        "REMOVED",
        "CHANGED",
        "OTHER",
    ]
    assert "~ manifests/main/api/deployment-api.yaml" in table
    markdown = format_markdown(diffs)
    assert "| `aws-dev` | changed | 0 | 0 | 0 |" in markdown
    assert "<summary><code>aws-dev</code></summary>" in markdown


def test_config_changes_count_and_an_unbuildable_base_is_unknown(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for out in (base, head):
        _write(out, _plan("aws-dev"))
        _write(out, _plan("aws-prod"))
    configs: dict[str, dict[str, Any]] = {
        "aws-dev": {"skyfleet:secrets": {"db": {"secure": "v1"}}},
        "aws-prod": {"skyfleet:environment": "prod"},
    }
    rotated = copy.deepcopy(configs)
    rotated["aws-dev"]["skyfleet:secrets"]["db"]["secure"] = "v2"
    diffs = diff_snapshots(Snapshot(base, configs), Snapshot(head, rotated))
    assert diffs["aws-dev"].status == "changed"
    assert diffs["aws-dev"].config == ["config.skyfleet:secrets"]
    assert diffs["aws-prod"].status == "unchanged"

    failed = diff_snapshots(
        Snapshot(base, configs, unknown={"aws-prod": "preview at abc failed"}),
        Snapshot(head, configs),
    )
    assert failed["aws-prod"].status == "unknown" and failed["aws-prod"].is_changed
    assert failed["aws-prod"].note == "preview at abc failed"
    missing = diff_snapshots(Snapshot(None, {}, note="base x is not a commit here"), Snapshot(head, configs))
    assert {d.status for d in missing.values()} == {"unknown"}


def test_environment_and_clouds_for_the_matrix() -> None:
    assert stack_environment("aws-prod", None) == "prod"
    assert stack_environment("aws-dev", {}) == "dev"
    assert stack_environment("x", {"skyfleet:environment": "prod"}) == "prod"
    fleet = {
        "skyfleet:clusters": {
            "a": {"cloud": "aws"},
            "b": {"cloud": "gcp"},
            "c": {"cloud": "existing"},
        }
    }
    assert stack_clouds("fleet-prod", fleet) == ["aws", "gcp"]
    assert stack_clouds("azure-dev", None) == ["azure"]
    assert stack_clouds("onprem-dev", {"skyfleet:clusters": {"a": {"cloud": "existing"}}}) == []


def test_stack_diff_json_keeps_only_what_is_present() -> None:
    diff = StackDiff("s", "changed", changed={DEPLOY: ["inputs.x"]}, note="n")
    assert diff.to_json() == {
        "status": "changed",
        "added": [],
        "removed": [],
        "changed": {DEPLOY: ["inputs.x"]},
        "note": "n",
    }
