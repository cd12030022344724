"""GCP for the offline preview: the GKE cluster's node pools, service accounts, KMS and networks.

As on every cloud here, values come from the URN (`digest`), never from time or chance.
"""

from __future__ import annotations

from typing import Any

from ..emulators import CA_DATA, Answer, Emulation, answers, computes, digest, provider_rules

# The project a resource lands in when neither it nor its provider names one.
GCP_PROJECT = "skyfleet-preview"


@provider_rules("gcp")
def _gcp_defaults(res: Emulation) -> dict[str, Any]:
    """Pulumi auto-names GCP resources with a random 7-character suffix; here a stable one."""
    return {} if "name" in res.inputs else {"name": f"{res.name}-{res.hash(7)}"}


def _gcp_project(res: Emulation) -> str:
    return str(res.inputs.get("project") or res.provider_inputs.get("project") or GCP_PROJECT)


def _gcp_name(res: Emulation) -> str:
    return str(res.inputs.get("name") or f"{res.name}-{res.hash(7)}")


@computes("gcp:container/cluster:Cluster")
def _gke_cluster(res: Emulation) -> dict[str, Any]:
    project, name, location = _gcp_project(res), _gcp_name(res), res.region
    octet = int(digest(res.urn, size=2), 16)
    return {
        "id": f"projects/{project}/locations/{location}/clusters/{name}",
        "name": name,
        "endpoint": f"34.{octet % 256}.{(octet // 7) % 256}.10",
        "masterAuth": {"clusterCaCertificate": CA_DATA, "clientCertificateConfig": {
            "issueClientCertificate": False}},
        "selfLink": f"https://container.googleapis.com/v1/projects/{project}/locations/"
        f"{location}/clusters/{name}",
        "masterVersion": f"{res.inputs.get('minMasterVersion', '1.35')}.1-gke.100",
    }


@computes("gcp:container/nodePool:NodePool")
def _gke_node_pool(res: Emulation) -> dict[str, Any]:
    cluster = str(res.inputs.get("cluster", ""))
    return {"id": f"{cluster}/nodePools/{_gcp_name(res)}", "name": _gcp_name(res)}


@computes("gcp:serviceaccount/account:Account")
def _service_account(res: Emulation) -> dict[str, Any]:
    project = _gcp_project(res)
    account = str(res.inputs.get("accountId") or f"{res.name}-{res.hash(5)}")[:30]
    email = f"{account}@{project}.iam.gserviceaccount.com"
    return {
        "id": f"projects/{project}/serviceAccounts/{email}",
        "name": f"projects/{project}/serviceAccounts/{email}",
        "email": email,
        "member": f"serviceAccount:{email}",
        "uniqueId": str(int(digest(res.urn, size=15), 16)),
    }


@computes("gcp:kms/keyRing:KeyRing")
def _key_ring(res: Emulation) -> dict[str, Any]:
    project, name = _gcp_project(res), _gcp_name(res)
    return {"id": f"projects/{project}/locations/{res.region}/keyRings/{name}", "name": name}


@computes("gcp:kms/cryptoKey:CryptoKey")
def _crypto_key(res: Emulation) -> dict[str, Any]:
    name = _gcp_name(res)
    return {"id": f"{res.inputs.get('keyRing', '')}/cryptoKeys/{name}", "name": name}


def _gcp_self_linked(collection: str, regional: bool) -> Any:
    def emulate(res: Emulation) -> dict[str, Any]:
        project, name = _gcp_project(res), _gcp_name(res)
        scope = f"regions/{res.region}" if regional else "global"
        path = f"projects/{project}/{scope}/{collection}/{name}"
        return {
            "id": path,
            "name": name,
            "selfLink": f"https://www.googleapis.com/compute/v1/{path}",
        }

    return emulate


computes("gcp:compute/network:Network")(_gcp_self_linked("networks", regional=False))
computes("gcp:compute/subnetwork:Subnetwork")(_gcp_self_linked("subnetworks", regional=True))
computes("gcp:compute/router:Router")(_gcp_self_linked("routers", regional=True))


@answers("gcp:organizations/getProject:getProject")
def _get_project(call: Answer) -> dict[str, Any]:
    project = str(call.args.get("projectId") or GCP_PROJECT)
    return {
        "projectId": project,
        "id": f"projects/{project}",
        "name": project,
        "number": str(int(digest(project, size=10), 16) % 10**12),
    }


