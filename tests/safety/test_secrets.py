"""Secrets stay Pulumi secrets from config to cluster, and nothing the preview writes or prints holds one.

Known secret values are seeded and then searched for:
- the stack's `secure:` value (offline it becomes `secure_placeholder(key, ciphertext)`),
- every generated password (the emulated `random` provider derives it from the URN; the
  in-process `Plan` holds it in the resource's state),
- each cluster's kubeconfig (a stack output the program marks secret).
Inside the program every occurrence must sit under a secret marker; in plan.json, manifests,
Helm values, policy.txt, summary.json and on stdout/stderr none may occur at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skyfleet.preview import wire
from skyfleet.preview.runner import Plan, run_stack
from skyfleet.preview.stack_config import secure_placeholder

from .conftest import InProcessPreview
from .project import DEV_STACKS, PROJECT, copy_project, edit_stack, put, validation_error

SECRET_TYPES = ("random:index/randomPassword:RandomPassword",)
SECRETS_KEY = "skyfleet:secrets"


def _ciphertexts(stack: str) -> dict[str, str]:
    import yaml

    document = yaml.safe_load((PROJECT / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    return {name: value["secure"] for name, value in document["config"][SECRETS_KEY].items()}


def seeds(plan: Plan, config: Any) -> dict[str, str]:
    """Every secret value the stack's program handles: description -> value."""
    found: dict[str, str] = {}
    for name, ciphertext in _ciphertexts(plan.stack).items():
        placeholder = secure_placeholder(f"{SECRETS_KEY}.{name}", ciphertext)
        assert config.raw[SECRETS_KEY][name] == placeholder  # what the program was given
        found[f"secure value {name}"] = placeholder
    for r in plan.resources:
        if r.type in SECRET_TYPES:
            for key in ("result", "bcryptHash"):
                found[f"{r.name}.{key}"] = wire.reveal(r.state[key])
    for cluster, kubeconfig in wire.reveal(plan.outputs["kubeconfigs"]).items():
        if "apiVersion" in kubeconfig:  # an existing cluster's "kubeconfig" is only its file's path
            found[f"kubeconfig of {cluster}"] = kubeconfig
    assert all(len(v) >= 12 for v in found.values()), found
    return found


def exposed(value: Any, secrets: dict[str, str], path: str = "") -> Iterator[str]:
    """Paths in a wire value where a secret occurs outside any secret marker."""
    if wire.is_secret(value):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from exposed(item, secrets, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from exposed(item, secrets, f"{path}[{i}]")
    elif isinstance(value, str):
        yield from (f"{path} holds {what}" for what, secret in secrets.items() if secret in value)


def _forms(secret: str) -> set[str]:
    """The secret as text, and as JSON and YAML would escape it."""
    lines = {line for line in secret.splitlines() if len(line.strip()) >= 24}
    return {secret, json.dumps(secret)[1:-1], *lines}


def _written_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize("stack", [*DEV_STACKS, "aws-prod", "local"])
def test_every_secret_is_marked_secret_wherever_the_program_passes_it(
    stack: str, inprocess_preview: InProcessPreview
) -> None:
    plan, config = inprocess_preview.plans[stack], inprocess_preview.configs[stack]
    secrets = seeds(plan, config)
    problems = []
    for r in plan.resources:
        for part in ("inputs", "state", "outputs"):
            problems += [f"{r.urn} {part}{where}" for where in exposed(getattr(r, part), secrets)]
    problems += [f"stack output{where}" for where in exposed(plan.outputs, secrets)]
    assert problems == []
    # The seeds are real: the database password and Grafana's reach a Kubernetes Secret.
    revealed = json.dumps([wire.reveal(r.inputs) for r in plan.by_type("kubernetes:core/v1:Secret")])
    assert secrets["secure value apiDatabasePassword"] in revealed
    grafana = next(v for k, v in secrets.items() if "grafana-admin.result" in k)
    assert grafana in revealed


def test_no_written_file_and_no_output_holds_a_secret(
    preview_all: Any, inprocess_preview: InProcessPreview
) -> None:
    """plan.json, manifests, Helm values, policy.txt, summary.json; stdout and stderr."""
    secrets: dict[str, str] = {}
    for stack, plan in inprocess_preview.plans.items():
        secrets.update({f"{stack}: {k}": v for k, v in seeds(plan, inprocess_preview.configs[stack]).items()})
    files = _written_files(preview_all.out) + _written_files(inprocess_preview.out)
    kinds = {p.name for p in files} | {part for p in files for part in p.parts if part in ("manifests", "helm")}
    assert {"plan.json", "policy.txt", "summary.json", "manifests", "helm"} <= kinds, kinds
    texts = {str(p): p.read_text() for p in files}
    texts["preview --all stdout"] = preview_all.stdout
    texts["preview --all stderr"] = preview_all.stderr
    texts["in-process preview stdout"] = inprocess_preview.stdout
    leaks = [
        f"{where}: {what}"
        for where, text in texts.items()
        for what, secret in secrets.items()
        if any(form in text for form in _forms(secret))
    ]
    assert leaks == []
    assert len(texts) > 100  # every stack's plan, manifests and Helm files were searched


def test_plan_json_shows_secrets_as_redacted(preview_all: Any) -> None:
    for stack in preview_all.stacks():
        plan = preview_all.plan(stack)
        kubeconfigs = plan["outputs"]["kubeconfigs"]  # a secret mapping keeps its keys, never its values
        assert kubeconfigs and set(kubeconfigs.values()) == {"[secret]"}, kubeconfigs
        for r in plan["resources"]:
            if r["type"] in SECRET_TYPES:
                assert r["outputs" if "outputs" in r else "inputs"].get("result", "[secret]") == "[secret]"
            if r["type"] == "kubernetes:core/v1:Secret":
                data = r["inputs"].get("stringData") or r["inputs"].get("data") or {}
                assert data and set(data.values()) == {"[secret]"}, (stack, r["urn"], data)
            if r["type"] == "pulumi:providers:kubernetes" and stack != "local":
                assert r["inputs"]["kubeconfig"] == "[secret]", (stack, r["urn"])


# The stack program, plus an export of each cluster handle's own kubeconfig.
HANDLE_EXPORTING_MAIN = """
import pulumi
from skyfleet.stack.program import run

for name, cluster in run().clusters.items():
    pulumi.export(f"handle-kubeconfig-{name}", cluster.handle.kubeconfig)
"""


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_each_cluster_handle_exposes_its_kubeconfig_as_a_secret(stack: str, tmp_path: Path) -> None:
    """Checked on the handle itself (`Output.is_secret()`), not through the Fleet's secret wrapper."""
    project = copy_project(tmp_path)
    (project / "__main__.py").write_text(HANDLE_EXPORTING_MAIN)
    plan, _ = run_stack(project, stack)
    exported = {k: v for k, v in plan.outputs.items() if k.startswith("handle-kubeconfig-")}
    assert exported and all(wire.is_secret(v) for v in exported.values()), exported
    (provider,) = plan.by_type("pulumi:providers:kubernetes")
    assert wire.is_secret(provider.inputs["kubeconfig"])


def test_a_secret_value_in_a_bad_place_is_not_printed_in_the_error(tmp_path: Path) -> None:
    """A validation error names the field, never a value read from a secret config key."""
    project = copy_project(tmp_path)
    edit_stack(project, "aws-prod", put("skyfleet:clusters", "skyfleet-prod", "admins",
                                        value=[{"secure": "v1:bm90LWFuLWFybg=="}]))
    error = validation_error(project, "aws-prod")
    placeholder = secure_placeholder("skyfleet:clusters.skyfleet-prod.admins[0]", "v1:bm90LWFuLWFybg==")
    assert placeholder not in str(error)
    assert [(p.path, p.value) for p in error.problems] == [
        ("stacks/Pulumi.aws-prod.yaml: skyfleet:clusters.skyfleet-prod.admins[0]", "[secret]")
    ]
