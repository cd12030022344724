"""The tags (AWS, Azure) or labels (GCP) every cloud resource of a cluster carries."""

from __future__ import annotations

from .args import ClusterArgs

MANAGED_BY = "skyfleet"


def resource_tags(args: ClusterArgs) -> dict[str, str]:
    """The user's tags plus skyfleet's own, which win so ownership cannot be mislabelled.

    Keys and values are valid as GCP labels too (lowercase, '-'), so one set serves every cloud.
    """
    return {
        **args.tags,
        "managed-by": MANAGED_BY,
        "skyfleet-cluster": args.name.lower(),
        "skyfleet-environment": "prod" if args.production else "dev",
    }
