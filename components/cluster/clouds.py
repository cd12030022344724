"""The clouds Skyfleet knows: every package under components/cluster with a `cloud.py`.

Each such module exports `CLOUD`, a `CloudSpec`. Adding a cloud adds a package; nothing here
or in the shared code changes. The cloud modules are pure (no cloud SDK), so finding them all
costs nothing; the cluster component of a cloud is imported only when a cluster is built.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .cloud import Cloud, CloudProfile, CloudSpec


def discover(folder: Path, package: str) -> dict[Cloud, CloudSpec]:
    """The `CLOUD` of every sub-package of `folder` (importable as `package`) with a cloud.py,
    in their `order`. A package must be named after the cloud it declares."""
    specs: list[CloudSpec] = []
    for info in pkgutil.iter_modules([str(folder)]):
        if info.ispkg and (folder / info.name / "cloud.py").is_file():
            spec = importlib.import_module(f"{package}.{info.name}.cloud").CLOUD
            if spec.name != info.name:
                raise RuntimeError(f"{info.name}/cloud.py declares cloud {spec.name!r}")
            specs.append(spec)
    return {spec.name: spec for spec in sorted(specs, key=lambda s: (s.order, s.name))}


SPECS: Mapping[Cloud, CloudSpec] = MappingProxyType(
    discover(Path(__file__).parent, __name__.rsplit(".", 1)[0])
)
CLOUDS: tuple[Cloud, ...] = tuple(SPECS)
PROFILES: Mapping[Cloud, CloudProfile] = MappingProxyType(
    {name: spec.profile for name, spec in SPECS.items()}
)


def cloud_spec(cloud: Cloud) -> CloudSpec:
    """The spec of `cloud`; KeyError for a name no package declares (validation reports it)."""
    return SPECS[cloud]
