"""The git side of `skyfleet diff` with a tiny stand-in project: the base commit is previewed
with the base commit's own code, in a worktree that is removed afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from git_repo import git

from skyfleet.analysis.diff import diff_against_git, main_diff

# A stand-in `python -m skyfleet preview --all --out DIR`: one resource per stack whose inputs
# are the stack's config plus the code's VERSION, so a code change shows in every plan.
FAKE_MAIN = """
import json, sys
from pathlib import Path

VERSION = {version}
out = Path(sys.argv[sys.argv.index("--out") + 1])
for config in sorted(Path("stacks").glob("Pulumi.*.yaml")):
    stack = config.name[len("Pulumi."):-len(".yaml")]
    if {fail}:
        sys.exit("boom")
    (out / stack).mkdir(parents=True, exist_ok=True)
    urn = f"urn:pulumi:{{stack}}::skyfleet::test:index:Thing::thing"
    plan = {{"stack": stack, "project": "skyfleet", "outputs": {{}}, "resources": [
        {{"urn": urn, "type": "test:index:Thing", "name": "thing", "parent": None,
          "dependencies": [], "provider": None, "custom": True, "protect": False,
          "inputs": {{"version": VERSION, "config": config.read_text()}}}}]}}
    (out / stack / "plan.json").write_text(json.dumps(plan))
"""




def write_code(repo: Path, version: int, fail: bool = False) -> None:
    package = repo / "skyfleet"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(textwrap.dedent(FAKE_MAIN.format(version=version, fail=fail)))


def write_stack(repo: Path, stack: str, body: str = "config: {}\n") -> None:
    (repo / "stacks").mkdir(exist_ok=True)
    (repo / "stacks" / f"Pulumi.{stack}.yaml").write_text(body)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    write_code(path, version=1)
    write_stack(path, "aws-dev")
    write_stack(path, "gcp-prod", "config:\n  skyfleet:environment: prod\n")
    (path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["pulumi-gcp>=9,<10"]\n')
    (path / "requirements.lock").write_text("pulumi-gcp==9.1.0\n")
    git(path, "init", "--quiet")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "base")
    return path


def test_unchanged_and_the_worktree_is_removed(repo: Path) -> None:
    diffs = diff_against_git("HEAD", repo)
    assert {n: d.status for n, d in diffs.items()} == {
        "aws-dev": "unchanged",
        "gcp-prod": "unchanged",
    }
    assert git(repo, "worktree", "list").count("\n") == 1


def test_the_base_is_previewed_with_its_own_code(repo: Path) -> None:
    write_code(repo, version=2)  # only the code changes, in the working tree
    diffs = diff_against_git("HEAD", repo)
    assert {n: d.changed for n, d in diffs.items()} == {
        "aws-dev": {"urn:pulumi:aws-dev::skyfleet::test:index:Thing::thing": ["inputs.version"]},
        "gcp-prod": {"urn:pulumi:gcp-prod::skyfleet::test:index:Thing::thing": ["inputs.version"]},
    }


def test_added_removed_and_config_changes(repo: Path, tmp_path: Path) -> None:
    write_stack(repo, "azure-dev")
    (repo / "stacks" / "Pulumi.aws-dev.yaml").write_text("config:\n  skyfleet:delivery: argocd\n")
    (repo / "stacks" / "Pulumi.gcp-prod.yaml").unlink()
    json_out = tmp_path / "changed.json"
    assert main_diff("HEAD", repo, json_out) == 0
    document = json.loads(json_out.read_text())
    assert document["changed"] == ["aws-dev", "azure-dev"]
    assert document["removed"] == ["gcp-prod"]
    assert document["stacks"]["azure-dev"]["status"] == "added"
    assert document["stacks"]["aws-dev"]["config"] == ["config.skyfleet:delivery"]
    assert document["matrix"]["dev"]["include"] == [
        {"stack": "aws-dev", "environment": "dev", "clouds": "aws", "runner": ["ubuntu-latest"]},
        {"stack": "azure-dev", "environment": "dev", "clouds": "azure", "runner": ["ubuntu-latest"]},
    ]


@pytest.mark.parametrize("base", ["0000000000000000000000000000000000000000", "no-such-ref", "none"])
def test_a_missing_base_makes_every_stack_unknown(repo: Path, base: str) -> None:
    diffs = diff_against_git(base, repo)
    assert {d.status for d in diffs.values()} == {"unknown"}
    assert all(d.is_changed for d in diffs.values())


def test_a_base_that_fails_to_preview_makes_its_stacks_unknown(repo: Path) -> None:
    write_code(repo, version=1, fail=True)
    git(repo, "commit", "--quiet", "-am", "broken")
    write_code(repo, version=1)  # fixed in the working tree
    diffs = diff_against_git("HEAD", repo)
    assert {d.status for d in diffs.values()} == {"unknown"}
    assert "failed" in diffs["aws-dev"].note


def test_a_working_tree_that_fails_to_preview_is_an_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_code(repo, version=1, fail=True)
    assert main_diff("HEAD", repo, tmp_path / "changed.json") == 2
    assert "no plan for aws-dev, gcp-prod" in capsys.readouterr().err
    assert not (tmp_path / "changed.json").exists()


def test_a_head_preview_already_made_is_reused(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "skyfleet", "preview", "--all", "--out", str(out)],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        check=True,
    )
    write_code(repo, version=3)  # ignored: the head plans come from `out`
    diffs = diff_against_git("HEAD", repo, head_out=out)
    assert {d.status for d in diffs.values()} == {"unchanged"}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[project]\nname = "x"\ndependencies = ["pulumi-gcp>=10,<11"]\n'),
        ("requirements.lock", "pulumi-gcp==10.2.0\n"),
    ],
)
def test_a_dependency_change_alone_selects_every_stack(repo: Path, tmp_path: Path, name: str, text: str) -> None:
    """Both previews run with the installed packages, so no plan differs; the new provider still
    runs against every stack on `pulumi up`."""
    (repo / name).write_text(text)
    json_out = tmp_path / "changed.json"
    assert main_diff("HEAD", repo, json_out) == 0
    document = json.loads(json_out.read_text())
    assert document["changed"] == ["aws-dev", "gcp-prod"]
    assert {s["dependencies"][0] for s in document["stacks"].values()} == {name}
    assert [e["stack"] for e in document["matrix"]["all"]["include"]] == ["aws-dev", "gcp-prod"]


def test_a_lock_file_added_later_selects_every_stack(repo: Path) -> None:
    (repo / "requirements.lock").unlink()
    git(repo, "commit", "--quiet", "-am", "no lock yet")
    (repo / "requirements.lock").write_text("pulumi-gcp==9.1.0\n")
    diffs = diff_against_git("HEAD", repo)
    assert {n: (d.status, d.dependencies) for n, d in diffs.items()} == {
        "aws-dev": ("changed", ["requirements.lock"]),
        "gcp-prod": ("changed", ["requirements.lock"]),
    }
