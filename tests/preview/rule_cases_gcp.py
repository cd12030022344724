"""Cases for skyfleet/preview/clouds/gcp*_rules.py: each rule's failing input and its fix (test_cloud_rules.py)."""

from __future__ import annotations

from rule_cases import Case, res, urn

CLUSTER, POOL = "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"
SERVICE = "gcp:projects/service:Service"
SA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
KEY_GRANT = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
KEY = "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k"
WI = "serviceAccount:p.svc.id.goog[ns/sa]"
AGENT = "serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com"
ZONE_MEMBER = "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember"
GSA = "serviceAccount:main-external-dns@p.iam.gserviceaccount.com"


def api(name: str) -> dict:
    return res(SERVICE, name, {"service": f"{name}.googleapis.com", "project": "p"})


APIS = [api("container"), api("compute"), api("cloudkms"), api("iam")]
AFTER_APIS = tuple(urn(SERVICE, n) for n in ("container", "compute", "cloudkms", "iam"))


def cluster(*, after: tuple[str, ...] = AFTER_APIS, **inputs: object) -> dict:
    base = {"name": "main", "project": "p", "location": "europe-west1",
            "workloadIdentityConfig": {"workloadPool": "p.svc.id.goog"}}
    return res(CLUSTER, "main", {**base, **inputs}, after=after)


def encrypted(key: str = KEY) -> dict:
    return {"databaseEncryption": {"state": "ENCRYPTED", "keyName": key}}


GRANT = res(KEY_GRANT, "g", {"cryptoKeyId": KEY, "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                             "member": AGENT})
SUBNET = res("gcp:compute/subnetwork:Subnetwork", "s", {"project": "p", "secondaryIpRanges": [
    {"rangeName": "pods"}, {"rangeName": "services"}]}, id="subnet-1", after=AFTER_APIS)
RANGES = {"subnetwork": "subnet-1", "ipAllocationPolicy": {
    "clusterSecondaryRangeName": "pods", "servicesSecondaryRangeName": "svc"}}
GOOD_RANGES = {"subnetwork": "subnet-1", "ipAllocationPolicy": {
    "clusterSecondaryRangeName": "pods", "servicesSecondaryRangeName": "services"}}


def window(hours: int) -> dict:
    end = f"2024-01-07T{hours:02d}:00:00Z"
    return {"maintenancePolicy": {"recurringWindow": {
        "startTime": "2024-01-07T00:00:00Z", "endTime": end, "recurrence": "FREQ=WEEKLY;BYDAY=SU"}}}


GCS = "gcp:storage/bucket:Bucket"

CASES = [
    Case("gcp-gke-cluster-name", [*APIS, cluster(name="Main")], [*APIS, cluster()]),
    Case("gcp-gke-node-pool-name", [*APIS, res(POOL, "p", {"name": "9pool"}, after=AFTER_APIS)],
         [*APIS, res(POOL, "p", {"name": "pool"}, after=AFTER_APIS)]),
    Case("gcp-service-account-id",
         [*APIS, res("gcp:serviceaccount/account:Account", "a", {"accountId": "abc", "project": "p"},
                     after=AFTER_APIS)],
         [*APIS, res("gcp:serviceaccount/account:Account", "a", {"accountId": "abcdef", "project": "p"},
                     after=AFTER_APIS)]),
    Case("gcp-iam-binding-format",
         [res("gcp:projects/iAMMember:IAMMember", "m", {"member": "alice@example.com", "role": "roles/viewer"})],
         [res("gcp:projects/iAMMember:IAMMember", "m", {"member": "user:alice@example.com", "role": "roles/viewer"})]),
    Case("gcp-workload-identity-pool-exists",
         [*APIS, cluster(), res(SA_MEMBER, "wi", {"member": WI, "role": "roles/iam.workloadIdentityUser"})],
         [*APIS, cluster(), res(SA_MEMBER, "wi", {"member": WI, "role": "roles/iam.workloadIdentityUser"},
                                after=(urn(CLUSTER, "main"),))]),
    Case("gcp-gke-secrets-key-usable", [*APIS, GRANT, cluster(**encrypted())],
         [*APIS, GRANT, cluster(after=(*AFTER_APIS, urn(KEY_GRANT, "g")), **encrypted())]),
    Case("gcp-kms-rotation-period",
         [*APIS, res("gcp:kms/cryptoKey:CryptoKey", "k", {"rotationPeriod": "3600s"}, after=AFTER_APIS)],
         [*APIS, res("gcp:kms/cryptoKey:CryptoKey", "k", {"rotationPeriod": "7776000s"}, after=AFTER_APIS)]),
    Case("gcp-gke-secondary-ranges", [*APIS, SUBNET, cluster(**RANGES)],
         [*APIS, SUBNET, cluster(**GOOD_RANGES)]),
    Case("gcp-api-enabled", [cluster(after=())], [*APIS, cluster()]),
    Case("gcp-gke-maintenance-window", [*APIS, cluster(**window(4))], [*APIS, cluster(**window(12))]),
    Case("gcp-labels", [*APIS, cluster(resourceLabels={"Team": "x"})],
         [*APIS, cluster(resourceLabels={"team": "x"})]),
    Case("gcp-dns-managed-zone-iam-zone",
         [res(ZONE_MEMBER, "z", {"managedZone": "example.com.", "member": GSA, "role": "roles/dns.admin"})],
         [res(ZONE_MEMBER, "z", {"managedZone": "example-com", "member": GSA, "role": "roles/dns.admin"})]),
    Case("gcp-dns-managed-zone-iam-zone",
         [res(ZONE_MEMBER, "z", {"managedZone": "projects/p/managedZones/Example", "member": GSA,
                                 "role": "roles/dns.admin"})],
         [res(ZONE_MEMBER, "z", {"managedZone": "projects/dns-project/managedZones/example-com", "member": GSA,
                                 "role": "roles/dns.admin"})]),
    Case("gcp-iam-binding-format",
         [res(ZONE_MEMBER, "z", {"managedZone": "example-com", "member": GSA, "role": "dns.admin"})],
         [res(ZONE_MEMBER, "z", {"managedZone": "example-com", "member": GSA, "role": "roles/dns.admin"})]),
    Case("gcp-gke-pool-autoscaling",
         [*APIS, res(POOL, "p", {"name": "pool", "autoscaling": {"totalMinNodeCount": 3, "totalMaxNodeCount": 2}},
                     after=AFTER_APIS)],
         [*APIS, res(POOL, "p", {"name": "pool", "autoscaling": {"totalMinNodeCount": 2, "totalMaxNodeCount": 3}},
                     after=AFTER_APIS)]),
    # Cloud Storage log bucket (gcp_storage_rules.py)
    Case("gcp-storage-bucket-name", [res(GCS, "b", {"name": "google-logs-skyfleet"})],
         [res(GCS, "b", {"name": "logs-skyfleet-dev-1a2b3c4d"})]),
    Case("gcp-storage-soft-delete",
         [res(GCS, "b", {"name": "logs-a1", "softDeletePolicy": {"retentionDurationSeconds": 86400}})],
         [res(GCS, "b", {"name": "logs-a1", "softDeletePolicy": {"retentionDurationSeconds": 604800}})]),
    Case("gcp-storage-lifecycle-rule",
         [res(GCS, "b", {"name": "logs-a1", "lifecycleRules": [{"action": {"type": "Delete"},
                                                                "condition": {"age": -1}}]})],
         [res(GCS, "b", {"name": "logs-a1", "lifecycleRules": [{"action": {"type": "Delete"},
                                                                "condition": {"age": 31}}]})]),
]
