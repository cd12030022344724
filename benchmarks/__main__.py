"""`python -m benchmarks` (`make bench`): the reference fleet against a plain Pulumi program.

    python -m benchmarks                      # N = 10, 50, 200; 3 runs each; preview --all
    python -m benchmarks --sizes 1 --repeat 1 --no-preview-all
    python -m benchmarks --profile 200        # also writes bench-out/profile-skyfleet-200.*

Exit status: 0 when both sides registered the same resources (targets are reported, and only
fail the run with --strict), 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .harness import ROOT, BenchError, Options, run, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50,200", help="services per cluster, comma separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side and size (the best counts)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--no-preview-all", dest="preview_all", action="store_false",
                        help="skip timing `skyfleet preview --all`")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="also profile the Skyfleet side at size N (needs pyinstrument)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    opts = Options(
        sizes=[int(s) for s in args.sizes.split(",") if s.strip()],
        repeat=max(1, args.repeat),
        out=args.out,
        preview_all=args.preview_all,
        profile=args.profile,
    )
    try:
        results = run(opts)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    print(table(results))
    print(f"results: {opts.out / 'results.json'}")
    missed = [name for name, check in results["targets"].items() if not check["ok"]]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
