"""The `skyfleet` command: offline preview, policy, parity, diff and graph of the stacks, and the
Argo CD manifests of a `delivery: argocd` stack (render)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skyfleet", description=__doc__)
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project directory (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)

    preview = sub.add_parser("preview", help="what `pulumi up` would create, offline")
    which = preview.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="one stack")
    which.add_argument("--all", action="store_true", help="every stack in stacks/")
    preview.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    preview.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)

    policy = sub.add_parser("policy", help="evaluate the policy pack against a stack, offline")
    policy.add_argument("--stack", required=True)

    parity = sub.add_parser("parity", help="compare workload manifests across stacks and clusters")
    parity.add_argument("stacks", nargs="*", help="stacks to compare (default: all)")
    parity.add_argument("--out", type=Path, default=Path("out"), help="preview output folder")

    diff = sub.add_parser("diff", help="which stacks change between a git ref and the working tree")
    diff.add_argument("--base", required=True, help="git ref to compare with")
    diff.add_argument("--json", type=Path, dest="json_out", help="write the result as JSON here")
    diff.add_argument("--summary", type=Path, dest="summary_out",
                      help="append a Markdown table here (e.g. $GITHUB_STEP_SUMMARY)")
    diff.add_argument("--head-out", type=Path, dest="head_out",
                      help="reuse this `preview --all` output of the working tree")
    diff.add_argument("--allow-cluster-replacement", action="store_true",
                      help="in CI, do not fail when a cluster would be replaced or deleted")

    graph = sub.add_parser("graph", help="the deploy graph of a stack, and its critical path")
    graph.add_argument("--stack", required=True)
    graph.add_argument("--out", type=Path, default=Path("out"), help="output folder")

    render = sub.add_parser("render", help="write an Argo CD stack's services as YAML for Git")
    render.add_argument("--stack", required=True)
    render.add_argument("--out", type=Path, default=None,
                        help="writes <out>/<stack>/<cluster>/<namespace>/ (default: the stack's "
                             "skyfleet:gitops.path under --project, e.g. deploy/)")
    render.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the files are not up to date")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project: Path = args.project.resolve()
    if args.command == "preview":
        from skyfleet.preview.command import preview_all, preview_one

        out = args.out if args.out.is_absolute() else Path.cwd() / args.out
        if args.all:
            return preview_all(project, out)
        out.mkdir(parents=True, exist_ok=True)
        return preview_one(project, args.stack, out, quiet=args.quiet)
    if args.command == "policy":
        from skyfleet.policy_command import main_policy

        return main_policy(project, args.stack)
    if args.command == "parity":
        from skyfleet.parity import main_parity
        from skyfleet.preview.stack_config import list_stacks

        return int(main_parity(args.out, args.stacks or list_stacks(project)))
    if args.command == "diff":
        from skyfleet.diff import main_diff

        return int(main_diff(
            args.base, project, args.json_out,
            summary_out=args.summary_out and args.summary_out.resolve(),
            head_out=args.head_out and args.head_out.resolve(),
            allow_cluster_replacement=args.allow_cluster_replacement,
        ))
    if args.command == "graph":
        from skyfleet.graph_command import main_graph

        return main_graph(project, args.stack, args.out)
    if args.command == "render":
        from skyfleet.render import main_render

        out = args.out if args.out is None or args.out.is_absolute() else Path.cwd() / args.out
        return main_render(project, args.stack, out, check=args.check)
    print(f"unknown command {args.command}", file=sys.stderr)
    return 2
