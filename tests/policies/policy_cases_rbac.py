"""Violating and compliant inputs for RBAC and service-account policies (policies/rbac.py)."""

from __future__ import annotations

from policy_testing import (
    CLUSTER_ROLE,
    CLUSTER_ROLE_BINDING,
    DEPLOYMENT,
    POD_PATH,
    ROLE,
    ROLE_BINDING,
    SECURE_CLUSTER_ROLE,
    SECURE_DEPLOYMENT,
    SECURE_ROLE_BINDING,
    SECURE_SERVICE_ACCOUNT,
    SERVICE_ACCOUNT,
    Case,
    at,
    complies,
    resource,
    violates,
)

ADMIN = at(SECURE_ROLE_BINDING, "roleRef.name", "cluster-admin")
ADMINS_GROUP = [{"kind": "Group", "name": "platform-admins", "apiGroup": "rbac.authorization.k8s.io"}]
TOKEN = f"{POD_PATH}.automountServiceAccountToken"
MOUNTING = at(SECURE_DEPLOYMENT, TOKEN, None)


def pod_with_account(deployment: dict, automount: object) -> list[dict]:
    account = at(SECURE_SERVICE_ACCOUNT, "automountServiceAccountToken", automount)
    deployment = at(deployment, f"{POD_PATH}.serviceAccountName", "api")
    return [resource(SERVICE_ACCOUNT, account, "api"), resource(DEPLOYMENT, deployment, "api")]


CASES = [
    violates("binds-cluster-admin", "rbac-no-cluster-admin-binding", ROLE_BINDING, ADMIN,
             expect="ServiceAccount:apps/api"),
    violates("cluster-binds-cluster-admin", "rbac-no-cluster-admin-binding", CLUSTER_ROLE_BINDING,
             at(ADMIN, "subjects", ADMINS_GROUP)),
    complies("binds-view", "rbac-no-cluster-admin-binding", ROLE_BINDING, SECURE_ROLE_BINDING),
    complies("cluster-admin-for-allowed-group", "rbac-no-cluster-admin-binding",
             CLUSTER_ROLE_BINDING, at(ADMIN, "subjects", ADMINS_GROUP),
             config={"rbac-no-cluster-admin-binding": {"allowedSubjects": ["Group:platform-admins"]}}),
    violates("wildcard-verbs", "rbac-no-wildcards", CLUSTER_ROLE,
             at(SECURE_CLUSTER_ROLE, "rules.0.verbs", ["*"]), expect="verbs"),
    violates("wildcard-resources", "rbac-no-wildcards", ROLE,
             at(SECURE_CLUSTER_ROLE, "rules.0.resources", ["*"]), expect="resources"),
    complies("named-verbs-and-resources", "rbac-no-wildcards", CLUSTER_ROLE, SECURE_CLUSTER_ROLE),
    violates("binds-unauthenticated", "rbac-no-anonymous-subjects", CLUSTER_ROLE_BINDING,
             at(SECURE_ROLE_BINDING, "subjects", [{"kind": "Group", "name": "system:unauthenticated"}])),
    violates("binds-anonymous", "rbac-no-anonymous-subjects", ROLE_BINDING,
             at(SECURE_ROLE_BINDING, "subjects", [{"kind": "User", "name": "system:anonymous"}])),
    violates("binds-all-authenticated", "rbac-no-anonymous-subjects", ROLE_BINDING,
             at(SECURE_ROLE_BINDING, "subjects", [{"kind": "Group", "name": "system:authenticated"}])),
    complies("binds-named-account", "rbac-no-anonymous-subjects", ROLE_BINDING, SECURE_ROLE_BINDING),
    violates("token-mounted-by-default", "service-account-token-automount", DEPLOYMENT, MOUNTING,
             expect='"apps/default"'),
    Case("account-mounts-token", "service-account-token-automount", pod_with_account(MOUNTING, True),
         True),
    Case("account-turns-token-off", "service-account-token-automount",
         pod_with_account(MOUNTING, False), False),
    Case("pod-turns-token-off", "service-account-token-automount",
         pod_with_account(SECURE_DEPLOYMENT, True), False),
    complies("account-allowed-to-mount", "service-account-token-automount", DEPLOYMENT, MOUNTING,
             config={"service-account-token-automount": {"allowedServiceAccounts": ["apps/default"]}}),
]  # fmt: skip
