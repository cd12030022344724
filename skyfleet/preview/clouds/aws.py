"""AWS for the offline preview: what EKS, IAM, EC2, KMS and CloudWatch compute for the EKS cluster.

Each emulator sees only the wire-format inputs (no SDK is imported) and derives every id, ARN,
endpoint and issuer from the resource's URN through `digest`, so two previews are byte-identical.
"""

from __future__ import annotations

from typing import Any

from ..emulators import CA_DATA, Answer, CallFailed, Emulation, answers, computes, digest, guid, provider_rules

# The account every ARN of the preview names.
ACCOUNT_ID = "123456789012"


@provider_rules("aws", default_region="us-east-1")
def _aws_defaults(res: Emulation) -> dict[str, Any]:
    """Pulumi auto-names AWS resources with a random 7-character suffix (here a stable one), and
    every AWS resource has an ARN."""
    outputs: dict[str, Any] = {}
    if "name" not in res.inputs:
        outputs["name"] = _aws_name(res)
    if "arn" not in res.inputs:
        module = res.type.split(":")[1].split("/")[0]
        kind = res.type.rsplit(":", 1)[1].lower()
        resource_name = outputs.get("name", res.inputs.get("name", res.name))
        outputs["arn"] = f"arn:aws:{module}:{res.region}:{ACCOUNT_ID}:{kind}/{resource_name}"
    return outputs


def _aws_name(res: Emulation, key: str = "name") -> str:
    """The name given, else `namePrefix` plus the provider's 26-character unique id
    (terraform-plugin-sdk helper/id.PrefixedUniqueId), else Pulumi's `<name>-<7 random>`."""
    if res.inputs.get(key):
        return str(res.inputs[key])
    if key == "name" and res.inputs.get("namePrefix"):
        return f"{res.inputs['namePrefix']}{_unique_id(res)}"
    return f"{res.name}-{res.hash(7)}"


def _unique_id(res: Emulation) -> str:
    """A stand-in for PrefixedUniqueId: 18 digits (a timestamp) and 8 hex (a counter)."""
    return f"{int(digest(res.urn, 'unique', size=15), 16):018d}"[:18] + res.hash(8)


@computes("aws:eks/cluster:Cluster")
def _eks_cluster(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    oidc_id = digest(res.urn, "oidc", size=32).upper()
    return {
        "name": name,
        "arn": f"arn:aws:eks:{res.region}:{ACCOUNT_ID}:cluster/{name}",
        "endpoint": f"https://{digest(res.urn, size=32).upper()}.gr7.{res.region}.eks.amazonaws.com",
        "certificateAuthority": {"data": CA_DATA},
        "identities": [
            {"oidcs": [{"issuer": f"https://oidc.eks.{res.region}.amazonaws.com/id/{oidc_id}"}]}
        ],
        "clusterId": guid(res.urn, "cluster-id"),
        "platformVersion": "eks.1",
        "status": "ACTIVE",
    }


@computes("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
def _iam_oidc_provider(res: Emulation) -> dict[str, Any]:
    url = str(res.inputs.get("url", "")).removeprefix("https://")
    return {"arn": f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{url}"}


@computes("aws:iam/role:Role")
def _iam_role(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    return {
        "name": name,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{name}",
        "uniqueId": f"AROA{digest(res.urn, size=17).upper()}",
    }


@computes("aws:iam/policy:Policy")
def _iam_policy(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    return {
        "name": name,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:policy/{name}",
        "policyId": f"ANPA{digest(res.urn, size=17).upper()}",
    }


def _aws_id(prefix: str) -> Any:
    def emulate(res: Emulation) -> dict[str, Any]:
        return {"id": f"{prefix}-{res.hash(17)}"}

    return emulate


for _token, _prefix in {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
}.items():
    computes(_token)(_aws_id(_prefix))


@computes("aws:ec2/launchTemplate:LaunchTemplate")
def _launch_template(res: Emulation) -> dict[str, Any]:
    return {"id": f"lt-{res.hash(17)}", "latestVersion": 1, "defaultVersion": 1}


@computes("aws:eks/nodeGroup:NodeGroup")
def _node_group(res: Emulation) -> dict[str, Any]:
    name = str(res.inputs.get("nodeGroupName") or f"{res.name}-{res.hash(7)}")
    cluster = res.inputs.get("clusterName", "")
    return {
        "id": f"{cluster}:{name}",
        "nodeGroupName": name,
        "arn": f"arn:aws:eks:{res.region}:{ACCOUNT_ID}:nodegroup/{cluster}/{name}/{res.hash()}",
        "status": "ACTIVE",
        "resources": [{"autoscalingGroups": [{"name": f"eks-{name}-{res.hash()}"}]}],
    }


@computes("aws:eks/addon:Addon")
def _eks_addon(res: Emulation) -> dict[str, Any]:
    return {"id": f"{res.inputs.get('clusterName')}:{res.inputs.get('addonName')}",
            "addonVersion": "v1.0.0-eksbuild.1"}


@computes("aws:kms/key:Key")
def _kms_key(res: Emulation) -> dict[str, Any]:
    key_id = guid(res.urn, "kms")
    return {
        "id": key_id,
        "keyId": key_id,
        "arn": f"arn:aws:kms:{res.region}:{ACCOUNT_ID}:key/{key_id}",
    }


@computes("aws:cloudwatch/logGroup:LogGroup")
def _log_group(res: Emulation) -> dict[str, Any]:
    name = _aws_name(res)
    return {"id": name, "arn": f"arn:aws:logs:{res.region}:{ACCOUNT_ID}:log-group:{name}"}


@answers("aws:index/getCallerIdentity:getCallerIdentity")
def _caller_identity(call: Answer) -> dict[str, Any]:
    return {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/preview",
        "id": ACCOUNT_ID,
        "userId": "AIDAPREVIEW",
    }


@answers("aws:eks/getAddonVersion:getAddonVersion")
def _addon_version(call: Answer) -> dict[str, Any]:
    """The newest build of an add-on for a Kubernetes minor: it changes with the minor, as the
    real answer does (kube-proxy v1.35.x-eksbuild.N for 1.35)."""
    minor = str(call.args.get("kubernetesVersion", ""))
    name = str(call.args.get("addonName", ""))
    return {"addonName": name, "kubernetesVersion": minor, "mostRecent": True,
            "version": f"v{minor}.0-eksbuild.{int(digest(name, size=2), 16) % 9 + 1}",
            "id": name}


@answers("aws:ssm/getParameter:getParameter")
def _ssm_parameter(call: Answer) -> dict[str, Any]:
    """EKS's public AMI parameters: /aws/service/eks/optimized-ami/<minor>/.../release_version
    holds e.g. 1.35.0-20260115."""
    name = str(call.args.get("name", ""))
    parts = name.split("/")
    minor = parts[5] if name.startswith("/aws/service/eks/optimized-ami/") and len(parts) > 5 else ""
    value = f"{minor}.0-20260115" if minor else f"preview-{digest(name)}"
    return {"name": name, "value": value, "insecureValue": value, "type": "String", "id": name,
            "arn": f"arn:aws:ssm:us-east-1::parameter{name}", "version": 1}


NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"


def _deployed_node_groups(call: Answer) -> list[Any]:
    cluster = call.args.get("clusterName")
    return [s for s in call.deployed.of_type(NODE_GROUP) if s.get("clusterName") == cluster]


@answers("aws:eks/getNodeGroups:getNodeGroups")
def _node_groups(call: Answer) -> dict[str, Any]:
    """ListNodegroups: the groups the deployed state holds for the cluster (none before the first
    `pulumi up`). https://docs.aws.amazon.com/eks/latest/APIReference/API_ListNodegroups.html"""
    names = sorted(str(s.get("nodeGroupName")) for s in _deployed_node_groups(call))
    return {"clusterName": call.args.get("clusterName"), "names": names,
            "id": call.args.get("clusterName")}


@answers("aws:eks/getNodeGroup:getNodeGroup")
def _node_group_read(call: Answer) -> dict[str, Any]:
    """DescribeNodegroup: the live scaling config is what was last applied (the emulated
    autoscaler never moves it). An unknown group fails as EKS does (ResourceNotFoundException).
    https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeNodegroup.html"""
    name = call.args.get("nodeGroupName")
    for state in _deployed_node_groups(call):
        if state.get("nodeGroupName") == name:
            return {"clusterName": call.args.get("clusterName"), "nodeGroupName": name,
                    "scalingConfigs": [dict(state.get("scalingConfig") or {})],
                    "status": "ACTIVE", "id": state.get("id", f"{call.args.get('clusterName')}:{name}")}
    raise CallFailed(f"ResourceNotFoundException: No node group found for name: {name}")


@answers("aws:index/getPartition:getPartition")
def _partition(call: Answer) -> dict[str, Any]:
    return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}




@computes("aws:s3/bucket:Bucket")
def _s3_bucket(res: Emulation) -> dict[str, Any]:
    """`bucketPrefix` plus the provider's 26-character unique id (terraform-plugin-sdk
    helper/id.PrefixedUniqueId: a timestamp and a counter); else Pulumi's auto-name
    `<name>-<7 random>`, lowercased."""
    prefix = res.inputs.get("bucketPrefix")
    generated = f"{prefix}{_unique_id(res)}" if prefix else f"{res.name}-{res.hash(7)}".lower()
    name = str(res.inputs.get("bucket") or generated)
    return {"id": name, "bucket": name, "arn": f"arn:aws:s3:::{name}", "region": res.region}
