"""Managed Kubernetes clusters behind one interface.

`create_cluster(ClusterArgs(...))` validates the arguments (raising one `ValidationError` with
every problem before any resource exists), then builds the cloud's component: EKS, GKE, AKS, or
an existing cluster. The cloud module is imported only then, so an AWS stack never imports the
GCP or Azure SDKs (each costs seconds and hundreds of MB) and `existing` imports none.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import pulumi

from components.errors import Problems

from .args import ClusterArgs, EndpointArgs, ExistingClusterArgs, NetworkArgs, NodePoolArgs, Taint, default_node_pools
from .cloud import Cloud, CloudProfile, CloudSpec
from .clouds import CLOUDS, PROFILES, SPECS, cloud_spec
from .config import parse_cluster_config, parse_clusters_config
from .handle import ClusterHandle, IdentityBinder, IdentityBinding, IdentityRequest, NoCloudIdentity
from .validate import validate_cluster

if TYPE_CHECKING:
    from .base import ClusterComponent

# cloud -> (module, class) of its cluster component, as each cloud's spec names it.
IMPLEMENTATIONS: dict[Cloud, tuple[str, str]] = {
    name: spec.implementation for name, spec in SPECS.items()
}


def create_cluster(
    args: ClusterArgs, opts: pulumi.ResourceOptions | None = None
) -> ClusterComponent:
    """Validates `args` and builds the cluster; `.handle` is what add-ons and workloads take."""
    args = resolve(args)
    module_name, class_name = IMPLEMENTATIONS[args.cloud]
    component: type[ClusterComponent] = getattr(
        importlib.import_module(module_name), class_name
    )
    return component(args, opts)


def resolve(args: ClusterArgs) -> ClusterArgs:
    """`args` validated, with the settings that come from provider config filled in.

    Raises `ValidationError` listing every problem.
    """
    problems = Problems()
    with problems.under(f"clusters.{args.name}") as here:
        validate_cluster(args, here)
        spec = SPECS.get(args.cloud)
        if spec is not None:
            args = spec.resolve(here, args)
    problems.raise_if_any()
    return args


__all__ = [
    "CLOUDS",
    "IMPLEMENTATIONS",
    "PROFILES",
    "SPECS",
    "Cloud",
    "CloudProfile",
    "CloudSpec",
    "ClusterArgs",
    "ClusterHandle",
    "EndpointArgs",
    "ExistingClusterArgs",
    "IdentityBinder",
    "IdentityBinding",
    "IdentityRequest",
    "NetworkArgs",
    "NoCloudIdentity",
    "NodePoolArgs",
    "Taint",
    "cloud_spec",
    "create_cluster",
    "default_node_pools",
    "parse_cluster_config",
    "parse_clusters_config",
    "resolve",
    "validate_cluster",
]
