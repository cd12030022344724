"""components/cluster/eks*.py: what EksCluster asks AWS for, read from the preview's plan."""

from __future__ import annotations

import json

import pytest

from components.cluster import EndpointArgs, NodePoolArgs
from skyfleet.preview import wire
from skyfleet.preview.runner import Plan

from .harness import bind_external_dns, cluster_args, dev_pools, inputs, one, preview, prod_args, state

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ROLE = "aws:iam/role:Role"
ADMIN = "arn:aws:iam::123456789012:role/platform-admin"


@pytest.fixture(scope="module")
def dev() -> Plan:
    """Defaults, plus a spot pool and an admin."""
    pools = dev_pools(batch=NodePoolArgs(spot=True, min_size=0, max_size=10, machine_type="m7g.large"))
    return preview(cluster_args("aws", node_pools=pools, admins=(ADMIN,)),
                   then=bind_external_dns(["AmazonRoute53FullAccess"]))


@pytest.fixture(scope="module")
def prod() -> Plan:
    return preview(prod_args("aws"))


def test_the_api_endpoint_is_private_by_default(dev: Plan) -> None:
    vpc_config = inputs(one(dev, CLUSTER, "main"))["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in vpc_config


def test_a_public_endpoint_admits_only_the_listed_cidrs(prod: Plan) -> None:
    vpc_config = inputs(one(prod, CLUSTER, "main"))["vpcConfig"]
    assert vpc_config["endpointPublicAccess"] is True
    assert vpc_config["publicAccessCidrs"] == ["203.0.113.0/24"]


def test_secrets_are_encrypted_with_the_rotating_key_created_for_the_cluster(dev: Plan) -> None:
    key = one(dev, "aws:kms/key:Key", "main-secrets")
    assert inputs(key)["enableKeyRotation"] is True
    encryption = inputs(one(dev, CLUSTER, "main"))["encryptionConfig"]
    assert encryption == {"provider": {"keyArn": state(key)["arn"]}, "resources": ["secrets"]}


def test_all_control_plane_logs_are_enabled_with_retention(dev: Plan) -> None:
    cluster = inputs(one(dev, CLUSTER, "main"))
    assert cluster["enabledClusterLogTypes"] == [
        "api", "audit", "authenticator", "controllerManager", "scheduler",
    ]
    group = inputs(one(dev, "aws:cloudwatch/logGroup:LogGroup", "main-control-plane"))
    assert group == {"name": "/aws/eks/main/cluster", "retentionInDays": 90}


def test_access_is_granted_by_access_entries_not_the_aws_auth_configmap(dev: Plan) -> None:
    access = inputs(one(dev, CLUSTER, "main"))["accessConfig"]
    assert access["authenticationMode"] == "API"
    association = inputs(
        one(dev, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
            "main-admin-platform-admin")
    )
    assert association["principalArn"] == ADMIN
    assert association["policyArn"].endswith("cluster-access-policy/AmazonEKSClusterAdminPolicy")


def test_the_creator_gets_no_implicit_admin_entry(dev: Plan) -> None:
    access = inputs(one(dev, CLUSTER, "main"))["accessConfig"]
    assert access["bootstrapClusterCreatorAdminPermissions"] is False


def test_each_configured_admin_has_an_explicit_access_entry(dev: Plan) -> None:
    entry = inputs(one(dev, "aws:eks/accessEntry:AccessEntry", "main-admin-platform-admin"))
    assert entry["principalArn"] == ADMIN


def test_upgrade_policy_avoids_paid_extended_support(dev: Plan) -> None:
    assert inputs(one(dev, CLUSTER, "main"))["upgradePolicy"] == {"supportType": "STANDARD"}


def test_production_turns_on_deletion_protection_and_pulumi_protect(dev: Plan, prod: Plan) -> None:
    assert inputs(one(dev, CLUSTER, "main"))["deletionProtection"] is False
    assert inputs(one(prod, CLUSTER, "main"))["deletionProtection"] is True
    protected = sorted((r.type, r.name) for r in prod.resources if r.protect)
    assert protected == [
        ("aws:ec2/vpc:Vpc", "main-vpc"), (CLUSTER, "main"), ("aws:kms/key:Key", "main-secrets"),
    ]
    assert not any(r.protect for r in dev.resources)


def test_nodes_require_imdsv2_with_a_hop_limit_pods_cannot_cross(dev: Plan) -> None:
    for template in dev.by_type("aws:ec2/launchTemplate:LaunchTemplate"):
        assert inputs(template)["metadataOptions"] == {
            "httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1,
        }, template.name


def test_node_root_volumes_are_encrypted_gp3(dev: Plan) -> None:
    template = inputs(one(dev, "aws:ec2/launchTemplate:LaunchTemplate", "main-general"))
    ebs = template["blockDeviceMappings"][0]["ebs"]
    assert (ebs["volumeType"], ebs["encrypted"], ebs["volumeSize"]) == ("gp3", "true", 100)


def test_node_groups_use_their_launch_template(dev: Plan) -> None:
    template = one(dev, "aws:ec2/launchTemplate:LaunchTemplate", "main-general")
    group = inputs(one(dev, NODE_GROUP, "main-general"))
    assert group["launchTemplate"] == {"id": template.id, "version": "1"}


def test_a_new_node_group_starts_at_its_min_size(dev: Plan) -> None:
    group = one(dev, NODE_GROUP, "main-general")
    assert "scalingConfig.desiredSize" not in group.options.get("ignoreChanges", [])
    assert inputs(group)["scalingConfig"] == {"desiredSize": 1, "minSize": 1, "maxSize": 3}


def _scaled(plan: Plan, desired: int) -> Plan:
    """`plan` as deployed, then the autoscaler set every node group to `desired` nodes."""
    for group in plan.by_type(NODE_GROUP):
        group.state = {**group.state, "scalingConfig": {**group.state["scalingConfig"], "desiredSize": desired}}
    return plan


def _general(min_size: int, max_size: int) -> NodePoolArgs:
    return NodePoolArgs(min_size=min_size, max_size=max_size)


def test_a_deploy_keeps_the_size_the_autoscaler_chose() -> None:
    deployed = _scaled(preview(cluster_args("aws", node_pools=dev_pools(general=_general(1, 5)))), 4)
    again = preview(cluster_args("aws", node_pools=dev_pools(general=_general(2, 8))), deployed=deployed)
    assert inputs(one(again, NODE_GROUP, "main-general"))["scalingConfig"] == {
        "desiredSize": 4, "minSize": 2, "maxSize": 8}


def test_raising_min_size_above_the_live_size_raises_the_desired_size() -> None:
    """EKS refuses minSize > desiredSize; the old ignoreChanges resent the first size (1)."""
    deployed = preview(cluster_args("aws", node_pools=dev_pools(general=_general(1, 5))))
    again = preview(cluster_args("aws", node_pools=dev_pools(general=_general(3, 8))), deployed=deployed)
    group = one(again, NODE_GROUP, "main-general")
    assert inputs(group)["scalingConfig"] == {"desiredSize": 3, "minSize": 3, "maxSize": 8}
    assert "scalingConfig.desiredSize" not in group.options.get("ignoreChanges", [])


def test_lowering_max_size_below_the_live_size_lowers_the_desired_size() -> None:
    deployed = _scaled(preview(cluster_args("aws", node_pools=dev_pools(general=_general(1, 5)))), 5)
    again = preview(cluster_args("aws", node_pools=dev_pools(general=_general(1, 3))), deployed=deployed)
    assert inputs(one(again, NODE_GROUP, "main-general"))["scalingConfig"]["desiredSize"] == 3


def test_node_groups_run_al2023_for_their_architecture(dev: Plan) -> None:
    assert inputs(one(dev, NODE_GROUP, "main-general"))["amiType"] == "AL2023_x86_64_STANDARD"
    assert inputs(one(dev, NODE_GROUP, "main-batch"))["amiType"] == "AL2023_ARM_64_STANDARD"


def test_a_spot_pool_asks_for_spot_capacity(dev: Plan) -> None:
    assert inputs(one(dev, NODE_GROUP, "main-batch"))["capacityType"] == "SPOT"
    assert inputs(one(dev, NODE_GROUP, "main-general"))["capacityType"] == "ON_DEMAND"


def test_the_system_pool_is_tainted_and_every_pool_labelled(dev: Plan) -> None:
    system = inputs(one(dev, NODE_GROUP, "main-system"))
    assert system["taints"] == [
        {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}
    ]
    assert system["labels"] == {"skyfleet.io/pool": "system"}


def test_nodes_live_in_private_subnets_only(dev: Plan) -> None:
    private = {one(dev, "aws:ec2/subnet:Subnet", f"main-private-us-east-1{z}").id for z in "abc"}
    for group in dev.by_type(NODE_GROUP):
        assert set(inputs(group)["subnetIds"]) == private
    assert set(inputs(one(dev, CLUSTER, "main"))["vpcConfig"]["subnetIds"]) == private


def test_subnets_follow_the_cidr_plan(dev: Plan) -> None:
    cidrs = {r.name: inputs(r)["cidrBlock"] for r in dev.by_type("aws:ec2/subnet:Subnet")}
    assert cidrs["main-private-us-east-1a"] == "10.0.0.0/19"
    assert cidrs["main-public-us-east-1c"] == "10.0.144.0/21"


def test_dev_shares_one_nat_gateway_and_production_has_one_per_zone(dev: Plan, prod: Plan) -> None:
    assert len(dev.by_type("aws:ec2/natGateway:NatGateway")) == 1
    assert len(prod.by_type("aws:ec2/natGateway:NatGateway")) == 3
    nat_c = one(prod, "aws:ec2/natGateway:NatGateway", "main-nat-us-east-1c").id
    route = inputs(one(prod, "aws:ec2/routeTable:RouteTable", "main-private-us-east-1c"))
    assert route["routes"] == [{"cidrBlock": "0.0.0.0/0", "natGatewayId": nat_c}]


def test_the_default_security_group_is_emptied(dev: Plan) -> None:
    sg = inputs(one(dev, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "main-default-sg"))
    assert "ingress" not in sg and "egress" not in sg


def test_the_oidc_provider_trusts_the_clusters_issuer_for_sts(dev: Plan) -> None:
    oidc = inputs(one(dev, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "main-oidc"))
    issuer = state(one(dev, CLUSTER, "main"))["identities"][0]["oidcs"][0]["issuer"]
    assert oidc == {"url": issuer, "clientIdLists": ["sts.amazonaws.com"]}


def test_irsa_roles_trust_exactly_one_service_account_and_audience(dev: Plan) -> None:
    policy = json.loads(inputs(one(dev, ROLE, "main-ebs-csi"))["assumeRolePolicy"])
    [statement] = policy["Statement"]
    conditions = statement["Condition"]["StringEquals"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert sorted(conditions.values()) == [
        "sts.amazonaws.com", "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    ]


def test_the_vpc_cni_gets_its_own_irsa_role_and_nodes_do_not_hold_its_policy(dev: Plan) -> None:
    cni = inputs(one(dev, "aws:eks/addon:Addon", "main-vpc-cni"))
    assert cni["serviceAccountRoleArn"] == state(one(dev, ROLE, "main-vpc-cni"))["arn"]
    node_policies = [
        inputs(r)["policyArn"]
        for r in dev.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if r.name.startswith("main-nodes-")
    ]
    assert not any("CNI" in arn for arn in node_policies)


def test_network_policy_is_enforced_by_the_vpc_cni(dev: Plan) -> None:
    cni = inputs(one(dev, "aws:eks/addon:Addon", "main-vpc-cni"))
    assert json.loads(cni["configurationValues"]) == {"enableNetworkPolicy": "true"}


def test_coredns_and_ebs_csi_wait_for_the_nodes_and_nodes_wait_for_the_cni(dev: Plan) -> None:
    groups = {r.urn for r in dev.by_type(NODE_GROUP)}
    for addon in ("main-coredns", "main-aws-ebs-csi-driver"):
        assert groups <= set(one(dev, "aws:eks/addon:Addon", addon).dependencies)
    cni = one(dev, "aws:eks/addon:Addon", "main-vpc-cni").urn
    assert all(cni in r.dependencies for r in dev.by_type(NODE_GROUP))


def test_gp3_is_the_default_storage_class_on_the_clusters_provider(dev: Plan) -> None:
    storage = one(dev, "kubernetes:storage.k8s.io/v1:StorageClass", "main-gp3")
    body = inputs(storage)
    assert body["metadata"] == {
        "name": "gp3",
        "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
    }
    assert body["provisioner"] == "ebs.csi.aws.com"
    assert body["parameters"]["encrypted"] == "true"
    assert storage.provider == one(dev, "pulumi:providers:kubernetes", "main-k8s").urn


def test_cluster_autoscaler_may_resize_only_this_clusters_node_groups(dev: Plan) -> None:
    policy = json.loads(inputs(one(dev, "aws:iam/policy:Policy", "main-cluster-autoscaler"))["policy"])
    resize = next(s for s in policy["Statement"] if s["Sid"] == "ResizeOwnNodeGroups")
    assert resize["Condition"] == {
        "StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/main": "owned"}
    }
    trust = json.loads(inputs(one(dev, ROLE, "main-cluster-autoscaler"))["assumeRolePolicy"])
    assert "system:serviceaccount:kube-system:cluster-autoscaler" in json.dumps(trust)


def test_the_identity_binder_returns_the_irsa_role_annotation(dev: Plan) -> None:
    role = one(dev, ROLE, "main-external-dns")
    assert wire.reveal(dev.outputs["binding"]) == {
        "eks.amazonaws.com/role-arn": state(role)["arn"]
    }
    trust = inputs(role)["assumeRolePolicy"]
    assert "system:serviceaccount:external-dns:external-dns" in trust
    attachment = inputs(one(dev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                            "main-external-dns-amazonroute53fullaccess"))
    assert attachment["policyArn"] == "arn:aws:iam::aws:policy/AmazonRoute53FullAccess"


def test_every_aws_resource_uses_the_clusters_regional_provider(dev: Plan) -> None:
    provider = one(dev, "pulumi:providers:aws", "main-aws")
    assert inputs(provider)["region"] == "us-east-1"
    assert "managed-by" in json.dumps(inputs(provider)["defaultTags"])
    for r in dev.resources:
        if r.type.startswith("aws:"):
            assert r.provider == provider.urn, r.name


def test_the_kubeconfig_runs_aws_eks_get_token(dev: Plan) -> None:
    kubeconfig = wire.reveal(dev.outputs["kubeconfig"])
    assert "--cluster-name\n      - main\n      - --region\n      - us-east-1" in kubeconfig
    assert state(one(dev, CLUSTER, "main"))["endpoint"] in kubeconfig


def test_the_kubernetes_provider_is_replaced_only_with_the_cluster(dev: Plan) -> None:
    provider = inputs(one(dev, "pulumi:providers:kubernetes", "main-k8s"))
    assert provider["clusterIdentifier"] == state(one(dev, CLUSTER, "main"))["arn"]



def test_each_addon_is_pinned_to_the_newest_build_for_the_clusters_minor(dev: Plan) -> None:
    """EKS never upgrades a managed add-on with the cluster: the version must follow `version`."""
    for addon in dev.by_type("aws:eks/addon:Addon"):
        assert inputs(addon)["addonVersion"].startswith("v1.35."), addon.name


def test_nodes_track_the_latest_ami_release_of_the_clusters_minor(dev: Plan) -> None:
    for group in dev.by_type(NODE_GROUP):
        assert inputs(group)["releaseVersion"].startswith("1.35."), group.name


def test_private_access_cidrs_open_the_cluster_security_group_on_443() -> None:
    plan = preview(cluster_args("aws", endpoint=EndpointArgs(private_access_cidrs=("10.20.0.0/16", "10.99.0.0/24"))))
    rules = [r for r in plan.resources if r.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"]
    assert [(inputs(r)["cidrIpv4"], inputs(r)["fromPort"], inputs(r)["toPort"], inputs(r)["ipProtocol"])
            for r in sorted(rules, key=lambda r: r.name)] == [
        ("10.20.0.0/16", 443, 443, "tcp"),
        ("10.99.0.0/24", 443, 443, "tcp"),
    ]
    assert {r.name for r in rules} == {"main-api-0", "main-api-1"}


def test_no_security_group_rule_without_private_access_cidrs(dev: Plan) -> None:
    assert not [r for r in dev.resources if r.type.startswith("aws:vpc/securityGroupIngressRule")]
