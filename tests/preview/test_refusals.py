"""What the engine refuses, the preview refuses: each case exits non-zero, names the stack and the
resource or key, says it in Pulumi's words, and writes nothing for the stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from preview_projects import Previewed, preview, write_project

STACK = "dev"
URN = f"urn:pulumi:{STACK}::shop"

# Two clusters and the same Microservice name on each: two registrations of one URN.
DUPLICATE_SERVICE = """
    from components.cluster import ClusterArgs, ExistingClusterArgs, create_cluster
    from components.platform.info import PlatformInfo
    from components.workload import ContainerPort, Microservice, Probe, ServiceSpec

    web = ServiceSpec(name="web", namespace="shop", image="nginxinc/nginx-unprivileged:1.27.3-alpine",
                      ports={"http": ContainerPort(port=8080)}, run_as_user=101,
                      liveness=Probe.http_get("/", "http"), readiness=Probe.http_get("/", "http"))
    for name in ("east", "west"):
        cluster = create_cluster(ClusterArgs(name=name, cloud="existing",
                                             existing=ExistingClusterArgs(context=f"kind-{name}")))
        platform = PlatformInfo(ingress_class=None, ingress_namespace=None)
        Microservice("shop-web", cluster.handle, web, platform, create_namespace=True)
"""

# A resource known by URN only, as a remote component hands one back: never registered here.
# (DependencyResource lacks what the SDK reads from a parent; the stand-in adds it.)
UNREGISTERED_PARENT = f"""
    import pulumi
    import pulumi_random as random
    from pulumi.resource import DependencyResource

    class Elsewhere(DependencyResource):
        def __init__(self, urn):
            super().__init__(urn)
            self._protect, self._providers, self._transformations = False, {{}}, []
            self._childResources = set()

    ghost = Elsewhere("{URN}::skyfleet:test:Box::ghost")
    random.RandomPet("pet", opts=pulumi.ResourceOptions(parent=ghost))
"""

UNREGISTERED_DEPENDENCY = f"""
    import pulumi
    import pulumi_random as random
    from pulumi.resource import DependencyResource

    ghost = DependencyResource("{URN}::random:index/randomPet:RandomPet::ghost")
    random.RandomPet("pet", opts=pulumi.ResourceOptions(depends_on=[ghost]))
"""

KUBERNETES_WITH_CLOUD_PROVIDER = """
    import pulumi
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    account = aws.Provider("account", region="us-east-1")
    k8s.core.v1.Namespace("shop", opts=pulumi.ResourceOptions(provider=account))
"""

CLOUD_WITH_KUBERNETES_PROVIDER = """
    import pulumi
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    cluster = k8s.Provider("cluster", kubeconfig="{}")
    aws.s3.Bucket("assets", opts=pulumi.ResourceOptions(provider=cluster))
"""

REQUIRED_CONFIG = """
    import pulumi

    pulumi.export("size", pulumi.Config().require("size"))
"""


def _refused(tmp_path: Path, code: str, **project: Any) -> Previewed:
    root = write_project(tmp_path / "project", code, **project)
    out = tmp_path / "out"
    result = preview(root, STACK, out)
    assert result.code != 0, result.stdout
    assert f"stack {STACK}" in result.stderr
    assert not (out / STACK).exists()
    assert not out.exists() or list(out.iterdir()) == []  # no staging folder left either
    return result


def test_two_resources_with_one_urn_are_refused(tmp_path: Path) -> None:
    result = _refused(tmp_path, DUPLICATE_SERVICE)
    assert (f"Duplicate resource URN '{URN}::skyfleet:workload:Microservice::shop-web'; "
            "try giving it a unique name") in result.stderr


def test_a_parent_that_was_never_registered_is_refused(tmp_path: Path) -> None:
    result = _refused(tmp_path, UNREGISTERED_PARENT)
    assert f"could not find parent resource {URN}::skyfleet:test:Box::ghost" in result.stderr


def test_a_dependency_that_was_never_registered_is_refused(tmp_path: Path) -> None:
    result = _refused(tmp_path, UNREGISTERED_DEPENDENCY)
    assert (f"resource {URN}::random:index/randomPet:RandomPet::pet's dependency "
            f"{URN}::random:index/randomPet:RandomPet::ghost refers to missing resource") in result.stderr


def test_a_kubernetes_resource_given_a_cloud_provider_is_refused(tmp_path: Path) -> None:
    result = _refused(tmp_path, KUBERNETES_WITH_CLOUD_PROVIDER)
    assert "Attempted to register resource kubernetes:core/v1:Namespace with a provider for 'aws'" in result.stderr
    assert "resource 'shop'" in result.stderr


def test_a_cloud_resource_given_a_kubernetes_provider_is_refused(tmp_path: Path) -> None:
    result = _refused(tmp_path, CLOUD_WITH_KUBERNETES_PROVIDER)
    assert "Attempted to register resource aws:s3/bucket:Bucket with a provider for 'kubernetes'" in result.stderr
    assert "resource 'assets'" in result.stderr


def test_a_missing_required_config_key_is_refused(tmp_path: Path) -> None:
    result = _refused(tmp_path, REQUIRED_CONFIG)
    assert result.code == 2
    assert "Missing required configuration variable 'shop:size'" in result.stderr


def test_a_declared_config_key_without_default_must_be_set_by_the_stack(tmp_path: Path) -> None:
    result = _refused(tmp_path, REQUIRED_CONFIG, config={"size": {"type": "string"}, "zone": {"type": "string"}})
    assert result.code == 2
    assert f"Stack '{STACK}' is missing configuration values 'size' and 'zone'" in result.stderr


@pytest.mark.parametrize(("declared", "given", "type_name"), [
    ({"type": "integer"}, "many", "integer"),
    ({"type": "boolean"}, "yes", "boolean"),
    ({"type": "array", "items": {"type": "string"}}, {"a": 1}, "array<string>"),
    ({"type": "array", "items": {"type": "integer"}}, ["1", "two"], "array<integer>"),
    ({"type": "object"}, "flat", "object"),
])
def test_a_config_value_of_the_wrong_type_is_refused(
    tmp_path: Path, declared: dict[str, Any], given: Any, type_name: str
) -> None:
    result = _refused(tmp_path, REQUIRED_CONFIG, config={"size": declared}, stacks={STACK: {"shop:size": given}})
    assert result.code == 2
    assert f"Stack '{STACK}' with configuration key 'size' must be of type '{type_name}'" in result.stderr


@pytest.mark.parametrize(("declared", "given"), [
    ({"type": "integer"}, 3),
    ({"type": "integer"}, "-12"),
    ({"type": "boolean"}, True),
    ({"type": "array", "items": {"type": "string"}}, ["a", "b"]),
    ({"type": "object"}, {"a": 1}),
    ({"type": "string"}, 3),  # a YAML scalar reaches the program as a string
])
def test_a_config_value_of_the_declared_type_is_accepted(tmp_path: Path, declared: dict[str, Any], given: Any) -> None:
    root = write_project(tmp_path / "project", REQUIRED_CONFIG, config={"size": declared},
                         stacks={STACK: {"shop:size": given}})
    result = preview(root, STACK, tmp_path / "out")
    assert result.code == 0, result.stderr


def test_a_declared_default_reaches_the_program_as_the_cli_passes_it(tmp_path: Path) -> None:
    program = """
        import pulumi

        config = pulumi.Config()
        pulumi.export("replicas", config.require_int("replicas") + 1)
        pulumi.export("zones", config.require_object("zones"))
        pulumi.export("region", pulumi.Config("aws").require("region"))
    """
    root = write_project(tmp_path / "project", program, config={
        "replicas": {"type": "integer", "default": 2},
        "zones": {"type": "array", "items": {"type": "string"}, "default": ["a", "b"]},
        "aws:region": "eu-west-1",  # another namespace's key: a value
    })
    result = preview(root, STACK, tmp_path / "out")
    assert result.code == 0, result.stderr
    plan = json.loads((tmp_path / "out" / STACK / "plan.json").read_text())
    assert plan["outputs"] == {"replicas": 3, "zones": ["a", "b"], "region": "eu-west-1"}


def test_a_default_of_the_wrong_type_is_refused_in_pulumi_yaml(tmp_path: Path) -> None:
    result = _refused(tmp_path, REQUIRED_CONFIG, config={"size": {"type": "integer", "default": "big"}})
    assert result.code == 2
    assert "The default value specified for configuration key 'size' is not of the expected type 'integer'" \
        in result.stderr


def test_a_secret_key_given_in_plain_text_is_refused(tmp_path: Path) -> None:
    result = _refused(tmp_path, REQUIRED_CONFIG, config={"size": {"type": "string", "secret": True}},
                      stacks={STACK: {"shop:size": "plain"}})
    assert f"Stack '{STACK}' with configuration key 'size' must be encrypted as it's secret" in result.stderr


def test_an_exception_anywhere_in_main_is_refused_with_its_line(tmp_path: Path) -> None:
    program = """
        import pulumi

        def helper():
            raise KeyError("zone")

        pulumi.export("x", 1)
        helper()
    """
    result = _refused(tmp_path, program)
    assert result.code == 1
    assert f"error: stack {STACK}: KeyError: 'zone'\n  at __main__.py:5" in result.stderr
