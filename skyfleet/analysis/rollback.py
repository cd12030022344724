"""`skyfleet rollback --stack S --to REF [--yes]`: put a stack's services back as they were at REF.

What goes back is the *service definitions*: `SERVICE_FILES`, the files the stack program reads
its services from (`stacks/workloads.yaml`: images, replicas, config, probes of every service).
Everything else stays at HEAD: the code, the stack file (clusters, add-ons, waves, secrets,
policy config). Deploying REF's whole commit instead would also undo every later fix to the
clusters and the platform, which is what `skyfleet deploy-order` forbids in CI.

How, without touching the working tree:
1. Refuse, with one error naming the rule (exit 2), a ref that is no commit, no earlier commit of
   HEAD, or lacks a service file; a working tree with uncommitted changes (what is previewed and
   deployed is HEAD plus REF's service files, so local edits would be neither); an unknown stack;
   a `delivery: argocd` stack (Argo CD applies its services from Git: revert the commit).
2. Check out HEAD in a temporary `git worktree` and write REF's service files into it
   (`git show REF:path`); the project's `.venv` is linked in, as `Pulumi.yaml` names it.
3. Preview the stack twice, offline and for real (`skyfleet preview`: the same program, waves and
   policy pack as any deploy): as it is, and from the temporary tree; print what changes, wave by
   wave. A failing preview or a mandatory policy violation stops here with the preview's status.
4. With `--yes` only: `pulumi preview --diff` of that stack in the temporary tree against the
   live stack (`live_preview_command`), then, only if it succeeded, `pulumi up`
   (`deploy_command`); both through `Runner`, so each command line is one observable call. The
   offline previews of step 3 run under mocks, so they cannot see the live state (drift, a
   resource someone changed by hand, a provider that refuses); a separate live preview is the
   last point where that stops the rollback before anything changes, and it prints the real
   diff in its own step. (`pulumi up --diff --yes` also previews first, but the diff and the
   update are then one command: no output to read before the update, and nothing the tests can
   tell apart from the update.)

A rollback is a stop-gap: main still holds the newer service definitions, so the next deploy of
main, including the weekly scheduled one of every stack (deploy.yml), puts them back. Commit the
revert to main (`git revert`) before that.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from skyfleet.analysis.diff import diff_plans, resolve_commit, worktree
from skyfleet.analysis.waves import service_owners, stack_waves, wave_change_lines
from skyfleet.stack.settings import WORKLOADS_FILE

# Every file that defines the services a stack deploys (skyfleet/stack/settings.py reads them).
SERVICE_FILES = (WORKLOADS_FILE.as_posix(),)
REFUSED = 2  # exit status of a refused rollback (same as invalid input elsewhere)

Runner = Callable[[Sequence[str], Path], int]
"""Runs one command line in a folder and returns its exit status (the deploy step)."""


class RollbackRefused(Exception):
    """A rollback that must not run; the message names the rule."""


def run_command(argv: Sequence[str], cwd: Path) -> int:
    return subprocess.run(list(argv), cwd=cwd, check=False).returncode


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def check_request(project: Path, stack: str, ref: str) -> str:
    """The commit to take the service definitions from; raises RollbackRefused naming the rule."""
    if _git(project, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        raise RollbackRefused(f"{project} is not in a git repository: rollback reads the service definitions "
                              "of an earlier commit from git history")
    if not (project / "stacks" / f"Pulumi.{stack}.yaml").is_file():
        raise RollbackRefused(f"--stack {stack}: no stacks/Pulumi.{stack}.yaml: roll back a stack that exists")
    commit = resolve_commit(project, ref)
    if commit is None:
        raise RollbackRefused(f"--to {ref}: is not a commit of this repository (rule: the ref must name a commit)")
    if _git(project, "merge-base", "--is-ancestor", commit, "HEAD").returncode != 0:
        raise RollbackRefused(f"--to {ref}: {commit[:12]} is not an earlier commit of HEAD (rule: roll back "
                              "only to a commit the current one descends from)")
    prefix = _git(project, "rev-parse", "--show-prefix").stdout.strip()
    for path in SERVICE_FILES:
        if _git(project, "cat-file", "-e", f"{commit}:{prefix}{path}").returncode != 0:
            raise RollbackRefused(f"--to {ref}: {path} does not exist at {commit[:12]} (rule: the commit must "
                                  "have the service definitions to roll back to)")
    dirty = _git(project, "status", "--porcelain", "--", ".").stdout.splitlines()
    services = [line for line in dirty if line[3:] in SERVICE_FILES or line[3:].endswith(SERVICE_FILES)]
    tracked = [line for line in dirty if not line.startswith("??")]
    if services or tracked:
        names = ", ".join(sorted({line[3:] for line in services + tracked}))
        raise RollbackRefused(f"uncommitted changes to {names} (rule: the working tree must be clean: the "
                              "rollback deploys HEAD with the ref's service definitions, so these edits would "
                              "be overwritten on the stack); commit or stash them first")
    return commit


def _check_delivery(project: Path, stack: str) -> dict[str, Any]:
    from skyfleet.preview.stack_config import load_stack_config

    raw = load_stack_config(project, stack).raw
    if raw.get("skyfleet:delivery") == "argocd":
        raise RollbackRefused(f"--stack {stack}: skyfleet:delivery is argocd, so Argo CD applies its services from "
                              "Git, not `pulumi up` (rule: roll back an Argo CD stack by reverting the commit, "
                              "docs/gitops.md)")
    return raw


def write_service_files(project: Path, commit: str, tree: Path) -> None:
    """REF's service files over the temporary tree's (git show, byte for byte)."""
    prefix = _git(project, "rev-parse", "--show-prefix").stdout.strip()
    for path in SERVICE_FILES:
        shown = subprocess.run(["git", "show", f"{commit}:{prefix}{path}"], cwd=project, capture_output=True,
                               check=True)
        (tree / path).write_bytes(shown.stdout)


def live_preview_command(stack_name: str, tree: Path, policy_pack: Path) -> list[str]:
    """`pulumi preview --diff` of the stack from the temporary tree against its live state."""
    return ["pulumi", "preview", "--diff", "--stack", stack_name, "--cwd", str(tree), "--policy-pack",
            str(policy_pack), "--non-interactive"]


def deploy_command(stack_name: str, tree: Path, policy_pack: Path) -> list[str]:
    """`pulumi up` of the stack from the temporary tree, with the policy pack, unattended."""
    return ["pulumi", "up", "--stack", stack_name, "--cwd", str(tree), "--policy-pack", str(policy_pack),
            "--yes", "--non-interactive"]


STOP_GAP = ("a rollback is a stop-gap: main still has the newer services, so the next deploy of main, "
            "including the weekly scheduled deploy of every stack (deploy.yml), brings them back. Commit the "
            "revert to main before it (`git revert` the change, or commit {files} of {commit})")


def _preview(project: Path, stack: str, out: Path, *, quiet: bool) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "skyfleet", "--project", str(project), "preview", "--stack", stack, "--out", str(out)]
    return subprocess.Popen([*argv, *(["--quiet"] if quiet else [])], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def changes(current: dict[str, Any], rolled: dict[str, Any], raw_config: dict[str, Any]) -> tuple[int, list[str]]:
    """How many resources the rollback changes, and the lines saying which, wave by wave."""
    diff = diff_plans(current, rolled)
    before = {r["urn"]: r for r in current["resources"]}
    after = {r["urn"]: r for r in rolled["resources"]}
    shown = {urn: [_with_values(path, before[urn], after[urn]) for path in paths]
             for urn, paths in diff.changed.items()}
    waves = stack_waves(raw_config)
    clusters = [c for wave in waves for c in wave]
    owners = service_owners(current["resources"], clusters) | service_owners(rolled["resources"], clusters)
    lines = wave_change_lines(waves, owners, added=diff.added, removed=diff.removed, changed=shown)
    return len(diff.added) + len(diff.removed) + len(diff.changed), lines


_STEP = re.compile(r'\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def _at(resource: Any, path: str) -> Any:
    """The value at a `value_paths` path (`inputs.spec.containers[0].image`), or None."""
    value = resource
    for name, index, quoted in _STEP.findall(path):
        key: Any = name or (int(index) if index else json.loads(quoted))
        found = (isinstance(value, dict) and isinstance(key, str) and key in value) or (
            isinstance(value, list) and isinstance(key, int) and key < len(value))
        if not found:
            return None
        value = value[key]
    return value


def _with_values(path: str, now: Any, then: Any) -> str:
    """`path: now -> then` where both sides are plain values (an image, a replica count)."""
    a, b = _at(now, path), _at(then, path)
    scalar = (str, int, float, bool)
    return f"{path}: {a} -> {b}" if isinstance(a, scalar) and isinstance(b, scalar) else path


def main_rollback(project: Path, stack: str, ref: str, *, yes: bool = False, stack_name: str | None = None,
                  runner: Runner = run_command) -> int:
    """`skyfleet rollback`: previews, prints the change per wave and, with `yes`, deploys."""
    try:
        commit = check_request(project, stack, ref)
        raw = _check_delivery(project, stack)
        if yes and runner is run_command and shutil.which("pulumi") is None:
            raise RollbackRefused("--yes: no `pulumi` on PATH (rule: the deploy is `pulumi up`; preview without --yes)")
    except RollbackRefused as exc:
        print(f"error: rollback refused: {exc}", file=sys.stderr)
        return REFUSED
    print(f"rollback {stack}: the service definitions ({', '.join(SERVICE_FILES)}) of {commit[:12]} ({ref}), "
          "with HEAD's code and stack config")
    with worktree(project, "HEAD") as root, tempfile.TemporaryDirectory(prefix="skyfleet-rollback-") as tmp:
        prefix = _git(project, "rev-parse", "--show-prefix").stdout.strip()
        tree = root / prefix if prefix else root
        write_service_files(project, commit, tree)
        if (project / ".venv").exists():
            (tree / ".venv").symlink_to((project / ".venv").resolve())
        now, then = Path(tmp) / "current", Path(tmp) / "rollback"
        running = _preview(project, stack, now, quiet=True), _preview(tree, stack, then, quiet=False)
        (_, current_err), (rolled_out, rolled_err) = (p.communicate() for p in running)
        current_code, rolled_code = (p.returncode for p in running)
        sys.stdout.write(rolled_out)
        if current_code not in (0, 3):
            print(f"error: the stack as it is does not preview (exit {current_code}):\n{current_err}", file=sys.stderr)
            return current_code
        if rolled_code != 0:
            print(f"{rolled_err}error: the service definitions of {commit[:12]} do not pass the preview "
                  f"(exit {rolled_code}); nothing was deployed", file=sys.stderr)
            return rolled_code
        count, lines = changes(json.loads((now / stack / "plan.json").read_text()),
                               json.loads((then / stack / "plan.json").read_text()), raw)
        print(f"\nwhat the rollback changes on {stack}, wave by wave ({count} resources):")
        print("\n".join(f"  {line}" for line in lines))
        if count == 0:
            print(f"nothing to roll back: the services of {commit[:12]} are the ones of HEAD")
            return 0
        stop_gap = STOP_GAP.format(files=", ".join(SERVICE_FILES), commit=commit[:12])
        live = live_preview_command(stack_name or stack, tree, project / "policies")
        command = deploy_command(stack_name or stack, tree, project / "policies")
        if not yes:
            print(f"\npreview only; to deploy it run again with --yes ({' '.join(live[:3])}, then "
                  f"{' '.join(command[:2])}). Note: {stop_gap}")
            return 0
        print(f"\n$ {' '.join(live)}", flush=True)
        if (code := runner(live, tree)) != 0:
            print(f"error: the live preview of {stack} failed (exit {code}); nothing was deployed", file=sys.stderr)
            return 1
        print(f"\n$ {' '.join(command)}", flush=True)
        code = runner(command, tree)
        if code == 0:
            print(f"rolled back. Now, {stop_gap}.")
        return 1 if code else 0
