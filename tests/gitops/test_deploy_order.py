"""`skyfleet deploy-order`: a deploy never puts an older commit over the stack's last one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from skyfleet.analysis.deploy_order import EXIT_OLDER_COMMIT, check_order, last_deployed, main_deploy_order

IDENTITY = ("-c", "user.name=t", "-c", "user.email=t@skyfleet.invalid", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "--quiet")
    for message in ("first", "second"):
        (path / "file").write_text(message)
        git(path, "add", "file")
        git(path, "commit", "--quiet", "-m", message)
    return path


def _commit(repo: Path, ref: str) -> str:
    return git(repo, "rev-parse", ref).strip()


def _history(*updates: tuple[str, str, str | None]) -> list[dict[str, object]]:
    """`pulumi stack history --json`, newest first: (kind, result, git.head)."""
    return [{"kind": k, "result": r, "environment": {"git.head": c} if c else {}} for k, r, c in updates]


def test_the_last_successful_update_counts_not_a_failed_or_preview_one() -> None:
    history = _history(("update", "failed", "c3"), ("preview", "succeeded", "c2"), ("update", "succeeded", "c1"))
    assert last_deployed(history) == "c1"


def test_a_newer_commit_and_the_same_commit_may_deploy(repo: Path) -> None:
    assert check_order(repo, _commit(repo, "HEAD~1"))[0] == 0
    assert check_order(repo, _commit(repo, "HEAD"))[0] == 0
    assert check_order(repo, None)[0] == 0


def test_an_older_commit_is_refused(repo: Path) -> None:
    code, message = check_order(repo, _commit(repo, "HEAD"), head="HEAD~1")
    assert code == EXIT_OLDER_COMMIT
    assert "go back in time" in message


def test_a_diverged_or_unknown_last_commit_is_refused(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "-b", "other", "HEAD~1")
    (repo / "file").write_text("elsewhere")
    git(repo, "commit", "--quiet", "-am", "elsewhere")
    other = _commit(repo, "HEAD")
    git(repo, "checkout", "--quiet", "-")
    assert check_order(repo, other)[0] == EXIT_OLDER_COMMIT
    assert check_order(repo, "0123456789abcdef0123456789abcdef01234567")[0] == EXIT_OLDER_COMMIT


def test_the_command_reads_pulumi_stack_history_json(repo: Path, tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(json.dumps(_history(("update", "succeeded", _commit(repo, "HEAD")))))
    assert main_deploy_order(repo, history) == 0
    git(repo, "checkout", "--quiet", "HEAD~1")
    assert main_deploy_order(repo, history) == EXIT_OLDER_COMMIT
