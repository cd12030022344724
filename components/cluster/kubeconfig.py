"""The one kubeconfig builder every cloud uses; each cloud's exec plugin is in its cloud.py.

A kubeconfig here never holds a credential: it names the cluster (server + CA) and the command
that fetches a short-lived token (`aws eks get-token`, `gke-gcloud-auth-plugin`, `kubelogin`),
so a leaked file grants nothing without the caller's own cloud login. It is still a Pulumi secret
because it maps the network location and CA of a private control plane.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import yaml

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


@dataclass(frozen=True)
class ExecCredential:
    """A client-go exec credential plugin: the command kubectl runs to get a token."""

    command: str
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    install_hint: str = ""
    provide_cluster_info: bool = False

    def to_kubeconfig(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"apiVersion": EXEC_API_VERSION, "command": self.command}
        if self.args:
            spec["args"] = list(self.args)
        if self.env:
            spec["env"] = [{"name": k, "value": v} for k, v in sorted(self.env.items())]
        if self.install_hint:
            spec["installHint"] = self.install_hint
        if self.provide_cluster_info:
            spec["provideClusterInfo"] = True
        return {"exec": spec}


def render_kubeconfig(
    *, name: str, server: str, certificate_authority_data: str, credential: ExecCredential
) -> str:
    """A single-context kubeconfig (YAML). The cluster entry holds only server + CA, so a
    change to the credential plugin never changes which cluster the provider points at."""
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": name,
                "cluster": {
                    "server": server,
                    "certificate-authority-data": certificate_authority_data,
                },
            }
        ],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "users": [{"name": name, "user": credential.to_kubeconfig()}],
        "preferences": {},
    }
    return yaml.safe_dump(document, sort_keys=False)


def kubeconfig_output(
    *,
    name: str,
    server: pulumi.Input[str],
    certificate_authority_data: pulumi.Input[str],
    credential: ExecCredential,
) -> pulumi.Output[str]:
    """The kubeconfig as a Pulumi secret, built once the server and CA are known."""
    rendered = pulumi.Output.all(server, certificate_authority_data).apply(
        lambda values: render_kubeconfig(
            name=name,
            server=values[0],
            certificate_authority_data=values[1],
            credential=credential,
        )
    )
    return pulumi.Output.secret(rendered)


def cluster_entry(kubeconfig_base64: str) -> tuple[str, str]:
    """(server, certificate-authority-data) of the first cluster in a base64 kubeconfig (the
    form AKS's listClusterUserCredential returns)."""
    document = yaml.safe_load(base64.b64decode(kubeconfig_base64)) or {}
    cluster = (document.get("clusters") or [{}])[0].get("cluster") or {}
    return str(cluster.get("server", "")), str(cluster.get("certificate-authority-data", ""))
