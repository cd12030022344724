"""What the preview writes for a stack: plan.json, manifests grouped by cluster, Helm files."""

import json

import pulumi
import pulumi_kubernetes as k8s
import pytest
import yaml

from skyfleet.preview.runner import run_program
from skyfleet.preview.writers import write_stack


class _Cluster(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("skyfleet:cluster:TestCluster", name, None, None)
        self.provider = k8s.Provider(f"{name}-k8s", kubeconfig="{}", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def _program() -> None:
    cluster = _Cluster("east")
    on_cluster = pulumi.ResourceOptions(provider=cluster.provider)
    k8s.core.v1.ConfigMap("cm", metadata={"name": "settings", "namespace": "apps"},
                          data={"replicas": "3"}, opts=on_cluster)
    k8s.core.v1.Secret("token", metadata={"name": "token", "namespace": "apps"},
                       string_data={"token": pulumi.Output.secret("SEEDED-TOKEN")}, opts=on_cluster)
    k8s.core.v1.Namespace("apps", metadata={"name": "apps"}, opts=on_cluster)
    k8s.helm.v3.Release(
        "ingress", name="traefik", chart="traefik", version="41.0.0", namespace="ingress",
        repository_opts={"repo": "https://traefik.github.io/charts"},
        values={"deployment": {"replicas": 2}, "token": pulumi.Output.secret("SEEDED-VALUE")},
        opts=on_cluster,
    )


@pytest.fixture
def written(tmp_path):
    write_stack(run_program(_program, stack="demo"), tmp_path)
    return tmp_path / "demo"


def test_manifests_are_grouped_by_cluster_and_namespace(written):
    files = sorted(p.relative_to(written / "manifests").as_posix() for p in (written / "manifests").rglob("*.yaml"))
    assert files == ["east/_cluster/Namespace-apps.yaml", "east/apps/ConfigMap-settings.yaml",
                     "east/apps/Secret-token.yaml"]


def test_a_manifest_is_plain_kubernetes_yaml(written):
    obj = yaml.safe_load((written / "manifests/east/apps/ConfigMap-settings.yaml").read_text())
    assert obj == {"apiVersion": "v1", "kind": "ConfigMap", "data": {"replicas": "3"},
                   "metadata": {"name": "settings", "namespace": "apps"}}


def test_a_helm_release_file_has_chart_repository_version_namespace_and_values(written):
    release = yaml.safe_load((written / "helm/east/traefik.yaml").read_text())
    assert (release["chart"], release["repository"], release["version"], release["namespace"]) == (
        "traefik", "https://traefik.github.io/charts", "41.0.0", "ingress")
    assert release["values"]["deployment"] == {"replicas": 2}


def test_no_secret_value_is_written_anywhere(written):
    for path in written.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "SEEDED-TOKEN" not in text and "SEEDED-VALUE" not in text, path


def test_plan_json_lists_resources_sorted_by_urn(written):
    urns = [r["urn"] for r in json.loads((written / "plan.json").read_text())["resources"]]
    assert urns == sorted(urns)


def test_a_failed_write_leaves_no_partial_folder(tmp_path):
    write_stack(run_program(_program, stack="demo"), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]
