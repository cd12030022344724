"""The preview knows where `pulumi up` runs (`skyfleet:deployer`) and fails, naming the stack
file, the cluster and the reason, when a cluster's API endpoint is unreachable from there."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skyfleet.preview.runner import run_stack

from .project import PROD_STACKS, PROJECT, copy_project, edit_stack, put, validation_error


def _deployer(stack: str) -> dict[str, object]:
    config = yaml.safe_load((PROJECT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    return dict(config["skyfleet:deployer"])


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_each_shipped_prod_stack_is_reachable_from_its_declared_deployer(stack: str) -> None:
    deployer = _deployer(stack)
    assert deployer["network"] == "cluster", "prod endpoints are private: the deployer is inside"
    assert "self-hosted" in deployer["runner"]  # type: ignore[operator]
    plan, _ = run_stack(PROJECT, stack)  # raises on any unreachable cluster
    assert plan.resources


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_a_private_endpoint_with_an_internet_deployer_fails_naming_the_cluster(tmp_path: Path, stack: str) -> None:
    project = copy_project(tmp_path)
    internet = {"network": "internet", "egressCidrs": ["198.51.100.0/24"]}
    edit_stack(project, stack, put("skyfleet:deployer", value=internet))
    error = validation_error(project, stack)
    (problem,) = [p for p in error.problems if p.path.endswith(".endpoint")]
    assert problem.path == f"stacks/Pulumi.{stack}.yaml: skyfleet:clusters.skyfleet-prod.endpoint"
    assert "cluster skyfleet-prod is unreachable" in problem.rule and "private" in problem.rule
    assert f"stacks/Pulumi.{stack}.yaml" in str(error)


def test_aws_prod_without_its_security_group_rule_is_unreachable_from_inside_the_vpc(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    edit_stack(project, "aws-prod", put("skyfleet:clusters", "skyfleet-prod", "endpoint", value={}))
    (problem,) = validation_error(project, "aws-prod").problems
    assert "cluster security group" in problem.rule


def test_a_dev_allow_list_that_drifted_from_the_deployers_egress_fails(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    edit_stack(project, "gcp-dev", put("skyfleet:deployer", "egressCidrs", value=["198.51.100.0/24"]))
    (problem,) = validation_error(project, "gcp-dev").problems
    assert problem.path == "stacks/Pulumi.gcp-dev.yaml: skyfleet:clusters.skyfleet-dev.endpoint"
    assert "198.51.100.0/24" in problem.rule and "203.0.113.0/24" in problem.rule
