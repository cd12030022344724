"""A failing stack writes nothing: no folder, no half of one, and a previous good output of the
stack stays byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import yaml
from preview_projects import copy_shipped_project, preview, tree

STACK = "local"


def _break_policy_config(project: Path) -> None:
    """An unknown policy in skyfleet:policyConfig: the program succeeds, the policy step fails."""
    path = project / "stacks" / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"]["skyfleet:policyConfig"] = {"no-such-policy": "mandatory"}
    path.write_text(yaml.safe_dump(document))


def test_a_stack_failing_after_its_program_ran_leaves_no_folder(tmp_path: Path) -> None:
    project = copy_shipped_project(tmp_path / "project")
    _break_policy_config(project)
    out = tmp_path / "out"
    result = preview(project, STACK, out)
    assert result.code != 0
    assert "no-such-policy" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_a_failing_stack_leaves_the_previous_good_output_untouched(tmp_path: Path) -> None:
    project = copy_shipped_project(tmp_path / "project")
    out = tmp_path / "out"
    assert preview(project, STACK, out).code == 0
    before = tree(out)
    assert f"{STACK}/policy.txt" in before and f"{STACK}/summary.json" in before
    _break_policy_config(project)
    assert preview(project, STACK, out).code != 0
    assert tree(out) == before
    assert [p.name for p in out.iterdir()] == [STACK]  # no staging folder left next to it


def test_a_program_failure_leaves_the_previous_good_output_untouched(tmp_path: Path) -> None:
    project = copy_shipped_project(tmp_path / "project")
    out = tmp_path / "out"
    assert preview(project, STACK, out).code == 0
    before = tree(out)
    with (project / "__main__.py").open("a") as main:
        main.write('raise RuntimeError("broken")\n')
    assert preview(project, STACK, out).code == 1
    assert tree(out) == before


def test_a_new_good_output_replaces_the_old_one_whole(tmp_path: Path) -> None:
    project = copy_shipped_project(tmp_path / "project")
    out = tmp_path / "out"
    assert preview(project, STACK, out).code == 0
    (out / STACK / "stale.txt").write_text("from an older preview\n")
    assert preview(project, STACK, out).code == 0
    assert not (out / STACK / "stale.txt").exists()
    assert [p.name for p in out.iterdir()] == [STACK]
