"""The preview's checks of one stack against what the clusters will serve and accept.

- `api_problems`: every kind a release or resource creates resolves (`api_kinds`); run on the
  plan before anything is written, so a stack that could not install writes nothing.
- `upstream_problems`: on the written output, every custom resource against its real CRD
  (`crd_schemas`, strict) and every Helm release's values against its chart's data
  (`chart_values`); both need `../shared/k8s-data` and say so when it is absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from skyfleet.analysis import crd_schemas
from skyfleet.analysis.api_kinds import unresolved_kinds
from skyfleet.analysis.chart_values import check_values
from skyfleet.analysis.k8s_data import absent_reason, data_root

# `skyfleet preview` exits with this when a check here fails.
EXIT_CHECKS_FAILED = 5


def api_problems(plan: Mapping[str, Any], stack: str) -> list[str]:
    return [u.message(stack) for u in unresolved_kinds(plan)]


def upstream_problems(stack_dir: Path, stack: str) -> tuple[list[str], str]:
    """(problems, a one-line note for the summary) for `out/<stack>/`."""
    if data_root() is None:
        return [], f"upstream checks skipped: {absent_reason()}"
    problems: list[str] = []
    custom = 0
    for path in sorted((stack_dir / "manifests").rglob("*.yaml")):
        obj = yaml.safe_load(path.read_text())
        found = crd_schemas.validate_custom_resource(obj) if isinstance(obj, dict) else None
        if found is None:
            continue
        custom += 1
        where = path.relative_to(stack_dir)
        problems += [f"stack {stack}: {where}: {problem} (CRD schema)" for problem in found]
    releases = 0
    for path in sorted((stack_dir / "helm").rglob("*.yaml")):
        release = yaml.safe_load(path.read_text())
        found = check_values(release["chart"], str(release["version"]), release.get("values") or {})
        if found is None:
            problems.append(f"stack {stack}: release {release['name']}: no chart data for "
                            f"{release['chart']} {release['version']} in k8s-data: values unchecked")
            continue
        releases += 1
        problems += [f"stack {stack}: release {release['name']}: {problem}" for problem in found]
    note = (f"upstream checks: {custom} custom resources against their CRDs, "
            f"{releases} releases' values against their charts, {len(problems)} problems")
    return problems, note
