"""`skyfleet preview`: what `pulumi up` would create, offline, for one stack or every stack.

The project is the folder with `Pulumi.yaml` (`--project`, default `.`): the preview runs its
`main` as Pulumi does, for the shipped stacks and for a program of your own alike. Exit status:
0 fine, 1 the program failed (or the engine would refuse it), 2 the input is invalid (project
file, stack file, config), 3 a mandatory policy is violated, 5 a release or resource creates a
kind the cluster would not serve then (nothing written), or a custom resource or Helm value fails
the upstream data (`skyfleet.analysis.stack_checks`). A failing stack writes nothing.
"""

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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pulumi.errors import RunError

from components.errors import ValidationError
from skyfleet.preview.project import ProjectError
from skyfleet.preview.runner import PreviewError, run_stack
from skyfleet.preview.stack_config import list_stacks, parse_overrides
from skyfleet.preview.writers import StackSummary, stage_stack, staged_output

NAME = "preview"
HELP = "what `pulumi up` would create, offline"
EXAMPLES = (
    "skyfleet preview --all --out out",
    "skyfleet preview --stack aws-dev",
    "skyfleet preview --project examples/two-clouds --stack dev --config shop:webReplicasMax=8",
    "skyfleet --project examples/two-clouds preview --all --json",
)
# Exit statuses (module docstring).
PROGRAM_FAILED, INPUT_ERROR, POLICY_VIOLATED = 1, 2, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="one stack (its config is Pulumi.<stack>.yaml in the stackConfigDir)")
    which.add_argument("--all", action="store_true", help="every stack of the project")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="a config value on top of the stack file's, as `pulumi preview --config` "
                             "(repeatable; a bare key is in the project's namespace)")
    parser.add_argument("--json", action="store_true", dest="json_summary",
                        help="print the summary as JSON on stdout (the text goes to stderr)")
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--never-available", action="append", default=[], metavar="DEPLOYMENT",
        help="emulate a rollout that fails: this Deployment (Pulumi name, e.g. canary-api) never "
             "becomes available; the report says which waves would not be reached (repeatable)",
    )


def run(args: argparse.Namespace, project: Path) -> int:
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    try:
        overrides = parse_overrides(args.config)
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INPUT_ERROR
    text = contextlib.redirect_stdout(sys.stderr) if args.json_summary else contextlib.nullcontext()
    with text:
        if args.all:
            code, document = preview_all(project, out, overrides=overrides)
        else:
            code = preview_one(project, args.stack, out, quiet=args.quiet, overrides=overrides,
                               never_available=args.never_available)
            document = _stack_document(out, args.stack, code)
    if args.json_summary:
        print(json.dumps(document, indent=2, sort_keys=True))
    return code


# Each stack runs in its own process: a clean runtime per stack, and two stacks at a time
# on a 2-core machine.
PARALLEL_STACKS = max(1, min(2, os.cpu_count() or 1))


def _input_error(exc: BaseException) -> bool:
    """Invalid input rather than a failing program: the project or stack file, a config key that
    is missing or of the wrong type (the SDK's `Config.require*` raise these)."""
    from pulumi.config import ConfigMissingError, ConfigTypeError

    from components.errors import ValidationError

    return isinstance(exc, (ProjectError, ValidationError, ConfigMissingError, ConfigTypeError, FileNotFoundError))


def preview_one(
    project_dir: Path, stack: str, out_dir: Path, *, quiet: bool = False, overrides: dict[str, str] | None = None,
    never_available: Sequence[str] = (),
) -> int:
    """Previews one stack in this process; returns the exit code. Writes `out_dir/<stack>/`
    whole, or leaves it as it was. `never_available`: Deployments whose rollout the emulator
    fails (skyfleet/preview/rollouts.py)."""
    from skyfleet.preview.rollouts import RolloutTimeout
    from skyfleet.preview.rollouts import never_available as failing
    from skyfleet.stack.gitops import RenderError, git_files, with_git_objects
    from skyfleet.stack.program import collecting_fleets

    started = time.perf_counter()
    try:
        with collecting_fleets() as fleets, failing(*never_available):
            plan, config = run_stack(project_dir, stack, overrides)
        # A `delivery: argocd` stack's services, as `skyfleet render` writes them for Git.
        gitops = git_files(stack, fleets[0]) if len(fleets) == 1 else {}
        # An Argo CD stack's Git objects are judged too: they reach the cluster all the same.
        judged = with_git_objects(plan.to_json(), fleets[0].git_objects) if len(fleets) == 1 else plan.to_json()
        violations = _policy_violations(judged, config.raw)
    except PreviewError as exc:
        # Invalid input is its list of problems; the exception's class name is no news to a user.
        invalid = isinstance(exc.cause, ValidationError)
        print(f"error: stack {stack}: {exc.cause}" if invalid else f"error: {exc}", file=sys.stderr)
        if isinstance(exc.cause, RolloutTimeout):
            print(_rollout_report(project_dir, stack, exc), file=sys.stderr)
        return INPUT_ERROR if _input_error(exc.cause) else PROGRAM_FAILED
    except (ProjectError, FileNotFoundError) as exc:
        print(f"error: stack {stack}: {exc}", file=sys.stderr)
        return INPUT_ERROR
    except (ValueError, RenderError, RunError) as exc:  # RenderError; ValueError: skyfleet:policyConfig
        print(f"error: stack {stack}: {exc}", file=sys.stderr)
        return INPUT_ERROR if _input_error(exc) else PROGRAM_FAILED
    from skyfleet.analysis.stack_checks import EXIT_CHECKS_FAILED, api_problems, upstream_problems

    unresolved = api_problems(plan.to_json(), stack)
    if unresolved:
        # Helm would refuse these releases (and a custom resource before its CRD fails): write
        # nothing, as for any other error.
        print("\n".join(f"error: {line}" for line in unresolved), file=sys.stderr)
        return EXIT_CHECKS_FAILED
    mandatory = [v for v in violations if v.level == "mandatory"]
    code = POLICY_VIOLATED if mandatory else 0
    cost = _cost(plan.to_json(), config.raw)
    with staged_output(out_dir, stack) as staging:
        summary = stage_stack(plan, staging, gitops)
        # Custom resources against their CRDs, values against their charts (k8s-data).
        problems, note = upstream_problems(staging, stack)
        summary.notes.append(note)
        if problems:
            code = EXIT_CHECKS_FAILED
        summary.notes += _wave_notes(plan.to_json()["resources"], config.raw)
        if gitops:
            summary.notes.append(f"gitops: {len(gitops)} objects for Argo CD in {stack}/gitops/ (skyfleet render)")
        summary.notes.append(f"policy: {len(mandatory)} mandatory, {len(violations) - len(mandatory)} advisory")
        summary.cost = cost.to_json()
        (staging / "policy.txt").write_text(_format_violations(violations))
        _write_summary_json(staging, summary, code)
    summary.seconds = round(time.perf_counter() - started, 2)
    if problems:
        print("\n".join(f"error: {line}" for line in problems), file=sys.stderr)
    if not quiet:
        print(format_stack_summary(summary))
        print(_format_cost(cost))
        if violations:
            print(_format_violations(violations))
    return code


def _wave_notes(resources: list[dict[str, Any]], raw_config: dict[str, Any]) -> list[str]:
    """Per wave, its clusters and the resources each service creates or updates there (in the
    order `pulumi up` reaches them); nothing for a fleet of one wave."""
    from skyfleet.analysis.waves import service_resources_by_cluster, services_by_wave, stack_waves, wave_lines

    waves = stack_waves(raw_config)
    if len(waves) < 2:
        return []
    counts = service_resources_by_cluster(resources, [c for wave in waves for c in wave])
    return [f"rollout: {line}" for line in wave_lines(waves, counts, services=services_by_wave(resources, waves))]


def _rollout_report(project_dir: Path, stack: str, exc: PreviewError) -> str:
    """What `pulumi up` would have reached before the failed rollout stopped it, wave by wave."""
    from skyfleet.analysis.waves import service_resources_by_cluster, stack_waves, wave_lines
    from skyfleet.preview.stack_config import load_stack_config

    waves = stack_waves(load_stack_config(project_dir, stack).raw)
    registered = [{"urn": r.urn, "type": r.type, "parent": r.parent} for r in exc.recorded]
    counts = service_resources_by_cluster(registered, [c for wave in waves for c in wave])
    return "\n".join(f"rollout: {line}" for line in wave_lines(waves, counts, failed=True))


def _stack_document(out_dir: Path, stack: str, code: int) -> dict[str, Any]:
    """What `--json` prints for a stack: its summary.json, or the exit code if it failed."""
    path = out_dir / stack / "summary.json"
    if code in (0, POLICY_VIOLATED) and path.is_file():
        return dict(json.loads(path.read_text()))
    return {"stack": stack, "exitCode": code}


def _policy_violations(plan: dict[str, Any], raw_config: dict[str, Any]) -> list[Any]:
    from skyfleet.analysis.policy_eval import evaluate_plan

    return list(evaluate_plan(plan, raw_config.get("skyfleet:policyConfig") or {}))


def _cost(plan: dict[str, Any], raw_config: dict[str, Any]) -> Any:
    from skyfleet.analysis.cost import estimate_plan, stack_assumptions

    return estimate_plan(plan, stack_assumptions(raw_config))


def _format_cost(estimate: Any) -> str:
    from skyfleet.analysis.cost import format_estimate

    return str(format_estimate(estimate))


def _format_violations(violations: list[Any]) -> str:
    from skyfleet.analysis.policy_eval import format_violations

    return str(format_violations(violations)) + "\n"


def _write_summary_json(stack_dir: Path, summary: StackSummary, code: int) -> None:
    data = summary.to_json() | {"exitCode": code, "notes": summary.notes}
    (stack_dir / "summary.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def preview_all(
    project_dir: Path, out_dir: Path, *, overrides: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """Previews every stack, each in a child process, and ends with one table across stacks.
    Returns the exit code and the `--json` document."""
    try:
        stacks = list_stacks(project_dir)
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INPUT_ERROR, {"stacks": [], "exitCode": INPUT_ERROR, "error": str(exc)}
    started = time.perf_counter()
    results: dict[str, tuple[int, float, str]] = {}

    out_dir.mkdir(parents=True, exist_ok=True)
    with _stack_runner(project_dir, out_dir, overrides or {}) as run_each:
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
    seconds = time.perf_counter() - started
    print(f"\npreviewed {len(stacks)} stacks in {seconds:.1f}s")
    failed = sorted(s for s, (code, _, _) in results.items() if code != 0)
    code = parity_code
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        # Only invalid input: say so (2); anything else failing is a failure (1).
        code = INPUT_ERROR if {results[s][0] for s in failed} == {INPUT_ERROR} else PROGRAM_FAILED
    document = {
        "stacks": [_stack_document(out_dir, stack, results[stack][0]) for stack in stacks],
        "failed": failed,
        "parityExitCode": parity_code,
        "exitCode": code,
        "seconds": round(seconds, 2),
    }
    return code, document


StackResult = tuple[str, int, float, str]  # stack, exit code, seconds, stderr


@contextlib.contextmanager
def _stack_runner(
    project_dir: Path, out_dir: Path, overrides: dict[str, str]
) -> Iterator[Callable[[list[str]], Iterator[StackResult]]]:
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
                functools.partial(_preview_in_child, project_dir, out_dir, overrides), stacks
            )
        return

    def run(stack: str) -> StackResult:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "skyfleet", "--project", str(project_dir), "preview", "--stack", stack,
             "--out", str(out_dir), "--quiet", *(f"--config={k}={v}" for k, v in overrides.items())],
            capture_output=True, text=True, check=False,
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
    from skyfleet.analysis import builtin_kinds, crd_schemas

    # Read once here, shared by every forked stack: the kinds Skyfleet itself creates.
    for api_version, kind in (("cert-manager.io/v1", "ClusterIssuer"),
                              ("monitoring.coreos.com/v1", "ServiceMonitor"),
                              ("gateway.networking.k8s.io/v1", "Gateway"),
                              ("gateway.networking.k8s.io/v1", "HTTPRoute")):
        crd_schemas.crd_for(api_version, kind)
    builtin_kinds.built_in_kinds("1.35")


def _preview_in_child(project_dir: Path, out_dir: Path, overrides: dict[str, str], stack: str) -> StackResult:
    started = time.perf_counter()
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = preview_one(project_dir, stack, out_dir, quiet=True, overrides=overrides)
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
    from skyfleet.analysis.cost import summary_cell

    header = (f"{'stack':<12} {'resources':>9} {'manifests':>9} {'releases':>8} {'clusters':>8} {'seconds':>7}"
              f"  {'policy':<24}  USD/month (min..max, skyfleet cost)")
    rows = [header, "-" * len(header)]
    for s in summaries:
        policy = next((n for n in s.get("notes", []) if n.startswith("policy:")), "")
        clusters = len([c for c in s["byCluster"] if c != "_stack"])
        seconds = results[s["stack"]][1]
        rows.append(
            f"{s['stack']:<12} {s['resources']:>9} {s['manifests']:>9} {s['releases']:>8} "
            f"{clusters:>8} {seconds:>7.1f}  {policy.removeprefix('policy: '):<24}"
            f"  {summary_cell(s['cost']) if 'cost' in s else ''}".rstrip()
        )
    return "\n".join(rows)


def temporary_out() -> Path:
    return Path(tempfile.mkdtemp(prefix="skyfleet-preview-"))
