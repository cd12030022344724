"""components/cluster/config.py and validate.py: stack config in, every problem out at once."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.cluster import (
    ClusterArgs,
    EndpointArgs,
    ExistingClusterArgs,
    NetworkArgs,
    NodePoolArgs,
    Taint,
    create_cluster,
    parse_clusters_config,
)
from components.errors import Problems, ValidationError
from skyfleet.preview.runner import Plan, run_program

VALID: dict[str, Any] = {
    "cloud": "aws",
    "region": "us-east-1",
    "version": "1.35",
    "zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "nodePools": {
        "system": {"size": "small", "minSize": 2, "maxSize": 3},
        "gpu": {
            "machineType": "g5.xlarge",
            "minSize": 0,
            "maxSize": 4,
            "spot": True,
            "labels": {"accelerator": "nvidia"},
            "taints": [{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}],
            "diskSizeGb": 200,
        },
    },
    "network": {"vpcCidr": "10.10.0.0/16", "podsCidr": "100.64.0.0/16",
                "servicesCidr": "172.20.0.0/16"},
    "endpoint": {"public": True, "publicAccessCidrs": ["203.0.113.0/24"]},
    "workloadIdentity": True,
    "secretsEncryption": True,
    "auditLogs": True,
    "deletionProtection": True,
    "tags": {"team": "platform"},
    "admins": ["arn:aws:iam::123456789012:role/platform-admin"],
}


def parse(raw: dict[str, Any], production: bool = False) -> tuple[dict[str, ClusterArgs], Problems]:
    problems = Problems()
    return parse_clusters_config({"main": raw}, problems, production=production), problems


def test_a_full_config_parses_to_typed_args() -> None:
    clusters, problems = parse(VALID, production=True)
    assert not problems.found
    assert clusters["main"] == ClusterArgs(
        name="main",
        cloud="aws",
        region="us-east-1",
        version="1.35",
        zones=("us-east-1a", "us-east-1b", "us-east-1c"),
        node_pools={
            "system": NodePoolArgs(system=True, size="small", min_size=2, max_size=3),
            "gpu": NodePoolArgs(
                machine_type="g5.xlarge", min_size=0, max_size=4, spot=True,
                labels={"accelerator": "nvidia"},
                taints=(Taint(key="nvidia.com/gpu", value="true", effect="NoSchedule"),),
                disk_size_gb=200,
            ),
        },
        network=NetworkArgs(vpc_cidr="10.10.0.0/16", pods_cidr="100.64.0.0/16",
                            services_cidr="172.20.0.0/16"),
        endpoint=EndpointArgs(public=True, public_access_cidrs=("203.0.113.0/24",)),
        deletion_protection=True,
        production=True,
        tags={"team": "platform"},
        admins=("arn:aws:iam::123456789012:role/platform-admin",),
    )


def test_a_minimal_config_takes_every_default() -> None:
    clusters, problems = parse({"cloud": "gcp", "region": "europe-west1"})
    assert not problems.found
    assert clusters["main"] == ClusterArgs(name="main", cloud="gcp", region="europe-west1")


def test_the_pool_keyed_system_is_a_system_pool_unless_it_says_otherwise() -> None:
    raw = {"cloud": "aws", "region": "us-east-1",
           "nodePools": {"system": {}, "critical": {"system": True}, "apps": {}}}
    pools = parse(raw)[0]["main"].node_pools
    assert {name: p.system for name, p in pools.items()} == {
        "system": True, "critical": True, "apps": False,
    }


def test_an_existing_cluster_needs_only_its_context() -> None:
    raw = {"cloud": "existing", "existing": {"context": "kind-skyfleet"}}
    args = parse(raw)[0]["main"]
    assert args.existing == ExistingClusterArgs(context="kind-skyfleet")


def _with(path: str, value: Any) -> dict[str, Any]:
    """VALID with the dotted `path` set to `value` (a value of DELETE removes it)."""
    raw = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return raw


DELETE = object()

# (what is changed, production, expected path under clusters.main, words of the rule)
BAD_INPUTS: list[tuple[str, Any, bool, str, str]] = [
    ("nodepools", {}, False, "nodepools", "unknown key (did you mean nodePools?)"),
    ("nodePools.gpu.maxSzie", 3, False, "nodePools.gpu.maxSzie", "did you mean maxSize?"),
    ("cloud", DELETE, False, "cloud", "is required"),
    ("cloud", "alibaba", False, "cloud", "must be one of aws, gcp, azure, existing"),
    ("region", "useast1", False, "region", "must be a aws region such as us-east-1"),
    ("region", "westeurope", False, "region", "must be a aws region"),
    ("version", 1.35, False, "version", "must be a string (quote it: YAML read 1.35 as a number)"),
    ("version", "1.20", False, "version", "is not offered on aws: supported minors are"),
    ("version", "latest", False, "version", "must be a Kubernetes minor"),
    ("zones", ["us-east-1a", "us-west-2b"], False, "zones[1]", "is not a zone of region us-east-1"),
    ("zones", ["us-east-1a"], False, "zones", "EKS needs subnets in at least 2 zones"),
    ("zones", ["us-east-1a", "us-east-1a"], False, "zones", "must not repeat a zone"),
    ("nodePools.gpu.maxSize", 0, False, "nodePools.gpu.maxSize", "must be >= 1"),
    ("nodePools.gpu.minSize", 5, False, "nodePools.gpu.minSize", "must be <= maxSize (4)"),
    ("nodePools.gpu.minSize", -1, False, "nodePools.gpu.minSize", "must be >= 0"),
    ("nodePools.gpu.minSize", "2", False, "nodePools.gpu.minSize", "must be a whole number"),
    ("nodePools.gpu.spot", "yes", False, "nodePools.gpu.spot", "must be true or false"),
    ("nodePools.gpu.size", "huge", False, "nodePools.gpu.size", "must be one of small, medium"),
    ("nodePools.gpu.diskSizeGb", 10, False, "nodePools.gpu.diskSizeGb", "between 30 and 2048"),
    ("nodePools.gpu.labels", {"bad key!": "x"}, False, "nodePools.gpu.labels.bad key!",
     "must be a label key"),
    ("nodePools.gpu.labels", {"tier": 3}, False, "nodePools.gpu.labels.tier", "must be a string"),
    ("nodePools.gpu.taints", [{"key": "gpu", "effect": "Never"}], False,
     "nodePools.gpu.taints[0].effect", "must be one of NoSchedule, PreferNoSchedule, NoExecute"),
    ("nodePools.gpu.taints", [{"effect": "NoSchedule"}], False, "nodePools.gpu.taints[0].key",
     "is required"),
    ("nodePools.GPU_pool", {}, False, "nodePools.GPU_pool", "must be a DNS-1123 label"),
    ("nodePools.system", DELETE, False, "nodePools", "needs a system pool"),
    ("nodePools.gpu", DELETE, False, "nodePools", "needs a non-system pool"),
    ("nodePools.system.spot", True, False, "nodePools.system.spot",
     "a system pool cannot be spot"),
    ("nodePools.system.minSize", 1, True, "nodePools.system.minSize",
     "a production system pool keeps at least 2 nodes"),
    ("network.vpcCidr", "10.0.0.0/33", False, "network.vpcCidr", "must be an IPv4 network"),
    ("network.vpcCidr", "10.10.0.1/16", False, "network.vpcCidr", "no host bits set"),
    ("network.vpcCidr", "10.10.0.0/25", False, "network.vpcCidr", "is too small for 3 zones"),
    ("network.vpcCidr", "10.0.0.0/8", False, "network.vpcCidr", "an AWS VPC is at most a /16"),
    ("network.podsCidr", "10.10.128.0/17", False, "network.podsCidr", "overlaps vpcCidr"),
    ("network.servicesCidr", "100.64.0.0/20", False, "network.servicesCidr", "overlaps podsCidr"),
    ("network.servicesCidr", "172.20.0.0/8", False, "network.servicesCidr", "no host bits"),
    ("network.servicesCidr", "172.20.0.0/26", False, "network.servicesCidr", "must be a /12 to /24"),
    ("endpoint.publicAccessCidrs", [], True, "endpoint.publicAccessCidrs",
     "a production public endpoint must list the CIDRs"),
    ("endpoint.publicAccessCidrs", ["0.0.0.0/0"], True, "endpoint.publicAccessCidrs[0]",
     "must not open a production API server to the whole internet"),
    ("endpoint.public", False, False, "endpoint.publicAccessCidrs", "needs public: true"),
    ("endpoint.publicAccessCidrs", ["203.0.113.0"], False, "endpoint.publicAccessCidrs[0]",
     "CIDR notation"),
    ("tags", {"aws:owner": "me"}, False, "tags.aws:owner", "not starting with 'aws:'"),
    ("admins", ["platform-admin"], False, "admins[0]", "must be an IAM role or user ARN"),
    ("project", "my-project", False, "project", "is only used on gcp"),
    ("resourceGroupName", "skyfleet-dev-rg1234", False, "resourceGroupName", "is only used on azure"),
    ("existing", {"context": "kind"}, False, "existing", "is only for cloud: existing"),
    ("network.existingSubnetIds", ["subnet-1"], False, "network.existingSubnetIds",
     "EKS needs private subnets in at least 2 zones"),
]


@pytest.mark.parametrize(
    ("change", "value", "production", "path", "rule"),
    BAD_INPUTS,
    ids=[f"{c[0]}={c[1]!r}"[:60] for c in BAD_INPUTS],
)
def test_bad_input_is_reported_with_its_path_and_rule(
    change: str, value: Any, production: bool, path: str, rule: str
) -> None:
    clusters, problems = parse(_with(change, value), production=production)
    assert clusters == {}
    reported = {p.path: p.rule for p in problems.found}
    full = f"clusters.main.{path}"
    assert full in reported, f"{full} not in {sorted(reported)}"
    assert rule in reported[full]


@pytest.mark.parametrize(
    ("cloud", "region", "raw", "path", "rule"),
    [
        ("gcp", "europe-west1", {"zones": ["europe-west1-a", "us-east1-b"]}, "zones[1]",
         "is not a zone of region europe-west1"),
        ("gcp", "europe-west1", {"nodePools": {"system": {}, "1general": {}}},
         "nodePools.1general", "must be a GKE node pool name"),
        ("gcp", "europe-west1", {"tags": {"Team": "x"}}, "tags.Team", "must be a GCP label key"),
        ("gcp", "europe-west1", {"project": "X"}, "project", "must be a GCP project id"),
        ("gcp", "europe-west1", {"network": {"existingSubnetIds": ["projects/p/regions/r/s"]}},
         "network.existingNetwork", "is required with existingSubnetIds on gcp"),
        ("azure", "westeurope", {"nodePools": {"system": {}, "generalpurpose": {}}},
         "nodePools.generalpurpose", "must be an AKS node pool name: 1-12"),
        ("azure", "westeurope", {"zones": ["1", "4"]}, "zones[1]", "is not a zone of region"),
        ("azure", "westeurope", {"admins": ["platform-admins"]}, "admins[0]",
         "must be an Entra ID group object id"),
        ("azure", "westeurope", {"version": "1.32"}, "version", "is not offered on azure"),
        ("azure", "westeurope", {"resourceGroupName": "skyfleet-dev-rg."}, "resourceGroupName",
         "must be an Azure resource group name: 1-90"),
        ("azure", "westeurope", {"resourceGroupName": "a" * 91}, "resourceGroupName",
         "must be an Azure resource group name: 1-90"),
        ("azure", "westeurope", {"resourceGroupName": "team/rg"}, "resourceGroupName",
         "must be an Azure resource group name: 1-90"),
        ("existing", "", {"nodePools": {"system": {}}}, "nodePools",
         "has no effect on an existing cluster"),
        ("existing", "", {"resourceGroupName": "my-rg"}, "resourceGroupName",
         "has no effect on an existing cluster"),
    ],
)
def test_cloud_specific_rules_name_the_cloud(
    cloud: str, region: str, raw: dict[str, Any], path: str, rule: str
) -> None:
    _, problems = parse({"cloud": cloud, "region": region, **raw} if region else {"cloud": cloud, **raw})
    reported = {p.path: p.rule for p in problems.found}
    assert rule in reported.get(f"clusters.main.{path}", ""), reported


@pytest.mark.parametrize(
    ("cloud", "name", "rule"),
    [
        ("aws", "-main", "must be an EKS cluster name"),
        ("gcp", "Main", "must be a GKE cluster name"),
        ("azure", "a" * 64, "must be an AKS cluster name"),
    ],
)
def test_the_cluster_name_follows_its_clouds_rules(cloud: str, name: str, rule: str) -> None:
    problems = Problems()
    region = {"aws": "us-east-1", "gcp": "europe-west1", "azure": "westeurope"}[cloud]
    parse_clusters_config({name: {"cloud": cloud, "region": region}}, problems, production=False)
    assert [(p.path, rule in p.rule) for p in problems.found] == [(f"clusters.{name}", True)]


def test_every_problem_is_raised_together_by_create_cluster() -> None:
    bad = ClusterArgs(
        name="main",
        cloud="aws",
        region="us-east-1",
        version="1.10",
        zones=("us-east-1a", "eu-west-1a"),
        node_pools={"Bad": NodePoolArgs(min_size=5, max_size=2, system=True, spot=True)},
        network=NetworkArgs(vpc_cidr="10.0.0.0/16", pods_cidr="10.0.0.0/12"),
        endpoint=EndpointArgs(public=True),
        production=True,
    )
    with pytest.raises(ValidationError) as raised:
        create_cluster(bad)
    message = str(raised.value)
    for expected in [
        "clusters.main.version: '1.10': is not offered on aws",
        "clusters.main.zones[1]: 'eu-west-1a': is not a zone of region us-east-1",
        "clusters.main.nodePools.Bad: 'Bad': must be a DNS-1123 label",
        "clusters.main.nodePools: ['Bad']: needs a non-system pool",
        "clusters.main.nodePools.Bad.minSize: 5: must be <= maxSize (2)",
        "clusters.main.nodePools.Bad.spot: True: a system pool cannot be spot",
        "clusters.main.network.podsCidr: '10.0.0.0/12': overlaps vpcCidr (10.0.0.0/16)",
        "clusters.main.endpoint.publicAccessCidrs: []: a production public endpoint must list",
    ]:
        assert expected in message
    assert len(raised.value.problems) == 8


def _refused(args: ClusterArgs) -> tuple[list[ValidationError], Plan]:
    """What a program creating a cluster of `args` raised, and what it registered."""
    raised: list[ValidationError] = []

    def program() -> None:
        try:
            create_cluster(args)
        except ValidationError as error:
            raised.append(error)

    return raised, run_program(program, stack="test", config={})


def test_no_resource_is_registered_when_validation_fails() -> None:
    raised, plan = _refused(ClusterArgs(name="main", cloud="aws", region="mars-1"))
    assert raised and plan.resources == []


def test_a_gcp_cluster_without_a_project_anywhere_is_refused() -> None:
    raised, plan = _refused(ClusterArgs(name="main", cloud="gcp", region="europe-west1"))
    assert "clusters.main.project: None: is required on gcp" in str(raised[0])
    assert plan.resources == []


def test_the_clusters_section_must_be_a_non_empty_mapping() -> None:
    problems = Problems()
    assert parse_clusters_config([], problems, production=False) == {}
    assert problems.found[0].path == "clusters"
