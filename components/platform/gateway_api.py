"""The Gateway API CRDs (standard channel, one pinned version), installed before anything uses them.

Traefik's chart stopped shipping them in 40.2.0, and cert-manager, external-dns and every
HTTPRoute need them, so the Platform installs them first, on every cluster, the same version
everywhere: the upstream release manifest at `GATEWAY_API_VERSION`, applied as users would
(`kubectl apply --server-side -f <release URL>`), through the Kubernetes provider:
https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api
It also carries the `safe-upgrades` ValidatingAdmissionPolicy that refuses experimental-channel
CRDs over standard ones and downgrades.

GKE could install them itself (`gatewayApiConfig.channel`), but at the version of its own
release, not this one; Skyfleet keeps that switch off and installs the pinned version there too.

Deleting a CRD deletes every object of its kind (every route on the cluster), so the CRDs are
never deleted by Pulumi: the bundle and each CRD in it are `retain_on_delete` (a transform,
because a packaged component's children do not inherit it). An upgrade changes the URL and
updates each CRD in place (same names): nothing is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.handle import ClusterFacts, ClusterHandle
from components.errors import Problems

from .info import PlatformInfo
from .kinds import kinds_of

GATEWAY_API_VERSION = "v1.6.1"
CHANNEL = "standard"
RELEASE_URL = (
    "https://github.com/kubernetes-sigs/gateway-api/releases/download/"
    f"{GATEWAY_API_VERSION}/{CHANNEL}-install.yaml"
)
# The kinds the v1.6.1 standard-channel CRDs serve (config/crd/standard at the v1.6.1 tag).
KINDS = (
    *kinds_of("gateway.networking.k8s.io/v1", (
        "BackendTLSPolicy", "GRPCRoute", "Gateway", "GatewayClass", "HTTPRoute", "ListenerSet",
        "ReferenceGrant", "TCPRoute", "TLSRoute", "UDPRoute",
    )),
    *kinds_of("gateway.networking.k8s.io/v1beta1", (
        "Gateway", "GatewayClass", "HTTPRoute", "ReferenceGrant",
    )),
)


@dataclass(frozen=True, kw_only=True)
class GatewayApiArgs:
    enabled: bool = True
    """Install the Gateway API CRDs. Default: True. Turn off only where something else installs
    the same version (the ingress controller's Gateway and every HTTPRoute need them)."""

    def check(self, problems: Problems) -> None:
        problems.check(isinstance(self.enabled, bool), "enabled", self.enabled, "must be true or false")

    def check_cluster(self, handle: ClusterFacts, problems: Problems) -> None:
        """Nothing cloud-specific: the same CRDs on every cloud."""


def _retain(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult:
    """Every object of the bundle outlives its removal from the program (see the module doc)."""
    return pulumi.ResourceTransformResult(
        props=args.props,
        opts=pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(retain_on_delete=True)),
    )


class GatewayApiCrds(pulumi.ComponentResource):
    """`skyfleet:platform:GatewayApiCrds`: the Gateway API CRDs at `GATEWAY_API_VERSION`."""

    TYPE: ClassVar[str] = "skyfleet:platform:GatewayApiCrds"
    ARGS: ClassVar[type[GatewayApiArgs]] = GatewayApiArgs

    def __init__(
        self,
        name: str,
        handle: ClusterHandle,
        args: GatewayApiArgs | None = None,
        *,
        platform: PlatformInfo | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        problems = Problems()
        (args or GatewayApiArgs()).check(problems)
        problems.raise_if_any(name)
        super().__init__(self.TYPE, name, None, opts)
        options = handle.k8s_options(self, depends_on=list(handle.ready))
        self.bundle = k8s.yaml.v2.ConfigFile(
            # A stable name: bumping the version updates the CRDs in place, never replaces them.
            f"{name}-crds",
            file=RELEASE_URL,
            opts=pulumi.ResourceOptions.merge(
                options, pulumi.ResourceOptions(retain_on_delete=True, transforms=[_retain])
            ),
        )
        self.register_outputs(self._outputs())

    def _outputs(self) -> dict[str, Any]:
        return {
            "version": GATEWAY_API_VERSION,
            "channel": CHANNEL,
            "url": RELEASE_URL,
            # For the preview's API check: what waiting for the bundle makes available.
            "creates": [],
            "crds": [],
            "provides": list(KINDS),
            "installer": self.bundle.urn,
        }

    @classmethod
    def wanted_on(cls, cluster: ClusterFacts) -> bool:
        return True

    @classmethod
    def plans(cls, args: Any, platform: PlatformInfo, *, production: bool) -> PlatformInfo:
        return platform

    @classmethod
    def planned_namespaces(cls, args: Any) -> tuple[str, ...]:
        return ()  # cluster-scoped CRDs: no namespace of its own

    def provides(self, platform: PlatformInfo) -> PlatformInfo:
        from dataclasses import replace

        return replace(platform, gateway_api_crds=(self.bundle,))
