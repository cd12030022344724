"""`skyfleet rollback` on real git history: a temporary repository holding the stack program, a
two-wave stack and `stacks/workloads.yaml` at v1 then v2. The previews are real (the shipped
program under the preview's mocks); only `pulumi` is a stand-in on PATH that records what it was
asked to deploy, and from which files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from git_repo import git

ROOT = Path(__file__).resolve().parents[2]
STACK = """\
config:
  skyfleet:environment: dev
  skyfleet:clusters:
    canary:
      cloud: existing
      existing: {kubeconfig: ~/.kube/config, context: canary}
    main:
      cloud: existing
      existing: {kubeconfig: ~/.kube/config, context: main}
  skyfleet:waves: [[canary], [main]]
  skyfleet:deployer: {network: workstation, ci: false}
  skyfleet:secrets:
    apiDatabasePassword:
      secure: v1:c2t5ZmxlZXQtcHJldmlldy1wbGFjZWhvbGRlcg==
"""
V1_IMAGE, V2_IMAGE = "ghcr.io/skyfleet/api:1.4.2", "ghcr.io/skyfleet/api:1.5.0"
# A stand-in `pulumi`: appends one JSON line per call (its arguments and the service definitions
# in the folder it runs in) and exits with FAKE_PULUMI_PREVIEW_EXIT for `pulumi preview`.
FAKE_PULUMI = """\
#!{python}
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
tree = Path(args[args.index("--cwd") + 1])
with open({record!r}, "a") as record:
    record.write(json.dumps({{"argv": args, "workloads": (tree / "stacks/workloads.yaml").read_text()}}) + "\\n")
sys.exit(int(os.environ.get("FAKE_PULUMI_PREVIEW_EXIT", "0")) if args[0] == "preview" else 0)
"""


def _workloads(image: str, replicas: int) -> str:
    text = (ROOT / "stacks" / "workloads.yaml").read_text()
    assert "image: ghcr.io/skyfleet/api:1.4.2" in text and "replicas: 3" in text
    return text.replace("image: ghcr.io/skyfleet/api:1.4.2", f"image: {image}").replace(
        "replicas: 3", f"replicas: {replicas}")


def _commit(repo: Path, message: str) -> str:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def _project(tmp_path: Path) -> Path:
    """A new repository holding the stack program and the two-wave stack, nothing committed."""
    path = tmp_path / "repo"
    (path / "stacks").mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", path)
    shutil.copy(ROOT / "__main__.py", path)
    (path / "stacks" / "Pulumi.fleet.yaml").write_text(STACK)
    git(path, "init", "--quiet")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str, str]:
    """The repository, its v1 commit and its v2 commit (HEAD)."""
    path = _project(tmp_path)
    (path / "stacks" / "workloads.yaml").write_text(_workloads(V1_IMAGE, 3))
    v1 = _commit(path, "v1 of the services")
    (path / "stacks" / "workloads.yaml").write_text(_workloads(V2_IMAGE, 5))
    v2 = _commit(path, "v2 of the services")
    return path, v1, v2


def rollback(repo: Path, *args: str, fake_bin: Path | None = None,
             preview_exit: int = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), FAKE_PULUMI_PREVIEW_EXIT=str(preview_exit))
    if fake_bin is not None:
        env["PATH"] = f"{fake_bin}{os.pathsep}{env['PATH']}"
    return subprocess.run([sys.executable, "-m", "skyfleet", "--project", str(repo), "rollback", *args],
                          cwd=repo, env=env, capture_output=True, text=True, check=False)


def _fake_pulumi(tmp_path: Path) -> tuple[Path, Path]:
    bin_dir, record = tmp_path / "bin", tmp_path / "pulumi-call.json"
    bin_dir.mkdir()
    script = bin_dir / "pulumi"
    script.write_text(textwrap.dedent(FAKE_PULUMI.format(python=sys.executable, record=str(record))))
    script.chmod(0o755)
    return bin_dir, record


def _calls(record: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in record.read_text().splitlines()]


def _untouched(repo: Path) -> None:
    assert git(repo, "status", "--porcelain") == ""
    assert V2_IMAGE in (repo / "stacks" / "workloads.yaml").read_text()
    assert len(git(repo, "worktree", "list").splitlines()) == 1, "the temporary worktree is left behind"


def test_rollback_previews_the_earlier_commits_image_and_replicas_wave_by_wave(repo, tmp_path: Path) -> None:
    path, v1, _ = repo
    bin_dir, record = _fake_pulumi(tmp_path)
    done = rollback(path, "--stack", "fleet", "--to", v1, fake_bin=bin_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    wave1, wave2 = out.index("wave 1 (canary): 1 service resource(s) change"), out.index("wave 2 (main): 1 service")
    assert wave1 < out.index("~ kubernetes:apps/v1:Deployment::canary-api") < wave2
    assert wave2 < out.index("~ kubernetes:apps/v1:Deployment::main-api")
    assert f"containers[0].image: {V2_IMAGE} -> {V1_IMAGE}" in out
    assert "inputs.spec.replicas: 5 -> 3" in out
    assert "policy: 0 mandatory" in out  # the policy pack ran on the rolled-back plan
    assert not record.exists(), "deployed without --yes"
    _untouched(path)


def test_rollback_yes_deploys_the_earlier_service_definitions_with_the_policy_pack(repo, tmp_path: Path) -> None:
    path, _, _ = repo
    bin_dir, record = _fake_pulumi(tmp_path)
    done = rollback(path, "--stack", "fleet", "--to", "HEAD~1", "--yes", "--stack-name", "acme/fleet",
                    fake_bin=bin_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    [_, call] = _calls(record)
    assert call["argv"][:3] == ["up", "--stack", "acme/fleet"]
    assert call["argv"][call["argv"].index("--policy-pack") + 1] == str(path / "policies")
    assert {"--yes", "--non-interactive"} <= set(call["argv"])
    assert f"image: {V1_IMAGE}" in call["workloads"] and "replicas: 3" in call["workloads"]
    assert V2_IMAGE not in call["workloads"]
    _untouched(path)


def test_rollback_yes_previews_the_live_stack_with_diff_before_pulumi_up(repo, tmp_path: Path) -> None:
    path, _, _ = repo
    bin_dir, record = _fake_pulumi(tmp_path)
    done = rollback(path, "--stack", "fleet", "--to", "HEAD~1", "--yes", "--stack-name", "acme/fleet",
                    fake_bin=bin_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    preview, up = _calls(record)
    assert preview["argv"][:2] == ["preview", "--diff"] and up["argv"][0] == "up"
    assert preview["argv"][preview["argv"].index("--stack") + 1] == "acme/fleet"
    assert preview["argv"][preview["argv"].index("--policy-pack") + 1] == str(path / "policies")
    assert "--yes" not in preview["argv"]
    assert preview["workloads"] == up["workloads"], "the live preview ran on other service definitions"


def test_a_failing_live_preview_stops_the_rollback_before_pulumi_up(repo, tmp_path: Path) -> None:
    path, _, _ = repo
    bin_dir, record = _fake_pulumi(tmp_path)
    done = rollback(path, "--stack", "fleet", "--to", "HEAD~1", "--yes", fake_bin=bin_dir, preview_exit=255)
    assert done.returncode == 1, done.stdout + done.stderr
    assert [call["argv"][0] for call in _calls(record)] == ["preview"]
    assert "the live preview of fleet failed (exit 255); nothing was deployed" in done.stderr
    assert "rolled back" not in done.stdout
    _untouched(path)


@pytest.mark.parametrize("deploy", [False, True], ids=["preview-only", "yes"])
def test_rollback_says_it_is_a_stop_gap_until_main_has_the_revert(repo, tmp_path: Path, deploy: bool) -> None:
    """main keeps the newer services, and deploy.yml deploys every stack from main weekly: the
    output must say the revert belongs on main before the next deploy, the scheduled one too."""
    path, _, _ = repo
    bin_dir, _ = _fake_pulumi(tmp_path)
    done = rollback(path, "--stack", "fleet", "--to", "HEAD~1", *(["--yes"] if deploy else []), fake_bin=bin_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert "a rollback is a stop-gap" in said
    assert "including the weekly scheduled deploy of every stack" in said
    assert "Commit the revert to main before it (`git revert`" in said


def test_a_rollback_to_the_current_services_deploys_nothing(repo, tmp_path: Path) -> None:
    path, _, v2 = repo
    bin_dir, record = _fake_pulumi(tmp_path)
    done = rollback(path, "--stack", "fleet", "--to", v2, "--yes", fake_bin=bin_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing to roll back" in done.stdout
    assert not record.exists()


def _refused(done: subprocess.CompletedProcess[str], rule: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and rule in lines[0], done.stderr
    assert "rollback changes" not in done.stdout


def test_an_unknown_ref_is_refused(repo) -> None:
    path, _, _ = repo
    _refused(rollback(path, "--stack", "fleet", "--to", "no-such-tag"), "is not a commit of this repository")


def test_a_ref_without_the_service_definitions_is_refused(tmp_path: Path) -> None:
    path = _project(tmp_path)
    bare = _commit(path, "no services yet")
    (path / "stacks" / "workloads.yaml").write_text(_workloads(V1_IMAGE, 3))
    _commit(path, "services")
    _refused(rollback(path, "--stack", "fleet", "--to", bare), "stacks/workloads.yaml does not exist at")


def test_a_ref_that_is_not_an_earlier_commit_is_refused(repo) -> None:
    path, v1, _ = repo
    git(path, "checkout", "--quiet", "-b", "elsewhere", v1)
    (path / "stacks" / "workloads.yaml").write_text(_workloads("ghcr.io/skyfleet/api:9.9.9", 3))
    other = _commit(path, "a branch of its own")
    git(path, "checkout", "--quiet", "-")
    _refused(rollback(path, "--stack", "fleet", "--to", other), "is not an earlier commit of HEAD")


def test_uncommitted_service_definitions_are_refused(repo) -> None:
    path, v1, _ = repo
    (path / "stacks" / "workloads.yaml").write_text(_workloads("ghcr.io/skyfleet/api:1.6.0", 3))
    _refused(rollback(path, "--stack", "fleet", "--to", v1), "uncommitted changes to stacks/workloads.yaml")


def test_an_unknown_stack_is_refused(repo) -> None:
    path, v1, _ = repo
    _refused(rollback(path, "--stack", "nope", "--to", v1), "no stacks/Pulumi.nope.yaml")


def test_an_argocd_stack_is_refused(repo) -> None:
    path, v1, _ = repo
    (path / "stacks" / "Pulumi.fleet.yaml").write_text(STACK + "  skyfleet:delivery: argocd\n")
    _commit(path, "delivered by Argo CD")
    _refused(rollback(path, "--stack", "fleet", "--to", v1), "skyfleet:delivery is argocd")


def test_service_definitions_the_preview_rejects_are_never_deployed(tmp_path: Path) -> None:
    """The rolled-back definitions go through the same checks as any deploy: here an image on
    `latest` (refused before any resource), so `pulumi up` is never called."""
    path = _project(tmp_path)
    (path / "stacks" / "workloads.yaml").write_text(_workloads("ghcr.io/skyfleet/api:latest", 3))
    bad = _commit(path, "an unpinned image")
    (path / "stacks" / "workloads.yaml").write_text(_workloads(V2_IMAGE, 5))
    _commit(path, "pinned")
    bin_dir, record = _fake_pulumi(tmp_path)
    done = rollback(path, "--stack", "fleet", "--to", bad, "--yes", fake_bin=bin_dir)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "must not use the 'latest' tag" in done.stderr
    assert f"the service definitions of {bad[:12]} do not pass the preview" in done.stderr
    assert not record.exists()
    _untouched(path)
