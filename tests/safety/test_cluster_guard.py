"""`skyfleet.analysis.cluster_guard`: a replaced or deleted cluster is said in red, and CI refuses it unless allowed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from skyfleet.analysis.cluster_guard import (
    ALLOW_ENV,
    EXIT_CLUSTER_REPLACEMENT,
    RED,
    from_environment,
    guard,
    guard_dirs,
)

from .conftest import InProcessPreview
from .project import copy_project, edit_stack, preview, put, rename

CLUSTER_URN = "urn:pulumi:gcp-dev::skyfleet::skyfleet:cluster:GkeCluster$gcp:container/cluster:Cluster::skyfleet-dev"


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory, inprocess_preview: InProcessPreview) -> dict[str, Any]:
    """The shipped gcp-dev plan, one with the cluster moved to another region, one with it renamed."""
    moved = copy_project(tmp_path_factory.mktemp("moved"))
    edit_stack(moved, "gcp-dev", put("skyfleet:clusters", "skyfleet-dev", "region", value="europe-west4"))
    renamed = copy_project(tmp_path_factory.mktemp("renamed"))
    edit_stack(renamed, "gcp-dev", rename("skyfleet:clusters", "skyfleet-dev", to="skyfleet-blue"))
    return {
        "base": {"gcp-dev": inprocess_preview.plans["gcp-dev"].to_json()},
        "moved": {"gcp-dev": preview(moved, "gcp-dev").to_json()},
        "renamed": {"gcp-dev": preview(renamed, "gcp-dev").to_json()},
    }


def test_no_cluster_change_says_nothing(plans: dict[str, Any]) -> None:
    assert guard(plans["base"], plans["base"], ci=True, allowed=False) == (0, "")


def test_a_replaced_cluster_fails_ci_in_red(plans: dict[str, Any]) -> None:
    code, message = guard(plans["base"], plans["moved"], ci=True, allowed=False)
    assert code == EXIT_CLUSTER_REPLACEMENT
    assert message.startswith("\033[1;31m") and RED in message and message.rstrip().endswith("\033[0m")
    assert f"gcp-dev: replace {CLUSTER_URN} (create-only input changed: location" in message
    assert "--allow-cluster-replacement" in message and ALLOW_ENV in message


def test_a_deleted_cluster_fails_ci_too(plans: dict[str, Any]) -> None:
    code, message = guard(plans["base"], plans["renamed"], ci=True, allowed=False)
    assert code == EXIT_CLUSTER_REPLACEMENT
    assert f"gcp-dev: delete {CLUSTER_URN} (gone from the head plan)" in message


def test_an_allowed_replacement_passes_but_is_still_said(plans: dict[str, Any]) -> None:
    code, message = guard(plans["base"], plans["moved"], ci=True, allowed=True)
    assert code == 0 and "replace " + CLUSTER_URN in message and "allowed" in message


def test_outside_ci_the_replacement_is_a_red_warning(plans: dict[str, Any]) -> None:
    code, message = guard(plans["base"], plans["moved"], ci=False, allowed=False)
    assert code == 0 and RED in message and "CI will refuse this" in message


def test_a_removed_stack_is_not_a_cluster_deletion(plans: dict[str, Any]) -> None:
    """Removing a stack's config file destroys nothing (nobody runs `pulumi destroy` for it)."""
    assert guard(plans["base"], {}, ci=True, allowed=False) == (0, "")


@pytest.mark.parametrize(
    ("env", "flag", "expected"),
    [
        ({}, False, (False, False)),
        ({"CI": "true"}, False, (True, False)),
        ({"CI": "true"}, True, (True, True)),
        ({"CI": "1", ALLOW_ENV: "1"}, False, (True, True)),
        ({"CI": "false", ALLOW_ENV: "0"}, False, (False, False)),
    ],
)
def test_ci_and_permission_come_from_the_environment_or_the_flag(
    env: dict[str, str], flag: bool, expected: tuple[bool, bool]
) -> None:
    assert from_environment(flag, env) == expected


def test_guard_dirs_reads_two_preview_trees(plans: dict[str, Any], preview_all: Any, tmp_path: Path) -> None:
    head = tmp_path / "head"
    shutil.copytree(preview_all.out, head)
    (head / "gcp-dev" / "plan.json").write_text(json.dumps(plans["moved"]["gcp-dev"]))
    assert guard_dirs(preview_all.out, preview_all.out, ci=True, allowed=False) == (0, "")
    code, message = guard_dirs(preview_all.out, head, ci=True, allowed=False)
    assert code == EXIT_CLUSTER_REPLACEMENT and CLUSTER_URN in message
