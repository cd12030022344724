"""The services render identically on every cloud; a deliberate drift is caught with its path."""

from __future__ import annotations

import shutil

import pytest
import yaml
from stack_plans import DEV_STACKS, cluster_of

from skyfleet.analysis.parity import compare, format_report, load_manifests, main_parity

DRIFTED_STACK = "gcp-dev"
# (manifest file under apps/, field path as parity reports it, a value to drift it to)
DRIFTS = [
    ("Deployment-api.yaml", "spec.replicas", 7),
    ("Deployment-web.yaml", "spec.template.spec.containers[0].image", "nginxinc/nginx-unprivileged:1.27.4-alpine"),
]


def _drift(out, file, path, value):
    """Changes one field of one of DRIFTED_STACK's workload manifests under `out`."""
    manifest = out / DRIFTED_STACK / "manifests" / cluster_of(DRIFTED_STACK) / "apps" / file
    obj = yaml.safe_load(manifest.read_text())
    _set(obj, path, value)
    manifest.write_text(yaml.safe_dump(obj))


def _set(obj, path, value):
    """Sets `spec.template.spec.containers[0].image`-style paths."""
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    for key in parents:
        obj = obj[int(key)] if key.isdigit() else obj[key]
    obj[last] = value


@pytest.fixture
def copied_out(preview_all, tmp_path):
    """The dev stacks' manifests, copied so a test may edit them."""
    for stack in DEV_STACKS:
        shutil.copytree(preview_all.out / stack / "manifests", tmp_path / stack / "manifests")
    return tmp_path


def test_workload_manifests_are_identical_on_every_dev_stack_apart_from_allowed_fields(preview_all):
    report = compare(load_manifests(preview_all.out, DEV_STACKS))
    assert report.targets == sorted(f"{s}/{cluster_of(s)}" for s in DEV_STACKS)
    assert report.clean, format_report(report)


def test_parity_compares_every_workload_object(preview_all):
    report = compare(load_manifests(preview_all.out, DEV_STACKS))
    apps = preview_all.out / "aws-dev" / "manifests" / cluster_of("aws-dev") / "apps"
    assert report.objects == len(list(apps.glob("*.yaml"))) + 1  # + the apps Namespace


@pytest.mark.parametrize(("file", "path", "value"), DRIFTS, ids=[p for _, p, _ in DRIFTS])
def test_a_drifted_field_on_one_stack_is_reported_with_its_path(copied_out, file, path, value):
    _drift(copied_out, file, path, value)
    report = compare(load_manifests(copied_out, DEV_STACKS))
    name = file.removesuffix(".yaml").split("-", 1)[1]
    assert [(d.key, d.path) for d in report.differences] == [(("Deployment", "apps", name), path)]
    (difference,) = report.differences
    drifted = f"{DRIFTED_STACK}/{cluster_of(DRIFTED_STACK)}"
    assert difference.values[drifted] == value
    assert all(v != value for target, v in difference.values.items() if target != drifted)


def test_skyfleet_parity_exits_one_and_prints_the_drifted_path(copied_out, capsys):
    file, path, value = DRIFTS[0]
    _drift(copied_out, file, path, value)
    assert main_parity(copied_out, DEV_STACKS) == 1
    assert f"Deployment apps/api: {path}: " in capsys.readouterr().out
