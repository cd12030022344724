"""Central logs on every shipped stack: Loki in the cloud's object storage, reached by workload
identity, the collector on every node, Grafana reading it, and no static credential anywhere.

Read from the offline preview of every stack (`preview_all`): what `pulumi up` would create.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from stack_plans import HELM_RELEASE, PROJECT, STACKS, cloud_of, of_type, one, stacks_on

from components.platform.logging import LoggingArgs

RETENTION = LoggingArgs().retention_days
CHARTS = PROJECT.parent / "shared" / "k8s-data" / "charts"


def _release(plan: dict[str, Any], chart: str) -> dict[str, Any]:
    (release,) = [r for r in of_type(plan, HELM_RELEASE) if r["inputs"]["chart"] == chart]
    return release


def _loki(plan: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = _release(plan, "loki")["inputs"]["values"]
    return values


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_runs_loki_and_the_collector(plans, stack):
    plan = plans[stack]
    assert _release(plan, "loki")["inputs"]["namespace"] == "logging"
    assert _release(plan, "alloy")["inputs"]["values"]["controller"]["type"] == "daemonset"


@pytest.mark.parametrize("stack", STACKS)
def test_the_collector_pushes_to_the_lokis_gateway(plans, stack):
    content = _release(plans[stack], "alloy")["inputs"]["values"]["alloy"]["configMap"]["content"]
    assert 'url = "http://loki-gateway.logging.svc.cluster.local/loki/api/v1/push"' in content


@pytest.mark.parametrize("stack", STACKS)
def test_grafana_reads_loki_under_the_uid_dashboards_use(plans, stack):
    grafana = _release(plans[stack], "kube-prometheus-stack")["inputs"]["values"]["grafana"]
    (source,) = grafana["additionalDataSources"]
    assert (source["type"], source["uid"], source["url"]) == ("loki", "loki", "http://loki-gateway.logging.svc.cluster.local")


@pytest.mark.parametrize("stack", STACKS)
def test_logging_namespaces_enforce_restricted(plans, stack):
    for namespace in ("logging", "alloy"):
        (ns,) = [r for r in of_type(plans[stack], "kubernetes:core/v1:Namespace")
                 if r["inputs"]["metadata"]["name"] == namespace]
        assert ns["inputs"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


@pytest.mark.parametrize("stack", [s for s in STACKS if s.endswith("prod")])
def test_production_runs_the_scalable_layout(plans, stack):
    values = _loki(plans[stack])
    assert values["deploymentMode"] == "SimpleScalable"
    assert values["singleBinary"]["replicas"] == 0
    assert {values[t]["replicas"] for t in ("read", "write", "backend")} == {3}


@pytest.mark.parametrize("stack", [s for s in STACKS if s.endswith("dev")])
def test_development_runs_one_single_binary(plans, stack):
    values = _loki(plans[stack])
    assert values["deploymentMode"] == "SingleBinary" and values["singleBinary"]["replicas"] == 1
    assert values["loki"]["commonConfig"]["replication_factor"] == 1


@pytest.mark.parametrize("stack", STACKS)
def test_retention_is_enforced_by_the_compactor(plans, stack):
    loki = _loki(plans[stack])["loki"]
    assert loki["limits_config"]["retention_period"] == f"{RETENTION * 24}h"
    assert loki["compactor"]["retention_enabled"] is True


def test_an_existing_cluster_keeps_logs_on_a_volume(plans):
    loki = _loki(plans["local"])
    assert loki["loki"]["storage"] == {"type": "filesystem"}
    assert loki["singleBinary"]["persistence"]["enabled"] is True


# --- the bucket, per cloud ---------------------------------------------------------------------

@pytest.mark.parametrize("stack", stacks_on("aws"))
def test_aws_keeps_logs_in_a_private_encrypted_versioned_s3_bucket(plans, stack):
    plan = plans[stack]
    assert one(plan, "aws:s3/bucket:Bucket")["inputs"].get("forceDestroy") is False
    block = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")["inputs"]
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                           "restrictPublicBuckets"))
    sse = one(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    versioning = one(plan, "aws:s3/bucketVersioning:BucketVersioning")["inputs"]
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    (rule,) = one(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["inputs"]["rules"]
    assert rule["expiration"]["days"] == RETENTION + 1
    policy = json.loads(one(plan, "aws:s3/bucketPolicy:BucketPolicy")["inputs"]["policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("stack", stacks_on("aws"))
def test_lokis_aws_role_reaches_only_its_bucket(plans, stack):
    plan = plans[stack]
    arn = f"arn:aws:s3:::{_loki(plan)['loki']['storage']['bucketNames']['chunks']}"
    (access,) = [r for r in of_type(plan, "aws:iam/rolePolicy:RolePolicy") if r["name"].endswith("-logs-access")]
    resources = {res for s in json.loads(access["inputs"]["policy"])["Statement"] for res in s["Resource"]}
    assert resources == {arn, f"{arn}/*"}
    (role,) = [r for r in of_type(plan, "aws:iam/role:Role") if r["name"].endswith("-logging-logs")]
    (statement,) = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    subjects = [v for k, v in statement["Condition"]["StringEquals"].items() if k.endswith(":sub")]
    assert subjects == ["system:serviceaccount:logging:loki"]
    attached = [r for r in of_type(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r["parent"] == role["parent"] and r["name"].startswith(role["name"])]
    assert attached == []  # no managed policy (S3 full access) on top


@pytest.mark.parametrize("stack", stacks_on("gcp"))
def test_gcp_keeps_logs_in_a_private_versioned_bucket_with_uniform_access(plans, stack):
    plan = plans[stack]
    bucket = one(plan, "gcp:storage/bucket:Bucket")["inputs"]
    assert bucket["uniformBucketLevelAccess"] is True and bucket["publicAccessPrevention"] == "enforced"
    assert bucket["versioning"] == {"enabled": True}
    assert {"action": {"type": "Delete"}, "condition": {"age": RETENTION + 1}} in bucket["lifecycleRules"]


@pytest.mark.parametrize("stack", stacks_on("gcp"))
def test_lokis_google_account_holds_a_role_on_the_bucket_only(plans, stack):
    plan = plans[stack]
    member = one(plan, "gcp:storage/bucketIAMMember:BucketIAMMember")["inputs"]
    assert member["role"] == "roles/storage.objectUser"
    email = _loki(plan)["serviceAccount"]["annotations"]["iam.gke.io/gcp-service-account"]
    assert member["member"] == f"serviceAccount:{email}"
    project_grants = [r for r in of_type(plan, "gcp:projects/iAMMember:IAMMember")
                      if r["inputs"]["member"] == member["member"]]
    assert project_grants == []
    binding = [r for r in of_type(plan, "gcp:serviceaccount/iAMMember:IAMMember")
               if r["inputs"]["member"].endswith(".svc.id.goog[logging/loki]")]
    assert len(binding) == 1


@pytest.mark.parametrize("stack", stacks_on("azure"))
def test_azure_keeps_logs_in_an_account_that_refuses_keys_and_public_access(plans, stack):
    plan = plans[stack]
    account = one(plan, "azure-native:storage:StorageAccount")["inputs"]
    assert account["allowSharedKeyAccess"] is False and account["allowBlobPublicAccess"] is False
    assert account["minimumTlsVersion"] == "TLS1_2"
    recovery = one(plan, "azure-native:storage:BlobServiceProperties")["inputs"]
    assert recovery["isVersioningEnabled"] is True and recovery["deleteRetentionPolicy"]["enabled"] is True
    (rule,) = one(plan, "azure-native:storage:ManagementPolicy")["inputs"]["policy"]["rules"]
    assert rule["definition"]["actions"]["baseBlob"]["delete"]["daysAfterModificationGreaterThan"] == RETENTION + 1


@pytest.mark.parametrize("stack", stacks_on("azure"))
def test_lokis_azure_identity_is_a_blob_contributor_on_its_account_only(plans, stack):
    plan = plans[stack]
    values = _loki(plan)
    account = values["loki"]["storage"]["azure"]["accountName"]
    assert values["loki"]["storage"]["azure"] == {"accountName": account, "useFederatedToken": True}
    (grant,) = [r for r in of_type(plan, "azure-native:authorization:RoleAssignment")
                if r["name"].endswith("-logs-access")]
    assert grant["inputs"]["scope"].endswith(f"/providers/Microsoft.Storage/storageAccounts/{account}")
    assert grant["inputs"]["roleDefinitionId"].endswith("/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    assert values["loki"]["podLabels"] == {"azure.workload.identity/use": "true"}


# --- no static credential reaches any output ----------------------------------------------------

# What a static credential looks like in each cloud's terms.
CREDENTIAL_PATTERNS = {
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret key field": re.compile(r"(?i)secret_?access_?key[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{20,}"),
    "private key": re.compile(r"-----BEGIN (RSA |EC )?PRIVATE KEY-----"),
    "Google service-account key": re.compile(r"\"private_key_id\"|\"type\":\s*\"service_account\""),
    "Azure storage key": re.compile(
        r"(?i)AccountKey=[A-Za-z0-9/+=]{20,}|accountKey[\"']?\s*:\s*[\"']?[A-Za-z0-9/+=]{20,}"
    ),
    "Loki storage credential": re.compile(
        r"(?i)(accessKeyId|secretAccessKey|connectionString)[\"']?\s*:\s*[\"']?(?!null|None|\[)[^\s\"',}]{8,}"
    ),
}


def credential_findings(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            text = path.read_text(errors="replace")
            found += [
                f"{path.relative_to(root)}: {what}" for what, rx in CREDENTIAL_PATTERNS.items() if rx.search(text)
            ]
    return found


def test_no_static_credential_reaches_any_output_file(preview_all):
    assert credential_findings(preview_all.out) == []


@pytest.mark.parametrize(
    "seeded",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "-----BEGIN PRIVATE KEY-----",
        '{"type": "service_account", "private_key_id": "abc"}',
        "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
    ],
)
def test_the_credential_scan_finds_a_seeded_key(tmp_path, seeded):
    (tmp_path / "values.yaml").write_text(yaml.safe_dump({"loki": {"storage": {"note": seeded}}}))
    assert credential_findings(tmp_path) != []


# --- the chart's own data ------------------------------------------------------------------------

def _value_paths(values: Any, prefix: str = "") -> list[str]:
    if isinstance(values, dict) and values:
        return [p for k, v in values.items() for p in _value_paths(v, f"{prefix}.{k}" if prefix else k)]
    return [prefix]


FREE_FORM = ("annotations", "podLabels", "labels", "storage", "schemaConfig", "limits_config", "compactor",
             "commonConfig", "podSecurityContext", "containerSecurityContext", "securityContext", "resources",
             "persistence", "configMap", "volumes", "mounts", "rbac", "extraEnv")


def _known(chart_values: dict[str, Any], path: str) -> bool:
    """Whether the chart's values.yaml has the path, or a free-form map on the way to it."""
    node: Any = chart_values
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        if key in FREE_FORM:
            return True
        node = node[key]
    return True


@pytest.mark.parametrize(("chart", "folder"), [("loki", "loki-7.3.0"), ("alloy", "alloy-1.11.1")])
@pytest.mark.parametrize("stack", ["aws-prod", "gcp-dev", "azure-prod", "local"])
def test_every_value_sent_exists_in_the_charts_values(plans, chart, folder, stack):
    path = CHARTS / folder / "values.yaml"
    if not path.exists():
        pytest.skip(f"{path} is absent: the chart data lives in ../shared/k8s-data")
    chart_values = yaml.safe_load(path.read_text())
    sent = _release(plans[stack], chart)["inputs"]["values"]
    unknown = [p for p in _value_paths(sent) if not _known(chart_values, p)]
    assert unknown == []


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-dev", "azure-prod", "local"])
def test_lokis_values_pass_the_charts_schema(plans, stack):
    import jsonschema

    path = CHARTS / "loki-7.3.0" / "values.schema.json"
    if not path.exists():
        pytest.skip(f"{path} is absent: the chart data lives in ../shared/k8s-data")
    schema = json.loads(path.read_text())
    values = _loki(plans[stack])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(values)]
    assert errors == []


def test_every_cloud_stack_has_its_bucket(plans):
    buckets = {"aws": "aws:s3/bucket:Bucket", "gcp": "gcp:storage/bucket:Bucket",
               "azure": "azure-native:storage:BlobContainer"}
    for stack in STACKS:
        cloud = cloud_of(stack)
        if cloud in buckets:
            assert len(of_type(plans[stack], buckets[cloud])) == 1, stack
