"""The README's examples run as written."""

import re
from pathlib import Path

import yaml

from skyfleet.preview.runner import run_program

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _block(heading: str, language: str) -> str:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, f"no {language} block under {heading}"
    return match.group(1)


def test_the_top_of_the_readme_has_exactly_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make preview", "make test"]


def test_the_own_program_example_builds_a_cluster_a_platform_and_a_service():
    code = _block("Use the components in your own program", "python")
    plan = run_program(lambda: exec(code, {}), stack="readme")
    types = {r.type for r in plan.resources}
    assert {"skyfleet:cluster:GkeCluster", "skyfleet:platform:Platform", "skyfleet:workload:Microservice",
            "gcp:container/cluster:Cluster", "kubernetes:apps/v1:Deployment"} <= types
    assert plan.to_json()["outputs"]["kubeconfig"] == "[secret]"


def test_the_stack_config_example_is_valid_yaml_with_the_documented_keys():
    config = yaml.safe_load(_block("Stack config", "yaml"))["config"]
    assert {k.split(":", 1)[1] for k in config} <= {
        "environment", "clusters", "platform", "delivery", "gitops", "secrets", "policyConfig"}
