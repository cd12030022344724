"""Whatever Skyfleet's validators accept, Kubernetes and the cloud SDKs accept too.

Property-based (hypothesis): values are generated, our validators decide, and for every value
they accept
- an object rendered from it passes the Kubernetes OpenAPI schema in strict mode
  (`skyfleet.analysis.validate_manifests`, kubernetes-validate), and
- Kubernetes' own rule for that kind of value (apimachinery's validation.go, transcribed below
  independently of `components.names`) accepts it too; the schema alone checks types, not
  name syntax, so the transcription is what catches a name the API server would refuse;
- a CIDR plan satisfies the `ipaddress` invariants each cloud relies on and goes into the AWS,
  GCP and Azure SDK constructors unchanged (under the preview's mocks).
Examples are few (this file runs in seconds); the Hypothesis database keeps any failure found.
"""

from __future__ import annotations

import ipaddress
import os
import re
from decimal import Decimal
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from components import names
from components.cluster.args import ClusterArgs, NetworkArgs
from components.cluster.azure import aks
from components.cluster.azure.cloud import AKS_CLUSTER_NAME
from components.cluster.planning import plan_node_subnet, plan_subnets
from components.cluster.validate import validate_cluster
from components.errors import Problems
from components.platform.checks import check_release_name
from components.platform.info import PlatformInfo
from components.workload import ContainerPort, Probe, ServiceSpec, rules, validate_spec
from components.workload.render import render_service_objects
from components.workload.spec import Autoscaling, Limits, Requests, Resources
from skyfleet.analysis.validate_manifests import validate_manifest
from skyfleet.preview import wire
from skyfleet.preview.runner import run_program

# SKYFLEET_HYPOTHESIS_SCALE=25 runs 25 times as many examples (a deeper search, minutes long).
SCALE = max(1, int(os.environ.get("SKYFLEET_HYPOTHESIS_SCALE", "1")))
FAST = settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- Kubernetes' rules, transcribed from k8s.io/apimachinery/pkg/util/validation/validation.go --

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"


def k8s_dns1123_label(s: str) -> bool:  # IsDNS1123Label
    return len(s) <= 63 and re.fullmatch(_LABEL, s) is not None


def k8s_dns1123_subdomain(s: str) -> bool:  # IsDNS1123Subdomain
    return len(s) <= 253 and re.fullmatch(rf"{_LABEL}(\.{_LABEL})*", s) is not None


def k8s_dns1035_label(s: str) -> bool:  # IsDNS1035Label
    return len(s) <= 63 and re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", s) is not None


_QUALIFIED = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"


def k8s_qualified_name(s: str) -> bool:  # IsQualifiedName: label keys
    parts = s.split("/")
    if len(parts) == 2:
        if not parts[0] or not k8s_dns1123_subdomain(parts[0]):
            return False
        name = parts[1]
    elif len(parts) == 1:
        name = parts[0]
    else:
        return False
    return 0 < len(name) <= 63 and re.fullmatch(_QUALIFIED, name) is not None


def k8s_label_value(s: str) -> bool:  # IsValidLabelValue
    return len(s) <= 63 and re.fullmatch(rf"({_QUALIFIED})?", s) is not None


def k8s_port_name(s: str) -> bool:  # IsValidPortName
    return (
        0 < len(s) <= 15
        and re.fullmatch(r"[-a-z0-9]+", s) is not None
        and re.search(r"[a-z]", s) is not None
        and not s.startswith("-")
        and not s.endswith("-")
        and "--" not in s
    )


# resource.ParseQuantity (k8s.io/apimachinery/pkg/api/resource/quantity.go): the split regex it
# starts from, then the suffixes it knows. ASCII digits only.
_K8S_QUANTITY_SPLIT = re.compile(r"([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)")
_K8S_SUFFIXES = {"", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}


def k8s_quantity(s: str) -> bool:
    match = _K8S_QUANTITY_SPLIT.fullmatch(s)
    if match is None or match[1].count(".") > 1 or match[1].strip("+-") in ("", "."):
        return False
    suffix = match[2]
    return suffix in _K8S_SUFFIXES or re.fullmatch(r"[eE][-+]?[0-9]+", suffix) is not None


def k8s_percent(s: str) -> bool:  # IsValidPercent
    return re.fullmatch(r"[0-9]+%", s) is not None


# Helm's release names (helm/pkg/chartutil/validate_name.go).
def helm_release_name(s: str) -> bool:
    return 0 < len(s) <= 53 and k8s_dns1123_subdomain(s)


# --- strategies ------------------------------------------------------------------------------

ASCII_NOISE = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=70)
UNICODE_NOISE = st.text(max_size=20)
dns_labels = st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?\Z")
dns1035_labels = st.from_regex(r"\A[a-z]([-a-z0-9]{0,20}[a-z0-9])?\Z")
# Near misses are the interesting inputs: valid-looking text with one odd character.
name_like = st.one_of(
    dns_labels,
    st.from_regex(r"\A[A-Za-z0-9._/-]{0,70}\Z"),
    st.builds(lambda a, b: a + b, dns_labels, st.sampled_from(["-", ".", "_", "A", "é", "/", " ", "٣", "--"])),
    ASCII_NOISE,
    UNICODE_NOISE,
)
quantity_like = st.one_of(
    st.from_regex(r"\A[+-]?([0-9]{1,4}(\.[0-9]{0,3})?|\.[0-9]{1,3})(Ki|Mi|Gi|Ti|[numkMGT]|[eE][+-]?[0-9])?\Z"),
    st.from_regex(r"\A[0-9 .eEkKmMiG+٣-]{1,8}\Z"),
    ASCII_NOISE,
)


@FAST
@given(name_like)
def test_name_rules_agree_with_apimachinery(text: str) -> None:
    assert names.is_dns1123_label(text) == k8s_dns1123_label(text)
    assert names.is_dns1123_subdomain(text) == k8s_dns1123_subdomain(text)
    assert names.is_dns1035_label(text) == k8s_dns1035_label(text)
    assert names.is_label_key(text) == k8s_qualified_name(text)
    assert names.is_label_value(text) == k8s_label_value(text)
    assert rules.is_port_name(text) == k8s_port_name(text)


@FAST
@given(name_like)
def test_an_accepted_helm_release_name_is_one_helm_accepts(text: str) -> None:
    problems = Problems()
    if check_release_name(problems, "releaseName", text):
        assert helm_release_name(text)
        # Helm keeps each revision in a Secret named after the release: a valid name too.
        assert k8s_dns1123_subdomain(f"sh.helm.release.v1.{text}.v1")


@FAST
@given(quantity_like)
def test_an_accepted_quantity_is_one_kubernetes_parses(text: str) -> None:
    amount = rules.parse_quantity(text)
    if amount is not None:
        assert k8s_quantity(text), text
        assert isinstance(amount, Decimal)


@FAST
@given(st.one_of(st.integers(-5, 300), st.from_regex(r"\A[0-9٣]{1,4}%\Z"), ASCII_NOISE))
def test_an_accepted_int_or_percent_is_one_kubernetes_accepts(value: int | str) -> None:
    parsed = rules.int_or_percent(value)
    if parsed is not None and isinstance(value, str):
        assert k8s_percent(value)


@FAST
@given(st.from_regex(r"\A[A-Za-z0-9_-]{1,63}\Z") | name_like)
def test_every_aks_cluster_name_gives_a_valid_dns_prefix(name: str) -> None:
    """AKS derives its DNS prefix from the cluster name; the user never types one."""
    if AKS_CLUSTER_NAME(name):
        prefix = aks._dns_prefix(name)
        assert re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9-]{0,52}[A-Za-z0-9])?", prefix), prefix


# --- rendered objects: the schema, and Kubernetes' name rules on every name and label ----------

PLATFORM = PlatformInfo(
    ingress_class="traefik",
    ingress_namespace="ingress",
    ingress_pod_labels={"app.kubernetes.io/name": "traefik"},
    cluster_issuer="letsencrypt",
    monitoring=True,
    monitoring_namespace="monitoring",
)
images = st.builds(
    lambda registry, path, ref: f"{registry}{path}{ref}",
    st.sampled_from(["", "ghcr.io/", "registry.example.com:5000/", "localhost/"]),
    st.from_regex(r"\A[a-z0-9]+([._-][a-z0-9]+)?(/[a-z0-9]+){0,2}\Z"),
    st.one_of(
        st.from_regex(r"\A:[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}\Z"),
        st.from_regex(r"\A@sha256:[0-9a-f]{64}\Z"),
    ),
)


@st.composite
def quantity_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A (request, limit) pair in one unit with the limit at least the request."""
    unit = draw(st.sampled_from(["", "m", "Mi", "Gi", "k"]))
    request = draw(st.integers(1, 9999))
    limit = draw(st.integers(request, 9999))
    return f"{request}{unit}", f"{limit}{unit}"


@st.composite
def service_specs(draw: st.DrawFn) -> ServiceSpec:
    port_names = draw(st.lists(st.from_regex(r"\A[a-z]([a-z0-9-]{0,13}[a-z0-9])?\Z"), min_size=1, max_size=3,
                               unique=True))
    numbers = draw(st.lists(st.integers(1, 65535), min_size=len(port_names), max_size=len(port_names), unique=True))
    # A request above its limit is refused by the validator; drawing each pair independently made
    # most examples such pairs, and Hypothesis' filter_too_much health check failed the run at
    # random. Drawing limit >= request in one unit keeps the examples on the accepted side.
    request_cpu, limit_cpu = draw(quantity_pairs())
    request_memory, limit_memory = draw(quantity_pairs())
    hpa = draw(st.booleans())
    return ServiceSpec(
        name=draw(st.from_regex(r"\A[a-z]([-a-z0-9]{0,61}[a-z0-9])?\Z")),
        namespace=draw(dns_labels),
        image=draw(images),
        ports={n: ContainerPort(port=p) for n, p in zip(port_names, numbers, strict=True)},
        liveness=Probe.http_get("/livez", port=port_names[0]),
        readiness=Probe.http_get("/readyz", port=port_names[0]),
        resources=Resources(
            requests=Requests(cpu=request_cpu, memory=request_memory),
            limits=Limits(cpu=limit_cpu, memory=limit_memory),
        ),
        replicas=None if hpa else draw(st.integers(1, 5)),
        autoscaling=Autoscaling(min_replicas=2, max_replicas=draw(st.integers(2, 9))) if hpa else None,
        component=draw(st.from_regex(r"\A[A-Za-z0-9]([-A-Za-z0-9_.]{0,20}[A-Za-z0-9])?\Z")),
        config={"LOG_LEVEL": "info"},
    )


def _names_and_labels(obj: Any, path: str = "") -> list[tuple[str, str, Any]]:
    """(kind of value, path, value) of every object name, label key and label value inside."""
    found: list[tuple[str, str, Any]] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            here = f"{path}.{key}"
            if key in ("labels", "matchLabels") and isinstance(value, dict):
                for k, v in value.items():
                    found += [("key", f"{here}.{k}", k), ("value", f"{here}.{k}", v)]
            elif key == "metadata" and isinstance(value, dict) and "name" in value:
                found.append(("name", f"{here}.name", value["name"]))
                found += _names_and_labels(value, here)
            else:
                found += _names_and_labels(value, here)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found += _names_and_labels(item, f"{path}[{i}]")
    return found


def _spec(**changes: Any) -> ServiceSpec:
    fields: dict[str, Any] = {
        "name": "api", "namespace": "apps", "image": "ghcr.io/skyfleet/api:1.4.2",
        "ports": {"http": ContainerPort(port=8080)},
        "liveness": Probe.http_get("/livez"), "readiness": Probe.http_get("/readyz"),
    }
    return ServiceSpec(**(fields | changes))


@SLOW
@given(service_specs())
@example(_spec(image="ghcr.io/skyfleet/api:_1.4.2"))  # a valid tag, not a valid label value as is
@example(_spec(name="a" * 63, image="ghcr.io/skyfleet/api:" + "v" * 128))
def test_objects_rendered_from_an_accepted_service_pass_the_schema_and_name_rules(spec: ServiceSpec) -> None:
    problems = Problems()
    validate_spec(spec, problems)
    assume(not problems)
    for obj in render_service_objects(spec, PLATFORM):
        kind = obj["kind"]
        assert validate_manifest(obj) == [], (kind, validate_manifest(obj))
        for what, path, value in _names_and_labels(obj):
            check = {"name": k8s_dns1123_subdomain, "key": k8s_qualified_name, "value": k8s_label_value}[what]
            assert isinstance(value, str) and check(value), f"{kind}{path}: {value!r} is not a valid label {what}"
        if kind == "Service":
            assert k8s_dns1035_label(obj["metadata"]["name"])
            for port in obj["spec"]["ports"]:
                assert k8s_port_name(port["name"])


# --- CIDR plans: ipaddress invariants, and the SDKs take them as they are ------------------------

@st.composite
def networks(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A private VPC range and 1-4 zones of us-east-1."""
    block = draw(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]))
    base = ipaddress.IPv4Network(block)
    prefix = draw(st.integers(max(16, base.prefixlen), 26))
    offset = draw(st.integers(0, 2 ** (prefix - base.prefixlen) - 1))
    vpc = ipaddress.IPv4Network((int(base.network_address) + offset * 2 ** (32 - prefix), prefix))
    zones = [f"us-east-1{letter}" for letter in "abcd"[: draw(st.integers(1, 4))]]
    return str(vpc), zones


def _accepted(cloud: str, vpc: str, zones: list[str], region: str) -> bool:
    args = ClusterArgs(
        name="c1", cloud=cloud,  # type: ignore[arg-type]
        region=region, zones=zones if cloud == "aws" else (),
        network=NetworkArgs(vpc_cidr=vpc, pods_cidr="100.64.0.0/14", services_cidr="192.168.255.0/24"),
    )
    problems = Problems()
    validate_cluster(args, problems)
    return not [p for p in problems.found if p.path.startswith("network")]


@FAST
@given(networks())
def test_an_accepted_vpc_plan_is_disjoint_subnets_inside_the_vpc(network: tuple[str, list[str]]) -> None:
    vpc_cidr, zones = network
    assume(len(zones) >= 2 and _accepted("aws", vpc_cidr, zones, "us-east-1"))
    vpc = ipaddress.IPv4Network(vpc_cidr)
    plan = plan_subnets(vpc_cidr, zones)
    subnets = [ipaddress.IPv4Network(c, strict=True) for z in plan.zones for c in (z.private, z.public)]
    assert [z.zone for z in plan.zones] == zones
    for i, net in enumerate(subnets):
        assert net.subnet_of(vpc)
        assert net.prefixlen <= 28  # AWS's smallest subnet; GCP and Azure take /29
        assert all(not net.overlaps(other) for other in subnets[i + 1:])
    for zone in plan.zones:  # private subnets hold the nodes (and on EKS the pods): the bigger
        assert ipaddress.IPv4Network(zone.private).num_addresses > ipaddress.IPv4Network(zone.public).num_addresses


@SLOW
@given(networks())
def test_the_cloud_sdks_take_an_accepted_plan_unchanged(network: tuple[str, list[str]]) -> None:
    vpc_cidr, zones = network
    assume(len(zones) >= 2 and _accepted("aws", vpc_cidr, zones, "us-east-1"))
    assume(_accepted("gcp", vpc_cidr, [], "us-east1") and _accepted("azure", vpc_cidr, [], "eastus"))
    plan = plan_subnets(vpc_cidr, zones)
    node_subnet = plan_node_subnet(vpc_cidr)

    def program() -> None:
        vpc = aws.ec2.Vpc("vpc", cidr_block=vpc_cidr)
        for z in plan.zones:
            aws.ec2.Subnet(f"private-{z.zone}", vpc_id=vpc.id, cidr_block=z.private, availability_zone=z.zone)
            aws.ec2.Subnet(f"public-{z.zone}", vpc_id=vpc.id, cidr_block=z.public, availability_zone=z.zone)
        gcp.compute.Subnetwork(
            "nodes", network="projects/p/global/networks/n", region="us-east1", ip_cidr_range=vpc_cidr,
            secondary_ip_ranges=[gcp.compute.SubnetworkSecondaryIpRangeArgs(
                range_name="pods", ip_cidr_range="100.64.0.0/14")],
        )
        azure.network.Subnet("aks-nodes", resource_group_name="rg", virtual_network_name="vnet",
                             address_prefix=node_subnet)
        pulumi.export("ok", True)

    recorded = {r.name: wire.reveal(r.inputs) for r in run_program(program, stack="cidr", check_cloud=False).resources}
    assert recorded["vpc"]["cidrBlock"] == vpc_cidr
    for z in plan.zones:
        assert recorded[f"private-{z.zone}"]["cidrBlock"] == z.private
        assert recorded[f"public-{z.zone}"]["cidrBlock"] == z.public
    assert recorded["nodes"]["ipCidrRange"] == vpc_cidr
    assert recorded["aks-nodes"]["addressPrefix"] == node_subnet
    assert ipaddress.IPv4Network(node_subnet).subnet_of(ipaddress.IPv4Network(vpc_cidr))
