"""The logging add-ons (Loki, Alloy): their config, their layout, and what they send (pure)."""

from __future__ import annotations

from components.cluster.handle import IdentityBinding, LogBucket
from components.errors import Problems
from components.platform import parse_platform_config
from components.platform.log_collector import pipeline
from components.platform.logging import gateway_url, loki_values

BUCKET = LogBucket(
    object_store="s3",
    loki_storage={"type": "s3", "bucketNames": {"chunks": "logs-1"}, "s3": {"region": "us-east-1"}},
    binding=IdentityBinding(service_account_annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x"}),
)


def _values(bucket=BUCKET, production=False, replicas=None):
    return loki_values(bucket, production=production, retention_days=31, replicas=replicas,
                       storage="10Gi", storage_class="gp3")


def _problems(raw):
    problems = Problems()
    parse_platform_config(raw, problems)
    return {p.path: p.rule for p in problems.found}


def test_the_collector_without_loki_is_refused_naming_the_field():
    found = _problems({"logging": {"enabled": False}})
    assert "platform.logCollector.enabled" in found


def test_turning_both_off_is_accepted():
    assert _problems({"logging": {"enabled": False}, "logCollector": {"enabled": False}}) == {}


def test_retention_must_be_a_positive_number_of_days():
    assert "platform.logging.retentionDays" in _problems({"logging": {"retentionDays": 0}})
    assert "platform.logging.retentionDays" in _problems({"logging": {"retentionDays": "31d"}})


def test_loki_stores_in_the_bucket_the_cloud_created_with_no_credentials():
    loki = _values()["loki"]
    assert loki["storage"] == BUCKET.loki_storage
    assert loki["schemaConfig"]["configs"][0]["object_store"] == "s3"
    assert "accessKeyId" not in str(loki) and "secretAccessKey" not in str(loki)


def test_lokis_service_account_carries_the_buckets_identity():
    assert _values()["serviceAccount"]["annotations"] == {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x"}


def test_production_with_object_storage_runs_the_scalable_layout():
    values = _values(production=True, replicas=5)
    assert values["deploymentMode"] == "SimpleScalable"
    assert [values[t]["replicas"] for t in ("read", "write", "backend")] == [5, 5, 5]


def test_without_object_storage_even_production_runs_one_single_binary():
    values = _values(bucket=None, production=True)
    assert values["deploymentMode"] == "SingleBinary"
    assert values["loki"]["storage"] == {"type": "filesystem"}
    assert values["loki"]["compactor"]["delete_request_store"] == "filesystem"


def test_retention_days_become_loki_hours():
    assert _values()["loki"]["limits_config"]["retention_period"] == "744h"


def test_the_collector_pushes_to_the_gateway_with_the_service_label():
    config = pipeline(gateway_url())
    assert 'url = "http://loki-gateway.logging.svc.cluster.local/loki/api/v1/push"' in config
    assert '"__meta_kubernetes_pod_label_skyfleet_io_workload"]\n    target_label  = "service"' in config
    assert 'field = "spec.nodeName=" + sys.env("NODE_NAME")' in config
