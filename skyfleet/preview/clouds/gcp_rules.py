"""What GKE, Cloud IAM, Cloud KMS, Compute and Service Usage refuse at create time, offline.

Each rule names its source; tests/preview/rule_cases_gcp.py gives each a failing input.
Not checkable offline (docs/safety.md): quotas (CPUs, IPs per region), machine types offered in
a zone, organization policies, whether an IAM member in `admins` exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime

from ..cloud_rules import Plan, Resource, refuses

CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
SERVICE = "gcp:projects/service:Service"
ZONE_MEMBER = "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember"
IAM_BINDINGS = (
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:projects/iAMMember:IAMMember",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    ZONE_MEMBER,
)
# GKE names: RFC 1035 labels of at most 40 characters (terraform-provider-google
# services/container/resource_container_cluster.go and resource_container_node_pool.go).
GKE_NAME = re.compile(r"[a-z]([-a-z0-9]{0,38}[a-z0-9])?")


def _project(res: Resource) -> str:
    return str(res.state.get("project") or res.get("project") or "")


# https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster
@refuses("gcp-gke-cluster-name", CLUSTER, source="GKE API Cluster.name; provider container_cluster")
def _cluster_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.get("name", ""))
    if not GKE_NAME.fullmatch(name):
        yield f"cluster name {name!r} must be 1-40 lowercase letters, digits and '-', starting with a letter"


# https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools
@refuses("gcp-gke-node-pool-name", NODE_POOL, source="GKE API NodePool.name; provider container_node_pool")
def _pool_name(res: Resource, plan: Plan) -> Iterator[str]:
    name = str(res.state.get("name", ""))
    if not GKE_NAME.fullmatch(name):
        yield f"node pool name {name!r} must be 1-40 lowercase letters, digits and '-'"


# accountId: 6-30 characters, [a-z]([-a-z0-9]*[a-z0-9]) (terraform-provider-google
# services/resourcemanager/resource_google_service_account.go: validateRFC1035Name(6, 30)).
# https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create
@refuses("gcp-service-account-id", "gcp:serviceaccount/account:Account",
         source="IAM API serviceAccounts.create: accountId")
def _account_id(res: Resource, plan: Plan) -> Iterator[str]:
    account = str(res.get("accountId", ""))
    if not re.fullmatch(r"[a-z][-a-z0-9]{4,28}[a-z0-9]", account):
        yield f"accountId {account!r} must be 6-30 lowercase letters, digits and '-', starting with a letter"


# https://cloud.google.com/iam/docs/reference/rest/v1/Policy#Binding (members, role)
MEMBER = re.compile(r"(user|serviceAccount|group|domain):[^\s]+|principal(Set)?://.+|allUsers|allAuthenticatedUsers")
ROLE = re.compile(r"roles/[A-Za-z][\w.]*|(projects|organizations)/[^/]+/roles/[\w.]+")


@refuses("gcp-iam-binding-format", *IAM_BINDINGS, source="IAM API Policy.Binding: members and role")
def _binding(res: Resource, plan: Plan) -> Iterator[str]:
    member, role = str(res.get("member", "")), str(res.get("role", ""))
    if not MEMBER.fullmatch(member):
        yield f"member {member!r} must be user:, serviceAccount:, group:, domain: or principal://"
    if not ROLE.fullmatch(role):
        yield f"role {role!r} must be roles/<name> or a custom role's full name"


# The pool <project>.svc.id.goog exists only once a cluster with Workload Identity exists in
# the project; a binding to it before then fails "Identity Pool does not exist".
# https://github.com/terraform-google-modules/terraform-google-kubernetes-engine/issues/916
@refuses("gcp-workload-identity-pool-exists", *IAM_BINDINGS,
         source="terraform-google-kubernetes-engine#916")
def _pool_exists(res: Resource, plan: Plan) -> Iterator[str]:
    found = re.fullmatch(r"serviceAccount:([^.\[]+)\.svc\.id\.goog\[.+\]", str(res.get("member", "")))
    if found is None:
        return
    pool = f"{found.group(1)}.svc.id.goog"
    clusters = [c for c in plan.of_type(CLUSTER)
                if c.get("workloadIdentityConfig.workloadPool") == pool]
    if not any(plan.waits_for(res.urn, c.urn) for c in clusters):
        yield f"the identity pool {pool} does not exist yet: no Workload Identity cluster of " \
            "the project is created before this binding"


# The GKE service agent must be able to use the key when the cluster is created: "grant the
# GKE service agent ... Cloud KMS CryptoKey Encrypter/Decrypter"; key and cluster in one location.
# https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets
@refuses("gcp-gke-secrets-key-usable", CLUSTER,
         source="GKE docs: application-layer secrets encryption")
def _key_usable(res: Resource, plan: Plan) -> Iterator[str]:
    key = res.get("databaseEncryption.keyName")
    if res.get("databaseEncryption.state") != "ENCRYPTED" or not key:
        return
    grants = [g for g in plan.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
              if g.get("cryptoKeyId") == key
              and g.get("role") == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
              and "@container-engine-robot.iam.gserviceaccount.com" in str(g.get("member", ""))]
    if not any(plan.waits_for(res.urn, g.urn) for g in grants):
        yield f"the GKE service agent may not use {key} before the cluster is created"
    location = re.match(r"projects/[^/]+/locations/([^/]+)/", str(key))
    if location and location.group(1) != res.get("location"):
        yield f"the key is in {location.group(1)}, the cluster in {res.get('location')}"


# rotationPeriod: a duration in seconds ("7776000s"), at least one day (terraform-provider-google
# services/kms/resource_kms_crypto_key.go: validateKmsCryptoKeyRotationPeriod).
@refuses("gcp-kms-rotation-period", "gcp:kms/cryptoKey:CryptoKey",
         source="Cloud KMS CryptoKey.rotationPeriod; provider kms_crypto_key")
def _rotation(res: Resource, plan: Plan) -> Iterator[str]:
    period = res.get("rotationPeriod")
    if period is None:
        return
    found = re.fullmatch(r"(\d+)(\.\d{1,9})?s", str(period))
    if found is None or int(found.group(1)) < 86400:
        yield f"rotationPeriod {period!r} must be seconds like '7776000s', at least 86400s"


# VPC-native clusters take their Pod and Service ranges by name from the subnetwork.
# https://cloud.google.com/kubernetes-engine/docs/how-to/alias-ips
@refuses("gcp-gke-secondary-ranges", CLUSTER, source="GKE docs: VPC-native clusters")
def _secondary_ranges(res: Resource, plan: Plan) -> Iterator[str]:
    subnet = plan.by_id(res.get("subnetwork"))
    if subnet is None:
        return
    names = {r.get("rangeName") for r in subnet.get("secondaryIpRanges", []) or []}
    for key in ("clusterSecondaryRangeName", "servicesSecondaryRangeName"):
        wanted = res.get(f"ipAllocationPolicy.{key}")
        if wanted and wanted not in names:
            yield f"the subnetwork has no secondary range {wanted!r} ({key})"


# A fresh project has these APIs off: every call fails SERVICE_DISABLED until enabled.
# https://cloud.google.com/service-usage/docs/enable-disable
API_OF = {
    "gcp:container/": "container.googleapis.com",
    "gcp:compute/": "compute.googleapis.com",
    "gcp:kms/": "cloudkms.googleapis.com",
    "gcp:serviceaccount/account:": "iam.googleapis.com",
}


@refuses("gcp-api-enabled", *(
    "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool",
    "gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork",
    "gcp:compute/router:Router", "gcp:compute/routerNat:RouterNat",
    "gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey",
    "gcp:serviceaccount/account:Account",
), source="Service Usage: enabling services (SERVICE_DISABLED)")
def _api_enabled(res: Resource, plan: Plan) -> Iterator[str]:
    api = next(a for prefix, a in API_OF.items() if res.type.startswith(prefix))
    project = _project(res)
    enabling = [s for s in plan.of_type(SERVICE)
                if s.get("service") == api and (not project or _project(s) == project)]
    if not any(plan.waits_for(res.urn, s.urn) for s in enabling):
        yield f"{api} is not enabled in project {project or '(provider default)'} before this resource"


# A recurring window needs at least 48 hours of availability in any 32 days, in spans of at
# least 4 hours. https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions
@refuses("gcp-gke-maintenance-window", CLUSTER, source="GKE docs: maintenance windows")
def _maintenance(res: Resource, plan: Plan) -> Iterator[str]:
    window = res.get("maintenancePolicy.recurringWindow")
    if not window:
        return
    start, end = (datetime.fromisoformat(str(window[k]).replace("Z", "+00:00"))
                  for k in ("startTime", "endTime"))
    hours = (end - start).total_seconds() / 3600
    days = re.search(r"BYDAY=([A-Z,]+)", str(window.get("recurrence", "")))
    per_week = len(days.group(1).split(",")) if days else 7
    if hours < 4:
        yield f"a maintenance window of {hours:g} hours is shorter than 4"
    if hours * per_week * 4 < 48:
        yield f"{hours:g} hours x {per_week} a week gives under 48 hours in 32 days"


# Label keys: 1-63 of [a-z0-9_-] starting with a letter; values 0-63 of [a-z0-9_-].
# https://cloud.google.com/compute/docs/labeling-resources#requirements
@refuses("gcp-labels", CLUSTER, "pulumi:providers:gcp", source="GCP docs: label requirements")
def _labels(res: Resource, plan: Plan) -> Iterator[str]:
    labels = res.get("resourceLabels") or res.get("defaultLabels") or {}
    if isinstance(labels, str):  # a provider's inputs hold maps as JSON strings
        labels = json.loads(labels or "{}")
    for key, value in dict(labels).items():
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", str(key)) or \
                not re.fullmatch(r"[a-z0-9_-]{0,63}", str(value)):
            yield f"label {key}={value!r} is not a valid GCP label"


# totalMin/MaxNodeCount exclude the per-zone min/maxNodeCount, and min <= max.
# https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/NodePool#NodePoolAutoscaling
@refuses("gcp-gke-pool-autoscaling", NODE_POOL, source="GKE API NodePoolAutoscaling")
def _autoscaling(res: Resource, plan: Plan) -> Iterator[str]:
    scaling = res.get("autoscaling") or {}
    if ("totalMinNodeCount" in scaling or "totalMaxNodeCount" in scaling) and (
            "minNodeCount" in scaling or "maxNodeCount" in scaling):
        yield "total and per-zone node counts cannot both be set"
    lo = scaling.get("totalMinNodeCount", scaling.get("minNodeCount", 0))
    hi = scaling.get("totalMaxNodeCount", scaling.get("maxNodeCount", 1))
    if int(lo) > int(hi) or int(hi) < 1:
        yield f"autoscaling min {lo} / max {hi}: max must be >= 1 and >= min"


# A managed zone's IAM policy is set on projects/<project>/managedZones/<name>; the name is
# "1-63 characters long, must begin with a letter, end with a letter or digit, and only contain
# lowercase letters, digits or dashes" (a DNS name such as example.com. is not one). The provider
# takes the name or the full path (terraform-provider-google
# services/dns/iam_dns_managed_zone.go: projects/{{project}}/managedZones/{{managed_zone}}).
# https://cloud.google.com/dns/docs/reference/rest/v1/managedZones
MANAGED_ZONE = re.compile(r"(projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/managedZones/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?")


@refuses("gcp-dns-managed-zone-iam-zone", ZONE_MEMBER,
         source="Cloud DNS API ManagedZone.name; provider dns_managed_zone_iam")
def _managed_zone(res: Resource, plan: Plan) -> Iterator[str]:
    zone = str(res.get("managedZone", ""))
    if not MANAGED_ZONE.fullmatch(zone):
        yield (f"managedZone {zone!r} must be a managed zone name: 1-63 lowercase letters, digits "
               "and '-', starting with a letter (not the zone's DNS name)")
