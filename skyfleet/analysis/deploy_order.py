"""`skyfleet deploy-order`: refuse to deploy a commit older than the one a stack last deployed.

Per-stack concurrency serialises jobs, not commits: a re-run of an old workflow run, or a run
that waited longer for its approval than a newer one, would otherwise put older code over newer.
Pulumi records the commit of every update (`environment["git.head"]`, pulumi/pulumi
pkg/backend/updates.go `GitHead`); `pulumi stack history --json` lists them newest first. The
deploy may go ahead only when the checked-out commit contains the last successful update's
commit (the same commit again is fine: a retry).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

EXIT_OLDER_COMMIT = 5
GIT_HEAD = "git.head"


def last_deployed(history: Iterable[Mapping[str, Any]]) -> str | None:
    """The commit of the newest successful update in `pulumi stack history --json` output."""
    for update in history:
        if update.get("kind") == "update" and update.get("result") == "succeeded":
            commit = (update.get("environment") or {}).get(GIT_HEAD)
            if commit:
                return str(commit)
    return None


def _git(repo_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo_dir, capture_output=True, text=True, check=False)


def check_order(repo_dir: Path, last: str | None, head: str = "HEAD") -> tuple[int, str]:
    """(exit code, message): 0 when `head` contains `last` (or nothing was deployed yet)."""
    if not last:
        return 0, "no earlier update recorded a commit: nothing to compare with"
    if _git(repo_dir, "cat-file", "-e", f"{last}^{{commit}}").returncode != 0:
        return EXIT_OLDER_COMMIT, (
            f"refusing to deploy: the stack was last deployed from {last}, which is not in this "
            "repository's history (fetch the full history, or that commit was rewritten away)"
        )
    if _git(repo_dir, "merge-base", "--is-ancestor", last, head).returncode != 0:
        return EXIT_OLDER_COMMIT, (
            f"refusing to deploy: the stack was last deployed from {last[:12]}, which {head} does "
            "not contain; deploying would go back in time. Deploy the newest main instead."
        )
    return 0, f"{head} contains the last deployed commit {last[:12]}"


def main_deploy_order(repo_dir: Path, history_file: Path) -> int:
    history = json.loads(history_file.read_text() or "[]")
    code, message = check_order(repo_dir, last_deployed(history if isinstance(history, list) else []))
    print(message, file=sys.stderr if code else sys.stdout)
    return code
