"""components/cluster/gke*.py: what GkeCluster asks Google Cloud for."""

from __future__ import annotations

import pytest

from components.cluster import NodePoolArgs
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan

from .harness import bind_external_dns, cluster_args, dev_pools, inputs, one, preview, prod_args, state

CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
PROJECT = "skyfleet-test"


@pytest.fixture(scope="module")
def dev() -> Plan:
    pools = dev_pools(general=NodePoolArgs(min_size=2, max_size=9))
    admins = ("group:platform-admins@example.com",)
    return preview(cluster_args("gcp", node_pools=pools, admins=admins), then=bind_external_dns(["roles/dns.admin"]))


@pytest.fixture(scope="module")
def prod() -> Plan:
    return preview(prod_args("gcp", project="skyfleet-prod"))


def test_nodes_are_private_and_so_is_the_endpoint_by_default(dev: Plan) -> None:
    private = inputs(one(dev, CLUSTER, "main"))["privateClusterConfig"]
    assert private == {"enablePrivateNodes": True, "enablePrivateEndpoint": True}


def test_a_private_endpoint_admits_only_the_node_range(dev: Plan) -> None:
    networks = inputs(one(dev, CLUSTER, "main"))["masterAuthorizedNetworksConfig"]
    assert [b["cidrBlock"] for b in networks["cidrBlocks"]] == ["10.0.0.0/16"]
    assert networks["gcpPublicCidrsAccessEnabled"] is False


def test_a_public_endpoint_admits_only_the_listed_cidrs(prod: Plan) -> None:
    cluster = inputs(one(prod, CLUSTER, "main"))
    assert cluster["privateClusterConfig"]["enablePrivateEndpoint"] is False
    cidrs = [b["cidrBlock"] for b in cluster["masterAuthorizedNetworksConfig"]["cidrBlocks"]]
    assert cidrs == ["203.0.113.0/24"]


def test_workload_identity_uses_the_projects_pool(dev: Plan) -> None:
    assert inputs(one(dev, CLUSTER, "main"))["workloadIdentityConfig"] == {
        "workloadPool": f"{PROJECT}.svc.id.goog"
    }


def test_secrets_are_encrypted_with_the_created_kms_key(dev: Plan) -> None:
    key = one(dev, "gcp:kms/cryptoKey:CryptoKey", "main-secrets")
    assert inputs(key)["rotationPeriod"] == "7776000s"
    cluster = one(dev, CLUSTER, "main")
    assert inputs(cluster)["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": key.id}


def test_the_gke_service_agent_may_use_the_key_before_the_cluster_exists(dev: Plan) -> None:
    grant = one(dev, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "main-secrets-gke-agent")
    member = inputs(grant)["member"]
    assert member.startswith("serviceAccount:service-")
    assert member.endswith("@container-engine-robot.iam.gserviceaccount.com")
    assert inputs(grant)["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant.urn in one(dev, CLUSTER, "main").dependencies


def test_dataplane_v2_enforces_network_policy(dev: Plan) -> None:
    assert inputs(one(dev, CLUSTER, "main"))["datapathProvider"] == "ADVANCED_DATAPATH"


def test_control_plane_logs_are_collected(dev: Plan) -> None:
    logging = inputs(one(dev, CLUSTER, "main"))["loggingConfig"]
    assert {"APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"} <= set(logging["enableComponents"])


def test_the_cluster_is_regional_on_a_release_channel_without_a_default_pool(dev: Plan) -> None:
    cluster = inputs(one(dev, CLUSTER, "main"))
    assert cluster["location"] == "europe-west1"
    assert cluster["nodeLocations"] == ["europe-west1-b", "europe-west1-c", "europe-west1-d"]
    assert cluster["releaseChannel"] == {"channel": "REGULAR"}
    assert (cluster["removeDefaultNodePool"], cluster["initialNodeCount"]) == (True, 1)
    assert one(dev, CLUSTER, "main").options["ignoreChanges"] == ["initialNodeCount", "nodeConfig"]


def test_no_client_certificate_is_issued_and_nodes_are_shielded(dev: Plan) -> None:
    cluster = inputs(one(dev, CLUSTER, "main"))
    assert cluster["masterAuth"] == {"clientCertificateConfig": {"issueClientCertificate": False}}
    assert cluster["enableShieldedNodes"] is True


def test_deletion_protection_and_protect_follow_production(dev: Plan, prod: Plan) -> None:
    assert inputs(one(dev, CLUSTER, "main"))["deletionProtection"] is False
    assert inputs(one(prod, CLUSTER, "main"))["deletionProtection"] is True
    assert sorted(r.name for r in prod.resources if r.protect) == [
        "main", "main-keyring", "main-nodes", "main-secrets", "main-vpc",
    ]
    assert not any(r.protect for r in dev.resources)


def test_nodes_run_as_a_least_privilege_service_account(dev: Plan) -> None:
    account = one(dev, "gcp:serviceaccount/account:Account", "main-nodes")
    roles = sorted(
        inputs(r)["role"]
        for r in dev.by_type("gcp:projects/iAMMember:IAMMember")
        if r.name.startswith("main-nodes-")
    )
    assert roles == ["roles/container.defaultNodeServiceAccount"]  # CIS GKE 5.2.1
    for pool in dev.by_type(NODE_POOL):
        assert inputs(pool)["nodeConfig"]["serviceAccount"] == state(account)["email"]


def test_pods_see_only_the_gke_metadata_server(dev: Plan) -> None:
    config = inputs(one(dev, NODE_POOL, "main-general"))["nodeConfig"]
    assert config["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    assert config["shieldedInstanceConfig"] == {
        "enableSecureBoot": True, "enableIntegrityMonitoring": True,
    }


def test_pools_autoscale_on_totals_and_gke_owns_the_count(dev: Plan) -> None:
    pool = one(dev, NODE_POOL, "main-general")
    assert inputs(pool)["autoscaling"] == {
        "totalMinNodeCount": 2, "totalMaxNodeCount": 9, "locationPolicy": "BALANCED",
    }
    assert inputs(pool)["initialNodeCount"] == 1
    assert pool.options["ignoreChanges"] == ["initialNodeCount", "nodeCount"]


def test_pools_auto_repair_and_auto_upgrade(dev: Plan) -> None:
    assert inputs(one(dev, NODE_POOL, "main-general"))["management"] == {
        "autoRepair": True, "autoUpgrade": True,
    }


def test_a_spot_pool_uses_spot_vms(dev: Plan) -> None:
    assert inputs(one(dev, NODE_POOL, "main-batch"))["nodeConfig"]["spot"] is True
    assert inputs(one(dev, NODE_POOL, "main-general"))["nodeConfig"]["spot"] is False


def test_the_system_pool_is_tainted_with_the_api_effect_name(dev: Plan) -> None:
    config = inputs(one(dev, NODE_POOL, "main-system"))["nodeConfig"]
    assert config["taints"] == [
        {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}
    ]


def test_the_subnetwork_carries_pod_and_service_ranges_and_nat(dev: Plan) -> None:
    subnet = inputs(one(dev, "gcp:compute/subnetwork:Subnetwork", "main-nodes"))
    assert subnet["secondaryIpRanges"] == [
        {"rangeName": "pods", "ipCidrRange": "10.64.0.0/14"},
        {"rangeName": "services", "ipCidrRange": "10.96.0.0/16"},
    ]
    assert subnet["privateIpGoogleAccess"] is True
    assert inputs(one(dev, "gcp:compute/routerNat:RouterNat", "main-nat"))[
        "sourceSubnetworkIpRangesToNat"
    ] == "ALL_SUBNETWORKS_ALL_IP_RANGES"


def test_the_project_comes_from_gcp_project_config_or_the_args(dev: Plan, prod: Plan) -> None:
    assert inputs(one(dev, "pulumi:providers:gcp", "main-gcp"))["project"] == PROJECT
    assert inputs(one(prod, "pulumi:providers:gcp", "main-gcp"))["project"] == "skyfleet-prod"


def test_the_identity_binder_federates_a_google_service_account(dev: Plan) -> None:
    account = one(dev, "gcp:serviceaccount/account:Account", "main-external-dns")
    member = inputs(one(dev, "gcp:serviceaccount/iAMMember:IAMMember",
                        "main-external-dns-workload-identity"))
    assert member["role"] == "roles/iam.workloadIdentityUser"
    assert member["member"] == f"serviceAccount:{PROJECT}.svc.id.goog[external-dns/external-dns]"
    grant = inputs(one(dev, "gcp:projects/iAMMember:IAMMember", "main-external-dns-dns-admin"))
    assert grant["member"] == state(account)["member"]
    assert wire.reveal(dev.outputs["binding"]) == {
        "iam.gke.io/gcp-service-account": state(account)["email"]
    }


def test_the_kubeconfig_uses_the_gke_auth_plugin(dev: Plan) -> None:
    kubeconfig = wire.reveal(dev.outputs["kubeconfig"])
    assert "command: gke-gcloud-auth-plugin" in kubeconfig
    assert f"server: https://{state(one(dev, CLUSTER, 'main'))['endpoint']}" in kubeconfig


def test_the_kubernetes_provider_is_replaced_only_with_the_cluster(dev: Plan) -> None:
    provider = inputs(one(dev, "pulumi:providers:kubernetes", "main-k8s"))
    assert provider["clusterIdentifier"] == one(dev, CLUSTER, "main").id



def test_admins_get_kubernetes_admin_through_project_iam(dev: Plan) -> None:
    grant = inputs(one(dev, "gcp:projects/iAMMember:IAMMember",
                       "main-admin-platform-admins-example-com-container-admin"))
    assert grant == {
        "project": PROJECT, "role": "roles/container.admin",
        "member": "group:platform-admins@example.com",
    }


def test_without_workload_identity_nodes_fall_back_to_the_gce_metadata_server() -> None:
    plan = preview(cluster_args("gcp", workload_identity=False))
    assert "workloadIdentityConfig" not in inputs(one(plan, CLUSTER, "main"))
    config = inputs(one(plan, NODE_POOL, "main-general"))["nodeConfig"]
    assert config["workloadMetadataConfig"] == {"mode": "GCE_METADATA"}


def _plan_json(plan: Plan) -> dict:
    return plan.to_json()


def test_the_workload_identity_grant_waits_for_the_cluster_that_creates_the_pool(dev: Plan) -> None:
    """terraform-google-kubernetes-engine#916: granted before the first WI cluster exists in the
    project, IAM refuses `<project>.svc.id.goog[...]` ("Identity Pool does not exist")."""
    from skyfleet.analysis.graph import waits_for

    grant = one(dev, "gcp:serviceaccount/iAMMember:IAMMember", "main-external-dns-workload-identity")
    assert waits_for(_plan_json(dev), grant.urn, one(dev, CLUSTER, "main").urn)


def test_the_apis_a_fresh_project_lacks_are_enabled_and_never_disabled(dev: Plan) -> None:
    services = {inputs(s)["service"]: inputs(s) for s in dev.by_type("gcp:projects/service:Service")}
    assert set(services) >= {"container.googleapis.com", "compute.googleapis.com",
                             "cloudkms.googleapis.com", "iam.googleapis.com"}
    assert all(s["disableOnDestroy"] is False and s["project"] == PROJECT for s in services.values())


def test_every_google_resource_waits_for_the_apis(dev: Plan) -> None:
    from skyfleet.analysis.graph import dependency_closure

    plan = _plan_json(dev)
    apis = {s.urn for s in dev.by_type("gcp:projects/service:Service")}
    for r in dev.resources:
        if r.type.startswith("gcp:") and r.type != "gcp:projects/service:Service" and r.custom:
            assert apis & dependency_closure(plan, r.urn), r.name


def test_upgrades_land_only_in_a_weekly_maintenance_window(dev: Plan) -> None:
    window = inputs(one(dev, CLUSTER, "main"))["maintenancePolicy"]["recurringWindow"]
    assert window == {"startTime": "2024-01-07T00:00:00Z", "endTime": "2024-01-07T12:00:00Z",
                      "recurrence": "FREQ=WEEKLY;BYDAY=SU"}
