"""What IAM accepts where Skyfleet attaches a policy to a role: a policy ARN or the name of an
AWS-managed policy (expanded to arn:<partition>:iam::aws:policy/<name>).

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (policy ARNs) and
https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html (PolicyArn)
"""

from __future__ import annotations

import re

POLICY_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy/([\w+=,.@-]+/)*[\w+=,.@-]{1,128}$")
POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")


def role_problem(role: str) -> str | None:
    if POLICY_ARN.match(role) or POLICY_NAME.match(role):
        return None
    return ("must be an IAM policy ARN (arn:aws:iam::<account|aws>:policy/<name>) or the name "
            "of an AWS-managed policy (e.g. AmazonS3ReadOnlyAccess)")
