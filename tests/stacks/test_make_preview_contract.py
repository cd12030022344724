"""`make preview` (`skyfleet preview --all`): what it prints, writes, and does when a stack fails."""

from __future__ import annotations

import json
import re

import pytest
from stack_plans import BROKEN_STACK, DEV_STACKS, GOOD_STACK_IN_COPY, STACKS, clusters_of, file_tree

PLAN_FIELDS = {
    "urn": str,
    "type": str,
    "name": str,
    "parent": (str, type(None)),
    "dependencies": list,
    "propertyDependencies": dict,
    "provider": (str, type(None)),
    "custom": bool,
    "protect": bool,
    "inputs": dict,
}
TABLE_HEADER = re.compile(
    r"^stack\s+resources\s+manifests\s+releases\s+clusters\s+seconds\s+policy"
    r"\s+USD/month \(min\.\.max, skyfleet cost\)$",
    re.M,
)


def test_every_shipped_stack_is_previewed(preview_all):
    assert preview_all.stacks() == STACKS
    assert set(DEV_STACKS) | {"aws-prod", "gcp-prod", "azure-prod"} <= set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_previews_with_exit_code_zero(preview_all, stack):
    summary = json.loads((preview_all.out / stack / "summary.json").read_text())
    assert summary["exitCode"] == 0


@pytest.mark.parametrize("stack", STACKS)
def test_stdout_has_a_progress_line_for_the_stack(preview_all, stack):
    pattern = rf"^\[(\d+)/{len(STACKS)}\] {re.escape(stack)}: ok in \d+\.\ds$"
    assert len(re.findall(pattern, preview_all.stdout, re.M)) == 1, preview_all.stdout


def test_progress_lines_count_from_one_to_the_number_of_stacks(preview_all):
    counters = re.findall(rf"^\[(\d+)/{len(STACKS)}\] ", preview_all.stdout, re.M)
    assert sorted(map(int, counters)) == list(range(1, len(STACKS) + 1))


def test_the_table_follows_the_progress_lines(preview_all):
    header = TABLE_HEADER.search(preview_all.stdout)
    assert header is not None, preview_all.stdout
    last_progress = max(m.end() for m in re.finditer(r"^\[\d+/\d+\] .*$", preview_all.stdout, re.M))
    assert header.start() > last_progress


@pytest.mark.parametrize("stack", STACKS)
def test_the_table_has_a_row_with_the_stacks_counts(preview_all, stack):
    summary = json.loads((preview_all.out / stack / "summary.json").read_text())
    table = preview_all.stdout[TABLE_HEADER.search(preview_all.stdout).end() :]
    row = re.search(rf"^{re.escape(stack)}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+\s+(.*)$", table, re.M)
    assert row is not None, table
    assert [int(n) for n in row.groups()[:4]] == [
        summary["resources"],
        summary["manifests"],
        summary["releases"],
        len(clusters_of(stack)),
    ]
    assert row.group(5).startswith("0 mandatory, ")


@pytest.mark.parametrize("stack", STACKS)
def test_plan_has_the_documented_top_level_fields(preview_all, stack):
    plan = preview_all.plan(stack)
    assert set(plan) == {"stack", "project", "resources", "outputs"}
    assert (plan["stack"], plan["project"]) == (stack, "skyfleet")


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_has_the_documented_fields_with_their_types(preview_all, stack):
    for resource in preview_all.plan(stack)["resources"]:
        for field, kind in PLAN_FIELDS.items():
            assert field in resource, f"{resource.get('urn')}: no {field}"
            assert isinstance(resource[field], kind), f"{resource['urn']}: {field}={resource[field]!r}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_reference_in_the_plan_is_a_urn_of_the_stack(preview_all, stack):
    plan = preview_all.plan(stack)
    urns = {r["urn"] for r in plan["resources"]}
    root = f"urn:pulumi:{stack}::skyfleet::pulumi:pulumi:Stack::skyfleet-{stack}"
    for r in plan["resources"]:
        assert r["urn"].startswith(f"urn:pulumi:{stack}::skyfleet::")
        assert r["parent"] in urns | {root}, r["urn"]
        assert set(r["dependencies"]) <= urns, r["urn"]
        assert all(set(deps) <= urns for deps in r["propertyDependencies"].values()), r["urn"]


@pytest.mark.parametrize("stack", STACKS)
def test_provider_is_a_provider_urn_without_its_id(preview_all, stack):
    plan = preview_all.plan(stack)
    providers = {r["urn"] for r in plan["resources"] if r["type"].startswith("pulumi:providers:")}
    for r in plan["resources"]:
        assert r["provider"] is None or r["provider"] in providers, f"{r['urn']}: {r['provider']}"


@pytest.mark.parametrize("stack", STACKS)
def test_property_dependencies_are_among_the_dependencies(preview_all, stack):
    for r in preview_all.plan(stack)["resources"]:
        named = {urn for deps in r["propertyDependencies"].values() for urn in deps}
        assert named <= set(r["dependencies"]), r["urn"]


@pytest.mark.parametrize("stack", STACKS)
def test_plan_is_sorted_and_written_with_sorted_keys_and_indent_two(preview_all, stack):
    text = (preview_all.out / stack / "plan.json").read_text()
    plan = json.loads(text)
    urns = [r["urn"] for r in plan["resources"]]
    assert urns == sorted(urns)
    assert all(r["dependencies"] == sorted(r["dependencies"]) for r in plan["resources"])
    assert text == json.dumps(plan, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("stack", STACKS)
def test_no_secret_marker_reaches_the_plan(preview_all, stack):
    text = (preview_all.out / stack / "plan.json").read_text()
    assert "1b47061264138c4ac30d75fd1eb44270" not in text  # the engine's secret signature


def test_a_second_run_writes_byte_identical_files(preview_all, second_preview):
    assert second_preview.run.returncode == 0, second_preview.run.describe()
    first, second = file_tree(preview_all.out), file_tree(second_preview.out)
    assert sorted(first) == sorted(second)
    changed = sorted(path for path in first if first[path] != second[path])
    assert changed == []
    assert len(first) > 10 * len(STACKS)


def test_a_failing_stack_makes_the_run_fail(failing_preview):
    assert failing_preview.run.returncode != 0, failing_preview.run.describe()


def test_a_failing_stack_is_named_with_its_error(failing_preview):
    run = failing_preview.run
    assert re.search(rf"^\[\d/2\] {BROKEN_STACK}: FAILED \(exit \d+\)", run.stdout, re.M), run.describe()
    assert f"failed: {BROKEN_STACK}" in run.stderr
    error = run.stderr[run.stderr.index("error:") :]
    assert error.startswith(f"error: stack {BROKEN_STACK}: ")
    assert "mars" in error.split("failed:")[0]


def test_a_failing_stack_writes_nothing(failing_preview):
    assert not (failing_preview.out / BROKEN_STACK).exists()
    assert [p.name for p in failing_preview.out.iterdir() if p.name.endswith(".partial")] == []


def test_the_other_stacks_are_still_written_when_one_fails(failing_preview):
    assert sorted(p.name for p in failing_preview.out.iterdir()) == [GOOD_STACK_IN_COPY]
    written = failing_preview.out / GOOD_STACK_IN_COPY
    assert {p.name for p in written.iterdir()} == {"plan.json", "summary.json", "policy.txt", "manifests", "helm"}
    assert re.search(rf"^\[\d/2\] {GOOD_STACK_IN_COPY}: ok in", failing_preview.run.stdout, re.M)
