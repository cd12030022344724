"""Waves across stacks: each stack's `skyfleet:wave`, the rules between stacks, and the deploy
workflow's structure: one job per wave in order, the production approval before the first prod
wave, and a failed wave stopping every later one. The last is checked by evaluating the wave jobs'
`if:` conditions with GitHub's job rules (a job whose needs failed or were skipped is skipped
unless its `if` says otherwise) over a table of outcomes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.errors import Problems
from skyfleet.analysis.diff import StackDiff, read_configs, to_json
from skyfleet.analysis.stack_waves import check_wave, plan_stack_waves

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / ".github" / "workflows" / "deploy.yml"


def _deploy() -> dict[str, Any]:
    document = yaml.safe_load(DEPLOY.read_text())
    document["on"] = document.pop(True, document.get("on"))
    return dict(document)


def _needs(job: Mapping[str, Any]) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def _wave_jobs(jobs: Mapping[str, Any]) -> list[str]:
    return sorted((n for n in jobs if re.fullmatch(r"wave-\d+", n)), key=lambda n: int(n.split("-")[1]))


# --- the stacks' waves ----------------------------------------------------------------------------


def test_the_shipped_stacks_deploy_dev_then_the_prod_canary_then_the_rest_of_prod() -> None:
    waves, problems = plan_stack_waves(read_configs(ROOT))
    assert not problems, problems.found
    assert [(w.number, w.environment, w.stacks) for w in waves] == [
        (1, "dev", ("aws-dev", "azure-dev", "gcp-dev", "local")),
        (2, "prod", ("aws-prod",)),
        (3, "prod", ("azure-prod", "gcp-prod")),
    ]


@pytest.mark.parametrize("value", [0, -1, "2", 1.5, True, [1]])
def test_a_wave_that_is_not_a_whole_number_from_1_is_refused(value: Any) -> None:
    problems = Problems(prefix="stacks/Pulumi.aws-prod.yaml: skyfleet:")
    check_wave(value, problems)
    (problem,) = problems.found
    assert str(problem).startswith("stacks/Pulumi.aws-prod.yaml: skyfleet:wave: ")
    assert "must be a whole number >= 1" in str(problem)


def _configs(**waves: int) -> dict[str, dict[str, Any]]:
    return {stack: {"skyfleet:environment": "prod" if stack.endswith("prod") else "dev", "skyfleet:wave": wave}
            for stack, wave in waves.items()}


def test_a_prod_stack_before_or_beside_a_dev_stack_is_refused() -> None:
    _, problems = plan_stack_waves(_configs(**{"aws-dev": 2, "aws-prod": 2, "gcp-dev": 1}))
    text = "\n".join(map(str, problems.found))
    assert "stacks/Pulumi.aws-prod.yaml: skyfleet:wave: 2: a prod stack must roll after every dev stack" in text
    assert "a wave holds dev stacks or prod stacks, not both" in text


def test_a_gap_between_waves_is_refused() -> None:
    _, problems = plan_stack_waves(_configs(**{"aws-dev": 1, "aws-prod": 3}))
    assert "without a gap" in "\n".join(map(str, problems.found))


def test_without_the_key_dev_stacks_are_wave_1_and_prod_stacks_wave_2() -> None:
    waves, problems = plan_stack_waves({"aws-dev": {}, "aws-prod": {"skyfleet:environment": "prod"}})
    assert not problems
    assert [(w.number, w.stacks) for w in waves] == [(1, ("aws-dev",)), (2, ("aws-prod",))]


def test_the_diff_json_has_one_matrix_per_wave_of_changed_ci_stacks() -> None:
    configs = read_configs(ROOT)
    every = to_json({s: StackDiff(s, "changed", changed={"u": ["x"]}) for s in configs}, configs)["matrix"]["waves"]
    assert {n: [e["stack"] for e in m["include"]] for n, m in every.items()} == {
        "1": ["aws-dev", "azure-dev", "gcp-dev"], "2": ["aws-prod"], "3": ["azure-prod", "gcp-prod"]}
    assert all(set(e) == {"stack", "environment", "clouds", "runner"} for m in every.values() for e in m["include"])
    one = to_json({"aws-dev": StackDiff("aws-dev", "changed", changed={"u": ["x"]})}, configs)["matrix"]["waves"]
    assert one["2"] == one["3"] == {"include": []}


# --- the workflow follows the stacks' waves -------------------------------------------------------


def _waves_command(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skyfleet", "--project", str(project), "waves", "--check-workflow",
         ".github/workflows/deploy.yml"], capture_output=True, text=True, check=False)


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "stacks", project / "stacks")
    (project / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(DEPLOY, project / ".github" / "workflows" / "deploy.yml")
    return project


def test_the_deploy_workflow_matches_the_stacks_waves() -> None:
    done = _waves_command(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def _with_wave(tmp_path: Path, stack: str, old: int, new: Any) -> subprocess.CompletedProcess[str]:
    """`skyfleet waves --check-workflow` on a copy whose `stack` has wave `new` instead of `old`."""
    project = _copy_project(tmp_path)
    path = project / "stacks" / f"Pulumi.{stack}.yaml"
    path.write_text(path.read_text().replace(f"skyfleet:wave: {old}", f"skyfleet:wave: {new}"))
    return _waves_command(project)


def test_moving_a_stack_to_a_new_wave_without_the_workflow_fails_the_check(tmp_path: Path) -> None:
    done = _with_wave(tmp_path, "gcp-prod", 3, 4)
    assert done.returncode == 6, done.stdout + done.stderr
    assert "deploy.yml: jobs.wave-4: missing: stacks gcp-prod are in wave 4" in done.stderr
    assert "deploy.yml: jobs.plan.outputs.wave-4: missing" in done.stderr


def test_an_invalid_wave_in_a_stack_file_fails_the_waves_command(tmp_path: Path) -> None:
    done = _with_wave(tmp_path, "aws-prod", 2, 0)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "stacks/Pulumi.aws-prod.yaml: skyfleet:wave: 0: must be a whole number >= 1" in done.stderr


def test_waves_are_ordered_jobs_each_needing_every_earlier_wave() -> None:
    jobs = _deploy()["jobs"]
    waves = _wave_jobs(jobs)
    assert waves == ["wave-1", "wave-2", "wave-3"]
    for index, name in enumerate(waves):
        job = jobs[name]
        assert job["uses"] == "./.github/workflows/pulumi-stacks.yml"
        assert job["with"]["command"] == "up"
        assert set(waves[:index]) <= set(_needs(job)), f"{name} does not need every earlier wave"
        assert not set(waves[index + 1:]) & set(_needs(job))
    # Within a wave, one stack failing does not cancel its siblings (they are independent).
    stacks = yaml.safe_load((ROOT / ".github" / "workflows" / "pulumi-stacks.yml").read_text())
    assert stacks["jobs"]["stack"]["strategy"]["fail-fast"] is False


def test_the_production_approval_comes_before_the_first_prod_wave() -> None:
    jobs = _deploy()["jobs"]
    waves = _wave_jobs(jobs)
    environments = [jobs[name]["with"]["environment"] for name in waves]
    assert environments == ["dev", "production", "production"]
    first_prod = waves[environments.index("production")]
    dev_waves = [n for n, env in zip(waves, environments, strict=True) if env == "dev"]
    assert set(dev_waves) <= set(_needs(jobs[first_prod]))
    # The environment is the reusable job's own, so its reviewers gate the job before any step.
    stacks = yaml.safe_load((ROOT / ".github" / "workflows" / "pulumi-stacks.yml").read_text())
    assert stacks["jobs"]["stack"]["environment"] == "${{ inputs.environment }}"
    # No other job of the workflow reaches production.
    for name, job in jobs.items():
        if name not in waves:
            assert "production" not in str(job.get("environment", "")), name
            assert (job.get("with") or {}).get("environment") in (None,), name


# --- what runs when a wave fails: GitHub's job rules over the workflow's own conditions ----------


def _evaluate(condition: str, results: Mapping[str, str], outputs: Mapping[str, str], needs: list[str]) -> bool:
    """A workflow `if:` of the forms deploy.yml uses, evaluated as GitHub does (a bare expression,
    `!`, `&&`, `||`, `==`, `!=`, `contains`, `needs.<job>.result`, `needs.*.result`,
    `needs.plan.outputs.<name>`, the status functions)."""
    functions: dict[str, Callable[..., Any]] = {
        "success": lambda: all(results[n] == "success" for n in needs),
        "failure": lambda: any(results[n] == "failure" for n in needs),
        "cancelled": lambda: False,
        "always": lambda: True,
        "contains": lambda items, item: item in items,
        "R": lambda job: results[job],
        "O": lambda name: outputs.get(name, ""),
    }
    text = condition.replace("${{", "").replace("}}", "").replace("github.ref", "'refs/heads/main'")  # a push
    text = re.sub(r"needs\.\*\.result", "[R(n) for n in NEEDS]", text)
    text = re.sub(r"needs\.plan\.outputs\.([\w-]+)", r'O("\1")', text)
    text = re.sub(r"needs\.([\w-]+)\.result", r'R("\1")', text)
    text = text.replace("&&", " and ").replace("||", " or ")
    text = re.sub(r"!(?!=)", " not ", text)
    assert re.fullmatch(r"[\sA-Za-z0-9_()\[\]'\",./=!-]*", text), text
    status = any(f in condition for f in ("success()", "failure()", "cancelled()", "always()"))
    value = bool(eval(text, {"__builtins__": {}, **functions, "NEEDS": needs}))
    return value if status else value and functions["success"]()


def _run(outcomes: Mapping[str, str], outputs: Mapping[str, str]) -> dict[str, str]:
    """Each job's result: skipped unless its needs and `if` let it run, else its outcome."""
    jobs = _deploy()["jobs"]
    results: dict[str, str] = {}
    pending = list(jobs)
    while pending:
        name = next(n for n in pending if set(_needs(jobs[n])) <= set(results))
        pending.remove(name)
        needs = _needs(jobs[name])
        condition = str(jobs[name].get("if", "success()"))
        runs = _evaluate(condition, results, outputs, needs)
        results[name] = outcomes.get(name, "success") if runs else "skipped"
    return results


EVERY_WAVE = {"any-wave-1": "true", "any-wave-2": "true", "any-wave-3": "true", "soak-minutes": "0"}


def test_every_wave_runs_when_each_succeeds() -> None:
    results = _run({}, EVERY_WAVE)
    assert [results[w] for w in ("wave-1", "wave-2", "wave-3")] == ["success"] * 3


@pytest.mark.parametrize("failed", ["wave-1", "wave-2"])
def test_a_failed_wave_stops_every_later_one(failed: str) -> None:
    results = _run({failed: "failure"}, EVERY_WAVE)
    later = [w for w in ("wave-1", "wave-2", "wave-3") if int(w[-1]) > int(failed[-1])]
    assert [results[w] for w in later] == ["skipped"] * len(later), results


def test_a_failed_soak_stops_the_next_wave() -> None:
    results = _run({"soak-1": "failure"}, EVERY_WAVE | {"soak-minutes": "30"})
    assert results["soak-1"] == "failure"
    assert results["wave-2"] == results["wave-3"] == "skipped"


def test_a_wave_with_no_changed_stack_does_not_block_the_next() -> None:
    results = _run({}, EVERY_WAVE | {"any-wave-1": "false"})
    assert results["wave-1"] == "skipped"
    assert results["wave-2"] == results["wave-3"] == "success"


def test_the_soak_runs_between_waves_only_when_asked_for() -> None:
    assert _run({}, EVERY_WAVE)["soak-1"] == "skipped"
    soaked = _run({}, EVERY_WAVE | {"soak-minutes": "15"})
    assert soaked["soak-1"] == soaked["soak-2"] == "success"
    jobs = _deploy()["jobs"]
    assert "soak-1" in _needs(jobs["wave-2"]) and "soak-2" in _needs(jobs["wave-3"])
    assert "sleep" in jobs["soak-1"]["steps"][0]["run"]
    dispatch = _deploy()["on"]["workflow_dispatch"]["inputs"]["soak-minutes"]
    assert "SKYFLEET_SOAK_MINUTES" in dispatch["description"]


def test_no_later_wave_runs_regardless_of_failure() -> None:
    jobs = _deploy()["jobs"]
    for name in [*_wave_jobs(jobs), "soak-1", "soak-2"]:
        assert "always()" not in str(jobs[name].get("if", "")), name
