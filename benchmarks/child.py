"""What runs in each benchmark process (`harness.run_child` forks one per job).

Jobs:
- `capture`: runs the Skyfleet program once (untimed), captures its leaf resources (written to
  `job["leaves"]`), prepares the baseline entries, tries each class once and writes the entries
  to `job["entries"]`.
- `skyfleet` / `baseline`: imports and prepares everything, then times one `run_program` of that
  side. Peak memory is this process's `ru_maxrss` right after the run, so each side is measured
  alone. With `parity`, the baseline then compares the inputs it registered with the leaves'.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

STACK = "bench"


def _peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return usage.ru_utime + usage.ru_stime


def _program(n: int) -> Any:
    from . import reference

    return reference.fleet_program(reference.fleet_args(n))


def _import_components() -> None:
    """Every module of `components`: the Fleet imports some lazily, and imports are not timed."""
    import components

    for info in pkgutil.walk_packages(components.__path__, "components."):
        try:
            importlib.import_module(info.name)
        except ImportError:  # a module being written; the run reports it if the Fleet needs it
            continue


def _counts(plan: Any) -> dict[str, Any]:
    custom = [r for r in plan.resources if r.custom]
    return {
        "custom": len(custom),
        "components": len(plan.resources) - len(custom),
        "byType": dict(sorted(Counter(r.type for r in custom).items())),
    }


def capture(job: dict[str, Any]) -> dict[str, Any]:
    from skyfleet.preview.runner import run_program

    from . import baseline

    plan = run_program(_program(job["n"]), stack=STACK)
    leaves = baseline.capture(plan)
    entries = baseline.prepare(leaves)
    # A trial of one entry per class and argument set tells which classes refuse the recorded
    # inputs; those fall back to their required inputs alone.
    failures = baseline.trial(entries)
    for i in failures:
        minimal = baseline.entry_for(leaves[i], minimal=True)
        minimal.name, minimal.renamed = entries[i].name, entries[i].renamed
        entries[i] = minimal
    baseline.write_entries(Path(job["entries"]), entries)
    baseline.write_leaves(Path(job["leaves"]), leaves)
    dropped: Counter[str] = Counter()
    for e in entries:
        dropped.update(f"{e.type}.{key}" for key in e.dropped if e.mode == "recorded")
    return {
        "skyfleet": _counts(plan),
        # Every provider SDK module the Skyfleet run imported (resource classes, invokes): both
        # sides get them before timing, so no import falls inside a timed run.
        "modules": sorted(
            name for name, module in list(sys.modules.items())
            if name.split(".")[0] in baseline.SDK_MODULES.values()
            and type(module).__name__ != "_LazyModule"  # registered lazily, never loaded
        ),
        "fallbacks": [
            {"type": entries[i].type, "name": entries[i].name, "error": error[:200]}
            for i, error in sorted(failures.items())
        ],
        "renamed": sum(e.renamed for e in entries),
        "droppedInputs": dict(sorted(dropped.items())),
    }


def measure(job: dict[str, Any]) -> dict[str, Any]:
    from skyfleet.preview.runner import run_program

    from . import baseline

    started = time.perf_counter()
    preload(job["modules"])  # done by the parent already; a fresh interpreter needs it here
    if job["mode"] == "baseline":
        entries = baseline.read_entries(Path(job["entries"]))
        program = baseline.baseline_program(baseline.resolve(entries))
    else:
        program = _program(job["n"])
    prepare_s = time.perf_counter() - started
    gc.collect()
    rss_before = _peak_rss_kib()
    profiler = _profiler() if job.get("profile") else None
    cpu = _cpu_seconds()
    started = time.perf_counter()
    if profiler is not None:
        profiler.start()
    # Bare Pulumi judges nothing; its replayed inputs name the first run's resource ids, which
    # the cloud rules' cross-resource checks would not find.
    plan = run_program(program, stack=STACK, check_cloud=job["mode"] != "baseline")
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    peak = _peak_rss_kib()  # before anything below allocates
    if profiler is not None:
        profiler.stop()
        Path(job["profile"]).with_suffix(".txt").write_text(
            profiler.output_text(unicode=False, color=False, show_all=False)
        )
        Path(job["profile"]).with_suffix(".html").write_text(profiler.output_html())
    result = {
        **_counts(plan),
        "wallSeconds": wall,
        "cpuSeconds": cpu,
        "prepareSeconds": prepare_s,
        "peakRssKiB": peak,
        "rssBeforeRunKiB": rss_before,
    }
    if job["mode"] == "baseline" and job.get("parity"):
        differ = baseline.input_parity(baseline.read_leaves(Path(job["leaves"])), entries, plan)
        result.update(inputsDiffer=len(differ), inputsDifferExamples=differ[:10])
    return result


def _profiler() -> Any:
    try:
        from pyinstrument import Profiler
    except ImportError as exc:  # a dev tool, not a dependency of the project
        raise SystemExit("--profile needs pyinstrument: pip install pyinstrument") from exc
    return Profiler(interval=0.001, async_mode="disabled")


def preload(modules: list[str]) -> None:
    """Imports what the programs use, so no import falls inside a timed run: every module of
    `components` and the given provider SDK modules."""
    _import_components()
    for name in modules:
        # The SDKs import submodules lazily: reading any attribute is what really loads one.
        getattr(importlib.import_module(name), "_loaded_by_the_benchmark", None)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    return capture(job) if job["mode"] == "capture" else measure(job)
