"""The preview runs the project's program as Pulumi does: `main` from Pulumi.yaml, run whole, for
the shipped project and for a user's own project outside the repository alike."""

from __future__ import annotations

import json
from pathlib import Path

from preview_projects import copy_shipped_project, preview, write_project

STACK = "local"  # the shipped stack that previews fastest: an existing cluster, no cloud SDK

# A user's program: a cluster and a namespace from the components, a ConfigMap from the plain SDK.
OWN_PROGRAM = """
    import pulumi
    import pulumi_kubernetes as k8s

    from components.cluster import ClusterArgs, ExistingClusterArgs, create_cluster
    from components.workload import create_service_namespace

    config = pulumi.Config()
    cluster = create_cluster(ClusterArgs(name="kind", cloud="existing",
                                         existing=ExistingClusterArgs(context="kind-shop")))
    namespace = create_service_namespace("kind-ns-shop", "shop", cluster.handle, parent=cluster)
    k8s.core.v1.ConfigMap(
        "greeting",
        metadata={"name": "greeting", "namespace": "shop"},
        data={"greeting": config.require("greeting")},
        opts=pulumi.ResourceOptions(provider=cluster.handle.provider, depends_on=[namespace]),
    )
    pulumi.export("namespace", namespace.metadata["name"])
"""


def test_a_raise_in_main_fails_the_preview_with_the_stack_and_the_exception(tmp_path: Path) -> None:
    project = copy_shipped_project(tmp_path / "project")
    main = project / "__main__.py"
    lines = main.read_text().splitlines()
    main.write_text("\n".join([*lines, 'raise RuntimeError("appended to __main__.py")']) + "\n")
    result = preview(project, STACK, tmp_path / "out")
    assert result.code == 1
    assert f"error: stack {STACK}: RuntimeError: appended to __main__.py" in result.stderr
    assert f"at __main__.py:{len(lines) + 1}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_main_is_what_pulumi_yaml_names(tmp_path: Path) -> None:
    project = copy_shipped_project(tmp_path / "project")
    (project / "__main__.py").write_text('raise RuntimeError("the default main ran")\n')
    (project / "program").mkdir()
    (project / "program" / "__main__.py").write_text("from skyfleet.stack.program import run\n\nrun()\n")
    document = (project / "Pulumi.yaml").read_text()
    (project / "Pulumi.yaml").write_text(document + "main: program\n")
    result = preview(project, STACK, tmp_path / "out")
    assert result.code == 0, result.stderr
    assert (tmp_path / "out" / STACK / "plan.json").is_file()


def test_a_main_file_runs_with_its_folder_as_the_working_directory(tmp_path: Path) -> None:
    program = """
        import pathlib
        import pulumi

        pulumi.export("cwd", pathlib.Path.cwd().name)
        pulumi.export("data", pathlib.Path("data.txt").read_text().strip())
    """
    project = write_project(tmp_path / "project", program, main="src/app.py")
    (project / "src" / "data.txt").write_text("read relative to main\n")
    result = preview(project, "dev", tmp_path / "out")
    assert result.code == 0, result.stderr
    plan = json.loads((tmp_path / "out" / "dev" / "plan.json").read_text())
    assert plan["outputs"] == {"cwd": "src", "data": "read relative to main"}


def test_a_user_program_outside_the_repository_previews_with_every_output_file(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "elsewhere", OWN_PROGRAM, stackConfigDir="stacks",
        stacks={"dev": {"shop:greeting": "hello"}},
    )
    out = tmp_path / "out"
    result = preview(project, "dev", out)
    assert result.code == 0, result.stderr
    plan = json.loads((out / "dev" / "plan.json").read_text())
    assert plan["project"] == "shop"
    assert plan["outputs"] == {"namespace": "shop"}
    configmap = out / "dev" / "manifests" / "kind" / "shop" / "ConfigMap-greeting.yaml"
    assert "greeting: hello" in configmap.read_text()
    assert (out / "dev" / "manifests" / "kind" / "_cluster" / "Namespace-shop.yaml").is_file()
    assert (out / "dev" / "policy.txt").read_text() == "No policy violations.\n"
    summary = json.loads((out / "dev" / "summary.json").read_text())
    assert (summary["exitCode"], summary["byCluster"]["kind"]) == (0, 3)  # provider, namespace, ConfigMap


def test_config_given_on_the_command_line_reaches_the_program(tmp_path: Path) -> None:
    project = write_project(tmp_path / "elsewhere", OWN_PROGRAM, stacks={"dev": {"shop:greeting": "hello"}})
    result = preview(project, "dev", tmp_path / "out", overrides={"greeting": "bonjour"})
    assert result.code == 0, result.stderr
    configmap = tmp_path / "out" / "dev" / "manifests" / "kind" / "shop" / "ConfigMap-greeting.yaml"
    assert "greeting: bonjour" in configmap.read_text()


def test_the_project_file_is_found_from_a_folder_below_it(tmp_path: Path) -> None:
    project = write_project(tmp_path / "elsewhere", OWN_PROGRAM, stacks={"dev": {"shop:greeting": "hi"}})
    (project / "docs").mkdir()
    result = preview(project / "docs", "dev", tmp_path / "out")
    assert result.code == 0, result.stderr


def test_a_folder_without_a_project_file_is_refused_as_input(tmp_path: Path) -> None:
    result = preview(tmp_path, "dev", tmp_path / "out")
    assert result.code == 2
    assert f"no Pulumi.yaml project file found (searching upwards from {tmp_path.resolve()})" in result.stderr
