"""cert-manager and its Let's Encrypt ClusterIssuers."""

from __future__ import annotations

from platform_harness import default_platform, preview, preview_platform, releases, values

from components.errors import Problems
from components.platform import CertManager, CertManagerArgs, IngressControllerArgs, PlatformArgs
from skyfleet.preview import wire

ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer"


def _issuers(plan) -> dict[str, dict]:
    return {wire.reveal(r.inputs)["metadata"]["name"]: r for r in plan.by_type(ISSUER)}


def test_staging_and_production_issuers_are_created():
    assert set(_issuers(default_platform().plan)) == {"letsencrypt-staging", "letsencrypt-prod"}


def test_cluster_issuers_wait_for_the_cert_manager_release():
    plan = default_platform().plan
    release = releases(plan)["cert-manager"]
    for name, issuer in _issuers(plan).items():
        assert release.urn in issuer.dependencies, name
        assert issuer.provider == release.provider


HOSTS = PlatformArgs(ingress=IngressControllerArgs(gateway_hosts={"web.example.com": ["apps"]}))


def test_issuers_solve_http01_through_the_clusters_gateway():
    for issuer in _issuers(preview_platform(HOSTS).plan).values():
        (solver,) = wire.reveal(issuer.inputs)["spec"]["acme"]["solvers"]
        assert solver == {"http01": {"gatewayHTTPRoute": {"parentRefs": [
            {"name": "traefik", "namespace": "traefik", "kind": "Gateway", "sectionName": "http"},
        ]}}}


def test_issuers_solve_http01_through_the_ingress_class_without_a_gateway():
    args = PlatformArgs(ingress=IngressControllerArgs(controller="ingress-nginx"))
    for issuer in _issuers(preview_platform(args).plan).values():
        (solver,) = wire.reveal(issuer.inputs)["spec"]["acme"]["solvers"]
        assert solver == {"http01": {"ingress": {"ingressClassName": "nginx"}}}


def test_without_route_hosts_there_is_no_gateway_and_issuers_solve_through_the_ingress_class():
    preview = default_platform()
    assert preview.plan.by_type("kubernetes:gateway.networking.k8s.io/v1:Gateway") == []
    for issuer in _issuers(preview.plan).values():
        (solver,) = wire.reveal(issuer.inputs)["spec"]["acme"]["solvers"]
        assert solver == {"http01": {"ingress": {"ingressClassName": "traefik"}}}


def test_cert_manager_is_configured_for_the_gateway_api_and_waits_for_its_crds():
    plan = preview_platform(HOSTS).plan
    assert values(plan, "cert-manager")["config"]["gatewayAPI"] == {"enabled": True}
    (crds,) = [r for r in plan.resources if r.type == "kubernetes:yaml/v2:ConfigFile"]
    assert crds.urn in releases(plan)["cert-manager"].dependencies


def test_issuers_point_at_the_lets_encrypt_directories():
    servers = {
        name: wire.reveal(r.inputs)["spec"]["acme"]["server"]
        for name, r in _issuers(default_platform().plan).items()
    }
    assert servers == {
        "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
        "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
    }


def test_acme_email_is_registered_when_given():
    args = PlatformArgs(cert_manager=CertManagerArgs(acme_email="ops@example.com"))
    for issuer in _issuers(preview_platform(args).plan).values():
        assert wire.reveal(issuer.inputs)["spec"]["acme"]["email"] == "ops@example.com"


def test_issuers_can_be_left_out():
    preview_ = preview_platform(PlatformArgs(cert_manager=CertManagerArgs(issuers=False)))
    assert _issuers(preview_.plan) == {}
    assert preview_.built.info.cluster_issuer is None


def test_chart_installs_and_keeps_its_crds():
    assert values(default_platform().plan, "cert-manager")["crds"] == {
        "enabled": True,
        "keep": True,
    }


def test_production_runs_two_of_each_component_with_pdbs():
    sent = values(default_platform(production=True).plan, "cert-manager")
    for part in (sent, sent["webhook"], sent["cainjector"]):
        assert part["replicaCount"] == 2
        assert part["podDisruptionBudget"] == {"enabled": True}


def test_single_replicas_get_no_pdb_that_would_block_drains():
    sent = values(default_platform().plan, "cert-manager")
    assert (sent["replicaCount"], sent["podDisruptionBudget"]) == (1, {"enabled": False})


def test_leader_election_stays_in_cert_managers_namespace():
    assert values(default_platform().plan, "cert-manager")["global"]["leaderElection"] == {
        "namespace": "cert-manager"
    }


def test_service_monitor_follows_monitoring():
    with_monitoring = values(default_platform().plan, "cert-manager")["prometheus"]
    alone = values(preview(lambda h: CertManager("cm", h)).plan, "cert-manager")["prometheus"]
    assert with_monitoring["servicemonitor"]["enabled"] is True
    assert alone["servicemonitor"]["enabled"] is False


def test_invalid_email_is_reported():
    problems = Problems()
    CertManagerArgs(acme_email="not-an-address").check(problems)
    assert [p.path for p in problems.found] == ["acmeEmail"]
