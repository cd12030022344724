"""`skyfleet preview`: the offline preview of one stack or of every stack."""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from skyfleet.preview.runner import PreviewError, run_stack
from skyfleet.preview.stack_config import list_stacks
from skyfleet.preview.writers import StackSummary, write_stack

NAME = "preview"
HELP = "what `pulumi up` would create, offline"
EXAMPLES = ("skyfleet preview --all --out out", "skyfleet preview --stack aws-dev")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="one stack")
    which.add_argument("--all", action="store_true", help="every stack in stacks/")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace, project: Path) -> int:
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    if args.all:
        return preview_all(project, out)
    out.mkdir(parents=True, exist_ok=True)
    return preview_one(project, args.stack, out, quiet=args.quiet)


# Each stack runs in its own process: a clean runtime per stack, and two stacks at a time
# on a 2-core machine.
PARALLEL_STACKS = max(1, min(2, os.cpu_count() or 1))


def preview_one(project_dir: Path, stack: str, out_dir: Path, *, quiet: bool = False) -> int:
    """Previews one stack in this process; returns the exit code."""
    from skyfleet.stack.gitops import RenderError, capturing_program, git_files

    started = time.perf_counter()
    fleets: list[Any] = []
    try:
        plan, config = run_stack(project_dir, stack, capturing_program(fleets))
        # A `delivery: argocd` stack's services, as `skyfleet render` writes them for Git.
        gitops = git_files(stack, fleets[0]) if fleets else {}
    except PreviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError, RenderError) as exc:
        print(f"error: stack {stack}: {exc}", file=sys.stderr)
        return 1
    summary = write_stack(plan, out_dir, gitops)
    if gitops:
        summary.notes.append(f"gitops: {len(gitops)} objects for Argo CD in {stack}/gitops/ (skyfleet render)")
    summary.seconds = round(time.perf_counter() - started, 2)
    code = 0
    violations = _policy_violations(plan.to_json(), config.raw)
    mandatory = [v for v in violations if v.level == "mandatory"]
    summary.notes.append(f"policy: {len(mandatory)} mandatory, {len(violations) - len(mandatory)} advisory")
    if mandatory:
        code = 3
    (out_dir / stack / "policy.txt").write_text(_format_violations(violations))
    if not quiet:
        print(format_stack_summary(summary))
        if violations:
            print(_format_violations(violations))
    _write_summary_json(out_dir, summary, code)
    return code


def _policy_violations(plan: dict[str, Any], raw_config: dict[str, Any]) -> list[Any]:
    from skyfleet.analysis.policy_eval import evaluate_plan

    return list(evaluate_plan(plan, raw_config.get("skyfleet:policyConfig") or {}))


def _format_violations(violations: list[Any]) -> str:
    from skyfleet.analysis.policy_eval import format_violations

    return str(format_violations(violations)) + "\n"


def _write_summary_json(out_dir: Path, summary: StackSummary, code: int) -> None:
    data = summary.to_json() | {"exitCode": code, "notes": summary.notes}
    (out_dir / summary.stack / "summary.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def preview_all(project_dir: Path, out_dir: Path) -> int:
    """Previews every stack, each in a child process, and ends with one table across stacks."""
    stacks = list_stacks(project_dir)
    started = time.perf_counter()
    results: dict[str, tuple[int, float, str]] = {}

    out_dir.mkdir(parents=True, exist_ok=True)
    with _stack_runner(project_dir, out_dir) as run_each:
        for stack, code, seconds, stderr in run_each(stacks):
            status = "ok" if code == 0 else f"FAILED (exit {code})"
            print(f"[{len(results) + 1}/{len(stacks)}] {stack}: {status} in {seconds:.1f}s", flush=True)
            if code != 0 and stderr:
                print(stderr.rstrip(), file=sys.stderr)
            results[stack] = (code, seconds, stderr)
    summaries = []
    for stack in stacks:
        path = out_dir / stack / "summary.json"
        if results[stack][0] in (0, 3) and path.is_file():
            summaries.append(json.loads(path.read_text()))
    print()
    print(format_table(summaries, results))
    parity_code = _parity(out_dir, [s["stack"] for s in summaries])
    print(f"\npreviewed {len(stacks)} stacks in {time.perf_counter() - started:.1f}s")
    failed = sorted(s for s, (code, _, _) in results.items() if code != 0)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return parity_code


StackResult = tuple[str, int, float, str]  # stack, exit code, seconds, stderr


@contextlib.contextmanager
def _stack_runner(project_dir: Path, out_dir: Path) -> Iterator[Callable[[list[str]], Iterator[StackResult]]]:
    """Runs each stack in a fresh process, two at a time, yielding results in stack order.

    On Linux each child is forked from this process after the code every stack shares (Pulumi,
    pulumi-kubernetes, the components, the policy pack) is imported, so only the stack's own
    cloud SDK is imported per stack; each child runs one stack and exits, so no Pulumi runtime
    state is shared. Elsewhere each stack runs in a new interpreter.
    """
    if sys.platform == "linux":
        _import_shared_code()
        context = multiprocessing.get_context("fork")
        with context.Pool(PARALLEL_STACKS, maxtasksperchild=1) as pool:
            yield lambda stacks: pool.imap(
                functools.partial(_preview_in_child, project_dir, out_dir), stacks
            )
        return

    def run(stack: str) -> StackResult:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "skyfleet", "preview", "--stack", stack, "--out", str(out_dir), "--quiet"],
            cwd=project_dir, capture_output=True, text=True, check=False,
        )
        return stack, proc.returncode, time.perf_counter() - t0, proc.stderr

    with ThreadPoolExecutor(PARALLEL_STACKS) as threads:
        yield lambda stacks: threads.map(run, stacks)


def _import_shared_code() -> None:
    """What every stack imports, whatever its cloud (never a cloud SDK: children import theirs)."""
    import components.fleet
    import components.platform
    import components.workload  # noqa: F401
    import skyfleet.analysis.policy_eval
    import skyfleet.stack.program  # noqa: F401


def _preview_in_child(project_dir: Path, out_dir: Path, stack: str) -> StackResult:
    started = time.perf_counter()
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = preview_one(project_dir, stack, out_dir, quiet=True)
        except Exception as exc:
            print(f"error: stack {stack}: {type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
    return stack, code, time.perf_counter() - started, errors.getvalue()


def _parity(out_dir: Path, stacks: list[str]) -> int:
    from skyfleet.analysis.parity import main_parity

    return int(main_parity(out_dir, stacks))


def format_stack_summary(summary: StackSummary) -> str:
    lines = [f"stack {summary.stack}: {summary.resources} resources, {summary.manifests} manifests, "
             f"{summary.releases} Helm releases ({summary.seconds:.2f}s)"]
    lines.append("  per cluster:")
    lines += [f"    {name:<24} {count:>5}" for name, count in summary.by_cluster.items()]
    lines.append("  per type:")
    lines += [f"    {name:<64} {count:>5}" for name, count in summary.by_type.items()]
    lines += [f"  {note}" for note in summary.notes]
    return "\n".join(lines)


def format_table(summaries: list[dict[str, Any]], results: dict[str, tuple[int, float, str]]) -> str:
    header = f"{'stack':<12} {'resources':>9} {'manifests':>9} {'releases':>8} {'clusters':>8} {'seconds':>7}  policy"
    rows = [header, "-" * len(header)]
    for s in summaries:
        policy = next((n for n in s.get("notes", []) if n.startswith("policy:")), "")
        clusters = len([c for c in s["byCluster"] if c != "_stack"])
        seconds = results[s["stack"]][1]
        rows.append(
            f"{s['stack']:<12} {s['resources']:>9} {s['manifests']:>9} {s['releases']:>8} "
            f"{clusters:>8} {seconds:>7.1f}  {policy.removeprefix('policy: ')}"
        )
    return "\n".join(rows)


def temporary_out() -> Path:
    return Path(tempfile.mkdtemp(prefix="skyfleet-preview-"))
