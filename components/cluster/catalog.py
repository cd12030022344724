"""The neutral cluster vocabulary every cloud maps: size classes, version syntax, disk limits.

What each cloud offers for them (its minors, its machine for each size, its regions and zones)
is in that cloud's `cloud.py`. Review those tables when a cloud adds or retires a Kubernetes
minor or a machine generation.
"""

from __future__ import annotations

import re

from .cloud import Size

DEFAULT_VERSION = "1.35"
VERSION_PATTERN = re.compile(r"1\.(0|[1-9][0-9]*)")

# Neutral size classes: general-purpose machines with 4 GiB per vCPU, current generation, x86.
# small = 2 vCPU, medium = 4, large = 8, xlarge = 16. `machineType` overrides per pool.
SIZES: tuple[Size, ...] = ("small", "medium", "large", "xlarge")

DISK_SIZE_MIN_GB = 30  # AKS rejects smaller OS disks; the floor is the same everywhere
DISK_SIZE_MAX_GB = 2048

__all__ = ["DEFAULT_VERSION", "DISK_SIZE_MAX_GB", "DISK_SIZE_MIN_GB", "SIZES", "VERSION_PATTERN", "Size"]
