"""Pure rules for add-on inputs: each records a problem naming the field, returns whether it held.

Kubernetes name rules come from `components.names`; the rules here are the ones only the platform
layer needs (Helm release names, ACME e-mail addresses, Prometheus durations, quantities).
"""

from __future__ import annotations

import re
from typing import Any

from components.durations import DURATION_RULE, is_duration
from components.errors import Problems
from components.names import DNS1123_LABEL, DNS1123_SUBDOMAIN

# Helm stores a release in a Secret named `sh.helm.release.v1.<name>.v<revision>`, so it caps the
# name at 53 characters: https://github.com/helm/helm/blob/main/pkg/chartutil/validate_name.go
RELEASE_NAME_MAX = 53
_RELEASE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
# Deliberately loose: one '@', no spaces, a dot in the domain. ACME servers do the real check.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A Kubernetes quantity as storage sizes are written (binary or decimal suffix).
_QUANTITY = re.compile(r"[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?")


def check_release_name(problems: Problems, path: str, value: Any) -> bool:
    ok = (
        isinstance(value, str)
        and 0 < len(value) <= RELEASE_NAME_MAX
        and _RELEASE_NAME.fullmatch(value) is not None
    )
    return problems.check(
        ok, path, value,
        "must be a Helm release name: a DNS-1123 subdomain of at most "
        f"{RELEASE_NAME_MAX} characters",
    )


# The clone URLs Argo CD accepts for a Git repository (HTTPS, or SSH in either spelling).
GIT_URL_PREFIXES = ("https://", "ssh://", "git@")


def check_git_url(problems: Problems, path: str, value: Any) -> bool:
    ok = isinstance(value, str) and value.startswith(GIT_URL_PREFIXES) and value not in GIT_URL_PREFIXES
    return problems.check(ok, path, value, "must be a Git URL starting with https://, ssh:// or git@")


def check_namespace(problems: Problems, path: str, value: Any) -> bool:
    return DNS1123_LABEL.check(problems, path, value)


def check_hostname(problems: Problems, path: str, value: Any) -> bool:
    return DNS1123_SUBDOMAIN.check(problems, path, value)


def check_email(problems: Problems, path: str, value: Any) -> bool:
    ok = isinstance(value, str) and _EMAIL.fullmatch(value) is not None
    return problems.check(ok, path, value, "must be an e-mail address such as ops@example.com")


def check_duration(problems: Problems, path: str, value: Any) -> bool:
    return problems.check(is_duration(value), path, value, DURATION_RULE)


def check_quantity(problems: Problems, path: str, value: Any) -> bool:
    ok = isinstance(value, str) and _QUANTITY.fullmatch(value) is not None and value[0] != "0"
    return problems.check(ok, path, value, "must be a positive Kubernetes quantity such as 50Gi")


def check_replicas(problems: Problems, path: str, value: Any) -> bool:
    """None means "the add-on's default"; anything else must be a whole number of at least 1."""
    if value is None:
        return True
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return problems.check(ok, path, value, "must be a whole number >= 1")
