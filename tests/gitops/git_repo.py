"""Running git in a throwaway repository the way the diff tests need it: a fixed identity, no
system config, no signing, `main` as the first branch."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "skyfleet-test",
    "GIT_AUTHOR_EMAIL": "test@skyfleet.invalid",
    "GIT_COMMITTER_NAME": "skyfleet-test",
    "GIT_COMMITTER_EMAIL": "test@skyfleet.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    """`git <args>` in `repo`; its stdout (raises on failure)."""
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
