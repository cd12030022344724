"""What every cluster component shares: child options, the Kubernetes provider, the handle.

The constructor is the same for every cloud; a cloud module's `build` creates its cloud
resources, then calls `kubernetes_provider` and `finish`, so the shape of the result (handle,
registered outputs) is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pulumi
import pulumi_kubernetes as k8s

from .args import ClusterArgs
from .cloud import CloudProfile
from .clouds import PROFILES
from .handle import ClusterHandle, NodeAutoscalerSupport, WorkloadIdentity


class ClusterComponent(pulumi.ComponentResource):
    """Base of EksCluster, GkeCluster, AksCluster and ExistingCluster."""

    TYPE: ClassVar[str]
    handle: ClusterHandle
    kubeconfig: pulumi.Output[str]

    def __init__(self, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.TYPE, args.name, None, opts)
        self.args = args
        self.cloud_provider: pulumi.ProviderResource | None = None
        # What every cloud child waits for (GKE: the project's APIs being enabled).
        self.prerequisites: list[pulumi.Resource] = []
        self.build(args)

    def build(self, args: ClusterArgs) -> None:
        """Creates the cloud's resources, then calls `kubernetes_provider` and `finish`."""
        raise NotImplementedError

    def child(
        self,
        *,
        protect: bool = False,
        depends_on: Sequence[pulumi.Resource] = (),
        ignore_changes: Sequence[str] = (),
        provider: pulumi.ProviderResource | None = None,
        delete_before_replace: bool = False,
    ) -> pulumi.ResourceOptions:
        """Options for a child: parented here, on this cluster's cloud provider.

        `protect=True` marks a resource whose loss loses data or the cluster (the cluster, its
        encryption key, its network); it is protected only in production.
        """
        return pulumi.ResourceOptions(
            parent=self,
            provider=provider or self.cloud_provider,
            protect=protect and self.args.production,
            depends_on=[*self.prerequisites, *depends_on],
            ignore_changes=list(ignore_changes) or None,
            delete_before_replace=delete_before_replace or None,
        )

    def invoke_options(self) -> pulumi.InvokeOutputOptions:
        return pulumi.InvokeOutputOptions(parent=self, provider=self.cloud_provider)

    def kubernetes_provider(
        self,
        *,
        kubeconfig: pulumi.Input[str],
        cluster_identifier: pulumi.Input[str],
        context: pulumi.Input[str] | None = None,
    ) -> k8s.Provider:
        """The one provider every Kubernetes child of this cluster uses.

        `cluster_identifier` (the cloud's cluster id) alone decides replacement: a change to the
        kubeconfig's credential plugin is an update, so it never replaces every Kubernetes
        object the provider manages. Without it the provider diffs the kubeconfig heuristically.
        https://www.pulumi.com/registry/packages/kubernetes/api-docs/provider/#clusteridentifier_python
        """
        return k8s.Provider(
            f"{self.args.name}-k8s",
            kubeconfig=kubeconfig,
            context=context,
            cluster_identifier=cluster_identifier,
            enable_server_side_apply=True,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def finish(
        self,
        *,
        provider: k8s.Provider,
        kubeconfig: pulumi.Output[str],
        endpoint: pulumi.Input[str],
        oidc_issuer_url: pulumi.Input[str],
        workload: WorkloadIdentity | None = None,
        ready: Sequence[pulumi.Resource] = (),
        storage_ready: Sequence[pulumi.Resource] = (),
        node_autoscaler: NodeAutoscalerSupport | None = None,
        profile: CloudProfile | None = None,
    ) -> None:
        """`profile`: default the cloud's (`PROFILES`); a cluster whose facts vary (an existing
        cluster's kubelet certificates) passes its own."""
        args = self.args
        workload = workload or WorkloadIdentity()
        self.kubeconfig = kubeconfig
        self.handle = ClusterHandle(
            name=args.name,
            cloud=args.cloud,
            region=args.region,
            kubernetes_version=args.version,
            production=args.production,
            provider=provider,
            kubeconfig=kubeconfig,
            oidc_issuer_url=pulumi.Output.from_input(oidc_issuer_url),
            profile=profile or PROFILES[args.cloud],
            identity=workload.binder,
            ready=tuple(ready),
            storage_ready=tuple(storage_ready),
            node_autoscaler=node_autoscaler,
            log_storage=workload.log_storage,
            dns=workload.dns,
        )
        self.register_outputs(
            {
                "name": args.name,
                "cloud": args.cloud,
                "region": args.region,
                "kubernetesVersion": args.version,
                "endpoint": endpoint,
                "kubeconfig": kubeconfig,
                "oidcIssuerUrl": oidc_issuer_url,
            }
        )
