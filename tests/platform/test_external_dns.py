"""components/platform/external_dns.py: external-dns is told, and granted, the configured zones
only; Azure's gets its azure.json; its gateway source waits for the Gateway API CRDs."""

from __future__ import annotations

import pytest
from platform_harness import SECRET, RecordingDns, one, preview_platform, releases, values

from components.cluster.clouds import PROFILES
from components.cluster.handle import PlannedCluster
from components.errors import Problems
from components.platform import ExternalDnsArgs, GatewayApiArgs, IngressControllerArgs, PlatformArgs
from skyfleet.analysis.api_kinds import unresolved_kinds
from skyfleet.preview import wire

ZONE_ID = "Z0123456789ABCDEFGHIJ"
AZURE_ZONE = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns"
              "/providers/Microsoft.Network/dnszones/example.com")
ZONES = {"aws": (ZONE_ID,), "gcp": ("example-com",), "azure": (AZURE_ZONE,)}
RELEASE = "main-platform-external-dns-release"
CRDS = "kubernetes:yaml/v2:ConfigFile"  # the Gateway API CRD bundle (gateway_api.py)


def on(cloud: str, **overrides: object) -> PlatformArgs:
    fields: dict = {"enabled": True, "domain_filters": ("example.com",), "zones": {cloud: ZONES[cloud]}}
    return PlatformArgs(external_dns=ExternalDnsArgs(**{**fields, **overrides}))


def problems_on(cloud: str, **overrides: object) -> dict[str, str]:
    fields: dict = {"enabled": True, "domain_filters": ("example.com",), **overrides}
    problems = Problems()
    args = ExternalDnsArgs(**fields)
    args.check(problems)
    args.check_cluster(PlannedCluster("main", cloud, PROFILES[cloud]), problems)
    return {p.path: p.rule for p in problems.found}


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_cloud_is_asked_for_access_to_the_configured_zones(cloud: str) -> None:
    dns = RecordingDns(PROFILES[cloud])
    preview_platform(on(cloud), cloud=cloud, dns=dns)
    assert dns.calls == [{"name": "main-platform-external-dns-identity", "namespace": "external-dns",
                          "service_account": "external-dns", "zones": list(ZONES[cloud])}]


@pytest.mark.parametrize(("cloud", "zone_filter"), [
    ("aws", f"/hostedzone/{ZONE_ID}"), ("gcp", "example-com"), ("azure", "/example.com")])
def test_external_dns_filters_on_the_same_zones(cloud: str, zone_filter: str) -> None:
    sent = values(preview_platform(on(cloud), cloud=cloud, dns=RecordingDns(PROFILES[cloud])).plan,
                  "external-dns")
    assert sent["extraArgs"]["zone-id-filter"] == [zone_filter]
    assert sent["domainFilters"] == ["example.com"]


def test_provider_config_files_are_mounted_from_a_secret_where_the_provider_reads_them() -> None:
    dns = RecordingDns(PROFILES["azure"], files={"azure.json": '{"useWorkloadIdentityExtension": true}'})
    plan = preview_platform(on("azure"), cloud="azure", dns=dns).plan
    secret = wire.reveal(one(plan, SECRET, "main-platform-external-dns-provider-config").inputs)
    assert secret["stringData"] == {"azure.json": '{"useWorkloadIdentityExtension": true}'}
    sent = values(plan, "external-dns")
    assert sent["extraVolumes"] == [{"name": "provider-config",
                                     "secret": {"secretName": secret["metadata"]["name"]}}]
    assert sent["extraVolumeMounts"] == [
        {"name": "provider-config", "mountPath": "/etc/provider", "readOnly": True}]
    assert one(plan, SECRET, "main-platform-external-dns-provider-config").urn in \
        releases(plan)["external-dns"].dependencies


def test_azure_pods_carry_the_workload_identity_label_and_client_id() -> None:
    sent = values(preview_platform(on("azure"), cloud="azure", dns=RecordingDns(PROFILES["azure"])).plan,
                  "external-dns")
    assert sent["podLabels"]["azure.workload.identity/use"] == "true"
    assert "azure.workload.identity/client-id" in sent["serviceAccount"]["annotations"]


def test_httproutes_and_ingresses_are_sources_by_default() -> None:
    sent = values(preview_platform(on("aws"), dns=RecordingDns(PROFILES["aws"])).plan, "external-dns")
    assert {"gateway-httproute", "ingress"} <= set(sent["sources"])


def test_the_release_waits_for_the_gateway_api_crds() -> None:
    plan = preview_platform(on("aws"), dns=RecordingDns(PROFILES["aws"])).plan
    assert one(plan, CRDS).urn in releases(plan)["external-dns"].dependencies
    assert unresolved_kinds(plan.to_json()) == []


def test_without_the_crds_the_gateway_source_fails_the_api_check() -> None:
    args = on("aws")
    args = PlatformArgs(external_dns=args.external_dns, gateway_api=GatewayApiArgs(enabled=False),
                        ingress=IngressControllerArgs(gateway_api=False))
    found = {(u.resource, u.kind, u.verb) for u in
             unresolved_kinds(preview_platform(args, dns=RecordingDns(PROFILES["aws"])).plan.to_json())}
    assert (RELEASE, "gateway.networking.k8s.io/v1 HTTPRoute", "watches") in found


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_zones_are_required_with_the_clouds_provider(cloud: str) -> None:
    assert "must name the zones external-dns may change" in problems_on(cloud)[f"zones.{cloud}"]


def test_zones_of_the_other_clouds_do_not_count() -> None:
    assert "zones.aws" in problems_on("aws", zones={"gcp": ("example-com",)})


@pytest.mark.parametrize(("cloud", "zone"), [
    ("aws", "example.com"), ("aws", "arn:aws:route53:::hostedzone/Z0123456789"), ("aws", "/hostedzone/Z1"),
    ("gcp", "example.com"), ("gcp", "Example-Com"), ("gcp", "projects/p/managedZones/example-com"),
    ("azure", "example.com"), ("azure", "resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com"),
    ("azure", AZURE_ZONE.replace("example.com", "Example.com")),
])
def test_a_zone_not_in_the_clouds_form_is_refused(cloud: str, zone: str) -> None:
    assert f"zones.{cloud}[0]" in problems_on(cloud, zones={cloud: (zone,)})


@pytest.mark.parametrize(("cloud", "zone"), [
    ("aws", "Z2FDTNDATAQYW2"), ("gcp", "example-com"), ("gcp", "projects/dns-project/managedZones/example-com"),
    ("azure", AZURE_ZONE), ("azure", AZURE_ZONE.replace("dnszones", "dnsZones")),
])
def test_a_zone_in_the_clouds_form_is_accepted(cloud: str, zone: str) -> None:
    assert problems_on(cloud, zones={cloud: (zone,)}) == {}


def test_every_clouds_zones_are_checked_on_any_cluster() -> None:
    # A fleet shares one platform config: a bad Azure zone is reported on the AWS stack too.
    zones = {"aws": (ZONE_ID,), "azure": ("example.com",)}
    assert list(problems_on("aws", zones=zones)) == ["zones.azure[0]"]


def test_a_zone_named_twice_is_refused() -> None:
    assert "zones.aws" in problems_on("aws", zones={"aws": (ZONE_ID, ZONE_ID)})


def test_gcp_zones_of_two_projects_are_refused() -> None:
    zones = ("example-com", "projects/dns-project/managedZones/example-org")
    assert "one project" in problems_on("gcp", zones={"gcp": zones})["zones.gcp"]


def test_another_provider_takes_its_zones_as_it_names_them() -> None:
    assert problems_on("aws", provider="cloudflare", zones={"aws": ("example.com",)}) == {}
