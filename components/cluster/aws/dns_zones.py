"""How Route53 names a hosted zone, and the IAM policy that scopes external-dns to its zones.

Pure data and functions (no Pulumi): `cloud.py` states the zone rule, `dns.py` creates the role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

# A hosted zone id: "Z" and up to 31 more capitals and digits (Route53 API HostedZone.Id, at
# most 32 characters). https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html
HOSTED_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")
ZONE_FORM = "a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ"


def zone_problem(zone: str) -> str | None:
    if HOSTED_ZONE_ID.fullmatch(zone):
        return None
    return f"must be {ZONE_FORM} (not a domain name or an ARN)"


def zone_filter(zone: str) -> str:
    """external-dns matches --zone-id-filter as a suffix of the zone's id (/hostedzone/<id>)."""
    return f"/hostedzone/{zone}"


def hosted_zone_arn(zone: str, partition: str) -> str:
    """Route53 is global: a hosted zone's ARN has neither region nor account.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html"""
    return f"arn:{partition}:route53:::hostedzone/{zone}"


def external_dns_policy(zones: Sequence[str], partition: str) -> str:
    """Records may change in `zones` only; listing hosted zones cannot be scoped (IAM takes only
    "*" for ListHostedZones), and external-dns drops the other zones itself (--zone-id-filter).

    The minimal policy of kubernetes-sigs/external-dns @ v0.21.0 docs/tutorials/aws.md ("IAM
    Policy"), with its `hostedzone/*` narrowed to the configured zones: AmazonRoute53FullAccess
    would let it create and delete any zone of the account.
    """
    arns = [hosted_zone_arn(zone, partition) for zone in zones]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ChangeConfiguredZones",
                    "Effect": "Allow",
                    "Action": [
                        "route53:ChangeResourceRecordSets",
                        "route53:ListResourceRecordSets",
                        "route53:ListTagsForResources",
                    ],
                    "Resource": arns,
                },
                {
                    "Sid": "FindZones",
                    "Effect": "Allow",
                    "Action": ["route53:ListHostedZones"],
                    "Resource": "*",
                },
            ],
        }
    )
