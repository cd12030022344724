"""What the platform layer's resources get back from their providers, emulated for the preview.

A deployed Helm release reports its status; a Service of type LoadBalancer gets an address from
the cloud. The ingress controller reads its Service back (`Service.get`) to expose that address,
so a read Service (no inputs) is given one too. Addresses derive from the URN: a hostname under
`.invalid` and an IPv4 address from TEST-NET-3 (RFC 5737), so they can never be mistaken for
real ones. Both fields are filled: which one a cloud uses is the profile's business.
"""

from __future__ import annotations

from typing import Any

from .emulators import Emulation, computes


@computes("kubernetes:helm.sh/v3:Release")
def _helm_release(res: Emulation) -> dict[str, Any]:
    name = res.inputs.get("name") or f"{res.name}-{res.hash()}"
    return {
        "name": name,
        "status": {
            "name": name,
            "namespace": res.inputs.get("namespace") or "default",
            "chart": res.inputs.get("chart", ""),
            "version": res.inputs.get("version", ""),
            "status": "deployed",
            "revision": 1,
        },
    }


@computes("kubernetes:core/v1:Service")
def _service(res: Emulation) -> dict[str, Any]:
    spec = res.inputs.get("spec") or {}
    read = not spec  # `Service.get` sends no inputs
    if not read and spec.get("type") != "LoadBalancer":
        return {}
    digest = res.hash()
    octet = int(digest[:2], 16) % 254 + 1
    address = {"hostname": f"lb-{digest}.preview.invalid", "ip": f"203.0.113.{octet}"}
    return {"status": {"loadBalancer": {"ingress": [address]}}}
