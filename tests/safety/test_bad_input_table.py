"""Bad input is refused before anything is created, with a message that points at the line to fix.

Each case copies the shipped stacks, breaks ONE value of a stack file or of workloads.yaml (a few
edits break two rules, and both problems are expected), runs the real config path
(`run_stack`: stack file -> Pulumi config -> the stack program under the preview's mocks) and
checks the single `ValidationError` it raises: exactly the expected problems, each naming the
field as the user wrote it (`stacks/Pulumi.gcp-dev.yaml: skyfleet:clusters.<name>.nodePools...`),
the value, and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skyfleet.stack.settings import REDACTED

from .project import Edit, copy_project, edit_stack, edit_workloads, preview_error, put, rename, validation_error

DEV = ("skyfleet:clusters", "skyfleet-dev")
PROD = ("skyfleet:clusters", "skyfleet-prod")
LOCAL = ("skyfleet:clusters", "local")
SUB = "00000000-0000-0000-0000-000000000000"  # any subscription id


@dataclass(frozen=True)
class Expect:
    path: str  # as printed: "<file>: <field path>"
    value: Any
    rule: str  # a part of the rule's sentence


def cfg(stack: str, path: str, value: Any, rule: str) -> Expect:
    """A problem in `stacks/Pulumi.<stack>.yaml`; `path` below the `skyfleet:` namespace."""
    return Expect(f"stacks/Pulumi.{stack}.yaml: skyfleet:{path}", value, rule)


def wl(path: str, value: Any, rule: str) -> Expect:
    """A problem in `stacks/workloads.yaml`; `path` below `services.`."""
    return Expect(f"stacks/workloads.yaml: services.{path}", value, rule)


@dataclass(frozen=True)
class Case:
    id: str
    stack: str
    expect: Sequence[Expect]
    config: Sequence[Edit] = field(default_factory=tuple)
    services: Sequence[Edit] = field(default_factory=tuple)


def pool(cluster: tuple[str, str], name: str, value: dict[str, Any]) -> Edit:
    return put(*cluster, "nodePools", name, value=value)


CASES = [
    # --- each cloud's cluster and node pool names ---------------------------------------------
    Case("eks-cluster-name", "aws-dev",
         [cfg("aws-dev", "clusters._dev", "_dev", "must be an EKS cluster name: 1-100 letters")],
         config=[rename(*DEV, to="_dev")]),
    Case("gke-cluster-name-too-long", "gcp-dev",
         [cfg("gcp-dev", "clusters." + "skyfleet-dev-" * 3 + "west1", "skyfleet-dev-" * 3 + "west1",
              "must be a GKE cluster name: 1-40 lowercase letters")],
         config=[rename(*DEV, to="skyfleet-dev-" * 3 + "west1")]),
    Case("gke-cluster-name-uppercase", "gcp-dev",
         [cfg("gcp-dev", "clusters.SkyfleetDev", "SkyfleetDev", "must be a GKE cluster name")],
         config=[rename(*DEV, to="SkyfleetDev")]),
    Case("aks-cluster-name-trailing-dash", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev-", "skyfleet-dev-",
              "must be an AKS cluster name: 1-63 letters, digits, '-' or '_', starting and ending")],
         config=[rename(*DEV, to="skyfleet-dev-")]),
    Case("existing-cluster-name", "local",
         [cfg("local", "clusters.Local_Cluster", "Local_Cluster", "must be a DNS-1123 label")],
         config=[rename(*LOCAL, to="Local_Cluster")]),
    Case("eks-node-pool-name", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.nodePools.GPU", "GPU", "must be a DNS-1123 label")],
         config=[pool(DEV, "GPU", {"size": "large"})]),
    Case("gke-node-pool-name", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.nodePools.1gpu", "1gpu",
              "must be a GKE node pool name: 1-40 lowercase letters, digits or '-', starting with a letter")],
         config=[pool(DEV, "1gpu", {"size": "large"})]),
    Case("aks-node-pool-name-too-long", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.nodePools.generalpurpose", "generalpurpose",
              "must be an AKS node pool name: 1-12 lowercase letters or digits")],
         config=[pool(DEV, "generalpurpose", {"size": "large"})]),
    Case("aks-node-pool-name-dash", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.nodePools.gpu-pool", "gpu-pool", "must be an AKS node pool name")],
         config=[pool(DEV, "gpu-pool", {"size": "large"})]),
    # --- Kubernetes names: DNS-1123 / DNS-1035, label keys and values, port names ---------------
    Case("service-name-dns1035", "aws-dev",
         [wl("Web.name", "Web", "must be a DNS-1035 label")],
         services=[rename("web", to="Web")]),
    Case("namespace-dns1123-label", "aws-dev",
         [wl("web.namespace", "Apps", "must be a DNS-1123 label")],
         services=[put("web", "namespace", value="Apps")]),
    Case("label-value-component", "aws-dev",
         [wl("web.component", "front end", "must be a label value")],
         services=[put("web", "component", value="front end")]),
    Case("label-value-part-of", "gcp-dev",
         [wl("api.partOf", "-shop", "must be a label value")],
         services=[put("api", "partOf", value="-shop")]),
    Case("node-label-key", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.nodePools.general.labels.bad key!", "bad key!",
              "must be a label key")],
         config=[put(*DEV, "nodePools", "general", "labels", value={"bad key!": "x"})]),
    Case("node-label-key-prefix", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.nodePools.general.labels.Example.com/team", "Example.com/team",
              "an optional DNS-1123 subdomain prefix")],
         config=[put(*DEV, "nodePools", "general", "labels", value={"Example.com/team": "x"})]),
    Case("node-label-value", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.nodePools.general.labels.team", "a b", "must be a label value")],
         config=[put(*DEV, "nodePools", "general", "labels", value={"team": "a b"})]),
    Case("taint-key", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.nodePools.general.taints[0].key", "-gpu", "must be a label key")],
         config=[put(*DEV, "nodePools", "general", "taints", value=[{"key": "-gpu"}])]),
    Case("taint-effect", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.nodePools.general.taints[0].effect", "NoWay",
              "must be one of NoSchedule, PreferNoSchedule, NoExecute")],
         config=[put(*DEV, "nodePools", "general", "taints", value=[{"key": "gpu", "effect": "NoWay"}])]),
    Case("port-name-underscore", "aws-dev",
         [wl("api.ports.admin_port", "admin_port", "must be an IANA service name")],
         services=[put("api", "ports", "admin_port", value={"port": 9091})]),
    Case("port-name-too-long", "aws-dev",
         [wl("api.ports.administration12", "administration12", "must be an IANA service name: 1-15")],
         services=[put("api", "ports", "administration12", value={"port": 9091})]),
    Case("port-number-range", "aws-dev",
         [wl("api.ports.admin.port", 70000, "must be a port number 1-65535")],
         services=[put("api", "ports", "admin", value={"port": 70000})]),
    Case("port-number-repeated", "aws-dev",
         [wl("api.ports.admin.port", 9090, "is already declared by port 'metrics'")],
         services=[put("api", "ports", "admin", value={"port": 9090})]),
    Case("probe-port-unknown", "aws-dev",
         [wl("api.liveness.httpGet.port", "admin", "is not a container port of service 'api' (ports: http, metrics)")],
         services=[put("api", "liveness", "httpGet", "port", value="admin")]),
    # --- Helm releases ---------------------------------------------------------------------------
    Case("helm-release-name-chars", "aws-dev",
         [cfg("aws-dev", "platform.monitoring.releaseName", "Monitoring_Stack",
              "must be a Helm release name: a DNS-1123 subdomain of at most 53 characters")],
         config=[put("skyfleet:platform", "monitoring", "releaseName", value="Monitoring_Stack")]),
    Case("helm-release-name-too-long", "gcp-dev",
         [cfg("gcp-dev", "platform.ingress.releaseName", "t" * 54, "at most 53 characters")],
         config=[put("skyfleet:platform", "ingress", "releaseName", value="t" * 54)]),
    Case("addon-namespace", "azure-dev",
         [cfg("azure-dev", "platform.certManager.namespace", "Cert-Manager", "must be a DNS-1123 label")],
         config=[put("skyfleet:platform", "certManager", "namespace", value="Cert-Manager")]),
    # --- resource quantities; requests <= limits -------------------------------------------------
    Case("quantity-word", "aws-dev",
         [wl("api.resources.requests.cpu", "fast", "must be a Kubernetes quantity")],
         services=[put("api", "resources", "requests", "cpu", value="fast")]),
    Case("quantity-with-space", "aws-dev",
         [wl("api.resources.requests.memory", "256 Mi", "must be a Kubernetes quantity")],
         services=[put("api", "resources", "requests", "memory", value="256 Mi")]),
    Case("quantity-dangling-exponent", "aws-dev",
         [wl("api.resources.limits.cpu", "1e", "must be a Kubernetes quantity")],
         services=[put("api", "resources", "limits", "cpu", value="1e")]),
    Case("quantity-zero-limit", "aws-dev",
         [wl("api.resources.limits.cpu", "0", "must be greater than zero")],
         services=[put("api", "resources", "limits", "cpu", value="0")]),
    Case("request-above-limit", "aws-dev",
         [wl("api.resources.requests.memory", "1Gi", "must not exceed the limit (512Mi)")],
         services=[put("api", "resources", "requests", "memory", value="1Gi")]),
    Case("storage-quantity", "gcp-dev",
         [cfg("gcp-dev", "platform.monitoring.prometheusStorage", "fifty gigs",
              "must be a positive Kubernetes quantity such as 50Gi")],
         config=[put("skyfleet:platform", "monitoring", "prometheusStorage", value="fifty gigs")]),
    # --- replicas, HPA, PDB, rollout, topology spread ---------------------------------------------
    Case("replicas-with-autoscaling", "aws-dev",
         [wl("web.replicas", 3, "must be unset when autoscaling is set")],
         services=[put("web", "replicas", value=3)]),
    Case("replicas-zero", "aws-dev",
         [wl("api.replicas", 0, "must be >= 1")],
         services=[put("api", "replicas", value=0)]),
    Case("hpa-min-above-max", "aws-dev",
         [wl("web.autoscaling.minReplicas", 8, "must not exceed autoscaling.maxReplicas (6)")],
         services=[put("web", "autoscaling", "minReplicas", value=8)]),
    Case("hpa-without-metric", "aws-dev",
         [wl("web.autoscaling", None, "needs cpuUtilization or memoryUtilization")],
         services=[put("web", "autoscaling", "cpuUtilization", value=None)]),
    Case("hpa-scale-down-window", "aws-dev",
         [wl("web.autoscaling.scaleDownStabilizationSeconds", 7200, "must be 0-3600 seconds")],
         services=[put("web", "autoscaling", "scaleDownStabilizationSeconds", value=7200)]),
    Case("pdb-blocks-every-drain", "aws-dev",
         [wl("api.disruption.minAvailable", 3, "must be below the replica floor (3)")],
         services=[put("api", "disruption", value={"minAvailable": 3})]),
    Case("pdb-percent-blocks-every-drain", "aws-dev",
         [wl("web.disruption.minAvailable", "100%", "must be below the replica floor (2)")],
         services=[put("web", "disruption", value={"minAvailable": "100%"})]),
    Case("pdb-both-fields", "aws-dev",
         [wl("api.disruption", None, "set maxUnavailable or minAvailable, not both")],
         services=[put("api", "disruption", value={"minAvailable": 1, "maxUnavailable": 1})]),
    Case("pdb-max-unavailable-zero", "aws-dev",
         [wl("api.disruption.maxUnavailable", 0, "a budget that allows no eviction blocks every node drain")],
         services=[put("api", "disruption", value={"maxUnavailable": 0})]),
    Case("rollout-cannot-start", "aws-dev",
         [wl("api.rollout", None, "maxUnavailable and maxSurge cannot both be 0")],
         services=[put("api", "rollout", value={"maxUnavailable": 0, "maxSurge": 0})]),
    Case("rollout-percent", "aws-dev",
         [wl("api.rollout.maxSurge", "150%", "must be a whole number >= 0 or a percentage")],
         services=[put("api", "rollout", value={"maxSurge": "150%"})]),
    Case("topology-spread-type", "aws-dev",
         [wl("api.topologySpread", "zone", "must be true or false")],
         services=[put("api", "topologySpread", value="zone")]),
    Case("node-pool-min-above-max", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.nodePools.gpu.minSize", 2, "must be <= maxSize (1)")],
         config=[pool(DEV, "gpu", {"size": "large", "minSize": 2, "maxSize": 1})]),
    Case("node-pool-disk", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.nodePools.general.diskSizeGb", 10, "must be between 30 and 2048")],
         config=[put(*DEV, "nodePools", "general", "diskSizeGb", value=10)]),
    Case("prod-system-pool-one-node", "aws-prod",
         [cfg("aws-prod", "clusters.skyfleet-prod.nodePools.system.minSize", 1,
              "a production system pool keeps at least 2 nodes")],
         config=[put(*PROD, "nodePools", "system", "minSize", value=1)]),
    Case("spot-system-pool", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.nodePools.system.spot", True, "a system pool cannot be spot")],
         config=[put(*DEV, "nodePools", "system", "spot", value=True)]),
    # --- image references ----------------------------------------------------------------------
    Case("image-without-tag", "aws-dev",
         [wl("web.image", "nginxinc/nginx-unprivileged", "must name a tag or digest")],
         services=[put("web", "image", value="nginxinc/nginx-unprivileged")]),
    Case("image-latest", "aws-dev",
         [wl("web.image", "nginxinc/nginx-unprivileged:latest", "must not use the 'latest' tag")],
         services=[put("web", "image", value="nginxinc/nginx-unprivileged:latest")]),
    Case("image-short-digest", "aws-dev",
         [wl("api.image", "ghcr.io/skyfleet/api@sha256:abc", "must be an image reference")],
         services=[put("api", "image", value="ghcr.io/skyfleet/api@sha256:abc")]),
    Case("image-uppercase-repository", "aws-dev",
         [wl("api.image", "ghcr.io/Skyfleet/API:1.4.2", "must be an image reference")],
         services=[put("api", "image", value="ghcr.io/Skyfleet/API:1.4.2")]),
    # --- CIDRs: syntax, overlaps, what each cloud accepts ----------------------------------------
    Case("cidr-host-bits", "aws-prod",
         [cfg("aws-prod", "clusters.skyfleet-prod.network.vpcCidr", "10.20.0.1/16",
              "must be an IPv4 network in CIDR notation with no host bits set")],
         config=[put(*PROD, "network", "vpcCidr", value="10.20.0.1/16")]),
    Case("cidr-prefix-33", "gcp-prod",
         [cfg("gcp-prod", "clusters.skyfleet-prod.network.vpcCidr", "10.20.0.0/33", "in CIDR notation")],
         config=[put(*PROD, "network", "vpcCidr", value="10.20.0.0/33")]),
    Case("cidr-pods-overlap-vpc", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.network.podsCidr", "10.0.0.0/14", "overlaps vpcCidr (10.0.0.0/16)")],
         config=[put(*DEV, "network", value={"podsCidr": "10.0.0.0/14"})]),
    Case("cidr-services-overlap-pods", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.network.servicesCidr", "10.64.0.0/16",
              "overlaps podsCidr (10.64.0.0/14)")],
         config=[put(*DEV, "network", value={"servicesCidr": "10.64.0.0/16"})]),
    Case("aws-vpc-larger-than-16", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.network.vpcCidr", "10.0.0.0/12", "an AWS VPC is at most a /16")],
         config=[put(*DEV, "network", value={"vpcCidr": "10.0.0.0/12"})]),
    Case("vpc-too-small-for-zones", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.network.vpcCidr", "10.0.0.0/26", "is too small for 3 zones")],
         config=[put(*DEV, "network", value={"vpcCidr": "10.0.0.0/26"})]),
    Case("services-cidr-size", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.network.servicesCidr", "100.0.0.0/8", "must be a /12 to /24")],
         config=[put(*DEV, "network", value={"servicesCidr": "100.0.0.0/8"})]),
    Case("eks-services-cidr-public", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.network.servicesCidr", "100.96.0.0/16",
              "EKS takes a service range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16")],
         config=[put(*DEV, "network", value={"servicesCidr": "100.96.0.0/16"})]),
    Case("aks-services-cidr-reserved", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.network.servicesCidr", "172.30.0.0/16",
              "overlaps 172.30.0.0/16, which AKS reserves")],
         config=[put(*DEV, "network", value={"servicesCidr": "172.30.0.0/16"})]),
    Case("public-access-cidr-syntax", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.endpoint.publicAccessCidrs[0]", "203.0.113.0",
              "in CIDR notation")],
         config=[put(*DEV, "endpoint", "publicAccessCidrs", value=["203.0.113.0"])]),
    Case("prod-api-open-to-internet", "aws-prod",
         [cfg("aws-prod", "clusters.skyfleet-prod.endpoint.publicAccessCidrs[0]", "0.0.0.0/0",
              "must not open a production API server to the whole internet")],
         config=[put(*PROD, "endpoint", value={"public": True, "publicAccessCidrs": ["0.0.0.0/0"]})]),
    # --- versions and version skew ---------------------------------------------------------------
    Case("version-not-offered", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.version", "1.29", "is not offered on aws: supported minors are")],
         config=[put(*DEV, "version", value="1.29")]),
    Case("version-not-offered-on-azure", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.version", "1.32", "is not offered on azure")],
         config=[put(*DEV, "version", value="1.32")]),
    Case("version-unquoted", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.version", 1.3, "quote it: YAML read 1.3 as a number")],
         config=[put(*DEV, "version", value=1.30)]),
    Case("version-malformed", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.version", "v1.35", 'must be a Kubernetes minor such as "1.35"')],
         config=[put(*DEV, "version", value="v1.35")]),
    Case("version-skew-in-fleet", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-old.version", "1.33",
              "is 2 minors behind clusters.skyfleet-dev.version (1.35)")],
         # Reachable like its sibling, so that the skew is the only problem.
         config=[put("skyfleet:clusters", "skyfleet-old", value={
             "cloud": "aws", "region": "us-east-1", "version": "1.33",
             "endpoint": {"public": True, "publicAccessCidrs": ["203.0.113.0/24"]}})]),
    # --- where `pulumi up` runs (skyfleet:deployer) ---------------------------------------------
    Case("deployer-network-unknown", "aws-dev",
         [cfg("aws-dev", "deployer.network", "vpn", "must be one of internet, cluster, workstation")],
         config=[put("skyfleet:deployer", "network", value="vpn")]),
    Case("private-endpoint-from-the-internet", "gcp-prod",
         [cfg("gcp-prod", "clusters.skyfleet-prod.endpoint", {"public": False},
              "cluster skyfleet-prod is unreachable from where `pulumi up` runs: the API endpoint is private")],
         config=[put("skyfleet:deployer", value={"network": "internet", "egressCidrs": ["198.51.100.0/24"]})]),
    # --- zones and regions -----------------------------------------------------------------------
    Case("zone-of-other-region-aws", "aws-prod",
         [cfg("aws-prod", "clusters.skyfleet-prod.zones[1]", "us-west-2b", "is not a zone of region us-east-1")],
         config=[put(*PROD, "zones", value=["us-east-1a", "us-west-2b", "us-east-1c"])]),
    Case("zone-of-other-region-gcp", "gcp-prod",
         [cfg("gcp-prod", "clusters.skyfleet-prod.zones[1]", "europe-west4-a", "is not a zone of region europe-west1")],
         config=[put(*PROD, "zones", value=["europe-west1-b", "europe-west4-a"])]),
    Case("zone-azure", "azure-prod",
         [cfg("azure-prod", "clusters.skyfleet-prod.zones[1]", "4", "is not a zone of region westeurope")],
         config=[put(*PROD, "zones", value=["1", "4"])]),
    Case("zone-repeated", "aws-prod",
         [cfg("aws-prod", "clusters.skyfleet-prod.zones", ["us-east-1a", "us-east-1a"], "must not repeat a zone")],
         config=[put(*PROD, "zones", value=["us-east-1a", "us-east-1a"])]),
    Case("prod-single-zone", "aws-prod",
         [cfg("aws-prod", "clusters.skyfleet-prod.zones", ["us-east-1a"], "EKS needs subnets in at least 2 zones"),
          cfg("aws-prod", "clusters.skyfleet-prod.zones", ["us-east-1a"], "a production cluster spans at least 2")],
         config=[put(*PROD, "zones", value=["us-east-1a"])]),
    Case("region-of-other-cloud", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.region", "europe-west1", "region such as us-east-1")],
         config=[put(*DEV, "region", value="europe-west1")]),
    # --- route hostnames ---------------------------------------------------------------------------
    Case("route-host-underscore", "aws-dev",
         [wl("web.route.host", "web_shop.example.com", "must be a DNS-1123 subdomain")],
         services=[put("web", "route", "host", value="web_shop.example.com")]),
    Case("route-host-not-qualified", "gcp-dev",
         [wl("web.route.host", "web", "must be a fully qualified hostname")],
         services=[put("web", "route", "host", value="web")]),
    Case("route-path", "azure-dev",
         [wl("web.route.path", "shop", "must start with '/'")],
         services=[put("web", "route", "path", value="shop")]),
    # --- mutually exclusive options ----------------------------------------------------------------
    Case("private-endpoint-with-cidrs", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.endpoint.publicAccessCidrs", ["203.0.113.0/24"],
              "needs public: true")],
         config=[put(*DEV, "endpoint", "public", value=False)]),
    Case("plain-http-on-the-gateway", "aws-dev",
         [wl("web.route.tls", False, "can only be false with api: ingress")],
         services=[put("web", "route", "tls", value=False)]),
    Case("existing-settings-on-aws", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.existing", "...", "is only for cloud: existing")],
         config=[put(*DEV, "existing", value={"kubeconfig": "~/.kube/config"})]),
    Case("node-pools-on-existing-cluster", "local",
         [cfg("local", "clusters.local.nodePools", ["system"], "has no effect on an existing cluster")],
         config=[put(*LOCAL, "nodePools", value={"system": {}})]),
    Case("project-on-aws", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.project", "skyfleet-dev", "is only used on gcp")],
         config=[put(*DEV, "project", value="skyfleet-dev")]),
    Case("nginx-with-gateway-api", "gcp-dev",
         [cfg("gcp-dev", "platform.ingress.gatewayApi", True, "ingress-nginx does not serve Gateway API")],
         config=[put("skyfleet:platform", "ingress", value={"controller": "ingress-nginx", "gatewayApi": True})]),
    Case("default-issuer-without-issuers", "aws-dev",
         [cfg("aws-dev", "platform.certManager.defaultIssuer", "letsencrypt-prod", "needs issuers: true"),
          wl("web.route.tls", True, "needs cert-manager's ClusterIssuer")],
         config=[put("skyfleet:platform", "certManager", value={"issuers": False,
                                                               "defaultIssuer": "letsencrypt-prod"})]),
    Case("retention-size-not-a-prometheus-size", "aws-dev",
         [cfg("aws-dev", "platform.monitoring.retentionSize", "40Gi", "must be a Prometheus size such as 42GB")],
         config=[put("skyfleet:platform", "monitoring", value={"retentionSize": "40Gi"})]),
    Case("kubelet-certs-not-a-boolean", "local",
         [cfg("local", "clusters.local.existing.selfSignedKubeletCerts", "yes", "must be true or false")],
         config=[put(*LOCAL, "existing", "selfSignedKubeletCerts", value="yes")]),
    Case("old-ingress-beside-route", "aws-dev",
         [wl("web.ingress", {"host": "web.example.com"}, "is the old name of route: set only route")],
         services=[put("web", "ingress", value={"host": "web.example.com"})]),
    # --- what a service needs from the platform (checked before the clusters exist) ---------------
    Case("route-without-controller", "aws-dev",
         [wl("web.route", "web.example.com", "needs the cluster's Gateway, and the platform has none")],
         config=[put("skyfleet:platform", "ingress", value={"enabled": False})]),
    Case("gateway-route-on-ingress-nginx", "azure-dev",
         [wl("web.route", "web.example.com", "needs the cluster's Gateway, and the platform has none")],
         config=[put("skyfleet:platform", "ingress", value={"controller": "ingress-nginx"})]),
    Case("tls-without-cert-manager", "gcp-dev",
         [wl("web.route.tls", True, "needs cert-manager's ClusterIssuer")],
         config=[put("skyfleet:platform", "certManager", value={"enabled": False})]),
    # --- unknown keys: a typo never falls back to a default -----------------------------------------
    Case("typo-top-level-key", "aws-dev",
         [cfg("aws-dev", "clustres", ..., "unknown key (did you mean skyfleet:clusters?)"),
          cfg("aws-dev", "clusters", None, "required: a mapping of cluster name to cluster settings")],
         config=[rename("skyfleet:clusters", to="skyfleet:clustres")]),
    Case("typo-node-pool-key", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.nodePools.system.maxSzie", 3, "unknown key (did you mean maxSize?)")],
         config=[rename(*DEV, "nodePools", "system", "maxSize", to="maxSzie")]),
    Case("typo-cluster-key", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.nodepools", ..., "unknown key (did you mean nodePools?)")],
         config=[rename(*DEV, "nodePools", to="nodepools")]),
    Case("typo-platform-key", "azure-dev",
         [cfg("azure-dev", "platform.monitoring.retentoin", "15d", "unknown key (did you mean retention?)")],
         config=[put("skyfleet:platform", "monitoring", "retentoin", value="15d")]),
    Case("typo-service-key", "aws-dev",
         [wl("api.replica", 2, "unknown key (did you mean replicas?)")],
         services=[put("api", "replica", value=2)]),
    Case("secret-reference-unknown", "aws-dev",
         [wl("api.secrets.DATABASE_PASSWORD", "apiDbPassword", "no such key in skyfleet:secrets")],
         services=[put("api", "secrets", "DATABASE_PASSWORD", value="apiDbPassword")]),
    Case("environment-choice", "aws-dev",
         [cfg("aws-dev", "environment", "production", "must be 'dev' or 'prod'")],
         config=[put("skyfleet:environment", value="production")]),
    Case("delivery-choice", "gcp-dev",
         [cfg("gcp-dev", "delivery", "flux", "must be 'pulumi' or 'argocd'")],
         config=[put("skyfleet:delivery", value="flux")]),
    # --- each cloud's tags, identities and projects ------------------------------------------------
    Case("gcp-label-key", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.tags.Team", "Team", "must be a GCP label key")],
         config=[put(*DEV, "tags", "Team", value="platform")]),
    Case("aws-reserved-tag", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.tags.aws:owner", "aws:owner", "not starting with 'aws:'")],
         config=[put(*DEV, "tags", "aws:owner", value="platform")]),
    Case("aws-tag-value-characters", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.tags.team", "<platform>", "must be an AWS tag value")],
         config=[put(*DEV, "tags", "team", value="<platform>")]),
    Case("azure-tag-key", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.tags.cost/center", "cost/center", "must be an Azure tag key")],
         config=[put(*DEV, "tags", "cost/center", value="42")]),
    Case("aws-admin-arn", "aws-prod",
         [cfg("aws-prod", "clusters.skyfleet-prod.admins[0]", "arn:aws:iam::123:role/admin",
              "must be an IAM role or user ARN")],
         config=[put(*PROD, "admins", value=["arn:aws:iam::123:role/admin"])]),
    Case("gcp-project-id", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.project", "Skyfleet_Dev", "must be a GCP project id")],
         config=[put(*DEV, "project", value="Skyfleet_Dev")]),
    Case("run-as-root", "azure-dev",
         [wl("web.runAsUser", 0, "must be a non-root UID")],
         services=[put("web", "runAsUser", value=0)]),
    Case("probe-required", "aws-dev",
         [wl("api.readiness", None, "is required: without it Kubernetes cannot tell")],
         services=[lambda services: services["api"].pop("readiness")]),
    # --- cloud roles in the form each cloud's IAM takes (ARM: InvalidRoleDefinitionId) ---------------
    Case("azure-role-name-misspelt", "azure-dev",
         [wl("api.cloudAccess.azure[0]", "Storage Blob Reader", "must be an Azure built-in role name")],
         services=[put("api", "cloudAccess", "azure", value=["Storage Blob Reader"])]),
    Case("aws-role-not-a-policy", "aws-dev",
         [wl("api.cloudAccess.aws[0]", "s3:GetObject", "must be an IAM policy ARN")],
         services=[put("api", "cloudAccess", "aws", value=["s3:GetObject"])]),
    Case("gcp-role-without-prefix", "gcp-dev",
         [wl("api.cloudAccess.gcp[0]", "storage.objectViewer", "must be an IAM role")],
         services=[put("api", "cloudAccess", "gcp", value=["storage.objectViewer"])]),
    # --- external-dns is granted the zones it is told, named in the cloud's own form -----------------
    Case("azure-external-dns-zones-required", "azure-dev",
         [cfg("azure-dev", "platform.externalDns.zones.azure", [],
              "must name the zones external-dns may change on azure, each as an Azure DNS zone resource id")],
         config=[put("skyfleet:platform", "externalDns",
                     value={"enabled": True, "domainFilters": ["example.com"]})]),
    Case("aws-external-dns-zone-not-a-hosted-zone-id", "aws-dev",
         [cfg("aws-dev", "platform.externalDns.zones.aws[0]", "example.com",
              "must be a Route53 hosted zone id")],
         config=[put("skyfleet:platform", "externalDns",
                     value={"enabled": True, "domainFilters": ["example.com"], "zones": {"aws": ["example.com"]}})]),
    Case("gcp-external-dns-zone-is-a-dns-name", "gcp-dev",
         [cfg("gcp-dev", "platform.externalDns.zones.gcp[0]", "example.com.",
              "must be a Cloud DNS managed zone name")],
         config=[put("skyfleet:platform", "externalDns",
                     value={"enabled": True, "domainFilters": ["example.com"], "zones": {"gcp": ["example.com."]}})]),
    Case("azure-external-dns-zones-in-two-groups", "azure-dev",
         [cfg("azure-dev", "platform.externalDns.zones.azure", ...,
              "must all be in one resource group for one external-dns")],
         config=[put("skyfleet:platform", "externalDns", value={
             "enabled": True, "domainFilters": ["example.com", "example.org"],
             "zones": {"azure": [f"/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Network/dnszones/"
                                 f"{zone}" for group, zone in (("a", "example.com"), ("b", "example.org"))]}})]),
    # --- maintenance windows and AKS logins where the cloud has them -------------------------------
    Case("gke-maintenance-window-too-short", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.maintenanceWindow.durationHours", 4, "must be 12-24 on gcp")],
         config=[put(*DEV, "maintenanceWindow", value={"day": "Saturday", "durationHours": 4})]),
    Case("aks-maintenance-window-start", "azure-dev",
         [cfg("azure-dev", "clusters.skyfleet-dev.maintenanceWindow.startUtc", "25:00", "must be HH:MM")],
         config=[put(*DEV, "maintenanceWindow", value={"startUtc": "25:00"})]),
    Case("eks-maintenance-window", "aws-dev",
         [cfg("aws-dev", "clusters.skyfleet-dev.maintenanceWindow", ..., "has no effect on aws")],
         config=[put(*DEV, "maintenanceWindow", value={"day": "Sunday"})]),
    Case("kubeconfig-login-off-azure", "gcp-dev",
         [cfg("gcp-dev", "clusters.skyfleet-dev.kubeconfigLogin", "workloadidentity", "is only used on azure")],
         config=[put(*DEV, "kubeconfigLogin", value="workloadidentity")]),
    # --- a value from a secret config key is never printed ------------------------------------------
    Case("secret-value-redacted", "aws-dev",
         [cfg("aws-dev", "secrest", REDACTED, "unknown key (did you mean skyfleet:secrets?)"),
          wl("api.secrets.DATABASE_PASSWORD", "apiDatabasePassword", "no such key in skyfleet:secrets")],
         config=[rename("skyfleet:secrets", to="skyfleet:secrest")]),
]


def _matches(problem: Any, expect: Expect) -> bool:
    value_ok = expect.value is ... or problem.value == expect.value
    return problem.path == expect.path and value_ok and expect.rule in problem.rule


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_field_value_and_rule(case: Case, tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    if case.config:
        edit_stack(project, case.stack, *case.config)
    if case.services:
        edit_workloads(project, *case.services)
    error = validation_error(project, case.stack)
    message = str(error)
    found = list(error.problems)
    for expect in case.expect:
        assert any(_matches(p, expect) for p in found), f"{expect} not among:\n{message}"
        assert expect.path in message and expect.rule in message, message
        if expect.value is not ...:
            assert f"{expect.path}: {expect.value!r}: " in message, message
    # One mistake, its problems and nothing else: no cascade of follow-up errors.
    assert len(found) == len(case.expect), message


def test_the_table_is_big_enough_and_ids_are_unique() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    """Three mistakes in three places (a cluster, the platform, a service): one error, three problems."""
    project = copy_project(tmp_path)
    edit_stack(project, "gcp-dev",
               put(*DEV, "nodePools", "gpu", value={"size": "large", "maxSize": "ten"}),
               put("skyfleet:platform", "monitoring", "retention", value="two weeks"))
    edit_workloads(project, put("api", "image", value="ghcr.io/skyfleet/api"))
    error = validation_error(project, "gcp-dev")
    assert [(p.path, p.value) for p in error.problems] == [
        ("stacks/Pulumi.gcp-dev.yaml: skyfleet:clusters.skyfleet-dev.nodePools.gpu.maxSize", "ten"),
        ("stacks/Pulumi.gcp-dev.yaml: skyfleet:platform.monitoring.retention", "two weeks"),
        ("stacks/workloads.yaml: services.api.image", "ghcr.io/skyfleet/api"),
    ], str(error)
    assert str(error).startswith("invalid input (3 problems):\n"), str(error)


BAD_CONFIGS = {
    "cluster": ("aws-dev", lambda p: edit_stack(p, "aws-dev", put(*DEV, "version", value="1.20"))),
    "platform": ("aws-dev", lambda p: edit_stack(
        p, "aws-dev", put("skyfleet:platform", "ingress", value={"enabled": False}))),
    "workload": ("aws-dev", lambda p: edit_workloads(p, put("web", "image", value="nginx:latest"))),
    "addon-on-this-cloud": ("local", lambda p: edit_stack(p, "local", put(
        "skyfleet:platform", "externalDns", value={"enabled": True, "domainFilters": ["example.com"]}))),
    "addon-namespace-for-this-cloud": ("aws-dev", lambda p: edit_stack(p, "aws-dev", put(
        "skyfleet:platform", "clusterAutoscaler", "namespace", value="autoscaling"))),
}
@pytest.mark.parametrize("where", sorted(BAD_CONFIGS))
def test_no_resource_is_registered_when_validation_fails(where: str, tmp_path: Path) -> None:
    """The program validates everything before its first resource: `pulumi up` creates nothing."""
    project = copy_project(tmp_path)
    stack, edit = BAD_CONFIGS[where]
    edit(project)
    error = preview_error(project, stack)
    assert type(error.cause).__name__ == "ValidationError", error
    assert error.recorded == [], [r.urn for r in error.recorded]
