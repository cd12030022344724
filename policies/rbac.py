"""RBAC and service-account policies (CIS Kubernetes-based benchmarks, section 4.1 of the EKS,
GKE and AKS benchmarks): no cluster-admin bindings, no wildcards, nothing granted to anonymous
or every user, and service-account tokens mounted only where needed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pulumi_policy import PolicyResource

from .define import (
    ADVISORY,
    MANDATORY,
    Config,
    Findings,
    PolicyList,
    Resources,
    blame,
    each_whole,
    list_setting,
    of_type,
    violation,
)
from .pod_security import pods
from .props import Props, as_list, as_map, dig, strings

_RBAC = "kubernetes:rbac.authorization.k8s.io/v1"
BINDINGS = (f"{_RBAC}:ClusterRoleBinding", f"{_RBAC}:RoleBinding")
ROLES = (f"{_RBAC}:ClusterRole", f"{_RBAC}:Role")
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"

# Kubernetes' built-in identities for every caller. On GKE "system:authenticated" includes any
# Google account, not just the organisation's (CIS GKE 5.6.x / GKE RBAC docs).
EVERYONE = ("system:anonymous", "system:unauthenticated", "system:authenticated")


POLICIES = PolicyList()


def _subject_id(subject: Props) -> str:
    kind, name = subject.get("kind"), subject.get("name")
    if kind == "ServiceAccount":
        return f"ServiceAccount:{subject.get('namespace') or '?'}/{name}"
    return f"{kind}:{name}"


def _subjects(binding: Props) -> list[Props]:
    return [as_map(s) for s in as_list(binding.get("subjects"))]


@POLICIES.resource(
    "rbac-no-cluster-admin-binding", MANDATORY, each_whole(*BINDINGS),
    settings=[
        list_setting(
            "allowedSubjects",
            [],
            "Subjects that may hold cluster-admin: Kind:name, ServiceAccount:namespace/name.",
        )
    ],
)
def check_cluster_admin(binding: Props, config: Config) -> Iterator[str]:
    """No binding grants cluster-admin except to allowed subjects."""
    role = as_map(binding.get("roleRef"))
    if role.get("kind") != "ClusterRole" or role.get("name") != "cluster-admin":
        return
    subjects = [_subject_id(s) for s in _subjects(binding)]
    extra = [s for s in subjects if s not in config["allowedSubjects"]]
    if extra or not subjects:
        yield violation(
            f"binds cluster-admin (every verb on every resource) to {', '.join(extra) or 'nobody'}",
            "bind a role with only the verbs and resources needed, or list the subject in the "
            "policy's allowedSubjects",
        )


@POLICIES.resource("rbac-no-wildcards", MANDATORY, each_whole(*ROLES))
def check_no_wildcards(role: Props, config: Config) -> Iterator[str]:
    """Roles and ClusterRoles grant no '*' verbs or resources."""
    for index, rule in enumerate(map(as_map, as_list(role.get("rules")))):
        fields = [f for f in ("verbs", "resources") if "*" in strings(rule.get(f))]
        if fields:
            yield violation(
                f"rules[{index}] grants '*' in {' and '.join(fields)}, which also covers verbs "
                "and resources added later",
                "list the verbs and resources the subject needs",
            )


@POLICIES.resource("rbac-no-anonymous-subjects", MANDATORY, each_whole(*BINDINGS))
def check_no_everyone_subjects(binding: Props, config: Config) -> Iterator[str]:
    """No binding grants a role to anonymous, unauthenticated or all users."""
    everyone = sorted({str(s.get("name")) for s in _subjects(binding) if s.get("name") in EVERYONE})
    if everyone:
        role = as_map(binding.get("roleRef")).get("name")
        yield violation(
            f"grants {role} to {', '.join(everyone)}, i.e. to callers nobody vetted",
            "bind the role to named users, groups or service accounts",
        )


def _automount_by_account(resources: Sequence[PolicyResource]) -> dict[str, object]:
    accounts = (r.props for r in of_type(resources, SERVICE_ACCOUNT))
    return {
        f"{dig(sa, 'metadata', 'namespace') or 'default'}/{dig(sa, 'metadata', 'name')}": sa.get(
            "automountServiceAccountToken"
        )
        for sa in accounts
    }


@POLICIES.stack(
    "service-account-token-automount", ADVISORY,
    settings=[
        list_setting(
            "allowedServiceAccounts",
            [],
            "Service accounts (namespace/name) whose pods may mount the API token.",
        )
    ],
)
def check_token_automount(resources: Resources, config: Config) -> Findings:
    """Pods mount a service-account token only where they need the API."""
    by_account = _automount_by_account(resources)
    for resource, pod in pods(resources):
        account = f"{pod.namespace}/{pod.spec.get('serviceAccountName') or 'default'}"
        # The pod's setting wins over its service account's; Kubernetes mounts by default.
        mounted = pod.spec.get("automountServiceAccountToken")
        if mounted is None:
            mounted = by_account.get(account)
        if mounted is not False and account not in config["allowedServiceAccounts"]:
            yield blame(
                resource,
                f'{pod.kind} "{pod.name}" mounts the API token of service account '
                f'"{account}" although it may not need the Kubernetes API',
                "set automountServiceAccountToken: false on the pod or its ServiceAccount "
                "(workload identity needs no token), or list the account in "
                "allowedServiceAccounts",
            )
