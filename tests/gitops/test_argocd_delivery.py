"""`skyfleet:delivery: argocd`: Pulumi keeps what carries secrets and identities, Argo CD applies
the rest from Git, and `skyfleet render` writes exactly that rest.

The stack is tests/fixtures/stacks/Pulumi.kind-gitops.yaml (two existing kind clusters), copied
next to the shipped stacks in a temporary project; the same stack switched to Pulumi delivery is
the reference every rendered object must equal (apart from skyfleet.analysis.parity's allowed fields).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.errors import ValidationError
from components.workload.render import CHECKSUM_ANNOTATION, PULUMI_OWNED_KINDS, config_map_checksum
from skyfleet import cli
from skyfleet.analysis.parity import compare, format_report, is_workload_object, load_manifests, object_key
from skyfleet.analysis.validate_manifests import validate_directory
from skyfleet.commands.preview import preview_one
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan, PreviewError, run_stack
from skyfleet.preview.writers import kubernetes_object
from skyfleet.stack.gitops import object_path, render_stack

PROJECT = Path(__file__).resolve().parents[2]
FIXTURE = PROJECT / "tests" / "fixtures" / "stacks" / "Pulumi.kind-gitops.yaml"
STACK = "kind-gitops"
CLUSTERS = ("east", "west")
REPO = "https://github.com/example/skyfleet-deploy.git"
APPSET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet"
RELEASE = "kubernetes:helm.sh/v3:Release"
# What a service renders besides what Pulumi keeps (the workloads of stacks/workloads.yaml).
ARGO_KINDS = {
    "ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
    "HTTPRoute", "NetworkPolicy", "ServiceMonitor", "PrometheusRule",
}

Config = dict[str, Any]


def make_project(root: Path, *edits: Callable[[Config], None], stack: str = STACK) -> Path:
    """The shipped stacks plus the fixture, in `root`; `edits` change `stack`'s `config:`."""
    shutil.copytree(PROJECT / "stacks", root / "stacks")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT / name, root / name)
    shutil.copy(FIXTURE, root / "stacks" / FIXTURE.name)
    path = root / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    for edit in edits:
        edit(document["config"])
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return root


def set_key(key: str, value: Any) -> Callable[[Config], None]:
    def edit(config: Config) -> None:
        config[f"skyfleet:{key}"] = value

    return edit


def drop_key(key: str) -> Callable[[Config], None]:
    def edit(config: Config) -> None:
        config.pop(f"skyfleet:{key}")

    return edit


def argocd_delivery(config: Config) -> None:
    config["skyfleet:delivery"] = "argocd"
    config["skyfleet:gitops"] = {"repoUrl": REPO}


def objects(plan: Plan) -> list[dict[str, Any]]:
    return [obj for r in plan.resources if (obj := kubernetes_object(r)) is not None]


def workload_objects(plan: Plan) -> list[dict[str, Any]]:
    return [obj for obj in objects(plan) if is_workload_object(obj)]


def render_cli(project: Path, *args: str) -> int:
    return cli.main(["--project", str(project), "render", "--stack", STACK, *args])


def files_under(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("gitops-project"))


@pytest.fixture(scope="module")
def plan(project: Path) -> Plan:
    return run_stack(project, STACK)[0]


@pytest.fixture(scope="module")
def pulumi_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """The same stack delivered by Pulumi: the reference."""
    root = make_project(tmp_path_factory.mktemp("pulumi-project"), set_key("delivery", "pulumi"))
    return run_stack(root, STACK)[0]


@pytest.fixture(scope="module")
def rendered(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`skyfleet render --stack kind-gitops --out <tmp>/deploy`: the stack's folder."""
    out = tmp_path_factory.mktemp("render") / "deploy"
    assert render_cli(project, "--out", str(out)) == 0
    return out / STACK


def by_cluster(root: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        cluster: [yaml.safe_load(p.read_text()) for p in sorted((root / cluster).rglob("*.yaml"))]
        for cluster in CLUSTERS
    }


# --- what Pulumi creates --------------------------------------------------------------------------


def test_pulumi_creates_the_namespaces_service_accounts_and_secrets_and_nothing_else_of_the_services(plan):
    kinds = sorted({obj["kind"] for obj in workload_objects(plan)})
    assert kinds == sorted(PULUMI_OWNED_KINDS)
    # The fleet view (one dashboard ConfigMap per cluster) and the Gateway's HTTP->HTTPS redirect
    # (an HTTPRoute of the platform's) belong to no service: Pulumi keeps them.
    platform_owned = ("-fleet-dashboard", "-gateway-redirect")
    created = {r.type.rsplit(":", 1)[-1] for r in plan.resources if not r.name.endswith(platform_owned)}
    assert not created & ARGO_KINDS
    # No per-service HMAC key either: nothing in Git is keyed with it.
    assert not [r for r in plan.resources if r.name.endswith("-checksum-key")]


def test_each_cluster_gets_every_service_account_and_secret(plan):
    keys = {(r.name.split("-", 1)[0], object_key(obj)) for r in plan.resources
            if (obj := kubernetes_object(r)) is not None and is_workload_object(obj)}
    for cluster in CLUSTERS:
        assert {key for c, key in keys if c == cluster} == {
            ("Namespace", "", "apps"),
            ("ServiceAccount", "apps", "api"),
            ("ServiceAccount", "apps", "web"),
            ("Secret", "apps", "api"),
        }


# --- the ApplicationSet ---------------------------------------------------------------------------


def _appsets(plan: Plan) -> dict[str, Any]:
    return {wire.reveal(r.inputs)["metadata"]["name"]: r for r in plan.by_type(APPSET)}


def test_one_application_set_per_cluster_reads_that_clusters_folder(plan):
    appsets = _appsets(plan)
    assert sorted(appsets) == [f"{c}-workloads" for c in CLUSTERS]
    for cluster in CLUSTERS:
        inputs = wire.reveal(appsets[f"{cluster}-workloads"].inputs)
        assert inputs["metadata"]["namespace"] == "argocd"
        spec = inputs["spec"]
        assert spec["generators"] == [{"git": {
            "repoURL": REPO, "revision": "main",
            "directories": [{"path": f"deploy/{STACK}/{cluster}/*"}],
        }}]
        template = spec["template"]["spec"]
        assert template["source"] == {"repoURL": REPO, "targetRevision": "main", "path": "{{.path.path}}"}
        # One Application per namespace folder, deployed to that namespace.
        assert template["destination"]["namespace"] == "{{.path.basename}}"
        assert spec["template"]["metadata"]["name"] == f"{cluster}-{{{{.path.basename}}}}"


def test_applications_sync_automatically_with_prune_and_self_heal_into_pulumis_namespaces(plan):
    for appset in _appsets(plan).values():
        policy = wire.reveal(appset.inputs)["spec"]["template"]["spec"]["syncPolicy"]
        assert policy["automated"] == {"prune": True, "selfHeal": True}
        assert policy["syncOptions"] == ["CreateNamespace=false", "ServerSideApply=true"]


def test_application_set_waits_for_argo_cd_and_for_what_pulumi_keeps_on_its_cluster(plan):
    appsets = _appsets(plan)
    for cluster in CLUSTERS:
        deps = set(appsets[f"{cluster}-workloads"].dependencies)
        (release,) = [r for r in plan.by_type(RELEASE) if r.name == f"{cluster}-platform-argocd-release"]
        assert release.urn in deps
        kept = [r for r in plan.resources if (obj := kubernetes_object(r)) is not None
                and is_workload_object(obj) and r.name.startswith(f"{cluster}-")]
        assert {r.type.rsplit(":", 1)[-1] for r in kept} == PULUMI_OWNED_KINDS
        assert {r.urn for r in kept} <= deps
        other = [r.urn for r in plan.resources if r.urn in deps and not r.name.startswith(f"{cluster}-")]
        assert other == []


def test_the_repository_is_registered_with_argo_cd_on_every_cluster(plan):
    secrets = [r for r in plan.resources if r.type == "kubernetes:core/v1:Secret" and "repo-gitops" in r.name]
    assert len(secrets) == len(CLUSTERS)
    for secret in secrets:
        inputs = wire.reveal(secret.inputs)
        assert inputs["metadata"]["labels"] == {"argocd.argoproj.io/secret-type": "repository"}
        assert inputs["metadata"]["namespace"] == "argocd"
        assert inputs["stringData"]["url"] == REPO


def test_pulumi_delivery_has_no_application_set(pulumi_plan):
    assert pulumi_plan.by_type(APPSET) == []


# --- skyfleet render ------------------------------------------------------------------------------


def test_render_writes_exactly_the_objects_argo_cd_owns(rendered, pulumi_plan):
    expected = sorted(
        object_path(cluster, obj)
        for r in pulumi_plan.resources
        if (obj := kubernetes_object(r)) is not None and is_workload_object(obj)
        and obj["kind"] not in PULUMI_OWNED_KINDS
        for cluster in [r.name.split("-", 1)[0]]
    )
    assert sorted(files_under(rendered)) == expected
    kinds = {obj["kind"] for objs in by_cluster(rendered).values() for obj in objs}
    assert kinds == ARGO_KINDS


def test_rendered_objects_are_valid_kubernetes_strictly(rendered):
    report = validate_directory(rendered)
    assert report.problems == {}
    assert report.checked == len(files_under(rendered))


def test_rendered_objects_equal_what_pulumi_delivery_creates(rendered, pulumi_plan):
    targets: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in pulumi_plan.resources:
        obj = kubernetes_object(r)
        if obj is not None and is_workload_object(obj) and obj["kind"] not in PULUMI_OWNED_KINDS:
            targets.setdefault(("pulumi", r.name.split("-", 1)[0]), []).append(obj)
    assert sorted(targets) == [("pulumi", c) for c in CLUSTERS]
    for cluster, objs in by_cluster(rendered).items():
        targets[("argocd", cluster)] = objs
    report = compare(targets)
    assert report.clean, format_report(report)
    assert report.objects == len(targets[("pulumi", "east")]) == len(files_under(rendered / "east"))
    assert report.allowed > 0  # the checksum: an HMAC with Pulumi, a plain hash in Git


def test_the_preview_writes_what_render_writes_and_both_modes_match_on_the_clusters(project, rendered, tmp_path):
    """`skyfleet preview` of the Argo CD stack: Pulumi's objects in manifests/, Argo CD's in
    gitops/ (byte for byte what `skyfleet render` writes); together, what Pulumi delivery makes."""
    out = tmp_path / "out"
    assert preview_one(project, STACK, out, quiet=True) == 0
    assert files_under(out / STACK / "gitops") == files_under(rendered)
    reference = make_project(tmp_path / "reference", set_key("delivery", "pulumi"))
    reference_out = tmp_path / "reference-out"
    assert preview_one(reference, STACK, reference_out, quiet=True) == 0
    assert not (reference_out / STACK / "gitops").exists()
    argocd, pulumi = load_manifests(out, [STACK]), load_manifests(reference_out, [STACK])
    report = compare({("argocd", c): argocd[(STACK, c)] for c in CLUSTERS}
                     | {("pulumi", c): pulumi[(STACK, c)] for c in CLUSTERS})
    assert report.clean, format_report(report)


def test_the_checksum_in_git_is_a_plain_hash_of_the_config_map_alone(rendered):
    deployment = yaml.safe_load((rendered / "east" / "apps" / "Deployment-api.yaml").read_text())
    config_map = yaml.safe_load((rendered / "east" / "apps" / "ConfigMap-api.yaml").read_text())
    checksum = deployment["spec"]["template"]["metadata"]["annotations"][CHECKSUM_ANNOTATION]
    assert checksum == config_map_checksum(config_map["data"])
    assert checksum == hashlib.sha256(json.dumps({"config": config_map["data"]}, sort_keys=True).encode()).hexdigest()
    # Nothing secret reaches Git: the Secret's values are neither here nor hashed in.
    assert not (rendered / "east" / "apps" / "Secret-api.yaml").exists()
    assert checksum != config_map_checksum({})


def test_render_is_byte_stable_and_removes_stale_files(project, rendered, tmp_path, capsys):
    out = tmp_path / "deploy"
    shutil.copytree(rendered.parent, out)
    before = files_under(out / STACK)
    stale = out / STACK / "east" / "apps" / "Deployment-retired.yaml"
    stale.write_text("kind: Deployment\n")
    (out / STACK / "north" / "jobs").mkdir(parents=True)
    (out / STACK / "north" / "jobs" / "CronJob-old.yaml").write_text("kind: CronJob\n")
    elsewhere = out / "other-stack" / "main" / "apps" / "Service-x.yaml"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_text("kind: Service\n")
    capsys.readouterr()
    assert render_cli(project, "--out", str(out)) == 0
    assert f"0 written, {len(before)} unchanged, 2 removed" in capsys.readouterr().out
    assert files_under(out / STACK) == before
    assert not (out / STACK / "north").exists()
    assert elsewhere.is_file()  # another stack's folder is left alone


def test_render_check_says_whether_git_is_up_to_date(project, rendered, tmp_path):
    out = tmp_path / "deploy"
    shutil.copytree(rendered.parent, out)
    assert render_cli(project, "--out", str(out), "--check") == 0
    (out / STACK / "west" / "apps" / "Service-web.yaml").write_text("edited by hand\n")
    assert render_cli(project, "--out", str(out), "--check") == 1
    assert (out / STACK / "west" / "apps" / "Service-web.yaml").read_text() == "edited by hand\n"


def test_render_defaults_to_the_stacks_gitops_path_in_the_project(tmp_path):
    root = make_project(tmp_path, set_key("gitops", {"repoUrl": REPO, "path": "clusters/rendered"}))
    assert render_cli(root) == 0
    assert (root / "clusters" / "rendered" / STACK / "east" / "apps" / "Deployment-web.yaml").is_file()
    appset = next(iter(_appsets(run_stack(root, STACK)[0]).values()))
    directories = wire.reveal(appset.inputs)["spec"]["generators"][0]["git"]["directories"]
    assert directories[0]["path"].startswith(f"clusters/rendered/{STACK}/")


def test_render_refuses_a_stack_pulumi_delivers(project, capsys):
    assert cli.main(["--project", str(project), "render", "--stack", "local"]) == 1
    assert "delivers its services with Pulumi" in capsys.readouterr().err
    assert not (project / "deploy").exists()


def test_an_azure_stack_keeps_its_identity_with_pulumi_and_its_pod_label_in_git(tmp_path):
    root = make_project(tmp_path / "azure", argocd_delivery, stack="azure-dev")
    reference = run_stack(make_project(tmp_path / "reference", stack="azure-dev"), "azure-dev")[0]
    rendered = render_stack(root, "azure-dev")
    (cluster,) = rendered.objects
    deployment = next(o for o in rendered.objects[cluster] if o["kind"] == "Deployment" and
                      o["metadata"]["name"] == "api")
    assert deployment["spec"]["template"]["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    plan = run_stack(root, "azure-dev")[0]
    (account,) = [o for o in objects(plan) if o["kind"] == "ServiceAccount" and o["metadata"]["name"] == "api"]
    assert "azure.workload.identity/client-id" in account["metadata"]["annotations"]
    pulumi = [o for o in workload_objects(reference) if o["kind"] not in PULUMI_OWNED_KINDS]
    report = compare({("pulumi", cluster): pulumi, ("argocd", cluster): rendered.objects[cluster]})
    assert report.clean, format_report(report)


# --- config ---------------------------------------------------------------------------------------


def validation_error(root: Path, stack: str = STACK) -> ValidationError:
    with pytest.raises(PreviewError) as raised:
        run_stack(root, stack)
    assert isinstance(raised.value.cause, ValidationError), raised.value
    return raised.value.cause


def problems(error: ValidationError) -> dict[str, tuple[Any, str]]:
    prefix = f"stacks/Pulumi.{STACK}.yaml: skyfleet:"
    return {p.path.removeprefix(prefix): (p.value, p.rule) for p in error.problems}


def test_argocd_delivery_without_a_repository_is_an_error(tmp_path):
    found = problems(validation_error(make_project(tmp_path, drop_key("gitops"))))
    assert list(found) == ["gitops.repoUrl"]
    value, rule = found["gitops.repoUrl"]
    assert value is None
    assert "is required when delivery is 'argocd'" in rule


def test_argocd_delivery_with_the_argocd_add_on_disabled_is_an_error(tmp_path):
    found = problems(validation_error(make_project(tmp_path, set_key("platform", {"argocd": {"enabled": False}}))))
    assert found == {
        "platform.argocd.enabled": (False, found["platform.argocd.enabled"][1]),
    }
    assert "must be true when delivery is 'argocd'" in found["platform.argocd.enabled"][1]


def test_an_unknown_gitops_key_is_an_error(tmp_path):
    gitops = {"repoUrl": REPO, "branch": "main"}
    found = problems(validation_error(make_project(tmp_path, set_key("gitops", gitops))))
    assert list(found) == ["gitops.branch"]
    assert "unknown key" in found["gitops.branch"][1]
    assert "revision" in found["gitops.branch"][1]  # the expected keys are listed


def test_bad_gitops_values_are_reported_together(tmp_path):
    gitops = {"repoUrl": "file:///srv/deploy", "revision": "", "path": "../deploy/"}
    found = problems(validation_error(make_project(tmp_path, set_key("gitops", gitops))))
    assert sorted(found) == ["gitops.path", "gitops.repoUrl", "gitops.revision"]
    assert "Git URL" in found["gitops.repoUrl"][1]


def test_a_typo_in_gitops_names_the_key_to_use(tmp_path):
    found = problems(validation_error(make_project(tmp_path, set_key("gitops", {"repoURL": REPO}))))
    assert "unknown key (did you mean repoUrl?)" in found["gitops.repoURL"][1]
    assert "gitops.repoUrl" in found  # and the repository is still missing


def test_gitops_is_a_known_key_and_optional_with_pulumi_delivery(tmp_path):
    root = make_project(tmp_path, set_key("delivery", "pulumi"), drop_key("gitops"))
    assert run_stack(root, STACK)[0].by_type(APPSET) == []


# --- the policy pack sees what Argo CD applies ------------------------------------------------------


def plain_http_web(root: Path) -> None:
    path = root / "stacks" / "workloads.yaml"
    document = yaml.safe_load(path.read_text())
    # Plain HTTP is possible only as an Ingress (the Gateway serves route hosts over HTTPS only).
    document["services"]["web"]["route"].update(api="ingress", tls=False)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


@pytest.mark.parametrize("delivery", ["argocd", "pulumi"])
def test_a_plain_http_ingress_fails_the_policy_pack_whoever_delivers_it(tmp_path: Path, delivery: str) -> None:
    root = make_project(tmp_path / "project", set_key("delivery", delivery))
    plain_http_web(root)
    out = tmp_path / "out"
    out.mkdir()
    assert preview_one(root, STACK, out, quiet=True) == 3  # a mandatory violation
    report = (out / STACK / "policy.txt").read_text()
    assert "ingress-tls" in report and "plain HTTP" in report
    # Argo CD's copy is judged as the Ingress Pulumi would have registered on each cluster.
    assert report.count("ingress-tls") >= len(CLUSTERS), report


# --- the fleet's AppProject ---------------------------------------------------------------------


def test_each_clusters_applications_live_in_the_fleets_project_not_default(plan):
    projects = {r.name: wire.reveal(r.inputs) for r in plan.resources
                if r.type == "kubernetes:argoproj.io/v1alpha1:AppProject"}
    assert len(projects) == len(CLUSTERS)
    for appset in _appsets(plan).values():
        assert wire.reveal(appset.inputs)["spec"]["template"]["spec"]["project"] == "skyfleet-services"
    for name, project in projects.items():
        assert project["metadata"]["name"] == "skyfleet-services", name
        spec = project["spec"]
        assert spec["sourceRepos"] == [REPO]
        assert spec["clusterResourceWhitelist"] == []
        assert {d["namespace"] for d in spec["destinations"]} == {"apps"}
        kinds = {k["kind"] for k in spec["namespaceResourceWhitelist"]}
        assert kinds <= ARGO_KINDS | {"HTTPRoute"} and {"Deployment", "Service"} <= kinds
        assert not kinds & set(PULUMI_OWNED_KINDS), "Pulumi keeps those: Git must not write them"


def test_the_project_allows_exactly_the_kinds_rendered_for_git(plan, rendered):
    rendered_kinds = {(o["apiVersion"].rpartition("/")[0], o["kind"])
                      for objs in by_cluster(rendered).values() for o in objs}
    for r in plan.resources:
        if r.type == "kubernetes:argoproj.io/v1alpha1:AppProject":
            allowed = {(k["group"], k["kind"]) for k in wire.reveal(r.inputs)["spec"]["namespaceResourceWhitelist"]}
            assert allowed == rendered_kinds


def test_the_repository_secret_is_scoped_to_the_fleets_project(plan):
    secrets = [wire.reveal(r.inputs) for r in plan.resources
               if r.type == "kubernetes:core/v1:Secret" and r.name.endswith("-repo-gitops")]
    assert len(secrets) == len(CLUSTERS)
    assert {s["stringData"]["project"] for s in secrets} == {"skyfleet-services"}
