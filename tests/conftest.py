"""Shared fixtures: the offline preview of every shipped stack, run once per test session."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PreviewRun:
    out: Path
    stdout: str
    stderr: str
    returncode: int

    def stacks(self) -> list[str]:
        return sorted(p.name for p in self.out.iterdir() if (p / "plan.json").is_file())

    def plan(self, stack: str) -> dict[str, Any]:
        return json.loads((self.out / stack / "plan.json").read_text())


def run_preview_all(out: Path) -> PreviewRun:
    proc = subprocess.run(
        [sys.executable, "-m", "skyfleet", "preview", "--all", "--out", str(out)],
        cwd=PROJECT, capture_output=True, text=True, check=False,
    )
    return PreviewRun(out, proc.stdout, proc.stderr, proc.returncode)


@pytest.fixture(scope="session")
def preview_all(tmp_path_factory: pytest.TempPathFactory) -> PreviewRun:
    """`skyfleet preview --all` of the shipped stacks (what `make preview` runs)."""
    run = run_preview_all(tmp_path_factory.mktemp("preview-all"))
    assert run.returncode == 0, run.stdout + run.stderr
    return run


# A fourth cloud (say Oracle OKE) made of files only, as docs/DESIGN.md describes it on paper:
# a package with a cloud.py and the module of its cluster component. `fourth_cloud` writes it
# under a temporary package root and returns what cloud discovery finds there.
FOURTH_CLOUD_FILES = {
    "__init__.py": "",
    "oci/__init__.py": "",
    "oci/cloud.py": """
from components.cluster.cloud import CloudProfile, CloudSpec
from components.names import DNS1123_LABEL
CLOUD = CloudSpec(name='oci', order=40, implementation=('fourth_clouds.oci.oke', 'OkeCluster'),
    profile=CloudProfile(cloud='oci', load_balancer_annotations={}, load_balancer_address_field='ip',
        default_storage_class='oci-bv', ships_metrics_server=False, manages_node_autoscaling=False,
        identity_annotation=None),
    cluster_name=DNS1123_LABEL, pool_name=DNS1123_LABEL, cluster_type='oci:ContainerEngine/cluster:Cluster')
""",
    "oci/oke.py": "class OkeCluster:\n    TYPE = 'skyfleet:cluster:OkeCluster'\n",
    "notacloud/__init__.py": "",  # no cloud.py: not a cloud
}


@pytest.fixture
def fourth_cloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mapping[str, Any]]:
    from components.cluster.clouds import discover

    root = tmp_path / "fourth_clouds"
    for name, text in FOURTH_CLOUD_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        yield discover(root, "fourth_clouds")
    finally:
        for name in [m for m in sys.modules if m.startswith("fourth_clouds")]:
            del sys.modules[name]
