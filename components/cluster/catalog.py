"""What each cloud offers at the cluster layer: Kubernetes versions, machine sizes, regions, zones.

The one place cloud facts live below the platform (profiles.py holds the ones above it). Pure
data and lookups: no Pulumi, no cloud SDK, so validation and tests run without either.
Review the tables when a cloud adds or retires a Kubernetes minor or a machine generation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from .profiles import Cloud

ManagedCloud = Literal["aws", "gcp", "azure"]
MANAGED_CLOUDS: tuple[ManagedCloud, ...] = ("aws", "gcp", "azure")

DEFAULT_VERSION = "1.35"

# Minors each managed service offers in standard support (checked 2026-02). A version outside
# the list is rejected before anything is created instead of failing minutes into `pulumi up`.
# EKS:  https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
# GKE:  https://cloud.google.com/kubernetes-engine/docs/release-schedule
# AKS:  https://learn.microsoft.com/azure/aks/supported-kubernetes-versions
SUPPORTED_VERSIONS: Mapping[ManagedCloud, tuple[str, ...]] = MappingProxyType(
    {
        "aws": ("1.32", "1.33", "1.34", "1.35"),
        "gcp": ("1.32", "1.33", "1.34", "1.35"),
        "azure": ("1.33", "1.34", "1.35"),
    }
)
VERSION_PATTERN = re.compile(r"1\.(0|[1-9][0-9]*)")

Size = Literal["small", "medium", "large", "xlarge"]
SIZES: tuple[Size, ...] = ("small", "medium", "large", "xlarge")

# Neutral size classes: general-purpose machines with 4 GiB per vCPU, current generation, x86.
# small = 2 vCPU, medium = 4, large = 8, xlarge = 16. `machineType` overrides per pool.
MACHINE_TYPES: Mapping[Size, Mapping[ManagedCloud, str]] = MappingProxyType(
    {
        "small": MappingProxyType(
            {"aws": "m7i.large", "gcp": "e2-standard-2", "azure": "Standard_D2s_v5"}
        ),
        "medium": MappingProxyType(
            {"aws": "m7i.xlarge", "gcp": "e2-standard-4", "azure": "Standard_D4s_v5"}
        ),
        "large": MappingProxyType(
            {"aws": "m7i.2xlarge", "gcp": "e2-standard-8", "azure": "Standard_D8s_v5"}
        ),
        "xlarge": MappingProxyType(
            {"aws": "m7i.4xlarge", "gcp": "e2-standard-16", "azure": "Standard_D16s_v5"}
        ),
    }
)

DISK_SIZE_MIN_GB = 30  # AKS rejects smaller OS disks; the floor is the same everywhere
DISK_SIZE_MAX_GB = 2048

# Region syntax per cloud: enough to catch a region from the wrong cloud or a typo offline.
REGION_PATTERNS: Mapping[ManagedCloud, re.Pattern[str]] = MappingProxyType(
    {
        "aws": re.compile(
            r"[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest"
            r"|southeast|southwest)-[1-9]"
        ),
        "gcp": re.compile(r"[a-z]+-[a-z]+[1-9][0-9]*"),
        "azure": re.compile(r"[a-z][a-z0-9]+"),
    }
)
REGION_EXAMPLES: Mapping[ManagedCloud, str] = MappingProxyType(
    {"aws": "us-east-1", "gcp": "europe-west1", "azure": "westeurope"}
)

AZURE_ZONES = ("1", "2", "3")
# Regions whose first three zones are not a, b, c (the zones that exist there differ).
_ZONE_LETTERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "aws:us-west-1": ("b", "c"),
        "aws:ap-northeast-1": ("a", "c", "d"),
        "aws:ca-central-1": ("a", "b", "d"),
        "gcp:europe-west1": ("b", "c", "d"),
        "gcp:us-east1": ("b", "c", "d"),
    }
)


def supported_versions(cloud: Cloud) -> tuple[str, ...] | None:
    """The minors `cloud` offers; None for an existing cluster (any well-formed minor)."""
    if cloud == "existing":
        return None
    return SUPPORTED_VERSIONS[cloud]


def machine_type(cloud: ManagedCloud, size: Size, override: str | None = None) -> str:
    return override or MACHINE_TYPES[size][cloud]


def is_region(cloud: ManagedCloud, region: str) -> bool:
    return REGION_PATTERNS[cloud].fullmatch(region) is not None


def zone_name(cloud: ManagedCloud, region: str, letter: str) -> str:
    return f"{region}{letter}" if cloud == "aws" else f"{region}-{letter}"


def default_zones(cloud: Cloud, region: str) -> tuple[str, ...]:
    """Three zones of `region` (two where the region has only two); none for `existing`."""
    if cloud == "existing":
        return ()
    if cloud == "azure":
        return AZURE_ZONES
    letters = _ZONE_LETTERS.get(f"{cloud}:{region}", ("a", "b", "c"))
    return tuple(zone_name(cloud, region, letter) for letter in letters)


def zone_in_region(cloud: ManagedCloud, region: str, zone: str) -> bool:
    """Zone names embed their region on AWS (us-east-1a) and GCP (europe-west1-b)."""
    if cloud == "azure":
        return zone in AZURE_ZONES
    sep = "" if cloud == "aws" else "-"
    return re.fullmatch(re.escape(region + sep) + r"[a-z]", zone) is not None


def zone_example(cloud: ManagedCloud, region: str) -> str:
    return "1" if cloud == "azure" else zone_name(cloud, region, "a")


def aws_partition(region: str) -> str:
    """The ARN partition of an AWS region (policy ARNs differ in GovCloud and China)."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def eks_ami_type(machine: str) -> str:
    """AL2023 for the machine's architecture: Graviton families end in 'g' (m7g, c7gn, t4g)."""
    family = machine.split(".", 1)[0]
    arm = re.fullmatch(r"[a-z]+\d+g[a-z]*", family) is not None
    return "AL2023_ARM_64_STANDARD" if arm else "AL2023_x86_64_STANDARD"
