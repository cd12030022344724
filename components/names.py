"""Pure name rules: Kubernetes object names and label syntax (each cloud's own are in its cloud.py).

Every rule comes in two forms: `is_<rule>(value) -> bool` for a plain test, and
`check_<rule>(problems, path, value) -> bool` that records a `Problem` naming the field and the
rule (and returns whether the value passed, so callers can skip checks that depend on it).
The Kubernetes rules follow apimachinery's `validation.go`:
https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import Problems

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
LABEL_VALUE_MAX = 63
LABEL_NAME_MAX = 63

DNS1123_LABEL_PATTERN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
)
DNS1035_LABEL_PATTERN = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
# A label value or the name part of a label key (qualified name).
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")


@dataclass(frozen=True)
class NameRule:
    """One naming rule: a predicate plus the sentence a problem reports when it fails."""

    test: Callable[[str], bool]
    rule: str

    def __call__(self, value: str) -> bool:
        return self.test(value)

    def check(self, problems: Problems, path: str, value: Any) -> bool:
        ok = isinstance(value, str) and self.test(value)
        return problems.check(ok, path, value, self.rule)


def matches(pattern: re.Pattern[str], max_len: int) -> Callable[[str], bool]:
    return lambda s: 0 < len(s) <= max_len and pattern.fullmatch(s) is not None


# --- Kubernetes -------------------------------------------------------------------------------

DNS1123_LABEL = NameRule(
    matches(DNS1123_LABEL_PATTERN, DNS1123_LABEL_MAX),
    "must be a DNS-1123 label: 1-63 lowercase letters, digits or '-', "
    "starting and ending with a letter or digit",
)
DNS1123_SUBDOMAIN = NameRule(
    matches(_DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_MAX),
    "must be a DNS-1123 subdomain: at most 253 characters of dot-separated DNS-1123 labels",
)
DNS1035_LABEL = NameRule(
    matches(DNS1035_LABEL_PATTERN, DNS1035_LABEL_MAX),
    "must be a DNS-1035 label: 1-63 lowercase letters, digits or '-', "
    "starting with a letter and ending with a letter or digit",
)


def _is_label_value(s: str) -> bool:
    return s == "" or (len(s) <= LABEL_VALUE_MAX and _QUALIFIED_NAME.fullmatch(s) is not None)


def _is_label_key(s: str) -> bool:
    prefix, slash, name = s.rpartition("/")
    if slash and not DNS1123_SUBDOMAIN(prefix):
        return False
    return 0 < len(name) <= LABEL_NAME_MAX and _QUALIFIED_NAME.fullmatch(name) is not None


LABEL_KEY = NameRule(
    _is_label_key,
    "must be a label key: an optional DNS-1123 subdomain prefix and '/', then 1-63 letters, "
    "digits, '-', '_' or '.', starting and ending with a letter or digit",
)
LABEL_VALUE = NameRule(
    _is_label_value,
    "must be a label value: empty or 1-63 letters, digits, '-', '_' or '.', "
    "starting and ending with a letter or digit",
)


def is_dns1123_label(s: str) -> bool:
    return DNS1123_LABEL(s)


def is_dns1123_subdomain(s: str) -> bool:
    return DNS1123_SUBDOMAIN(s)


def is_dns1035_label(s: str) -> bool:
    return DNS1035_LABEL(s)


def is_label_key(s: str) -> bool:
    return LABEL_KEY(s)


def is_label_value(s: str) -> bool:
    return LABEL_VALUE(s)


def check_dns1123_label(problems: Problems, path: str, value: Any) -> bool:
    return DNS1123_LABEL.check(problems, path, value)


def check_dns1123_subdomain(problems: Problems, path: str, value: Any) -> bool:
    return DNS1123_SUBDOMAIN.check(problems, path, value)


def check_dns1035_label(problems: Problems, path: str, value: Any) -> bool:
    return DNS1035_LABEL.check(problems, path, value)


def check_label_key(problems: Problems, path: str, value: Any) -> bool:
    return LABEL_KEY.check(problems, path, value)


def check_label_value(problems: Problems, path: str, value: Any) -> bool:
    return LABEL_VALUE.check(problems, path, value)


def check_labels(problems: Problems, path: str, labels: Any) -> bool:
    """Every key and value of a label map; a problem's path names the offending key."""
    if not problems.check(isinstance(labels, dict), path, labels, "must be a mapping"):
        return False
    ok = True
    for key, value in labels.items():
        ok = check_label_key(problems, f"{path}.{key}", key) and ok
        ok = check_label_value(problems, f"{path}.{key}", value) and ok
    return ok


def short_hash(*parts: str, size: int = 6) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:size]


def name_fragment(name: str, limit: int) -> str:
    """`name` as lowercase letters, digits and single hyphens (no hyphen at either end), at
    most `limit` (>= 8) characters: a cut name ends with a hash of the whole, so two long
    names that share their start still differ. For physical names with tighter rules than
    the config's (bucket names from cluster names)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if len(base) <= limit:
        return base
    tail = short_hash(name)
    return f"{base[: limit - len(tail) - 1].rstrip('-')}-{tail}"
