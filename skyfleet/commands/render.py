"""`skyfleet render --stack NAME | --all`: write an Argo CD stack's services as YAML for Git
(the objects come from `skyfleet.stack.gitops`); `--check` writes nothing and fails when the
folder is stale (CI runs `render --all --check` on every pull request)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from skyfleet.preview.runner import PreviewError, report_failure
from skyfleet.stack.gitops import RenderError, render_stack, schema_problems, sync_files

NAME = "render"
HELP = "write an Argo CD stack's services as YAML for Git"
EXAMPLES = ("skyfleet render --stack aws-prod", "skyfleet render --stack aws-prod --check",
            "skyfleet render --all --check")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="a stack with skyfleet:delivery: argocd")
    which.add_argument("--all", action="store_true", help="every stack with skyfleet:delivery: argocd")
    parser.add_argument("--out", type=Path, default=None,
                        help="writes <out>/<stack>/<cluster>/<namespace>/ (default: the stack's "
                             "skyfleet:gitops.path under --project, e.g. deploy/)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the files are not up to date")


def run(args: argparse.Namespace, project: Path) -> int:
    out = args.out if args.out is None or args.out.is_absolute() else Path.cwd() / args.out
    if args.all:
        return main_render_all(project, out, check=args.check)
    return main_render(project, args.stack, out, check=args.check)


def main_render(project_dir: Path, stack: str, out: Path | None, *, check: bool = False) -> int:
    """`skyfleet render --stack NAME [--out DIR] [--check]`: 0 done (or up to date), 1 failed
    (or, with --check, not up to date), 2 invalid input."""
    try:
        rendered = render_stack(project_dir, stack)
    except (PreviewError, RenderError, FileNotFoundError, ValueError) as exc:
        return report_failure(stack, exc)
    problems = schema_problems(rendered)
    if problems is None:
        print("note: kubernetes-validate is not installed: objects not checked against the schemas",
              file=sys.stderr)
    elif problems:
        print("\n".join(f"error: {p}" for p in problems), file=sys.stderr)
        print(f"error: stack {stack}: {len(problems)} invalid objects; nothing written", file=sys.stderr)
        return 1
    root = (out if out is not None else project_dir / rendered.gitops.path) / stack
    changes = sync_files(root, rendered.files, write=not check)
    clusters = len(rendered.objects)
    if check:
        for rel in changes.written + changes.removed:
            print(f"out of date: {root / rel}")
        print(f"stack {stack}: {len(rendered.files)} objects on {clusters} clusters, "
              f"{'NOT up to date' if changes.changed else 'up to date'} in {root}")
        return 1 if changes.changed else 0
    print(f"stack {stack}: {len(rendered.files)} objects on {clusters} clusters -> {root} "
          f"({len(changes.written)} written, {len(changes.unchanged)} unchanged, "
          f"{len(changes.removed)} removed)")
    return 0


def argocd_stacks(project_dir: Path) -> list[str]:
    """The stacks of `stacks/` whose config says `skyfleet:delivery: argocd`."""
    from skyfleet.analysis.diff import read_configs

    return [name for name, config in read_configs(project_dir).items()
            if config.get("skyfleet:delivery") == "argocd"]


def main_render_all(project_dir: Path, out: Path | None, *, check: bool = False) -> int:
    """`skyfleet render --all [--check]`: every Argo CD stack, each in its own process (a stack
    program runs once per process, as in `skyfleet preview --all`); the worst exit code."""
    stacks = argocd_stacks(project_dir)
    if not stacks:
        print("no stack delivers with Argo CD (skyfleet:delivery: argocd): nothing to render")
        return 0
    code = 0
    for stack in stacks:
        argv = [sys.executable, "-m", "skyfleet", "--project", str(project_dir), "render", "--stack", stack]
        argv += ["--out", str(out)] if out is not None else []
        argv += ["--check"] if check else []
        code = max(code, subprocess.run(argv, check=False).returncode)
    return code
