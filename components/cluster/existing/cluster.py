"""`ExistingCluster`: a cluster Skyfleet reaches but does not run (kind, minikube, shared).

It creates no cloud resources and imports no cloud SDK: only a Kubernetes provider pointed at a
kubeconfig path and context. The path is handed to the provider unread, so a preview works on
a machine where the file does not exist; the provider reads it when it first connects.
"""

from __future__ import annotations

import dataclasses

import pulumi

from ..args import ClusterArgs, ExistingClusterArgs
from ..base import ClusterComponent
from ..clouds import PROFILES
from .cloud import kubelet_certs_self_signed


class ExistingCluster(ClusterComponent):
    TYPE = "skyfleet:cluster:ExistingCluster"

    def build(self, args: ClusterArgs) -> None:
        target = args.existing or ExistingClusterArgs()
        # Which cluster the provider talks to is the file + context; a credential rotation in
        # the file must not replace every object the provider manages.
        identifier = f"existing:{target.kubeconfig}#{target.context or 'current-context'}"
        provider = self.kubernetes_provider(
            kubeconfig=target.kubeconfig, context=target.context, cluster_identifier=identifier
        )
        # No content to export: the kubeconfig output is the (secret) path the provider reads.
        kubeconfig = pulumi.Output.secret(target.kubeconfig)
        self.finish(
            provider=provider,
            kubeconfig=kubeconfig,
            endpoint=target.context or "current-context",
            oidc_issuer_url="",  # nothing to federate with: no WorkloadIdentity, nothing is bound
            profile=dataclasses.replace(
                PROFILES["existing"], kubelet_certs_self_signed=kubelet_certs_self_signed(target)
            ),
        )
