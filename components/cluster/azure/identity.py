"""Azure identities for AKS: role assignments, the control plane's identity and Key Vault key,
and the Entra Workload ID binder.

The control plane runs as a user-assigned identity created here (not a system-assigned one) so
it can be granted the Key Vault and subnet roles before the cluster exists: KMS is then on from
the first write to etcd.
https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_random as random
from pulumi_azure_native import authorization, keyvault, managedidentity

from components.names import short_hash

from ..base import ClusterComponent
from ..handle import IdentityBinding, IdentityRequest
from .cloud import CLIENT_ID_ANNOTATION, USE_LABEL, azure_key_vault_name
from .roles import role_definition_id

# Built-in role definition ids (the same in every tenant).
# https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"
TOKEN_AUDIENCE = "api://AzureADTokenExchange"


@dataclass(frozen=True)
class AzureContext:
    """Where this cluster's Azure resources go, and the ids role assignments need."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    location: str
    subscription_id: pulumi.Output[str]
    tenant_id: pulumi.Output[str]
    tags: dict[str, str]


def _scope(ctx: AzureContext, scope: str) -> pulumi.Output[str]:
    """The scope a binding's role is granted at: the given one, else the resource group."""
    if not scope:
        return ctx.resource_group_id
    return ctx.subscription_id.apply(lambda sub: role_scope(sub, scope))


def role_scope(subscription_id: str, scope: str) -> str:
    """A scope relative to the cluster's subscription (`resourceGroups/<rg>/...`) made absolute."""
    return scope if scope.startswith("/") else f"/subscriptions/{subscription_id}/{scope}"


def assign_role(
    c: ClusterComponent,
    name: str,
    ctx: AzureContext,
    principal_id: pulumi.Input[str],
    role: str,
    scope: pulumi.Input[str],
    parent: pulumi.Resource,
) -> authorization.RoleAssignment:
    return authorization.RoleAssignment(
        name,
        principal_id=principal_id,
        # Set, so Azure need not look the principal up (a fresh identity may not replicate yet).
        principal_type="ServicePrincipal",
        role_definition_id=ctx.subscription_id.apply(lambda sub: role_definition_id(sub, role)),
        scope=scope,
        opts=pulumi.ResourceOptions(parent=parent, provider=c.cloud_provider),
    )


def control_plane_identity(
    c: ClusterComponent, ctx: AzureContext
) -> managedidentity.UserAssignedIdentity:
    return managedidentity.UserAssignedIdentity(
        f"{c.args.name}-control-plane",
        resource_group_name=ctx.resource_group_name,
        location=ctx.location,
        tags=ctx.tags,
        opts=c.child(),
    )


def secrets_key(
    c: ClusterComponent, ctx: AzureContext, identity: managedidentity.UserAssignedIdentity
) -> tuple[keyvault.Key, pulumi.Resource]:
    """A Key Vault (RBAC-authorized) and an RSA key for etcd encryption; the control plane may
    use the key, nobody else gets data-plane access from here.

    Vault names are global and stay reserved while soft-deleted, so a random suffix per stack
    lets a destroyed stack be re-created. Purge protection (irreversible) is on in production.
    """
    n = c.args.name
    production = c.args.production
    suffix = random.RandomString(
        f"{n}-kv-suffix",
        length=6,
        special=False,
        upper=False,
        opts=pulumi.ResourceOptions(parent=c),
    )
    vault = keyvault.Vault(
        f"{n}-kv",
        vault_name=suffix.result.apply(lambda s: azure_key_vault_name(n, s)),
        resource_group_name=ctx.resource_group_name,
        location=ctx.location,
        properties=keyvault.VaultPropertiesArgs(
            tenant_id=ctx.tenant_id,
            sku=keyvault.SkuArgs(family="A", name=keyvault.SkuName.STANDARD),
            enable_rbac_authorization=True,
            enable_soft_delete=True,
            soft_delete_retention_in_days=90 if production else 7,
            enable_purge_protection=True if production else None,  # cannot be set to false
        ),
        tags=ctx.tags,
        opts=c.child(protect=True),
    )
    key = keyvault.Key(
        f"{n}-secrets",
        resource_group_name=ctx.resource_group_name,
        vault_name=vault.name,
        # No rotation policy: AKS pins the key *version*, so a rotation must go through the
        # cluster (a new version here, then `pulumi up`), not happen behind its back.
        properties=keyvault.KeyPropertiesArgs(
            kty="RSA", key_size=2048, key_ops=["encrypt", "decrypt", "wrapKey", "unwrapKey"]
        ),
        tags=ctx.tags,
        opts=c.child(protect=True),
    )
    grant = assign_role(
        c, f"{n}-control-plane-kms", ctx, identity.principal_id, KEY_VAULT_CRYPTO_USER, vault.id, c
    )
    return key, grant


@dataclass
class AksIdentity:
    """Entra Workload ID: a user-assigned identity federated with one ServiceAccount."""

    component: ClusterComponent
    context: AzureContext
    issuer_url: pulumi.Output[str]

    def bind(self, request: IdentityRequest) -> IdentityBinding:
        """`roles` are built-in role names, role definition GUIDs or full ids (azure/roles.py),
        each optionally `@<scope>`: an ARM id, or one relative to the cluster's subscription
        (`resourceGroups/<rg>/providers/...`). The default scope is the cluster's resource group."""
        name, namespace, service_account = request.name, request.namespace, request.service_account
        roles, parent = request.roles, request.parent
        ctx = self.context
        identity = self.identity(name, namespace=namespace, service_account=service_account, parent=parent)
        for role in roles:
            definition, _, scope = role.partition("@")
            label = short_hash(role)
            assign_role(
                self.component,
                f"{name}-role-{label}",
                ctx,
                identity.principal_id,
                definition,
                _scope(ctx, scope),
                parent,
            )
        return self.binding(identity)

    @staticmethod
    def binding(identity: managedidentity.UserAssignedIdentity) -> IdentityBinding:
        return IdentityBinding(
            service_account_annotations={CLIENT_ID_ANNOTATION: identity.client_id},
            pod_labels=dict(USE_LABEL),
        )

    def identity(
        self, name: str, *, namespace: str, service_account: str, parent: pulumi.Resource
    ) -> managedidentity.UserAssignedIdentity:
        """A user-assigned identity `namespace/service_account` may act as, with no roles yet
        (a caller assigns them where they belong, e.g. on one storage account)."""
        ctx = self.context
        opts = pulumi.ResourceOptions(parent=parent, provider=self.component.cloud_provider)
        identity = managedidentity.UserAssignedIdentity(
            name,
            resource_group_name=ctx.resource_group_name,
            location=ctx.location,
            tags=ctx.tags,
            opts=opts,
        )
        managedidentity.FederatedIdentityCredential(
            f"{name}-federation",
            resource_group_name=ctx.resource_group_name,
            resource_name_=identity.name,
            issuer=self.issuer_url,
            subject=f"system:serviceaccount:{namespace}:{service_account}",
            audiences=[TOKEN_AUDIENCE],
            opts=opts,
        )
        return identity
