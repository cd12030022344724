"""Argo CD: HA in production, a TLS Ingress, Git repositories and ApplicationSets."""

from __future__ import annotations

from pathlib import Path

import pulumi_kubernetes as k8s
import pytest
import yaml
from platform_harness import SECRET, default_platform, preview, preview_platform, releases, values

from components.errors import Problems
from components.platform import (
    ApplicationSetArgs,
    AppProjectArgs,
    ArgoCDArgs,
    GitRepository,
    Platform,
    PlatformArgs,
    SyncRetryArgs,
)
from skyfleet.preview import wire
from skyfleet.preview.runner import PreviewError

APPSET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet"
GITOPS = ArgoCDArgs(
    hostname="cd.example.com",
    repositories={
        "platform": GitRepository(
            url="https://git.example.com/platform.git", username="bot", password="token-123"
        ),
    },
    application_sets={"apps": ApplicationSetArgs(repo_url="https://git.example.com/platform.git")},
)


def _gitops():
    return preview_platform(PlatformArgs(argocd=GITOPS))


def test_production_runs_argo_cd_highly_available():
    sent = values(default_platform(production=True).plan, "argocd")
    assert sent["redis-ha"]["enabled"] is True
    assert sent["server"]["autoscaling"] == {"enabled": True, "minReplicas": 2}
    assert sent["repoServer"]["autoscaling"] == {"enabled": True, "minReplicas": 2}
    assert sent["applicationSet"]["replicas"] == 2
    assert sent["server"]["pdb"] == {"enabled": True, "minAvailable": 1}


def test_dev_runs_argo_cd_without_redis_ha():
    sent = values(default_platform().plan, "argocd")
    assert sent["redis-ha"]["enabled"] is False
    assert sent["server"]["pdb"]["enabled"] is False


def test_server_ingress_uses_the_ingress_class_and_a_cert_manager_certificate():
    ingress = values(_gitops().plan, "argocd")["server"]["ingress"]
    assert ingress == {
        "enabled": True,
        "hostname": "cd.example.com",
        "ingressClassName": "traefik",
        "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt-staging"},
        "tls": True,
    }


def test_server_speaks_plain_http_behind_the_tls_ingress():
    sent = values(_gitops().plan, "argocd")
    assert sent["configs"]["params"]["server.insecure"] is True
    assert sent["global"]["domain"] == "cd.example.com"


def test_server_ingress_keeps_the_ha_settings_of_the_server():
    sent = values(preview_platform(PlatformArgs(argocd=GITOPS), production=True).plan, "argocd")
    assert sent["server"]["autoscaling"]["enabled"] is True
    assert sent["server"]["ingress"]["enabled"] is True


def test_no_hostname_means_no_ingress():
    assert "ingress" not in values(default_platform().plan, "argocd")["server"]


def test_repositories_become_labelled_repository_secrets():
    (secret,) = [r for r in _gitops().plan.by_type(SECRET) if "repo-platform" in r.name]
    inputs = wire.reveal(secret.inputs)
    assert inputs["metadata"]["labels"] == {"argocd.argoproj.io/secret-type": "repository"}
    assert inputs["metadata"]["namespace"] == "argocd"
    assert inputs["stringData"]["url"] == "https://git.example.com/platform.git"


def test_repository_password_is_kept_secret():
    (secret,) = [r for r in _gitops().plan.by_type(SECRET) if "repo-platform" in r.name]
    data = secret.inputs["stringData"]
    assert wire.is_secret(data) or wire.is_secret(data["password"])


def test_application_set_waits_for_the_argocd_release():
    plan = _gitops().plan
    (appset,) = plan.by_type(APPSET)
    assert releases(plan)["argocd"].urn in appset.dependencies


def test_application_set_makes_one_application_per_directory():
    (appset,) = _gitops().plan.by_type(APPSET)
    spec = wire.reveal(appset.inputs)["spec"]
    assert spec["generators"] == [
        {
            "git": {
                "repoURL": "https://git.example.com/platform.git",
                "revision": "HEAD",
                "directories": [{"path": "apps/*"}],
            }
        }
    ]
    template = spec["template"]["spec"]
    assert template["destination"] == {
        "server": "https://kubernetes.default.svc",
        "namespace": "{{.path.basename}}",
    }
    assert template["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}


def test_repository_secrets_do_not_wait_for_the_release():
    plan = _gitops().plan
    (secret,) = [r for r in plan.by_type(SECRET) if "repo-platform" in r.name]
    assert releases(plan)["argocd"].urn not in secret.dependencies


def test_bad_git_urls_and_names_are_reported_with_their_paths():
    args = ArgoCDArgs(
        repositories={"Bad_Name": GitRepository(url="ftp://x")},
        application_sets={"apps": ApplicationSetArgs(repo_url="file:///tmp")},
    )
    problems = Problems()
    args.check(problems)
    assert sorted(p.path for p in problems.found) == [
        "applicationSets.apps.repoUrl",
        "repositories.Bad_Name",
        "repositories.Bad_Name.url",
    ]


def test_application_sets_from_config_keep_their_sync_options_and_names():
    (appset,) = _gitops().plan.by_type(APPSET)
    template = wire.reveal(appset.inputs)["spec"]["template"]
    assert template["metadata"]["name"] == "{{.path.basename}}"
    assert template["spec"]["syncPolicy"]["syncOptions"] == ["CreateNamespace=true"]


def test_an_application_set_added_later_waits_for_the_release_and_what_it_is_given():
    def build(handle):
        platform = Platform("main-platform", handle, PlatformArgs())
        secret = k8s.core.v1.Secret("app-secret", opts=handle.k8s_options(platform))
        platform.addons["argocd"].add_application_set(
            "main-workloads",
            ApplicationSetArgs(
                repo_url="https://git.example.com/deploy.git", path="deploy/dev/main/*",
                sync_options=("CreateNamespace=false", "ServerSideApply=true"), name_prefix="main-",
            ),
            depends_on=[secret],
        )

    plan = preview(build).plan
    (appset,) = plan.by_type(APPSET)
    (secret,) = [r for r in plan.by_type(SECRET) if r.name == "app-secret"]
    assert {releases(plan)["argocd"].urn, secret.urn} <= set(appset.dependencies)
    spec = wire.reveal(appset.inputs)["spec"]
    assert spec["template"]["metadata"]["name"] == "main-{{.path.basename}}"
    assert spec["template"]["spec"]["syncPolicy"]["syncOptions"] == ["CreateNamespace=false", "ServerSideApply=true"]
    assert appset.parent.endswith("::main-platform-argocd")


def test_an_application_set_name_prefix_must_start_a_kubernetes_name():
    problems = Problems()
    ApplicationSetArgs(repo_url="https://git.example.com/x.git", name_prefix="Main_").check(problems)
    assert [p.path for p in problems.found] == ["namePrefix"]


# --- confinement and retry -----------------------------------------------------------------------

PROJECT_TYPE = "kubernetes:argoproj.io/v1alpha1:AppProject"
# The Argo CD CRDs of the chart release Skyfleet installs (../shared/k8s-data, read by path).
ARGO_CRDS = Path(__file__).resolve().parents[2].parent / "shared" / "k8s-data" / "crds" / "argo-cd-chart-10.1.1"


def _crd_errors(file: str, obj: dict) -> list[str]:
    import jsonschema

    path = ARGO_CRDS / file
    if not path.exists():
        pytest.skip(f"{path} is absent: the upstream CRDs live in ../shared/k8s-data")
    crd = yaml.safe_load(path.read_text())
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    validator = jsonschema.Draft202012Validator(version["schema"]["openAPIV3Schema"])
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(obj)]


def test_generated_applications_retry_a_failed_sync_with_backoff():
    (appset,) = _gitops().plan.by_type(APPSET)
    template = wire.reveal(appset.inputs)["spec"]["template"]
    retry = template["spec"]["syncPolicy"]["retry"]
    assert retry == {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}}
    application = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                   "metadata": {"name": "x"}, "spec": template["spec"]}
    assert _crd_errors("applications.argoproj.io.yaml", application) == []


def test_a_project_confines_its_applications_to_one_repo_the_namespaces_and_namespaced_kinds():
    def build(handle):
        platform = Platform("main-platform", handle, PlatformArgs())
        platform.addons["argocd"].add_project("fleet", AppProjectArgs(
            source_repos=["https://git.example.com/deploy.git"], namespaces=["apps", "shop"],
            kinds=[("apps", "Deployment"), ("", "Service"), ("apps", "Deployment")],
        ))

    plan = preview(build).plan
    (project,) = plan.by_type(PROJECT_TYPE)
    assert releases(plan)["argocd"].urn in project.dependencies
    obj = wire.reveal(project.inputs)
    assert obj["spec"]["sourceRepos"] == ["https://git.example.com/deploy.git"]
    assert obj["spec"]["destinations"] == [
        {"server": "https://kubernetes.default.svc", "namespace": "apps"},
        {"server": "https://kubernetes.default.svc", "namespace": "shop"},
    ]
    assert obj["spec"]["clusterResourceWhitelist"] == []
    assert obj["spec"]["namespaceResourceWhitelist"] == [
        {"group": "", "kind": "Service"}, {"group": "apps", "kind": "Deployment"},
    ]
    assert _crd_errors("appprojects.argoproj.io.yaml", obj) == []


def test_a_project_named_default_or_without_a_repository_is_refused():
    problems = Problems()
    AppProjectArgs(source_repos=[], namespaces=["apps"], kinds=[]).check(problems)
    assert [p.path for p in problems.found] == ["sourceRepos"]
    with pytest.raises(PreviewError, match="permissive built-in project"):
        preview(lambda handle: Platform("main-platform", handle, PlatformArgs()).addons["argocd"].add_project(
            "default", AppProjectArgs(source_repos=["https://git.example.com/x.git"], namespaces=["apps"], kinds=[])
        ))


def test_a_retry_with_a_bad_backoff_is_reported_with_its_path():
    problems = Problems()
    ApplicationSetArgs(repo_url="https://git.example.com/x.git",
                       retry=SyncRetryArgs(limit=0, backoff="soon")).check(problems)
    assert [p.path for p in problems.found] == ["retry.limit", "retry.backoff"]
