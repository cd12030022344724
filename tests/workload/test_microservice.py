"""Microservice under the preview's mocks: the inputs Pulumi would send, their order and secrecy."""

import dataclasses
import json

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random
import pytest

from components.cluster.cloud import Cloud
from components.cluster.clouds import PROFILES
from components.cluster.handle import ClusterHandle, IdentityBinding
from components.errors import ValidationError
from components.workload import Autoscaling, MetricsSpec, Microservice, deploy_services
from components.workload import render as r
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan, run_program

from .samples import PLATFORM, service

SEEDED = "SEEDED-DB-PASSWORD"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


class _Identity:
    """Binds like a cloud would: the profile's annotation with a role id, and its pod labels."""

    def __init__(self, cloud: Cloud):
        self.profile = PROFILES[cloud]

    def bind(self, request):
        annotation = self.profile.identity_annotation or "none"
        return IdentityBinding(
            service_account_annotations={
                annotation: pulumi.Output.from_input(f"role/{request.service_account}")
            },
            pod_labels=dict(self.profile.identity_pod_labels),
        )


def _handle(cloud: Cloud) -> ClusterHandle:
    return ClusterHandle(
        name="main",
        cloud=cloud,
        region="region-1",
        kubernetes_version="1.35",
        production=False,
        provider=k8s.Provider("test-k8s", kubeconfig="{}"),
        kubeconfig=pulumi.Output.secret("kubeconfig"),
        oidc_issuer_url=pulumi.Output.from_input("https://oidc.example.com"),
        profile=PROFILES[cloud],
        identity=_Identity(cloud),
    )


def _run(
    spec=None, *, cloud: Cloud = "aws", platform=PLATFORM, secret_values=None, **kwargs
) -> Plan:
    def program() -> None:
        crds = random.RandomId("prometheus-crds", byte_length=4)  # stands in for the CRDs' release
        Microservice(
            "main-api",
            _handle(cloud),
            spec or service(),
            dataclasses.replace(platform, monitoring_crds=[crds]),
            secret_values={"dbKey": SEEDED} if secret_values is None else secret_values,
            **kwargs,
        )

    return run_program(program, stack="test")


def _one(plan: Plan, type_token: str):
    (found,) = plan.by_type(type_token)
    return found


def test_the_deployment_inputs_are_the_rendered_manifest():
    deployment = _one(_run(), DEPLOYMENT)
    checksum = deployment.inputs["spec"]["template"]["metadata"]["annotations"][
        r.CHECKSUM_ANNOTATION
    ]
    assert deployment.inputs == r.render_deployment(service(), checksum=checksum)


def test_kubernetes_names_are_explicit_without_an_auto_name_suffix():
    plan = _run(service(metrics=MetricsSpec()))
    kubernetes = [
        x for x in plan.resources if x.type.startswith("kubernetes:") and x.name == "main-api"
    ]
    assert {x.state["metadata"]["name"] for x in kubernetes} == {"api"}
    assert sorted(x.type.rsplit(":", 1)[1] for x in kubernetes) == [
        "Deployment",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "PrometheusRule",
        "Service",
        "ServiceAccount",
        "ServiceMonitor",
    ]


def test_every_child_is_parented_and_uses_the_cluster_provider():
    plan = _run()
    component = _one(plan, "skyfleet:workload:Microservice")
    provider = _one(plan, "pulumi:providers:kubernetes")
    children = [
        x for x in plan.resources if x.type.startswith("kubernetes:") and x.name == "main-api"
    ]
    assert {(x.parent, x.provider) for x in children} == {(component.urn, provider.urn)}


def test_replicas_are_not_sent_when_an_autoscaler_owns_them():
    plan = _run(service(autoscaling=Autoscaling(max_replicas=6)))
    assert "replicas" not in _one(plan, DEPLOYMENT).inputs["spec"]
    assert (
        _one(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs["spec"][
            "maxReplicas"
        ]
        == 6
    )


def test_the_secret_data_stays_a_pulumi_secret():
    secret = _one(_run(service(secrets={"DB_PASSWORD": "dbKey"})), "kubernetes:core/v1:Secret")
    assert wire.is_secret(secret.inputs["stringData"])
    assert wire.reveal(secret.inputs["stringData"]) == {"DB_PASSWORD": SEEDED}


def test_the_secret_value_is_nowhere_in_the_written_plan():
    plan = _run(service(secrets={"DB_PASSWORD": "dbKey"}))
    assert SEEDED not in json.dumps(plan.to_json())


def test_the_checksum_annotation_is_deliberately_not_secret():
    deployment = _one(_run(service(secrets={"DB_PASSWORD": "dbKey"})), DEPLOYMENT)
    assert not wire.contains_secret(deployment.inputs)
    assert (
        len(deployment.inputs["spec"]["template"]["metadata"]["annotations"][r.CHECKSUM_ANNOTATION])
        == 64
    )


def test_the_deployment_waits_for_its_service_account_config_and_secret():
    plan = _run(service(config={"LOG_LEVEL": "info"}, secrets={"DB_PASSWORD": "dbKey"}))
    needed = {
        x.urn
        for kind in ("ServiceAccount", "ConfigMap", "Secret")
        for x in plan.by_type(f"kubernetes:core/v1:{kind}")
        if x.state["metadata"]["name"] == "api"  # not the dashboard's ConfigMap
    }
    assert len(needed) == 3
    assert needed <= set(_one(plan, DEPLOYMENT).dependencies)


def test_the_service_monitor_waits_for_the_monitoring_crds():
    plan = _run(service(metrics=MetricsSpec()))
    monitor = _one(plan, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor")
    assert _one(plan, "random:index/randomId:RandomId").urn in monitor.dependencies


def test_no_service_monitor_without_the_prometheus_operator():
    plan = _run(
        service(metrics=MetricsSpec()), platform=dataclasses.replace(PLATFORM, monitoring=False)
    )
    assert plan.by_type("kubernetes:monitoring.coreos.com/v1:ServiceMonitor") == []


def test_cloud_access_annotates_the_service_account_with_the_bound_identity():
    plan = _run(service(cloud_access={"aws": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}))
    annotations = _one(plan, "kubernetes:core/v1:ServiceAccount").inputs["metadata"]["annotations"]
    assert annotations == {"eks.amazonaws.com/role-arn": "role/api"}


def test_azure_identity_labels_the_pods():
    plan = _run(service(cloud_access={"azure": ["Reader"]}), cloud="azure")
    labels = _one(plan, DEPLOYMENT).inputs["spec"]["template"]["metadata"]["labels"]
    assert labels["azure.workload.identity/use"] == "true"


def test_no_identity_is_bound_without_roles_for_this_cloud():
    plan = _run(service(cloud_access={"gcp": ["roles/viewer"]}), cloud="aws")
    assert "annotations" not in _one(plan, "kubernetes:core/v1:ServiceAccount").inputs["metadata"]


def test_an_invalid_spec_raises_before_any_resource_is_created():
    caught: list[ValidationError] = []

    def program() -> None:
        try:
            Microservice("main-api", _handle("aws"), service(image="api:latest"), PLATFORM)
        except ValidationError as exc:
            caught.append(exc)

    plan = run_program(program, stack="test")
    assert [p.path for p in caught[0].problems] == ["image"]
    assert [x.type for x in plan.resources] == ["pulumi:providers:kubernetes"]


def test_a_secret_without_a_value_is_a_validation_error():
    with pytest.raises(Exception, match=r"secrets\.DB_PASSWORD: 'dbKey': has no value"):
        _run(service(secrets={"DB_PASSWORD": "dbKey"}), secret_values={})


def test_create_namespace_makes_a_restricted_namespace():
    namespace = _one(_run(create_namespace=True), "kubernetes:core/v1:Namespace").inputs
    assert (
        namespace["metadata"]["name"],
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
    ) == ("apps", "restricted")


def test_deploy_services_creates_a_shared_namespace_once_and_waits_for_it():
    def program() -> None:
        services = [service(), service(name="web", secrets={"PW": "dbKey"})]
        deploy_services(
            _handle("gcp"),
            PLATFORM,
            services,
            {"dbKey": SEEDED},
            parent=pulumi.ComponentResource("skyfleet:test:Fleet", "fleet"),
        )

    plan = run_program(program, stack="test")
    namespace = _one(plan, "kubernetes:core/v1:Namespace")
    assert all(namespace.urn in d.dependencies for d in plan.by_type(DEPLOYMENT))
    assert sorted(d.name for d in plan.by_type(DEPLOYMENT)) == ["main-api", "main-web"]


def test_deploy_services_reports_a_missing_secret_key_before_creating_anything():
    caught: list[ValidationError] = []

    def program() -> None:
        try:
            deploy_services(
                _handle("aws"),
                PLATFORM,
                [service(secrets={"PW": "nope"})],
                {},
                parent=pulumi.ComponentResource("skyfleet:test:Fleet", "fleet"),
            )
        except ValidationError as exc:
            caught.append(exc)

    plan = run_program(program, stack="test")
    assert [p.path for p in caught[0].problems] == ["services.api.secrets.PW"]
    assert plan.by_type("kubernetes:core/v1:Namespace") == []


def _argocd(spec, cloud: Cloud = "aws"):
    """A Microservice with delivery "argocd": its plan and the component itself."""
    built: list[Microservice] = []

    def program() -> None:
        built.append(Microservice("main-api", _handle(cloud), spec, PLATFORM,
                                  secret_values={"dbKey": SEEDED}, delivery="argocd"))

    return run_program(program, stack="test"), built[0]


ARGO_SPEC = service(
    config={"LOG_LEVEL": "info"}, secrets={"DB_PASSWORD": "dbKey"}, metrics=MetricsSpec(),
    cloud_access={"azure": ["Reader"]},
)


def test_argocd_delivery_creates_the_service_account_and_secret_and_keeps_the_rest_for_git():
    plan, built = _argocd(ARGO_SPEC, cloud="azure")
    created = sorted(x.type.rsplit(":", 1)[1] for x in plan.resources if x.type.startswith("kubernetes:"))
    assert created == ["Secret", "ServiceAccount"]
    assert plan.by_type("random:index/randomPassword:RandomPassword") == []  # no checksum key
    assert sorted(m["kind"] for m in built.git_objects) == [
        "ConfigMap", "ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "PrometheusRule",
        "Service", "ServiceMonitor",
    ]
    assert built.deployment is None and built.service is None
    # The pod label of the cloud identity is plain, so it goes to Git with the Deployment.
    deployment = next(m for m in built.git_objects if m["kind"] == "Deployment")
    assert deployment["spec"]["template"]["metadata"]["labels"]["azure.workload.identity/use"] == "true"


def test_argocd_delivery_renders_git_objects_with_the_same_builders_and_a_plain_checksum():
    _, built = _argocd(ARGO_SPEC)
    checksum = r.config_map_checksum({"LOG_LEVEL": "info"})
    expected = [
        m for m in r.render_service_objects(ARGO_SPEC, PLATFORM, checksum=checksum, secret_values={"dbKey": SEEDED})
        if m["kind"] not in r.PULUMI_OWNED_KINDS
    ]
    assert built.git_objects == expected
    assert SEEDED not in json.dumps(built.git_objects)
