"""The Gateway API CRDs: installed first, from the pinned upstream release, never deleted."""

from __future__ import annotations

from types import SimpleNamespace

import pulumi
import pytest
from platform_harness import default_platform, one, preview_platform, releases

from components.platform import GatewayApiArgs, IngressControllerArgs, PlatformArgs, gateway_api
from skyfleet.analysis import k8s_data
from skyfleet.analysis.api_kinds import unresolved_kinds
from skyfleet.analysis.crd_schemas import crds

CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile"
requires_k8s_data = pytest.mark.skipif(k8s_data.data_root() is None, reason=k8s_data.absent_reason())


def test_the_crds_come_from_the_upstream_release_at_the_pinned_version():
    bundle = one(default_platform().plan, CONFIG_FILE)
    assert bundle.inputs["file"] == (
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml"
    )


@requires_k8s_data
def test_the_pin_is_the_version_whose_crds_are_in_k8s_data():
    folder = k8s_data.crd_dir(f"gateway-api-{gateway_api.GATEWAY_API_VERSION}-{gateway_api.CHANNEL}")
    assert folder is not None
    from_data = sorted(f"{api} {kind}" for (api, kind), crd in crds().items()
                       if crd.source.startswith(f"crds/{folder.name}/"))
    assert sorted(gateway_api.KINDS) == from_data


def test_the_crds_are_retained_when_removed_from_the_program():
    assert one(default_platform().plan, CONFIG_FILE).options.get("retainOnDelete") is True


def test_every_object_of_the_bundle_is_retained_too():
    args = SimpleNamespace(props={"kind": "CustomResourceDefinition"}, opts=pulumi.ResourceOptions())
    result = gateway_api._retain(args)  # type: ignore[arg-type]
    assert result.opts.retain_on_delete is True and result.props == args.props


def test_the_bundle_name_does_not_carry_the_version_so_an_upgrade_replaces_nothing():
    assert "v1" not in one(default_platform().plan, CONFIG_FILE).name


@pytest.mark.parametrize("release", ["traefik", "cert-manager"])
def test_releases_that_use_the_gateway_api_wait_for_the_crds(release):
    plan = preview_platform(PlatformArgs(ingress=IngressControllerArgs(gateway_hosts={"a.example.com": ["x"]}))).plan
    assert one(plan, CONFIG_FILE).urn in releases(plan)[release].dependencies


def test_the_same_crds_on_every_cloud():
    files = {cloud: one(default_platform(cloud).plan, CONFIG_FILE).inputs["file"]
             for cloud in ("aws", "gcp", "azure")}
    assert len(set(files.values())) == 1


def test_without_the_crds_todays_traefik_values_fail_the_api_check():
    # What every stack shipped before: Traefik's Gateway provider on, no Gateway API CRDs.
    hosts = IngressControllerArgs(gateway_hosts={"web.example.com": ["apps"]})
    plan = preview_platform(PlatformArgs(gateway_api=GatewayApiArgs(enabled=False), ingress=hosts)).plan
    found = {(u.resource, u.kind) for u in unresolved_kinds(plan.to_json())}
    assert ("main-platform-ingress-release", "gateway.networking.k8s.io/v1 GatewayClass") in found
    assert ("main-platform-gateway", "gateway.networking.k8s.io/v1 Gateway") in found


def test_with_the_crds_every_kind_resolves():
    assert unresolved_kinds(default_platform().plan.to_json()) == []
