"""Every manifest of every stack is valid Kubernetes 1.35, strictly; nothing is skipped silently.

Built-in kinds go through kubernetes-validate (strict: unknown fields fail). Custom resources are
checked against the minimal CRD schemas of skyfleet.analysis.validate_manifests.CUSTOM_RESOURCES, or are
unchecked: each object not fully checked must be a row of the table in docs/stack_tests.md.
"""

from __future__ import annotations

import copy
import re

import pytest
from stack_plans import PROJECT, STACKS, cluster_of, yaml_files

from skyfleet.analysis.validate_manifests import CUSTOM_RESOURCES, coverage, validate_directory, validate_manifest

K8S_VERSION = "1.35"
DOC = PROJECT / "docs" / "stack_tests.md"
TABLE_HEADING = "## Manifests not fully checked"
ROW = re.compile(r"^\|\s*(partial|unchecked)\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|", re.M)


def documented() -> set[tuple[str, str, str, str]]:
    """(coverage, apiVersion, kind, name) of each object the doc's table lists."""
    text = DOC.read_text()
    section = text.split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = set()
    for level, api_version, kind, names in ROW.findall(section):
        rows |= {(level, api_version, kind, name.strip(" `")) for name in names.split(",")}
    return rows


@pytest.fixture(scope="module")
def reports(preview_all):
    return {stack: validate_directory(preview_all.out / stack / "manifests", K8S_VERSION) for stack in STACKS}


def test_the_documented_table_is_not_empty():
    assert {level for level, *_ in documented()} == {"partial", "unchecked"}


@pytest.mark.parametrize("stack", STACKS)
def test_every_manifest_is_valid_kubernetes(reports, stack):
    report = reports[stack]
    assert report.problems == {}
    assert report.checked > 0


@pytest.mark.parametrize("stack", STACKS)
def test_every_manifest_file_is_checked(preview_all, reports, stack):
    files = list((preview_all.out / stack / "manifests").rglob("*.yaml"))
    assert reports[stack].checked == len(files)


@pytest.mark.parametrize("stack", STACKS)
def test_every_manifest_not_fully_checked_is_in_the_documented_table(preview_all, stack):
    root = preview_all.out / stack / "manifests" / cluster_of(stack)
    not_full = set()
    for _, obj in yaml_files(root):
        level, _ = coverage(obj)
        if level != "full":
            not_full.add((level, obj["apiVersion"], obj["kind"], obj["metadata"]["name"]))
    assert not_full == documented()


def test_every_documented_kind_is_in_the_custom_resources_table_at_that_level():
    for level, api_version, kind, _ in documented():
        custom = CUSTOM_RESOURCES[(api_version, kind)]
        assert (custom.schema is None) is (level == "unchecked"), kind


def test_the_check_is_strict_an_unknown_field_in_a_rendered_deployment_fails(preview_all):
    root = preview_all.out / "aws-dev" / "manifests" / cluster_of("aws-dev")
    deployment = copy.deepcopy(next(obj for _, obj in yaml_files(root) if obj["kind"] == "Deployment"))
    assert validate_manifest(deployment, K8S_VERSION) == []
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    assert validate_manifest(deployment, K8S_VERSION) != []
