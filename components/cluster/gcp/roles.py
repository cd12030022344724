"""What Cloud IAM accepts as a role in a binding: a predefined role or a custom role's full name.

https://cloud.google.com/iam/docs/reference/rest/v1/Policy#Binding (role) and
https://cloud.google.com/iam/docs/understanding-custom-roles (projects/<id>/roles/<name>)
"""

from __future__ import annotations

import re

from ..cloud import pattern_rule

# What a workload's `access` entry may name (workload/validate.py): a predefined role
# (roles/storage.objectViewer) or a custom one of a project or organization.
# https://cloud.google.com/iam/docs/roles-overview
ACCESS_ROLE = pattern_rule(
    r"(roles|(projects|organizations)/[a-z0-9-]+/roles)/[A-Za-z0-9_.]+", 256,
    "must be an IAM role such as roles/storage.objectViewer",
)
ROLE = re.compile(
    r"^(roles/[A-Za-z][\w.]*|projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/roles/[\w.]{3,64}"
    r"|organizations/\d+/roles/[\w.]{3,64})$"
)


def role_problem(role: str) -> str | None:
    if ROLE.match(role):
        return None
    return ("must be an IAM role: roles/<service>.<role>, projects/<project>/roles/<name> or "
            "organizations/<id>/roles/<name>")
