"""components/cluster/<cloud>/dns.py: external-dns's identity reaches the configured zones only
(kubernetes-sigs/external-dns @ v0.21.0 docs/tutorials/aws.md, gke.md, azure.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi

from components.cluster.handle import DnsRequest
from skyfleet.preview.clouds.azure import SUBSCRIPTION_ID

from .harness import cluster_args, inputs, preview

ROUTE53_ZONES = ["Z0123456789ABCDEFGHIJ", "Z2FDTNDATAQYW2"]
GCP_ZONES = ["example-com", "example-org"]
GROUP = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/dns"
AZURE_ZONES = [f"{GROUP}/providers/Microsoft.Network/dnszones/example.com",
               f"{GROUP}/providers/Microsoft.Network/dnszones/example.org"]


def access(zones: list[str]) -> Callable[[Any], None]:
    def step(cluster: Any) -> None:
        got = cluster.handle.dns.dns_access(
            DnsRequest("main-external-dns", tuple(zones), "external-dns", "external-dns", cluster))
        pulumi.export("annotations", got.binding.service_account_annotations)
        pulumi.export("podLabels", got.binding.pod_labels)
        pulumi.export("args", got.args)
        pulumi.export("files", got.files)
        pulumi.export("filesDir", got.files_dir)
    return step


def mine(plan: Any, type_token: str) -> list[Any]:
    return [r for r in plan.by_type(type_token) if r.name.startswith("main-external-dns")]


def test_route53_changes_are_allowed_on_the_configured_hosted_zones_only() -> None:
    plan = preview(cluster_args("aws"), then=access(ROUTE53_ZONES))
    [policy] = mine(plan, "aws:iam/policy:Policy")
    statements = json.loads(inputs(policy)["policy"])["Statement"]
    change = next(s for s in statements if "route53:ChangeResourceRecordSets" in s["Action"])
    assert change["Resource"] == [f"arn:aws:route53:::hostedzone/{z}" for z in ROUTE53_ZONES]
    # Only ListHostedZones, which IAM cannot scope, is granted on "*".
    assert [s["Action"] for s in statements if s["Resource"] == "*"] == [["route53:ListHostedZones"]]


def test_route53_role_gets_no_aws_managed_policy() -> None:
    plan = preview(cluster_args("aws"), then=access(ROUTE53_ZONES))
    [policy] = mine(plan, "aws:iam/policy:Policy")
    attached = [inputs(a)["policyArn"] for a in mine(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")]
    assert attached == [policy.state["arn"]]
    assert plan.outputs["annotations"]["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam::")


def test_cloud_dns_admin_is_granted_on_each_managed_zone_not_the_project() -> None:
    plan = preview(cluster_args("gcp"), then=access(GCP_ZONES))
    zone_grants = [inputs(g) for g in mine(plan, "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember")]
    assert sorted((g["managedZone"], g["role"]) for g in zone_grants) == [
        ("example-com", "roles/dns.admin"), ("example-org", "roles/dns.admin")]
    project_roles = [inputs(g)["role"] for g in mine(plan, "gcp:projects/iAMMember:IAMMember")]
    assert project_roles == ["roles/dns.reader"]


def test_cloud_dns_zones_in_another_project_are_granted_and_listed_there() -> None:
    plan = preview(cluster_args("gcp"), then=access(["projects/dns-project/managedZones/example-com"]))
    [grant] = mine(plan, "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember")
    assert (inputs(grant)["project"], inputs(grant)["managedZone"]) == ("dns-project", "example-com")
    [reader] = mine(plan, "gcp:projects/iAMMember:IAMMember")
    assert inputs(reader)["project"] == "dns-project"
    assert plan.outputs["args"] == {"google-project": "dns-project"}


def test_azure_dns_zone_contributor_is_assigned_on_each_zone_and_reader_on_their_group() -> None:
    plan = preview(cluster_args("azure"), then=access(AZURE_ZONES))
    grants = sorted((inputs(g)["scope"], inputs(g)["roleDefinitionId"].rsplit("/", 1)[-1])
                    for g in mine(plan, "azure-native:authorization:RoleAssignment"))
    contributor, reader = "befefa01-2a29-4197-83a8-272ff33ce314", "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    assert grants == [(GROUP, reader), (AZURE_ZONES[0], contributor), (AZURE_ZONES[1], contributor)]


def test_azure_external_dns_gets_an_azure_json_for_workload_identity() -> None:
    plan = preview(cluster_args("azure"), then=access(AZURE_ZONES))
    config = json.loads(plan.outputs["files"]["azure.json"])
    assert config["useWorkloadIdentityExtension"] is True
    assert (config["subscriptionId"], config["resourceGroup"]) == (SUBSCRIPTION_ID, "dns")
    assert config["tenantId"]
    assert plan.outputs["filesDir"] == "/etc/kubernetes"
    assert plan.outputs["podLabels"] == {"azure.workload.identity/use": "true"}
    assert "azure.workload.identity/client-id" in plan.outputs["annotations"]
