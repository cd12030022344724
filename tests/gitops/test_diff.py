"""`skyfleet diff` on real git history: a copy of this project in a temporary repository,
previewed at a commit and in a modified working tree.

An image bump in the working tree is compared with the base commit, over every stack (two
previews of all stacks). Then, through the whole `main_diff` command (a git worktree of the base
commit, both previews, JSON and Markdown out), one commit that changes one stack's config and
adds a stack, on a clone cut down to two stacks to keep it quick; its third stack shows that
a stack nothing touched is reported unchanged.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from git_repo import git

from skyfleet.analysis.diff import (
    Snapshot,
    StackDiff,
    diff_snapshots,
    main_diff,
    snapshot_ref,
    snapshot_worktree,
)

ROOT = Path(__file__).resolve().parents[2]
# What the program needs; tests, docs, CI and generated output stay behind.
IGNORED = shutil.ignore_patterns(
    ".git",
    ".github",
    ".venv",
    "out",
    "tests",
    "docs",
    "benchmarks",
    "bench-out",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gitops") / "project"
    shutil.copytree(ROOT, path, ignore=IGNORED)
    git(path, "init", "--quiet")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "base")
    return path


@pytest.fixture(scope="module")
def base(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    snapshot = snapshot_ref(repo, "HEAD", tmp_path_factory.mktemp("base-out"))
    assert not snapshot.unknown, snapshot.unknown
    return snapshot


@pytest.fixture
def worktree(repo: Path) -> Iterator[Path]:
    """The repository's working tree, put back to the base commit after the scenario."""
    commit = git(repo, "rev-parse", "HEAD").strip()
    yield repo
    git(repo, "reset", "--quiet", "--hard", commit)
    git(repo, "clean", "--quiet", "-fdx", "stacks")


def stacks(repo: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (repo / "stacks").glob("Pulumi.*.yaml"))


def head_diff(repo: Path, base: Snapshot, out: Path) -> dict[str, StackDiff]:
    return diff_snapshots(base, snapshot_worktree(repo, out))


def plan_of(snapshot: Snapshot, stack: str) -> dict[str, Any]:
    assert snapshot.out_dir is not None
    return json.loads((snapshot.out_dir / stack / "plan.json").read_text())


def test_there_are_stacks_to_diff(repo: Path) -> None:
    assert len(stacks(repo)) >= 2


def _first_service(repo: Path) -> tuple[str, str]:
    services = yaml.safe_load((repo / "stacks" / "workloads.yaml").read_text())["services"]
    name = sorted(services)[0]
    return name, str(services[name]["image"])


# What an image bump may touch in the Deployment besides the image: the version label the
# program derives from the image tag. A checksum annotation, say, must not change.
IMAGE_PATHS = re.compile(r"(containers\[\d+\]\.image|labels\[\"app\.kubernetes\.io/version\"\])$")


def test_an_image_bump_changes_exactly_that_services_deployments(
    worktree: Path, base: Snapshot, tmp_path: Path
) -> None:
    service, image = _first_service(worktree)
    workloads = worktree / "stacks" / "workloads.yaml"
    text = workloads.read_text()
    assert text.count(f"image: {image}") == 1, "the image appears once in workloads.yaml"
    workloads.write_text(text.replace(f"image: {image}", f"image: {image}-bumped"))

    diffs = head_diff(worktree, base, tmp_path / "head")
    assert list(diffs) == stacks(worktree)
    for stack, diff in diffs.items():
        assert diff.status == "changed", stack
        assert (diff.added, diff.removed, diff.outputs, diff.config) == ([], [], [], []), stack
        assert diff.changed, stack
        types = {r["urn"]: r["type"] for r in plan_of(base, stack)["resources"]}
        for urn, paths in diff.changed.items():
            # That service's Deployment (one per cluster), nothing else: no ConfigMap, no other
            # service, no checksum annotation.
            assert types[urn] == "kubernetes:apps/v1:Deployment", (stack, urn, paths)
            assert urn.rsplit("::", 1)[-1].endswith(service), (stack, urn)
            assert all(IMAGE_PATHS.search(p) for p in paths), (stack, urn, paths)
            assert any(p.endswith(".image") for p in paths), (stack, urn, paths)
        for path, status in diff.files.items():
            assert status == "changed", (stack, path)
            assert re.search(rf"^manifests/.*/deployment-{service}\.yaml$", path, re.I), (
                stack,
                path,
            )


@dataclass
class Combined:
    """One commit that changes one stack's config and adds a stack, run through `main_diff`."""

    repo: Path
    document: dict[str, Any]
    summary: str
    printed: str
    config_stack: str
    new_stack: str


@pytest.fixture(scope="module")
def combined(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Combined:
    tmp = tmp_path_factory.mktemp("combined")
    clone = tmp / "clone"
    git(tmp, "clone", "--quiet", str(repo), str(clone))
    # Two stacks are enough here (the image bump covers every stack): one with a cloud
    # cluster, whose config changes, and the cheapest other one, which stays as it is.
    names = stacks(clone)
    clouds = {n: _first_cluster(clone, n)[2].get("cloud") for n in names}
    config_stack = next(n for n in names if clouds[n] != "existing")
    untouched = next((n for n in names if clouds[n] == "existing"), None) or next(n for n in names if n != config_stack)
    for name in set(names) - {config_stack, untouched}:
        git(clone, "rm", "--quiet", f"stacks/Pulumi.{name}.yaml")
    git(clone, "commit", "--quiet", "-m", "two stacks")

    # One more tag on every cloud resource of one stack.
    path = clone / "stacks" / f"Pulumi.{config_stack}.yaml"
    document = yaml.safe_load(path.read_text())
    key, cluster, settings = _first_cluster(clone, config_stack)
    settings["tags"] = {**(settings.get("tags") or {}), "costCenter": "gitops-test"}
    document["config"][key][cluster] = settings
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    # A new stack: a copy of the other stack's config.
    new_stack = f"{untouched}-copy"
    shutil.copy(path.with_name(f"Pulumi.{untouched}.yaml"), path.with_name(f"Pulumi.{new_stack}.yaml"))
    git(clone, "add", "stacks")
    git(clone, "commit", "--quiet", "-m", "one config changed, one stack added")

    json_out, summary = tmp / "changed.json", tmp / "summary.md"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main_diff("HEAD~1", clone, json_out, summary_out=summary) == 0
    return Combined(
        clone,
        json.loads(json_out.read_text()),
        summary.read_text(),
        printed.getvalue(),
        config_stack,
        new_stack,
    )


def _first_cluster(repo: Path, stack: str) -> tuple[str, str, dict[str, Any]]:
    """(clusters key, first cluster's name, its settings) in a stack's config file."""
    config = yaml.safe_load((repo / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    key = next(k for k in config if k.endswith("clusters"))
    cluster = sorted(config[key])[0]
    return key, cluster, dict(config[key][cluster])


def test_nothing_changed_means_unchanged(combined: Combined) -> None:
    untouched = set(stacks(combined.repo)) - {combined.config_stack, combined.new_stack}
    assert sorted(combined.document["unchanged"]) == sorted(untouched)
    for stack in untouched:
        assert combined.document["stacks"][stack] == {
            "status": "unchanged",
            "added": [],
            "removed": [],
            "changed": {},
        }, "two previews of one stack differ: the preview is not deterministic"


def test_a_config_change_changes_only_that_stack(combined: Combined) -> None:
    diff = combined.document["stacks"][combined.config_stack]
    assert diff["status"] == "changed"
    assert diff["config"] == ["config.skyfleet:clusters"]
    assert diff["added"] == diff["removed"] == []
    assert diff["changed"], "the new tag reaches the cloud resources"
    for urn, paths in diff["changed"].items():
        assert all(re.search(r"tags|labels", p, re.I) for p in paths), (urn, paths)
    assert combined.config_stack in combined.document["changed"]


def test_a_new_stack_is_added(combined: Combined) -> None:
    new = combined.new_stack
    assert combined.document["changed"] == sorted([combined.config_stack, new])
    assert combined.document["stacks"][new]["status"] == "added"
    assert combined.document["stacks"][new]["added"], "an added stack lists its resources"
    legs = {e["stack"]: e for e in combined.document["matrix"]["all"]["include"]}
    # A copy of a stack CI must never run (`local`) is left out of the matrix like the original.
    assert set(legs) | set(combined.document["ci_excluded"]) == {combined.config_stack, new}
    assert not set(legs) & set(combined.document["ci_excluded"])
    assert f"| `{new}` | added |" in combined.summary
    assert new in combined.printed


def test_the_base_worktree_is_removed(combined: Combined) -> None:
    assert git(combined.repo, "worktree", "list").count("\n") == 1
