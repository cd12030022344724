"""Which stacks a change touches, and how: two offline previews compared resource by resource.

`skyfleet diff --base REF` previews every stack twice, at REF with REF's own code (in a detached
`git worktree`) and at the working tree, then compares the two `plan.json` files of each stack by
URN. CI uses the result as a build matrix, so a pull request previews, and a merge deploys, only
the stacks whose resources, stack outputs, rendered manifests or config actually change.

Comparison rules:
- A resource is identified by its URN. A URN only in the head plan is *added*, only in the base
  plan *removed* (a rename or re-parent is both, as it is for `pulumi up`).
- For a resource in both, the fields `pulumi up` acts on are compared: `inputs`, `protect`,
  `provider`, `dependencies` (as a set) and `options` (absent and empty are the same). Each
  difference is reported as a path: `inputs.spec.template.spec.containers[0].image`; keys that
  are not plain identifiers are quoted: `inputs.metadata.annotations["checksum/config"]`.
- Secret values are "[secret]" on both sides, so a rotated secret only shows as a change of the
  stack's config file (`config.skyfleet:secrets`), which `diff_against_git` also compares.
- When the base cannot be previewed (the ref does not exist, or its code fails), the stack is
  *unknown* and counted as changed: CI then deploys too much rather than too little.
- A change of the Python dependencies (`pyproject.toml`, `requirements.lock`) changes every
  stack: both previews run with the head's installed packages, so a provider bump shows in no
  plan, yet `pulumi up` runs the new provider against every stack.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from components.cluster.clouds import SPECS
from skyfleet.analysis import cluster_guard
from skyfleet.analysis.stack_waves import plan_stack_waves, stack_environment, stack_wave
from skyfleet.stack.deployer import deployer_of

Status = Literal["added", "removed", "changed", "unchanged", "unknown"]

# The per-resource fields a deployment acts on; `type`, `name` and `parent` are part of the URN.
COMPARED_FIELDS = ("inputs", "protect", "provider", "dependencies", "options")
# Rendered output compared file by file besides plan.json.
# gitops/: what a `delivery: argocd` stack has Argo CD apply from Git (`skyfleet render`).
FILE_DIRS = ("manifests", "helm", "gitops")
NULL_REF = re.compile(r"^0+$")  # `github.event.before` of a branch's first push
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# What every stack runs with: the providers and their versions (see the module docstring).
DEPENDENCY_FILES = ("pyproject.toml", "requirements.lock")


class DiffError(RuntimeError):
    """The head (working tree) could not be previewed, so nothing can be said."""


@dataclass
class StackDiff:
    """How one stack differs between the base and the head."""

    stack: str
    status: Status
    added: list[str] = field(default_factory=list)  # URNs
    removed: list[str] = field(default_factory=list)  # URNs
    changed: dict[str, list[str]] = field(default_factory=dict)  # URN -> differing field paths
    outputs: list[str] = field(default_factory=list)  # stack output paths that differ
    files: dict[str, str] = field(default_factory=dict)  # rendered file -> added/removed/changed
    config: list[str] = field(default_factory=list)  # config keys that differ
    dependencies: list[str] = field(default_factory=list)  # DEPENDENCY_FILES that differ
    note: str = ""
    cost: dict[str, Any] | None = None  # skyfleet.analysis.cost.cost_change: before -> after
    waves: list[str] = field(default_factory=list)  # the changes wave by wave (skyfleet:waves)

    @property
    def is_changed(self) -> bool:
        """Whether CI must preview / deploy this stack (a removed stack has nothing to deploy)."""
        return self.status in ("added", "changed", "unknown")

    def has_differences(self) -> bool:
        return bool(
            self.added or self.removed or self.changed or self.outputs or self.files or self.config
            or self.dependencies
        )

    def settle(self) -> StackDiff:
        """Derives `changed`/`unchanged` from the differences found (other statuses are kept)."""
        if self.status in ("changed", "unchanged"):
            self.status = "changed" if self.has_differences() else "unchanged"
        return self

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": {urn: list(paths) for urn, paths in self.changed.items()},
        }
        if self.outputs:
            data["outputs"] = list(self.outputs)
        if self.files:
            data["files"] = dict(self.files)
        if self.config:
            data["config"] = list(self.config)
        if self.dependencies:
            data["dependencies"] = list(self.dependencies)
        if self.note:
            data["note"] = self.note
        if self.cost:
            data["cost"] = self.cost
        return data


# --- comparing values ---------------------------------------------------------------------------


def _key_path(prefix: str, key: str) -> str:
    if _IDENTIFIER.match(key):
        return f"{prefix}.{key}" if prefix else key
    return f"{prefix}[{json.dumps(key)}]"


def value_paths(base: Any, head: Any, prefix: str = "") -> list[str]:
    """The paths at which two JSON values differ, the shallowest path that explains each change.

    Mappings compare key by key (a missing key is a difference at that key), lists index by
    index (extra items are differences at their index), anything else by equality.
    """
    if isinstance(base, dict) and isinstance(head, dict):
        paths: list[str] = []
        for key in sorted(set(base) | set(head)):
            child = _key_path(prefix, key)
            if key not in base or key not in head:
                paths.append(child)
            else:
                paths.extend(value_paths(base[key], head[key], child))
        return paths
    if isinstance(base, list) and isinstance(head, list):
        paths = []
        for index in range(max(len(base), len(head))):
            child = f"{prefix}[{index}]"
            if index >= len(base) or index >= len(head):
                paths.append(child)
            else:
                paths.extend(value_paths(base[index], head[index], child))
        return paths
    if type(base) is not type(head) or base != head:
        return [prefix]
    return []


def resource_paths(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[str]:
    """The differing field paths of one resource present in both plans."""
    paths: list[str] = []
    for name in COMPARED_FIELDS:
        before, after = base.get(name), head.get(name)
        if name == "dependencies":
            if sorted(set(before or [])) != sorted(set(after or [])):
                paths.append(name)
        elif name == "options":
            paths.extend(value_paths(before or {}, after or {}, name))
        else:
            paths.extend(value_paths(before, after, name))
    return paths


# --- comparing plans ----------------------------------------------------------------------------


def _resources(plan: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {r["urn"]: r for r in plan.get("resources") or []}


def _stack_name(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> str:
    for plan in (head, base):
        if plan and plan.get("stack"):
            return str(plan["stack"])
    return ""


def diff_plans(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> StackDiff:
    """Compares two plan.json documents of one stack; `None` means the stack does not exist."""
    stack = _stack_name(base, head)
    if base is None and head is None:
        raise ValueError("diff_plans needs at least one plan")
    if base is None:
        assert head is not None
        return StackDiff(stack, "added", added=sorted(_resources(head)))
    if head is None:
        return StackDiff(stack, "removed", removed=sorted(_resources(base)))
    before, after = _resources(base), _resources(head)
    changed: dict[str, list[str]] = {}
    for urn in sorted(set(before) & set(after)):
        paths = resource_paths(before[urn], after[urn])
        if paths:
            changed[urn] = paths
    return StackDiff(
        stack,
        "changed",
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=changed,
        outputs=value_paths(base.get("outputs") or {}, head.get("outputs") or {}, "outputs"),
    ).settle()


def _file_digests(stack_dir: Path) -> dict[str, str]:
    digests: dict[str, str] = {}
    for sub in FILE_DIRS:
        root = stack_dir / sub
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digests[path.relative_to(stack_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def diff_files(base_stack_dir: Path, head_stack_dir: Path) -> dict[str, str]:
    """Rendered manifests and Helm files that were added, removed or changed."""
    before, after = _file_digests(base_stack_dir), _file_digests(head_stack_dir)
    result: dict[str, str] = {}
    for path in sorted(set(before) | set(after)):
        if path not in before:
            result[path] = "added"
        elif path not in after:
            result[path] = "removed"
        elif before[path] != after[path]:
            result[path] = "changed"
    return result


def diff_dirs(base_dir: Path | None, head_dir: Path) -> dict[str, StackDiff]:
    """Compares two `skyfleet preview --all --out DIR` trees, stack by stack (sorted by name)."""
    base_plans, head_plans = cluster_guard.load_plans(base_dir), cluster_guard.load_plans(head_dir)
    result: dict[str, StackDiff] = {}
    for stack in sorted(set(base_plans) | set(head_plans)):
        diff = diff_plans(base_plans.get(stack), head_plans.get(stack))
        diff.stack = stack
        if base_dir is not None and stack in base_plans and stack in head_plans:
            diff.files = diff_files(base_dir / stack, head_dir / stack)
            diff.settle()
        result[stack] = diff
    return result


# --- stack facts for the CI matrix --------------------------------------------------------------


def _config_document(project_dir: Path, stack: str) -> dict[str, Any]:
    path = project_dir / "stacks" / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return {}
    document = yaml.safe_load(path.read_text()) or {}
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        return {}
    # Bare keys belong to the project's namespace, as the Pulumi CLI reads them.
    return {(k if ":" in str(k) else f"skyfleet:{k}"): v for k, v in config.items()}


def read_configs(project_dir: Path) -> dict[str, dict[str, Any]]:
    """Every stack's config (`stacks/Pulumi.<stack>.yaml`), keys fully qualified."""
    prefix, suffix = "Pulumi.", ".yaml"
    names = sorted(p.name[len(prefix) : -len(suffix)] for p in (project_dir / "stacks").glob("Pulumi.*.yaml"))
    return {name: _config_document(project_dir, name) for name in names}


def stack_clouds(stack: str, config: Mapping[str, Any] | None) -> list[str]:
    """The clouds a stack's clusters live in (credentials CI needs), else the name's prefix."""
    # Only clouds a deploy logs in to; a stack's name starts with its cloud's (aws-dev).
    logins = {name for name, spec in SPECS.items() if spec.needs_cloud_credentials}
    clusters = (config or {}).get("skyfleet:clusters")
    clouds: set[str] = set()
    if isinstance(clusters, dict):
        for cluster in clusters.values():
            cloud = cluster.get("cloud") if isinstance(cluster, dict) else None
            if cloud in logins:
                clouds.add(str(cloud))
    if not clouds:
        prefix = stack.split("-", 1)[0]
        if prefix in logins:
            clouds.add(prefix)
    return sorted(clouds)


def _config_paths(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> list[str]:
    """Top-level config keys whose values differ (a secret's ciphertext counts)."""
    before, after = base or {}, head or {}
    return [f"config.{key}" for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]


def matrix_entry(stack: str, config: Mapping[str, Any] | None) -> dict[str, Any]:
    """One CI leg: the stack, its GitHub environment class, the clouds it needs credentials for,
    and the runner its deployer names (`skyfleet:deployer.runner`)."""
    return {
        "stack": stack,
        "environment": stack_environment(stack, config),
        "clouds": " ".join(stack_clouds(stack, config)),
        "runner": deployer_of(config).runs_on,
    }


def to_json(diffs: Mapping[str, StackDiff], configs: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The `--json` document CI reads.

    `changed` lists the stacks to preview / deploy (added, changed or unknown), `unchanged` the
    rest that still exist, `removed` those whose config is gone (never destroyed automatically),
    `ci_excluded` the changed stacks whose deployer says `ci: false` (in no matrix).
    `matrix` holds ready-made GitHub matrices, each `{"include": [{"stack", "environment",
    "clouds", "runner"}]}`: `all`, `dev` (every non-prod stack), `prod` (every prod stack) and
    `preview` (the non-prod stacks an internet deployer runs: what a pull request may
    preview with its preview-only credentials, on a GitHub-hosted runner), and `waves`: wave
    number (a string) -> the matrix of that wave's changed stacks (deploy.yml runs one per job).
    """
    configs = configs or {}
    changed = [name for name, d in diffs.items() if d.is_changed]
    excluded = [name for name in changed if not deployer_of(configs.get(name)).ci]
    entries = [matrix_entry(name, configs.get(name)) for name in changed if name not in excluded]
    dev = [e for e in entries if e["environment"] != "prod"]
    prod = [e for e in entries if e["environment"] == "prod"]
    preview = [e for e in dev if deployer_of(configs.get(e["stack"])).network == "internet"]
    # One matrix per deploy wave (`skyfleet:wave`), every wave of the stacks present, changed or
    # not: a wave's job waits for every earlier wave's job (deploy.yml).
    waves: dict[str, dict[str, list[dict[str, Any]]]] = {
        str(w.number): {"include": []} for w in plan_stack_waves(configs)[0]}
    for entry in entries:
        number = str(stack_wave(configs.get(entry["stack"]), entry["environment"]))
        waves.setdefault(number, {"include": []})["include"].append(entry)
    return {
        "changed": changed,
        "unchanged": [name for name, d in diffs.items() if d.status == "unchanged"],
        "removed": [name for name, d in diffs.items() if d.status == "removed"],
        "ci_excluded": excluded,
        "stacks": {name: d.to_json() for name, d in diffs.items()},
        "matrix": {
            "all": {"include": entries},
            "dev": {"include": dev},
            "prod": {"include": prod},
            "preview": {"include": preview},
            "waves": waves,
        },
    }


# --- human output -------------------------------------------------------------------------------


def _counts(diff: StackDiff) -> tuple[int, int, int]:
    return len(diff.added), len(diff.removed), len(diff.changed)


def format_table(diffs: Mapping[str, StackDiff], *, details: bool = True) -> str:
    """A plain-text table, one row per stack, then the changed resources and their paths."""
    rows = [("STACK", "STATUS", "ADDED", "REMOVED", "CHANGED", "OTHER")]
    for name, d in diffs.items():
        added, removed, changed = _counts(d)
        other = ", ".join(
            part
            for part, present in (
                (f"{len(d.outputs)} outputs", d.outputs),
                (f"{len(d.files)} files", d.files),
                (f"{len(d.config)} config keys", d.config),
                ("dependencies", d.dependencies),
                (d.note, d.note),
            )
            if present
        )
        rows.append((name, d.status, str(added), str(removed), str(changed), other))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    if details:
        for name, d in diffs.items():
            if not d.has_differences():
                continue
            lines.append("")
            lines.append(f"{name}:")
            lines.extend(f"  + {urn}" for urn in d.added)
            lines.extend(f"  - {urn}" for urn in d.removed)
            for urn, paths in d.changed.items():
                lines.append(f"  ~ {urn}")
                lines.extend(f"      {path}" for path in paths)
            lines.extend(f"  ~ {path}" for path in d.outputs + d.config + d.dependencies)
            lines.extend(f"  {_FILE_MARK[s]} {path}" for path, s in d.files.items())
            if d.waves:
                lines.append("  by wave, in the order pulumi up reaches them:")
                lines.extend(f"    {line}" for line in d.waves)
            if d.cost:
                from skyfleet.analysis.cost import format_cost_change_text

                lines.extend(format_cost_change_text(name, d.cost))
    return "\n".join(lines) + "\n"


_FILE_MARK = {"added": "+", "removed": "-", "changed": "~"}


def format_markdown(diffs: Mapping[str, StackDiff]) -> str:
    """The same table for `$GITHUB_STEP_SUMMARY`, resource details folded per stack."""
    lines = [
        "| stack | status | added | removed | changed |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, d in diffs.items():
        added, removed, changed = _counts(d)
        note = f" ({d.note})" if d.note else ""
        lines.append(f"| `{name}` | {d.status}{note} | {added} | {removed} | {changed} |")
    for name, d in diffs.items():
        if not d.has_differences():
            continue
        body = format_table({name: d}).split("\n", 2)[2].strip("\n")
        lines += ["", f"<details><summary><code>{name}</code></summary>", "", "```", body, "```"]
        lines.append("</details>")
    from skyfleet.analysis.cost import format_cost_change_markdown

    costs = format_cost_change_markdown({name: d.cost for name, d in diffs.items() if d.cost})
    if costs:
        lines += ["", "### Cost change per month (estimate)", "", costs.rstrip("\n")]
    return "\n".join(lines) + "\n"


# --- previews at git revisions ------------------------------------------------------------------


def _git(repo_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo_dir, capture_output=True, text=True, check=False)


def resolve_commit(repo_dir: Path, ref: str) -> str | None:
    """The commit `ref` names, or None (empty, all-zero as on a branch's first push, unknown)."""
    if not ref or ref == "none" or NULL_REF.match(ref):
        return None
    done = _git(repo_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def run_preview(project_dir: Path, out_dir: Path) -> subprocess.CompletedProcess[str]:
    """`python -m skyfleet preview --all --out OUT`, `project_dir`'s own code first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(project_dir), env.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "skyfleet", "preview", "--all", "--out", str(out_dir)],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def worktree(repo_dir: Path, commit: str) -> Iterator[Path]:
    """A detached checkout of `commit` in a temporary directory, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="skyfleet-base-"))
    path = parent / "tree"
    done = _git(repo_dir, "worktree", "add", "--detach", str(path), commit)
    if done.returncode != 0:
        shutil.rmtree(parent, ignore_errors=True)
        raise DiffError(f"git worktree add {commit} failed: {done.stderr.strip()}")
    try:
        yield path
    finally:
        _git(repo_dir, "worktree", "remove", "--force", str(path))
        shutil.rmtree(parent, ignore_errors=True)
        _git(repo_dir, "worktree", "prune")


@dataclass
class Snapshot:
    """One side of a comparison: the preview output and the stack configs it was made from."""

    out_dir: Path | None
    configs: dict[str, dict[str, Any]]
    unknown: dict[str, str] = field(default_factory=dict)  # stack -> why it has no plan
    note: str = ""
    commit: str | None = None  # the base's commit (None for the working tree)


def snapshot_ref(repo_dir: Path, ref: str, out_dir: Path) -> Snapshot:
    """Previews every stack at `ref` with that commit's own code (never raises for the base)."""
    commit = resolve_commit(repo_dir, ref)
    if commit is None:
        return Snapshot(None, {}, note=f"base {ref or '(none)'} is not a commit here")
    # The project may sit in a subdirectory of the repository.
    prefix = _git(repo_dir, "rev-parse", "--show-prefix").stdout.strip()
    try:
        with worktree(repo_dir, commit) as tree:
            project = tree / prefix if prefix else tree
            configs = read_configs(project)
            done = run_preview(project, out_dir)
    except DiffError as exc:
        return Snapshot(None, {}, note=str(exc))
    # The exit code also reports policy and parity findings; a stack was previewed when its
    # plan.json was written (the output directory is fresh).
    plans = cluster_guard.load_plans(out_dir)
    reason = f"preview at {commit[:12]} failed"
    unknown = {stack: reason for stack in configs if stack not in plans}
    if unknown:
        print(f"warning: {reason}:\n{done.stderr.strip()[-2000:]}", file=sys.stderr)
    return Snapshot(out_dir, configs, unknown, commit=commit)


def snapshot_worktree(project_dir: Path, out_dir: Path, *, reuse: bool = False) -> Snapshot:
    """Previews every stack of the working tree (or reads `out_dir` as is, when `reuse`).

    Every stack must have a plan: a stack the change breaks is an error, not a difference.
    """
    stderr = ""
    if not reuse:
        stderr = run_preview(project_dir, out_dir).stderr
    configs = read_configs(project_dir)
    missing = sorted(set(configs) - set(cluster_guard.load_plans(out_dir)))
    if missing:
        raise DiffError(
            f"no plan for {', '.join(missing)} in {out_dir}: the working tree's preview failed"
            + (f":\n{stderr.strip()[-4000:]}" if stderr.strip() else "")
        )
    return Snapshot(out_dir, configs)


def dependency_changes(repo_dir: Path, commit: str | None) -> list[str]:
    """DEPENDENCY_FILES (of the project, which may sit in a subdirectory) whose content at
    `commit` differs from the working tree's, a file added or deleted included."""
    if commit is None:
        return []
    prefix = _git(repo_dir, "rev-parse", "--show-prefix").stdout.strip()
    changed = []
    for name in DEPENDENCY_FILES:
        before = _git(repo_dir, "show", f"{commit}:{prefix}{name}")
        path = repo_dir / name
        after = path.read_text() if path.is_file() else None
        if (before.stdout if before.returncode == 0 else None) != after:
            changed.append(name)
    return changed


def diff_snapshots(base: Snapshot, head: Snapshot, dependencies: Sequence[str] = ()) -> dict[str, StackDiff]:
    """Plans, rendered files and configs compared; stacks the base could not build are unknown;
    changed `dependencies` (DEPENDENCY_FILES) change every stack the base has."""
    assert head.out_dir is not None
    diffs = diff_dirs(base.out_dir, head.out_dir)
    head_plans = [s for s, d in diffs.items() if d.status != "removed"]
    for stack in sorted(set(base.configs) - set(diffs)):
        if stack not in head.configs:  # removed, and the base had no plan for it either
            diffs[stack] = StackDiff(stack, "removed", note=base.unknown.get(stack, ""))
    for stack in sorted(head_plans):
        diff = diffs[stack]
        if base.out_dir is None or stack in base.unknown:
            diffs[stack] = StackDiff(stack, "unknown", note=base.note or base.unknown.get(stack, "no base plan"))
            continue
        if diff.status != "added":
            diff.config = _config_paths(base.configs.get(stack), head.configs.get(stack))
            diff.dependencies = list(dependencies)
            diff.settle()
    _add_cost_changes(diffs, base, head)
    _add_wave_changes(diffs, base, head)
    return dict(sorted(diffs.items()))


def wave_changes(diff: StackDiff, base: Mapping[str, Any] | None, head: Mapping[str, Any],
                 config: Mapping[str, Any] | None) -> list[str]:
    """The stack's changes wave by wave (skyfleet.analysis.waves), for a fleet of two or more
    waves; [] otherwise."""
    from skyfleet.analysis.waves import service_owners, stack_waves, wave_change_lines

    waves = stack_waves(config or {})
    if len(waves) < 2 or not (diff.added or diff.removed or diff.changed):
        return []
    clusters = [c for wave in waves for c in wave]
    owners = service_owners((base or {}).get("resources") or [], clusters)
    owners |= service_owners(head.get("resources") or [], clusters)
    return wave_change_lines(waves, owners, added=diff.added, removed=diff.removed, changed=diff.changed)


def _add_wave_changes(diffs: Mapping[str, StackDiff], base: Snapshot, head: Snapshot) -> None:
    base_plans, head_plans = cluster_guard.load_plans(base.out_dir), cluster_guard.load_plans(head.out_dir)
    for stack, diff in diffs.items():
        if stack in head_plans and diff.status in ("added", "changed"):
            diff.waves = wave_changes(diff, base_plans.get(stack), head_plans[stack], head.configs.get(stack))


def _add_cost_changes(diffs: Mapping[str, StackDiff], base: Snapshot, head: Snapshot) -> None:
    """Each stack's estimate before and after, priced by the working tree's price tables."""
    from skyfleet.analysis.cost import cost_change

    base_plans, head_plans = cluster_guard.load_plans(base.out_dir), cluster_guard.load_plans(head.out_dir)
    for stack, diff in diffs.items():
        if diff.status != "unknown":
            diff.cost = cost_change(base_plans.get(stack), head_plans.get(stack),
                                    base.configs.get(stack), head.configs.get(stack))


def diff_against_git(base_ref: str, repo_dir: Path, *, head_out: Path | None = None) -> dict[str, StackDiff]:
    """Previews `base_ref` (with its own code) and the working tree, and compares every stack.

    `head_out`: an existing `skyfleet preview --all` output of the working tree to reuse
    (default: previewed afresh into a temporary directory).
    """
    return diff_and_guard(base_ref, repo_dir, head_out=head_out)[0]


def diff_and_guard(
    base_ref: str, repo_dir: Path, *, head_out: Path | None = None, ci: bool = False, allowed: bool = False
) -> tuple[dict[str, StackDiff], tuple[int, str]]:
    """`diff_against_git`, plus the cluster guard's verdict on replaced or deleted clusters
    (taken while both previews still exist)."""
    repo_dir = repo_dir.resolve()
    with tempfile.TemporaryDirectory(prefix="skyfleet-diff-") as tmp:
        base = snapshot_ref(repo_dir, base_ref, Path(tmp) / "base")
        if head_out is not None:
            head = snapshot_worktree(repo_dir, head_out, reuse=True)
        else:
            head = snapshot_worktree(repo_dir, Path(tmp) / "head")
        assert head.out_dir is not None
        verdict = cluster_guard.guard_dirs(base.out_dir, head.out_dir, ci=ci, allowed=allowed)
        return diff_snapshots(base, head, dependency_changes(repo_dir, base.commit)), verdict


def main_diff(
    base: str,
    repo_dir: Path,
    json_out: Path | None,
    *,
    summary_out: Path | None = None,
    head_out: Path | None = None,
    allow_cluster_replacement: bool = False,
) -> int:
    """`skyfleet diff --base REF [--json FILE] [--summary FILE] [--head-out DIR]`.

    Prints the table; writes the CI document to `json_out` and appends Markdown to `summary_out`
    (e.g. `$GITHUB_STEP_SUMMARY`). Exit code 0 whether or not anything changed, 2 when the
    working tree cannot be previewed, 4 when a cluster would be replaced or deleted in CI (env
    `CI`) without `--allow-cluster-replacement` / `SKYFLEET_ALLOW_CLUSTER_REPLACEMENT=1`, 5 when
    the cloud would refuse an update (cluster_guard.refused_updates).
    """
    ci, allowed = cluster_guard.from_environment(allow_cluster_replacement)
    try:
        diffs, (guard_code, guard_message) = diff_and_guard(
            base, repo_dir, head_out=head_out, ci=ci, allowed=allowed
        )
    except DiffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if guard_message:
        print(guard_message, file=sys.stderr)
    sys.stdout.write(format_table(diffs))
    if json_out is not None:
        document = to_json(diffs, read_configs(repo_dir))
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    if summary_out is not None:
        with summary_out.open("a") as summary:
            summary.write(f"## Stacks changed against `{base}`\n\n{format_markdown(diffs)}\n")
    return guard_code
