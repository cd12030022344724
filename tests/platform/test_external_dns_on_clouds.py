"""external-dns enabled on each cloud's dev stack, through the real cluster modules and the whole
preview (cloud rules, created and watched kinds, chart values): it passes, and its identity is
granted the configured zones only (issue 14: Route53 full access, project-wide roles/dns.admin
and a role on a whole resource group before)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from skyfleet.commands.preview import preview_one
from skyfleet.preview.clouds.azure import SUBSCRIPTION_ID
from tests.safety.project import copy_project, edit_stack, put

GROUP = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/dns"
ZONES = {
    "aws-dev": ["Z0123456789ABCDEFGHIJ"],
    "gcp-dev": ["example-com"],
    "azure-dev": [f"{GROUP}/providers/Microsoft.Network/dnszones/example.com"],
}
DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314"


@functools.cache
def _previewed(stack: str, root: str) -> tuple[int, Path]:
    project = copy_project(Path(root) / stack / "project")
    edit_stack(project, stack, put("skyfleet:platform", "externalDns", value={
        "enabled": True, "domainFilters": ["example.com"], "zones": {stack.split("-")[0]: ZONES[stack]}}))
    out = Path(root) / stack / "out"
    return preview_one(project, stack, out, quiet=True), out / stack


@pytest.fixture(scope="module")
def previewed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = str(tmp_path_factory.mktemp("external-dns"))
    return lambda stack: _previewed(stack, root)


def dns_resources(out: Path, prefix: str) -> list[dict[str, Any]]:
    plan = json.loads((out / "plan.json").read_text())
    return [r for r in plan["resources"] if r["type"].startswith(prefix) and "external-dns" in r["name"]]


def sent(out: Path) -> dict[str, Any]:
    release = yaml.safe_load((out / "helm" / "skyfleet-dev" / "external-dns.yaml").read_text())
    return release["values"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("stack", sorted(ZONES))
def test_the_preview_passes_every_check_with_external_dns_on(previewed: Any, stack: str) -> None:
    code, _ = previewed(stack)
    assert code == 0


def test_aws_changes_records_of_the_configured_hosted_zone_only(previewed: Any) -> None:
    _, out = previewed("aws-dev")
    attached = [r["inputs"]["policyArn"] for r in dns_resources(out, "aws:iam/rolePolicyAttachment")]
    assert not [arn for arn in attached if "Route53FullAccess" in arn]
    [policy] = dns_resources(out, "aws:iam/policy:Policy")
    for statement in json.loads(policy["inputs"]["policy"])["Statement"]:
        if statement["Resource"] == "*":
            assert statement["Action"] == ["route53:ListHostedZones"]
        else:
            assert statement["Resource"] == ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]


def test_gcp_is_dns_admin_of_the_managed_zone_not_the_project(previewed: Any) -> None:
    _, out = previewed("gcp-dev")
    project_roles = [r["inputs"]["role"] for r in dns_resources(out, "gcp:projects/iAMMember")]
    assert project_roles == ["roles/dns.reader"]
    [zone] = dns_resources(out, "gcp:dns/dnsManagedZoneIamMember")
    assert (zone["inputs"]["managedZone"], zone["inputs"]["role"]) == ("example-com", "roles/dns.admin")


def test_azure_contributes_to_the_zone_and_reads_its_group_only(previewed: Any) -> None:
    _, out = previewed("azure-dev")
    grants = {(r["inputs"]["scope"], r["inputs"]["roleDefinitionId"].rsplit("/", 1)[-1])
              for r in dns_resources(out, "azure-native:authorization:RoleAssignment")}
    contributor_scopes = {scope for scope, role in grants if role == DNS_ZONE_CONTRIBUTOR}
    assert contributor_scopes == set(ZONES["azure-dev"])
    assert len(grants) == 2  # and Reader on the zone's resource group, to list its zones


def test_azure_external_dns_reads_azure_json_for_workload_identity(previewed: Any) -> None:
    _, out = previewed("azure-dev")
    values = sent(out)
    [secret] = dns_resources(out, "kubernetes:core/v1:Secret")
    assert values["extraVolumes"] == [
        {"name": "provider-config", "secret": {"secretName": secret["inputs"]["metadata"]["name"]}}]
    assert values["extraVolumeMounts"] == [
        {"name": "provider-config", "mountPath": "/etc/kubernetes", "readOnly": True}]
    assert values["podLabels"]["azure.workload.identity/use"] == "true"
    assert values["serviceAccount"]["annotations"]["azure.workload.identity/client-id"]
    manifest = out / "manifests" / "skyfleet-dev" / "external-dns" / "Secret-external-dns-provider-config.yaml"
    assert "azure.json" in yaml.safe_load(manifest.read_text())["stringData"]


@pytest.mark.parametrize("stack", sorted(ZONES))
def test_the_gateway_source_is_on_everywhere(previewed: Any, stack: str) -> None:
    _, out = previewed(stack)
    assert "gateway-httproute" in sent(out)["sources"]
