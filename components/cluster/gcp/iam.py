"""Service accounts for GKE: the nodes' least-privilege account, the Secrets key's grant to
the GKE service agent, and the Workload Identity binder.

Nodes never run as the Compute Engine default service account (it holds Editor on the project);
they get only what logging and monitoring agents need.
https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#use_least_privilege_sa
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..base import ClusterComponent
from ..handle import IdentityBinding, IdentityRequest
from .cloud import SERVICE_ACCOUNT_ANNOTATION, gcp_service_account_id

# The one predefined role made for GKE node service accounts (logging, monitoring, metadata),
# replacing the legacy set of four roles (CIS GKE Benchmark 5.2.1).
# https://cloud.google.com/kubernetes-engine/docs/how-to/service-accounts#default-gke-service-agent
NODE_ROLES = ("roles/container.defaultNodeServiceAccount",)
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def metadata_mode(workload_identity: bool) -> str:
    """GKE_METADATA hides the node's account from pods; it needs Workload Identity on."""
    return "GKE_METADATA" if workload_identity else "GCE_METADATA"


def role_label(role: str) -> str:
    """roles/logging.logWriter -> logging-logwriter (for child resource names)."""
    return re.sub(r"[^a-z0-9-]", "-", role.removeprefix("roles/").lower())


def grant_project_roles(
    c: ClusterComponent,
    name: str,
    project: str,
    member: pulumi.Input[str],
    roles: Sequence[str],
    parent: pulumi.Resource,
) -> list[gcp.projects.IAMMember]:
    return [
        gcp.projects.IAMMember(
            f"{name}-{role_label(role)}",
            project=project,
            role=role,
            member=member,
            opts=pulumi.ResourceOptions(
                parent=parent, provider=c.cloud_provider, depends_on=list(c.prerequisites)
            ),
        )
        for role in roles
    ]


def node_service_account(
    c: ClusterComponent, project: str
) -> tuple[gcp.serviceaccount.Account, list[gcp.projects.IAMMember]]:
    n = c.args.name
    account = gcp.serviceaccount.Account(
        f"{n}-nodes",
        account_id=gcp_service_account_id(n, "nodes"),
        display_name=f"GKE nodes of {n}",
        project=project,
        opts=c.child(),
    )
    grants = grant_project_roles(c, f"{n}-nodes", project, account.member, NODE_ROLES, c)
    return account, grants


def admin_access(c: ClusterComponent, project: str) -> list[gcp.projects.IAMMember]:
    """roles/container.admin for each member of `admins`. GKE's IAM roles apply to every
    cluster in the project (Google's model: a project per environment), so this is the
    project's Kubernetes admin, the same as EKS's cluster-admin access entry in practice."""
    return [
        member
        for admin in c.args.admins
        for member in grant_project_roles(
            c,
            f"{c.args.name}-admin-{re.sub(r'[^a-z0-9-]', '-', admin.split(':', 1)[-1].lower())}",
            project,
            admin,
            ["roles/container.admin"],
            c,
        )
    ]


def secrets_key(c: ClusterComponent, project: str) -> tuple[gcp.kms.CryptoKey, pulumi.Resource]:
    """A Cloud KMS key for etcd Secrets, usable only by this project's GKE service agent.

    Key rings cannot be deleted in GCP, so the ring is protected with the key in production.
    """
    n = c.args.name
    ring = gcp.kms.KeyRing(
        f"{n}-keyring", location=c.args.region, project=project, opts=c.child(protect=True)
    )
    key = gcp.kms.CryptoKey(
        f"{n}-secrets",
        key_ring=ring.id,
        purpose="ENCRYPT_DECRYPT",
        rotation_period="7776000s",  # 90 days
        opts=c.child(protect=True),
    )
    number = gcp.organizations.get_project_output(
        project_id=project, opts=c.invoke_options()
    ).number
    grant = gcp.kms.CryptoKeyIAMMember(
        f"{n}-secrets-gke-agent",
        crypto_key_id=key.id,
        role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member=number.apply(
            lambda num: f"serviceAccount:service-{num}@container-engine-robot.iam.gserviceaccount.com"
        ),
        opts=c.child(),
    )
    return key, grant


# The APIs a fresh project lacks that the cluster needs (serviceusage.googleapis.com, which
# enables them, is on in every new project). Enabled here and never disabled on destroy: other
# clusters and tools in the project use them too.
# https://cloud.google.com/kubernetes-engine/docs/how-to/creating-a-regional-cluster#before_you_begin
REQUIRED_APIS = (
    "cloudresourcemanager.googleapis.com",  # project IAM bindings
    "compute.googleapis.com",  # network, subnetwork, router, NAT
    "container.googleapis.com",  # the cluster and its node pools
    "iam.googleapis.com",  # service accounts
    "cloudkms.googleapis.com",  # the Secrets key
)


def enable_apis(c: ClusterComponent, project: str) -> list[gcp.projects.Service]:
    return [
        gcp.projects.Service(
            f"{c.args.name}-api-{api.split('.', 1)[0]}",
            project=project,
            service=api,
            disable_on_destroy=False,
            disable_dependent_services=False,
            opts=c.child(),
        )
        for api in REQUIRED_APIS
        if api != "cloudkms.googleapis.com" or c.args.secrets_encryption
    ]


@dataclass
class GkeIdentity:
    """Workload Identity: a Google service account the Kubernetes ServiceAccount may act as.

    Its `roles/iam.workloadIdentityUser` grant names `<project>.svc.id.goog`, a pool that exists
    only once a Workload Identity cluster exists in the project: granted earlier, IAM answers
    "Identity Pool does not exist" (terraform-google-kubernetes-engine#916). So every grant waits
    for the cluster.
    """

    component: ClusterComponent
    project: str
    cluster: pulumi.Resource

    def bind(self, request: IdentityRequest) -> IdentityBinding:
        """`roles` are IAM role ids (roles/dns.admin), granted on the cluster's project."""
        name, namespace, service_account = request.name, request.namespace, request.service_account
        roles, parent = request.roles, request.parent
        account = self.account(name, namespace=namespace, service_account=service_account, parent=parent)
        grant_project_roles(self.component, name, self.project, account.member, roles, parent)
        return IdentityBinding(service_account_annotations={SERVICE_ACCOUNT_ANNOTATION: account.email})

    def account(
        self, name: str, *, namespace: str, service_account: str, parent: pulumi.Resource
    ) -> gcp.serviceaccount.Account:
        """The Google service account `namespace/service_account` may act as, with no roles yet
        (a caller grants them where they belong, e.g. on one bucket)."""
        opts = pulumi.ResourceOptions(
            parent=parent,
            provider=self.component.cloud_provider,
            depends_on=list(self.component.prerequisites),
        )
        account = gcp.serviceaccount.Account(
            name,
            account_id=gcp_service_account_id(name, "wi"),
            display_name=f"Workload identity of {namespace}/{service_account}",
            project=self.project,
            opts=opts,
        )
        gcp.serviceaccount.IAMMember(
            f"{name}-workload-identity",
            service_account_id=account.name,
            role="roles/iam.workloadIdentityUser",
            member=f"serviceAccount:{self.project}.svc.id.goog[{namespace}/{service_account}]",
            opts=pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(depends_on=[self.cluster])
            ),
        )
        return account
