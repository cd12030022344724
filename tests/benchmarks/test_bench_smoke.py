"""The benchmark harness end to end at N=1, once: both sides register the same resources."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_both_sides_register_the_same_custom_resources(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", "1", "--repeat", "1",
         "--no-preview-all", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (size,) = json.loads((tmp_path / "results.json").read_text())["sizes"]
    skyfleet, baseline = size["sides"]["skyfleet"], size["sides"]["baseline"]
    assert skyfleet["custom"] == baseline["custom"] > 0
    assert skyfleet["byType"] == baseline["byType"]
    assert baseline["components"] == 0 < skyfleet["components"]
    # the reference fleet really is one cluster per cloud with the platform and a service on each
    assert {"aws:eks/cluster:Cluster", "gcp:container/cluster:Cluster",
            "azure-native:containerservice:ManagedCluster", "kubernetes:helm.sh/v3:Release",
            "kubernetes:apps/v1:Deployment"} <= set(skyfleet["byType"])
    assert skyfleet["byType"]["kubernetes:apps/v1:Deployment"] == 3
    # the baseline passes every recorded input: no fallback, and inputs equal on the wire
    assert size["baselineNotes"]["fallbacks"] == []
    assert size["baselineNotes"]["inputsDiffer"] == 0
