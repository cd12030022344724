"""Running a program under the preview's mocks: what is recorded, named and kept secret."""

import json

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random
import pytest

from skyfleet.preview.runner import PreviewError, run_program


class _Box(pulumi.ComponentResource):
    def __init__(self, name: str, provider: k8s.Provider, protect: bool = False) -> None:
        super().__init__("skyfleet:test:Box", name, None, None)
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        self.namespace = k8s.core.v1.Namespace(f"{name}-ns", opts=child.merge(pulumi.ResourceOptions(protect=protect)))
        self.password = random.RandomPassword(f"{name}-pw", length=20, opts=pulumi.ResourceOptions(parent=self))
        self.secret = k8s.core.v1.Secret(
            f"{name}-secret",
            metadata={"name": "creds", "namespace": self.namespace.metadata.name},
            string_data={"password": self.password.result},
            opts=child,
        )
        self.register_outputs({"namespace": self.namespace.metadata.name, "password": self.password.result})


def _program(protect: bool = False):
    def program() -> None:
        kubeconfig = pulumi.Config("skyfleet").require_secret("kubeconfig")
        provider = k8s.Provider("box-k8s", kubeconfig=kubeconfig)
        box = _Box("box", provider, protect)
        pulumi.export("password", box.password.result)
        pulumi.export("replicas", 3)

    return program


def _run(protect: bool = False):
    return run_program(
        _program(protect), stack="t", config={"skyfleet:kubeconfig": "KUBECONFIG-SEED"},
        secret_keys=["skyfleet:kubeconfig"],
    )


def _one(plan, type_token):
    (found,) = plan.by_type(type_token)
    return found


def test_parent_provider_and_dependencies_are_recorded():
    plan = _run()
    secret = _one(plan, "kubernetes:core/v1:Secret")
    box = _one(plan, "skyfleet:test:Box")
    assert secret.parent == box.urn
    assert secret.provider == _one(plan, "pulumi:providers:kubernetes").urn
    assert _one(plan, "kubernetes:core/v1:Namespace").urn in secret.dependencies


def test_protect_is_recorded():
    assert _one(_run(protect=True), "kubernetes:core/v1:Namespace").protect is True


def test_kubernetes_auto_names_are_stable_and_derived_from_the_urn():
    first = _one(_run(), "kubernetes:core/v1:Namespace").state["metadata"]["name"]
    second = _one(_run(), "kubernetes:core/v1:Namespace").state["metadata"]["name"]
    assert first == second and first.startswith("box-ns-") and len(first) == len("box-ns-") + 8


def test_an_explicit_kubernetes_name_is_kept():
    assert _one(_run(), "kubernetes:core/v1:Secret").state["metadata"]["name"] == "creds"


def test_a_generated_password_is_secret_in_the_outputs():
    plan = _run()
    assert plan.to_json()["outputs"]["password"] == "[secret]"
    assert _one(plan, "skyfleet:test:Box").outputs is not None


def test_secret_inputs_never_reach_the_plan():
    plan_text = json.dumps(_run().to_json())
    assert "KUBECONFIG-SEED" not in plan_text
    password = _one(_run(), "random:index/randomPassword:RandomPassword").state["result"]
    assert password["value"] not in plan_text


def test_numbers_are_written_as_integers():
    assert _run().to_json()["outputs"]["replicas"] == 3


def test_two_runs_give_identical_plans():
    assert json.dumps(_run().to_json(), sort_keys=True) == json.dumps(_run().to_json(), sort_keys=True)


def test_a_failing_program_names_the_stack():
    def broken() -> None:
        raise ValueError("bad input")

    with pytest.raises(PreviewError, match="stack broken-stack: ValueError: bad input"):
        run_program(broken, stack="broken-stack")
