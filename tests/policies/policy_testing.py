"""Builders shared by the policy tests: plan.json resources, secure baselines, one-change variants.

Each baseline below passes every policy (a test checks that), so a case built by changing one
field of a baseline trips exactly the rule that field is about.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

STACK, PROJECT = "test", "skyfleet"
DELETE = object()
"""Passed as the value to `at`, removes the key instead."""


def urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_token}::{name}"


def resource(
    type_token: str, inputs: Mapping[str, Any], name: str = "r", **extra: Any
) -> dict[str, Any]:
    """One plan.json resource entry."""
    entry: dict[str, Any] = {
        "urn": urn(type_token, name),
        "type": type_token,
        "name": name,
        "parent": None,
        "dependencies": [],
        "provider": None,
        "custom": True,
        "protect": False,
        "inputs": copy.deepcopy(dict(inputs)),
    }
    entry.update(extra)
    return entry


def plan(*resources: Mapping[str, Any]) -> dict[str, Any]:
    return {"stack": STACK, "project": PROJECT, "resources": list(resources), "outputs": {}}


def at(base: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `base` with `value` at the dotted `path` (digits index lists)."""
    result = copy.deepcopy(dict(base))
    *parents, last = path.split(".")
    node: Any = result
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node.setdefault(step, {})
    key: Any = int(last) if isinstance(node, list) else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return result


@dataclass(frozen=True)
class Case:
    """A policy and resources that must (or must not) violate it; one behaviour per case."""

    id: str
    policy: str
    resources: Sequence[Mapping[str, Any]]
    violates: bool
    config: Mapping[str, Any] = field(default_factory=dict)
    expect: str = ""
    """Text the violation message must contain."""


def violates(
    case_id: str, policy: str, type_token: str, props: Mapping[str, Any], **kw: Any
) -> Case:
    return Case(case_id, policy, [resource(type_token, props)], True, **kw)


def complies(
    case_id: str, policy: str, type_token: str, props: Mapping[str, Any], **kw: Any
) -> Case:
    return Case(case_id, policy, [resource(type_token, props)], False, **kw)


def namespace(level: str | None, name: str = "apps") -> dict[str, Any]:
    """A Namespace resource enforcing Pod Security `level` (None: no label)."""
    labels = {} if level is None else {"pod-security.kubernetes.io/enforce": level}
    props = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}
    return resource(NAMESPACE, props, f"{name}-ns")


def in_namespace(
    case_id: str,
    policy: str,
    type_token: str,
    props: Mapping[str, Any],
    *,
    violating: bool,
    level: str | None = "restricted",
    **kw: Any,
) -> Case:
    """A pod-bearing resource in namespace "apps" that enforces `level` (None: undeclared)."""
    resources = [resource(type_token, props)]
    if level is not None:
        resources.insert(0, namespace(level))
    return Case(case_id, policy, resources, violating, **kw)


# --- Kubernetes -------------------------------------------------------------------------------

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
DAEMON_SET = "kubernetes:apps/v1:DaemonSet"
REPLICA_SET = "kubernetes:apps/v1:ReplicaSet"
REPLICATION_CONTROLLER = "kubernetes:core/v1:ReplicationController"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"
POD = "kubernetes:core/v1:Pod"
SERVICE = "kubernetes:core/v1:Service"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
NAMESPACE = "kubernetes:core/v1:Namespace"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
HELM_CHART = "kubernetes:helm.sh/v4:Chart"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"

POD_SPEC = {
    "automountServiceAccountToken": False,
    "securityContext": {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "seccompProfile": {"type": "RuntimeDefault"},
    },
    "containers": [
        {
            "name": "api",
            "image": "ghcr.io/acme/api:1.4.2",
            "ports": [{"containerPort": 8080}],
            "resources": {
                "requests": {"cpu": "100m", "memory": "128Mi"},
                "limits": {"memory": "256Mi"},
            },
            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            },
        }
    ],
}
LABELS = {"app.kubernetes.io/name": "api"}

SECURE_DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "api", "namespace": "apps", "labels": LABELS},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": LABELS},
        "template": {"metadata": {"labels": LABELS}, "spec": POD_SPEC},
    },
}
# Paths into SECURE_DEPLOYMENT, for one-change variants.
POD_PATH = "spec.template.spec"
CONTAINER = f"{POD_PATH}.containers.0"

SECURE_CRON_JOB = {
    "apiVersion": "batch/v1",
    "kind": "CronJob",
    "metadata": {"name": "report", "namespace": "apps"},
    "spec": {
        "schedule": "0 3 * * *",
        "jobTemplate": {"spec": {"template": {"spec": POD_SPEC}}},
    },
}
SECURE_PDB = {
    "apiVersion": "policy/v1",
    "kind": "PodDisruptionBudget",
    "metadata": {"name": "api", "namespace": "apps"},
    "spec": {"maxUnavailable": 1, "selector": {"matchLabels": LABELS}},
}
SECURE_SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "api", "namespace": "apps"},
    "spec": {"type": "ClusterIP", "selector": LABELS, "ports": [{"port": 80}]},
}
SECURE_INGRESS = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "Ingress",
    "metadata": {"name": "api", "namespace": "apps"},
    "spec": {
        "tls": [{"hosts": ["api.example.com"], "secretName": "api-tls"}],
        "rules": [{"host": "api.example.com"}],
    },
}
SECURE_GATEWAY = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "Gateway",
    "metadata": {"name": "public", "namespace": "traefik"},
    "spec": {
        "gatewayClassName": "traefik",
        "listeners": [
            {"name": "http", "protocol": "HTTP", "port": 80},
            {"name": "https", "protocol": "HTTPS", "port": 443,
             "tls": {"mode": "Terminate", "certificateRefs": [{"name": "wildcard-tls"}]}},
        ],
    },
}  # fmt: skip
SECURE_HTTP_ROUTE = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "HTTPRoute",
    "metadata": {"name": "api", "namespace": "apps"},
    "spec": {
        "parentRefs": [{"name": "public", "namespace": "traefik", "sectionName": "https"}],
        "hostnames": ["api.example.com"],
        "rules": [{"backendRefs": [{"name": "api", "port": 80}]}],
    },
}
SECURE_CLUSTER_ROLE = {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "ClusterRole",
    "metadata": {"name": "api-reader"},
    "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}],
}
SECURE_ROLE_BINDING = {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "RoleBinding",
    "metadata": {"name": "api-reader", "namespace": "apps"},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
    "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": "apps"}],
}
SECURE_SERVICE_ACCOUNT = {
    "apiVersion": "v1",
    "kind": "ServiceAccount",
    "metadata": {"name": "api", "namespace": "apps"},
    "automountServiceAccountToken": False,
}
SECURE_HPA = {
    "apiVersion": "autoscaling/v2",
    "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "api", "namespace": "apps"},
    "spec": {"minReplicas": 2, "maxReplicas": 6},
}
SECURE_NAMESPACE = {
    "apiVersion": "v1",
    "kind": "Namespace",
    "metadata": {"name": "apps", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}},
}
SECURE_HELM_RELEASE = {
    "chart": "cert-manager",
    "version": "v1.16.2",
    "repositoryOpts": {"repo": "https://charts.jetstack.io"},
    "namespace": "cert-manager",
}

# --- Clouds -----------------------------------------------------------------------------------

EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_ADDON = "aws:eks/addon:Addon"
EC2_INSTANCE = "aws:ec2/instance:Instance"
IAM_ROLE = "aws:iam/role:Role"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
SUBNET = "aws:ec2/subnet:Subnet"
GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_NODE_POOL = "gcp:container/nodePool:NodePool"
AKS_CLUSTER = "azure-native:containerservice:ManagedCluster"
AKS_POOL = "azure-native:containerservice:AgentPool"

SECURE_EKS_CLUSTER = {
    "name": "main",
    "roleArn": "arn:aws:iam::111122223333:role/main-eks",
    "version": "1.33",
    "vpcConfig": {
        "subnetIds": ["subnet-0a", "subnet-0b"],
        "endpointPrivateAccess": True,
        "endpointPublicAccess": True,
        "publicAccessCidrs": ["203.0.113.0/24"],
    },
    "encryptionConfig": {
        "resources": ["secrets"],
        "provider": {"keyArn": "arn:aws:kms:us-east-1:111122223333:key/etcd"},
    },
    "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager"],
    "upgradePolicy": {"supportType": "STANDARD"},
}
SECURE_VPC_CNI = {
    "addonName": "vpc-cni",
    "clusterName": "main",
    "configurationValues": '{"enableNetworkPolicy": "true"}',
}
SECURE_LAUNCH_TEMPLATE = {
    "metadataOptions": {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
    },
}
SECURE_GKE_CLUSTER = {
    "name": "main",
    "location": "europe-west1",
    "removeDefaultNodePool": True,
    "initialNodeCount": 1,
    "privateClusterConfig": {"enablePrivateNodes": True, "masterIpv4CidrBlock": "172.16.0.0/28"},
    "masterAuthorizedNetworksConfig": {
        "cidrBlocks": [{"cidrBlock": "198.51.100.0/24", "displayName": "office"}],
        "gcpPublicCidrsAccessEnabled": False,
    },
    "workloadIdentityConfig": {"workloadPool": "acme-prod.svc.id.goog"},
    "releaseChannel": {"channel": "REGULAR"},
    "datapathProvider": "ADVANCED_DATAPATH",
    "masterAuth": {"clientCertificateConfig": {"issueClientCertificate": False}},
    "databaseEncryption": {
        "state": "ENCRYPTED",
        "keyName": "projects/acme/locations/europe-west1/keyRings/gke/cryptoKeys/etcd",
    },
}
SECURE_GKE_NODE_POOL = {
    "cluster": "main",
    "name": "general",
    "management": {"autoRepair": True, "autoUpgrade": True},
    "nodeConfig": {
        "machineType": "e2-standard-4",
        "serviceAccount": "main-nodes@acme-prod.iam.gserviceaccount.com",
        "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True},
        "workloadMetadataConfig": {"mode": "GKE_METADATA"},
    },
}
SECURE_AKS_POOL = {
    "name": "system",
    "mode": "System",
    "vmSize": "Standard_D4s_v5",
    "enableAutoScaling": True,
    "minCount": 3,
    "maxCount": 6,
    "availabilityZones": ["1", "2", "3"],
}
SECURE_AKS_CLUSTER = {
    "resourceGroupName": "rg-main",
    "resourceName": "main",
    "dnsPrefix": "main",
    "enableRBAC": True,
    "networkProfile": {"networkPlugin": "azure", "networkPolicy": "cilium"},
    "autoUpgradeProfile": {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"},
    "disableLocalAccounts": True,
    "aadProfile": {"managed": True, "enableAzureRBAC": True},
    "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]},
    "oidcIssuerProfile": {"enabled": True},
    "securityProfile": {
        "workloadIdentity": {"enabled": True},
        "azureKeyVaultKms": {"enabled": True, "keyId": "https://kv.vault.azure.net/keys/etcd/1"},
    },
    "agentPoolProfiles": [SECURE_AKS_POOL],
}
SECURE_AKS_AGENT_POOL = {
    "resourceGroupName": "rg-main",
    "resourceName": "main",
    "agentPoolName": "apps",
    **{k: v for k, v in SECURE_AKS_POOL.items() if k != "name"},
}

SECURE_DIAGNOSTIC_SETTING = {
    "resourceUri": "/subscriptions/0000/resourceGroups/rg-main/providers/"
    "Microsoft.ContainerService/managedClusters/main",
    "workspaceId": "/subscriptions/0000/resourceGroups/rg-main/providers/"
    "Microsoft.OperationalInsights/workspaces/main-logs",
    "logs": [{"category": "kube-audit-admin", "enabled": True}],
}

SECURE_BASELINES: dict[str, Mapping[str, Any]] = {
    NAMESPACE: SECURE_NAMESPACE,
    DEPLOYMENT: SECURE_DEPLOYMENT,
    CRON_JOB: SECURE_CRON_JOB,
    PDB: SECURE_PDB,
    SERVICE: SECURE_SERVICE,
    INGRESS: SECURE_INGRESS,
    HPA: SECURE_HPA,
    HELM_RELEASE: SECURE_HELM_RELEASE,
    GATEWAY: SECURE_GATEWAY,
    HTTP_ROUTE: SECURE_HTTP_ROUTE,
    CLUSTER_ROLE: SECURE_CLUSTER_ROLE,
    ROLE_BINDING: SECURE_ROLE_BINDING,
    SERVICE_ACCOUNT: SECURE_SERVICE_ACCOUNT,
    EKS_ADDON: SECURE_VPC_CNI,
    DIAGNOSTIC_SETTING: SECURE_DIAGNOSTIC_SETTING,
    EKS_CLUSTER: SECURE_EKS_CLUSTER,
    LAUNCH_TEMPLATE: SECURE_LAUNCH_TEMPLATE,
    GKE_CLUSTER: SECURE_GKE_CLUSTER,
    GKE_NODE_POOL: SECURE_GKE_NODE_POOL,
    AKS_CLUSTER: SECURE_AKS_CLUSTER,
    AKS_POOL: SECURE_AKS_AGENT_POOL,
}
