"""components/cluster/existing.py: a cluster Skyfleet reaches but does not run."""

from __future__ import annotations

import pytest

from components.cluster import ExistingClusterArgs
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan

from .harness import cluster_args, component, inputs, one, preview
from .test_interface import run_isolated


@pytest.fixture(scope="module")
def local() -> Plan:
    return preview(
        cluster_args("existing", name="local", existing=ExistingClusterArgs(context="kind-skyfleet"))
    )


def test_only_a_kubernetes_provider_is_created(local: Plan) -> None:
    assert sorted(r.type for r in local.resources) == [
        "pulumi:providers:kubernetes", "skyfleet:cluster:ExistingCluster",
    ]


def test_the_provider_reads_the_kubeconfig_path_and_context_itself(local: Plan) -> None:
    provider = inputs(one(local, "pulumi:providers:kubernetes", "local-k8s"))
    assert provider["kubeconfig"] == "~/.kube/config"
    assert provider["context"] == "kind-skyfleet"


def test_the_provider_is_identified_by_file_and_context(local: Plan) -> None:
    provider = inputs(one(local, "pulumi:providers:kubernetes", "local-k8s"))
    assert provider["clusterIdentifier"] == "existing:~/.kube/config#kind-skyfleet"


def test_the_kubeconfig_output_is_a_secret(local: Plan) -> None:
    assert wire.is_secret(local.outputs["kubeconfig"])
    assert wire.reveal(local.outputs["kubeconfig"]) == "~/.kube/config"


def test_there_is_no_cloud_identity_to_federate_with(local: Plan) -> None:
    assert wire.reveal(local.outputs["oidcIssuerUrl"]) == ""


def test_the_provider_is_a_child_of_the_component(local: Plan) -> None:
    provider = one(local, "pulumi:providers:kubernetes", "local-k8s")
    assert provider.parent == component(local).urn


def test_no_cloud_sdk_is_imported() -> None:
    loaded = run_isolated(
        """
        from components.cluster import ClusterArgs, ExistingClusterArgs, create_cluster
        from skyfleet.preview.runner import run_program
        args = ClusterArgs(name="local", cloud="existing",
                           existing=ExistingClusterArgs(context="kind-skyfleet"))
        run_program(lambda: create_cluster(args), stack="test")
        """
    )
    assert not loaded & {"pulumi_aws", "pulumi_gcp", "pulumi_azure_native"}


def _self_signed(existing: ExistingClusterArgs) -> bool:
    seen: list[bool] = []
    preview(cluster_args("existing", name="local", existing=existing),
            then=lambda cluster: seen.append(cluster.handle.profile.kubelet_certs_self_signed))
    return seen[0]


def test_a_kind_cluster_has_self_signed_kubelet_certificates() -> None:
    assert _self_signed(ExistingClusterArgs(context="kind-skyfleet")) is True


def test_a_managed_cluster_behind_existing_verifies_its_kubelets() -> None:
    # An EKS context as `aws eks update-kubeconfig` names it, and the file's current context.
    assert _self_signed(ExistingClusterArgs(context="arn:aws:eks:us-east-1:123456789012:cluster/shared")) is False
    assert _self_signed(ExistingClusterArgs()) is False


def test_self_signed_kubelet_certificates_can_be_stated() -> None:
    assert _self_signed(ExistingClusterArgs(context="minikube", self_signed_kubelet_certs=True)) is True
    assert _self_signed(ExistingClusterArgs(context="kind-x", self_signed_kubelet_certs=False)) is False
