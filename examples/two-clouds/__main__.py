"""Two clusters on two clouds, the platform on each, and the same two services on each: `web`
(autoscaled, public at www.<domain>) and `api` (three replicas, inside the cluster only)."""

import pulumi

from components.cluster import ClusterArgs, EndpointArgs, NodePoolArgs, create_cluster
from components.fleet import with_route_hosts
from components.platform import Platform, PlatformArgs
from components.workload import (
    Autoscaling,
    ContainerPort,
    Microservice,
    Probe,
    RouteSpec,
    ServiceSpec,
    create_service_namespace,
)

config = pulumi.Config()  # the project's own keys, declared with their types in Pulumi.yaml
endpoint = EndpointArgs(public=True, public_access_cidrs=config.require_object("adminCidrs"))
pools = {"system": NodePoolArgs(system=True, size="small", min_size=1, max_size=3),
         "general": NodePoolArgs(size="medium", min_size=2, max_size=10)}
clusters = [
    ClusterArgs(name="shop-aws", cloud="aws", region="us-east-1", node_pools=pools, endpoint=endpoint),
    ClusterArgs(name="shop-gcp", cloud="gcp", region="europe-west1", project=config.require("gcpProject"),
                node_pools=pools, endpoint=endpoint),
]
web = ServiceSpec(
    name="web", namespace="shop", image="nginxinc/nginx-unprivileged:1.27.3-alpine", run_as_user=101,
    ports={"http": ContainerPort(port=8080)},
    liveness=Probe.http_get("/", "http"), readiness=Probe.http_get("/", "http"),
    autoscaling=Autoscaling(min_replicas=2, max_replicas=config.require_int("webMaxReplicas")),
    route=RouteSpec(host=f"www.{config.require('domain')}"),
)
api = ServiceSpec(
    name="api", namespace="shop", image="ghcr.io/skyfleet/api:1.4.2", replicas=3,
    ports={"http": ContainerPort(port=8080)},
    liveness=Probe.http_get("/livez", "http"), readiness=Probe.http_get("/readyz", "http"),
)

for args in clusters:
    cluster = create_cluster(args)
    # The cluster's Gateway gets an HTTPS listener (and a certificate) for each route host.
    platform = Platform(f"{args.name}-platform", cluster.handle, with_route_hosts(PlatformArgs(), [web, api]))
    # Child names start with the cluster's: the same service on two clusters is two URNs.
    shop = create_service_namespace(f"{args.name}-ns-shop", "shop", cluster.handle, parent=cluster)
    for spec in (web, api):
        Microservice(f"{args.name}-{spec.name}", cluster.handle, spec, platform.info, namespace=shop)
    pulumi.export(f"{args.name}-kubeconfig", cluster.handle.kubeconfig)  # a secret
