"""The reference fleet: three clusters (AWS, GCP, Azure), the full platform, N services on each.

Everything here is plain input data, built before any timing starts: `ClusterArgs` written in
Python (no stack config), every add-on on, and N synthetic services shaped like the `api`
service of `stacks/workloads.yaml` (named ports, startup/liveness/readiness probes, an HPA, an
Ingress with TLS, config, a ServiceMonitor; every other service also a secret, every third one
cloud access, each service after the first a caller).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from components.cluster.cloud import Cloud
    from components.fleet import FleetArgs
    from components.workload.spec import ServiceSpec

Program = Callable[[], None]

FLEET_NAME = "bench"
NAMESPACES = 5  # services spread over a few team namespaces, as a real fleet would
DOMAIN = "bench.example.com"
# The zone of DOMAIN on each cloud, in that cloud's form (external-dns is granted these only).
DNS_ZONES = {
    "aws": ("Z0123456789ABCDEFGHIJ",),
    "gcp": ("bench-example-com",),
    "azure": ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns"
              "/providers/Microsoft.Network/dnszones/bench.example.com",),
}
# The stack's `skyfleet:secrets`: the one key the services that carry a secret read.
SECRETS: Mapping[str, str] = {"benchDatabasePassword": "bench-password-not-a-secret"}


def service_name(index: int) -> str:
    return f"svc-{index:03d}"


def services(n: int) -> tuple[ServiceSpec, ...]:
    """N services `svc-000`.. like workloads.yaml's `api`; all valid, all different."""
    from components.workload import (
        Autoscaling,
        ContainerPort,
        Limits,
        MetricsSpec,
        Probe,
        Requests,
        Resources,
        RouteSpec,
        ServiceSpec,
    )

    built = []
    for i in range(n):
        name = service_name(i)
        built.append(
            ServiceSpec(
                name=name,
                namespace=f"team-{i % NAMESPACES}",
                image=f"ghcr.io/skyfleet/{name}:1.{i}.0",
                component="backend",
                ports={"http": ContainerPort(port=8080), "metrics": ContainerPort(port=9090)},
                startup=Probe.http_get("/livez", period_seconds=2, failure_threshold=30),
                liveness=Probe.http_get("/livez"),
                readiness=Probe.http_get("/readyz"),
                resources=Resources(
                    requests=Requests(cpu="250m", memory="256Mi"),
                    limits=Limits(cpu="1", memory="512Mi"),
                ),
                autoscaling=Autoscaling(min_replicas=2, max_replicas=10),
                route=RouteSpec(host=f"{name}.{DOMAIN}"),
                config={"LOG_LEVEL": "info", "HTTP_ADDR": ":8080", "SERVICE_INDEX": str(i)},
                secrets={"DATABASE_PASSWORD": "benchDatabasePassword"} if i % 2 == 0 else {},
                metrics=MetricsSpec(port="metrics"),
                callers=(f"team-{(i - 1) % NAMESPACES}/{service_name(i - 1)}",) if i else (),
                cloud_access=_cloud_access() if i % 3 == 0 else {},
            )
        )
    return tuple(built)


def _cloud_access() -> dict[Cloud, tuple[str, ...]]:
    return {
        "aws": ("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",),
        "gcp": ("roles/storage.objectViewer",),
        "azure": ("Storage Blob Data Reader",),
    }


def fleet_args(n: int) -> FleetArgs:
    """One cluster per cloud, every add-on (external-dns too), N services."""
    from components.cluster.args import ClusterArgs
    from components.fleet import FleetArgs
    from components.platform import ExternalDnsArgs, PlatformArgs

    clusters = {
        "aws": ClusterArgs(name="bench-aws", cloud="aws", region="us-east-1"),
        "gcp": ClusterArgs(
            name="bench-gcp", cloud="gcp", region="europe-west1", project="skyfleet-bench"
        ),
        "azure": ClusterArgs(name="bench-azure", cloud="azure", region="westeurope"),
    }
    platform = PlatformArgs(
        external_dns=ExternalDnsArgs(enabled=True, domain_filters=(DOMAIN,), zones=DNS_ZONES),
    )
    return FleetArgs(clusters=clusters, platform=platform, services=services(n))


def fleet_program(args: FleetArgs) -> Program:
    """The Skyfleet side: the real `Fleet`, as `skyfleet.stack.program.run` builds it."""

    def program() -> None:
        import pulumi

        from components.fleet import Fleet

        fleet = Fleet(FLEET_NAME, args, secrets=dict(SECRETS))
        pulumi.export("clusters", fleet.cluster_outputs)
        pulumi.export("kubeconfigs", fleet.kubeconfigs)

    return program


def fleet_ready() -> str | None:
    """None when the real Fleet can be built, else why not (a component not landed yet)."""
    try:
        import components.cluster
        import components.fleet
        import components.platform
        import components.workload  # noqa: F401
        from components.cluster import create_cluster  # noqa: F401
    except ImportError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
