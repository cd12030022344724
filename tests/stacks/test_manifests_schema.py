"""Every manifest of every stack is valid Kubernetes 1.35, strictly; nothing is skipped silently.

Built-in kinds go through kubernetes-validate (strict: unknown fields fail). Custom resources are
checked, strictly, against the real CRDs in ../shared/k8s-data/crds (skipped, with the reason,
when that folder is absent).
"""

from __future__ import annotations

import copy

import pytest
from stack_plans import STACKS, cluster_of, yaml_files

from skyfleet.analysis import k8s_data
from skyfleet.analysis.builtin_kinds import built_in_groups
from skyfleet.analysis.validate_manifests import coverage, validate_directory, validate_manifest

K8S_VERSION = "1.35"
requires_k8s_data = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())


@pytest.fixture(scope="module")
def reports(preview_all):
    return {stack: validate_directory(preview_all.out / stack / "manifests", K8S_VERSION) for stack in STACKS}


@pytest.mark.parametrize("stack", STACKS)
def test_every_manifest_is_valid_kubernetes(reports, stack):
    report = reports[stack]
    assert report.problems == {}
    assert report.checked > 0


@pytest.mark.parametrize("stack", STACKS)
def test_every_manifest_file_is_checked(preview_all, reports, stack):
    files = list((preview_all.out / stack / "manifests").rglob("*.yaml"))
    assert reports[stack].checked == len(files)


@requires_k8s_data
@pytest.mark.parametrize("stack", STACKS)
def test_every_custom_resource_is_checked_against_its_crd(preview_all, stack):
    root = preview_all.out / stack / "manifests" / cluster_of(stack)
    custom = [obj for _, obj in yaml_files(root)
              if obj["apiVersion"].rpartition("/")[0] not in built_in_groups(K8S_VERSION)]
    assert custom, "every stack renders custom resources (ClusterIssuers, ServiceMonitors)"
    for obj in custom:
        level, why = coverage(obj, K8S_VERSION)
        assert (obj["kind"], level, why.startswith("CRD schema")) == (obj["kind"], "full", True)


@requires_k8s_data
@pytest.mark.parametrize("stack", STACKS)
def test_no_manifest_is_left_unchecked(reports, stack):
    assert reports[stack].unchecked == {}


def test_the_check_is_strict_an_unknown_field_in_a_rendered_deployment_fails(preview_all):
    root = preview_all.out / "aws-dev" / "manifests" / cluster_of("aws-dev")
    deployment = copy.deepcopy(next(obj for _, obj in yaml_files(root) if obj["kind"] == "Deployment"))
    assert validate_manifest(deployment, K8S_VERSION) == []
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    assert validate_manifest(deployment, K8S_VERSION) != []
