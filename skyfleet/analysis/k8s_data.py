"""Where the upstream data for offline checks lives: `../shared/k8s-data` beside the project.

The folder holds CRDs and chart values exactly as the upstream projects publish them (see its
README). It is for tests and the offline preview's checks only: a user's clone has none, so every
caller must cope with `data_root()` being None and say what it skipped. `SKYFLEET_K8S_DATA`
points elsewhere (CI keeps the folder beside the clone, so it is rarely needed).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

DATA_ENV = "SKYFLEET_K8S_DATA"
PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_ROOT = PROJECT.parent / "shared" / "k8s-data"


@functools.cache
def data_root() -> Path | None:
    """The k8s-data folder, or None when it is absent (a user's clone)."""
    root = Path(os.environ.get(DATA_ENV) or DEFAULT_ROOT)
    return root if (root / "crds").is_dir() and (root / "charts").is_dir() else None


def absent_reason() -> str:
    """The message a skipped check prints when the data is absent."""
    return (
        f"upstream data folder not found ({os.environ.get(DATA_ENV) or DEFAULT_ROOT}; set "
        f"{DATA_ENV}): CRD schemas and chart values are not checked"
    )


def chart_dir(chart: str, version: str) -> Path | None:
    """`charts/<chart>-<version>/` (Chart.yaml, values.yaml, values.schema.json), if present."""
    root = data_root()
    if root is None:
        return None
    path = root / "charts" / f"{chart}-{version}"
    return path if (path / "values.yaml").is_file() else None


def crd_dir(name: str) -> Path | None:
    """`crds/<name>/`, e.g. `gateway-api-v1.6.1-standard`, if present."""
    root = data_root()
    if root is None:
        return None
    path = root / "crds" / name
    return path if path.is_dir() else None
