"""Pure name rules: Kubernetes object names and label syntax, and each cloud's cluster/pool names.

Every rule comes in two forms: `is_<rule>(value) -> bool` for a plain test, and
`check_<rule>(problems, path, value) -> bool` that records a `Problem` naming the field and the
rule (and returns whether the value passed, so callers can skip checks that depend on it).
The Kubernetes rules follow apimachinery's `validation.go`:
https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import Problems

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
LABEL_VALUE_MAX = 63
LABEL_NAME_MAX = 63

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
)
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
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


def _matches(pattern: re.Pattern[str], max_len: int) -> Callable[[str], bool]:
    return lambda s: 0 < len(s) <= max_len and pattern.fullmatch(s) is not None


# --- Kubernetes -------------------------------------------------------------------------------

DNS1123_LABEL = NameRule(
    _matches(_DNS1123_LABEL, DNS1123_LABEL_MAX),
    "must be a DNS-1123 label: 1-63 lowercase letters, digits or '-', "
    "starting and ending with a letter or digit",
)
DNS1123_SUBDOMAIN = NameRule(
    _matches(_DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_MAX),
    "must be a DNS-1123 subdomain: at most 253 characters of dot-separated DNS-1123 labels",
)
DNS1035_LABEL = NameRule(
    _matches(_DNS1035_LABEL, DNS1035_LABEL_MAX),
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


# --- Clouds: cluster names ---------------------------------------------------------------------

# https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (name)
EKS_CLUSTER_NAME = NameRule(
    _matches(re.compile(r"[0-9A-Za-z][A-Za-z0-9\-_]*"), 100),
    "must be an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter "
    "or digit",
)
# https://cloud.google.com/kubernetes-engine/docs/how-to/creating-a-zonal-cluster (naming)
GKE_CLUSTER_NAME = NameRule(
    _matches(re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?"), 40),
    "must be a GKE cluster name: 1-40 lowercase letters, digits or '-', starting with a letter "
    "and ending with a letter or digit",
)
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
AKS_CLUSTER_NAME = NameRule(
    _matches(re.compile(r"[A-Za-z0-9]([A-Za-z0-9\-_]*[A-Za-z0-9])?"), 63),
    "must be an AKS cluster name: 1-63 letters, digits, '-' or '_', starting and ending with "
    "a letter or digit",
)
# A cluster that already exists is only a name in Pulumi: children derive names from it.
EXISTING_CLUSTER_NAME = DNS1123_LABEL

# --- Clouds: node pool names -------------------------------------------------------------------
# A pool's key is also a Kubernetes label value on its nodes, so every cloud first requires a
# DNS-1123 label; these add each cloud's own limit.

# https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (nodegroupName)
EKS_POOL_NAME = NameRule(
    _matches(_DNS1123_LABEL, 63),
    "must be an EKS node group name: a DNS-1123 label of at most 63 characters",
)
# https://cloud.google.com/kubernetes-engine/docs/how-to/node-pools (name: RFC 1035, <= 40)
GKE_POOL_NAME = NameRule(
    _matches(_DNS1035_LABEL, 40),
    "must be a GKE node pool name: 1-40 lowercase letters, digits or '-', starting with a "
    "letter",
)
# https://learn.microsoft.com/azure/aks/create-node-pools#limitations (Linux pools: <= 12)
AKS_POOL_NAME = NameRule(
    _matches(re.compile(r"[a-z][a-z0-9]*"), 12),
    "must be an AKS node pool name: 1-12 lowercase letters or digits, starting with a letter",
)
EXISTING_POOL_NAME = DNS1123_LABEL

CLUSTER_NAME_RULES: dict[str, NameRule] = {
    "aws": EKS_CLUSTER_NAME,
    "gcp": GKE_CLUSTER_NAME,
    "azure": AKS_CLUSTER_NAME,
    "existing": EXISTING_CLUSTER_NAME,
}
POOL_NAME_RULES: dict[str, NameRule] = {
    "aws": EKS_POOL_NAME,
    "gcp": GKE_POOL_NAME,
    "azure": AKS_POOL_NAME,
    "existing": EXISTING_POOL_NAME,
}


def check_cluster_name(problems: Problems, path: str, cloud: str, value: Any) -> bool:
    rule = CLUSTER_NAME_RULES.get(cloud)
    return rule.check(problems, path, value) if rule else True


def check_pool_name(problems: Problems, path: str, cloud: str, value: Any) -> bool:
    """The pool key: a DNS-1123 label, then the cloud's own limit (reported separately)."""
    if not check_dns1123_label(problems, path, value):
        return False
    rule = POOL_NAME_RULES.get(cloud)
    return rule.check(problems, path, value) if rule else True


# --- Clouds: tags, projects, identities -------------------------------------------------------

# https://cloud.google.com/resource-manager/docs/labels-overview#requirements
GCP_LABEL_KEY = NameRule(
    _matches(re.compile(r"[a-z][a-z0-9_-]*"), 63),
    "must be a GCP label key: 1-63 lowercase letters, digits, '_' or '-', starting with a letter",
)
GCP_LABEL_VALUE = NameRule(
    lambda s: len(s) <= 63 and re.fullmatch(r"[a-z0-9_-]*", s) is not None,
    "must be a GCP label value: at most 63 lowercase letters, digits, '_' or '-'",
)
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
# Letters, digits and spaces in any script, and _ . : / = + - @ (the API's [\p{L}\p{Z}\p{N}_.:/=+\-@]*).
def _aws_tag_text(s: str) -> bool:
    return all(unicodedata.category(c)[0] in "LZN" or c in "_.:/=+-@" for c in s)


AWS_TAG_KEY = NameRule(
    lambda s: 0 < len(s) <= 128 and not s.lower().startswith("aws:") and _aws_tag_text(s),
    "must be an AWS tag key: 1-128 letters, digits, spaces or _ . : / = + - @, not starting "
    "with 'aws:'",
)
AWS_TAG_VALUE = NameRule(
    lambda s: len(s) <= 256 and _aws_tag_text(s),
    "must be an AWS tag value: at most 256 letters, digits, spaces or _ . : / = + - @",
)
# https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
AZURE_TAG_KEY = NameRule(
    lambda s: 0 < len(s) <= 512 and re.search(r"[<>%&\\?/]", s) is None,
    "must be an Azure tag key: 1-512 characters without < > % & \\ ? /",
)
AZURE_TAG_VALUE = NameRule(
    lambda s: len(s) <= 256, "must be an Azure tag value: at most 256 characters"
)
TAG_RULES: dict[str, tuple[NameRule, NameRule]] = {
    "aws": (AWS_TAG_KEY, AWS_TAG_VALUE),
    "gcp": (GCP_LABEL_KEY, GCP_LABEL_VALUE),
    "azure": (AZURE_TAG_KEY, AZURE_TAG_VALUE),
}

# https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
GCP_PROJECT_ID = NameRule(
    _matches(re.compile(r"[a-z][-a-z0-9]{4,28}[a-z0-9]"), 30),
    "must be a GCP project id: 6-30 lowercase letters, digits or '-', starting with a letter",
)
# Admin principals, as each cloud names them.
AWS_IAM_PRINCIPAL_ARN = NameRule(
    _matches(re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+"), 2048),
    "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)",
)
GCP_IAM_MEMBER = NameRule(
    _matches(re.compile(r"(user|group|serviceAccount|domain):[^\s]+"), 512),
    "must be an IAM member (user:, group:, serviceAccount: or domain:<value>)",
)
AZURE_OBJECT_ID = NameRule(
    _matches(re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"), 36),
    "must be an Entra ID group object id (a GUID)",
)
ADMIN_RULES: dict[str, NameRule] = {
    "aws": AWS_IAM_PRINCIPAL_ARN,
    "gcp": GCP_IAM_MEMBER,
    "azure": AZURE_OBJECT_ID,
}


def short_hash(*parts: str, size: int = 6) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:size]


def gcp_service_account_id(cluster: str, purpose: str) -> str:
    """A service account id (6-30 chars, [a-z][-a-z0-9]*[a-z0-9]) unique to cluster + purpose.

    Readable when it fits, else truncated with a hash of the full name so two long names never
    collide.
    """
    base = re.sub(r"[^a-z0-9-]", "-", f"{cluster}-{purpose}".lower()).strip("-")
    if not base or not base[0].isalpha():
        base = f"sa-{base}".rstrip("-")
    if 6 <= len(base) <= 30:
        return base
    if len(base) < 6:
        return f"{base}-{short_hash(base, size=4)}"
    return f"{base[:23].rstrip('-')}-{short_hash(base)}"


def azure_key_vault_name(cluster: str, suffix: str) -> str:
    """A Key Vault name (3-24 alphanumerics and '-', globally unique): kv-<cluster>-<suffix>.

    `suffix` is random per stack (vault names stay reserved while soft-deleted).
    """
    base = re.sub(r"[^a-z0-9]", "", cluster.lower())[: 24 - 4 - len(suffix)]
    return f"kv-{base}-{suffix}" if base else f"kv-{suffix}"
