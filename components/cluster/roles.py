"""Which role identifiers each cloud's identity binder accepts (`identity.bind(roles=...)`).

Shared code (workload and add-on validation) asks here; each cloud states its rule in its
`CloudSpec.role_rule` (the rule itself lives in `<cloud>/roles.py`). A role in the wrong form is
refused before anything is registered, instead of by the cloud halfway through `pulumi up`
(ARM: InvalidRoleDefinitionId).
"""

from __future__ import annotations

from .clouds import SPECS


def role_problem(cloud: str, role: str) -> str | None:
    """Why `role` is not a role `cloud` accepts, or None (a cloud without a rule accepts all)."""
    spec = SPECS.get(cloud)
    rule = spec.role_rule if spec is not None else None
    return rule(role) if rule is not None else None
