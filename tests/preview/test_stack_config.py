"""Loading a stack's config file the way the Pulumi CLI hands it to the program."""

import json
from pathlib import Path

import pytest

from skyfleet.preview.stack_config import list_stacks, load_stack_config


def _project(tmp_path: Path, stack: str, text: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: skyfleet\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(text)
    return tmp_path


def test_bare_keys_are_put_in_the_project_namespace(tmp_path):
    project = _project(tmp_path, "s", "config:\n  environment: dev\n  aws:region: us-east-1\n")
    config = load_stack_config(project, "s")
    assert config.values == {"skyfleet:environment": "dev", "aws:region": "us-east-1"}


def test_structured_values_are_passed_as_json(tmp_path):
    project = _project(tmp_path, "s", "config:\n  skyfleet:clusters:\n    main: {cloud: aws, zones: [a, b]}\n")
    config = load_stack_config(project, "s")
    assert json.loads(config.values["skyfleet:clusters"]) == {"main": {"cloud": "aws", "zones": ["a", "b"]}}


def test_scalars_are_passed_as_the_cli_prints_them(tmp_path):
    project = _project(tmp_path, "s", "config:\n  skyfleet:flag: true\n  skyfleet:count: 3\n")
    config = load_stack_config(project, "s")
    assert (config.values["skyfleet:flag"], config.values["skyfleet:count"]) == ("true", "3")


def test_a_secure_value_becomes_a_placeholder_and_its_key_is_secret(tmp_path):
    project = _project(tmp_path, "s", "config:\n  skyfleet:token:\n    secure: AAABAHh0\n")
    config = load_stack_config(project, "s")
    assert config.values["skyfleet:token"].startswith("preview-secret-")
    assert "AAABAHh0" not in config.values["skyfleet:token"]
    assert config.secret_keys == {"skyfleet:token"}


def test_a_nested_secure_value_makes_the_whole_key_secret(tmp_path):
    text = "config:\n  skyfleet:secrets:\n    db:\n      secure: AAAB\n    plain: x\n"
    config = load_stack_config(_project(tmp_path, "s", text), "s")
    value = json.loads(config.values["skyfleet:secrets"])
    assert value["plain"] == "x" and value["db"].startswith("preview-secret-")
    assert config.secret_keys == {"skyfleet:secrets"}


def test_placeholders_are_stable_across_loads(tmp_path):
    project = _project(tmp_path, "s", "config:\n  skyfleet:token:\n    secure: AAABAHh0\n")
    assert load_stack_config(project, "s").values == load_stack_config(project, "s").values


def test_a_missing_stack_names_the_stacks_that_exist(tmp_path):
    project = _project(tmp_path, "real", "config: {}\n")
    with pytest.raises(FileNotFoundError, match="stacks: real"):
        load_stack_config(project, "typo")


def test_stacks_are_listed_from_the_config_dir(tmp_path):
    project = _project(tmp_path, "b", "config: {}\n")
    (project / "stacks" / "Pulumi.a.yaml").write_text("config: {}\n")
    (project / "stacks" / "workloads.yaml").write_text("services: {}\n")
    assert list_stacks(project) == ["a", "b"]
