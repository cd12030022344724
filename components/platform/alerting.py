"""Where alerts go: Alertmanager receivers from stack config, their keys as Pulumi secrets.

`skyfleet:platform: {monitoring: {alerting: {...}}}` names receivers (Slack, PagerDuty, e-mail)
and which one gets `critical` alerts (pages) and which `warning` ones (tickets). A receiver's
webhook URL, routing key or SMTP password is never in the config file or the chart's values: the
config names a key of the stack's `skyfleet:secrets` (set with `pulumi config set --secret`), the
Monitoring add-on writes those values into one Kubernetes Secret that Alertmanager mounts
(`alertmanagerSpec.secrets`, at /etc/alertmanager/secrets/<secret>/<key>), and the configuration
points at the files (`api_url_file`, `routing_key_file`, `auth_password_file`).
https://prometheus.io/docs/alerting/latest/configuration/#receiver-integration-settings

With no receiver, alerts stay visible in Alertmanager's and Grafana's alert views; the preview
says so. Pure: this module creates no resource.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.errors import Problems

RECEIVERS_SECRET = "alertmanager-receivers"
SECRETS_DIR = "/etc/alertmanager/secrets"
# Alerts with no receiver of their own end here: Alertmanager needs a root receiver.
NULL_RECEIVER = "null"
SEVERITIES = ("critical", "warning")
_SMARTHOST = re.compile(r"[A-Za-z0-9.-]+:\d{1,5}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, kw_only=True)
class SlackReceiver:
    webhook_secret: str
    """Key in `skyfleet:secrets` holding the Slack incoming-webhook URL (no default)."""
    channel: str
    """Channel to post to, e.g. "#alerts" (no default)."""


@dataclass(frozen=True, kw_only=True)
class PagerDutyReceiver:
    routing_key_secret: str
    """Key in `skyfleet:secrets` holding the Events API v2 integration (routing) key (no default)."""


@dataclass(frozen=True, kw_only=True)
class EmailReceiver:
    to: str
    """Recipient address (no default)."""
    sender: str
    """From address (no default)."""
    smarthost: str
    """SMTP server, "host:port" (no default)."""
    username: str | None = None
    """SMTP user (default: None, no authentication)."""
    password_secret: str | None = None
    """Key in `skyfleet:secrets` holding the SMTP password (default: None)."""


@dataclass(frozen=True, kw_only=True)
class ReceiverArgs:
    """One receiver: exactly one of its integrations."""

    slack: SlackReceiver | None = None
    pagerduty: PagerDutyReceiver | None = None
    email: EmailReceiver | None = None


@dataclass(frozen=True, kw_only=True)
class AlertingArgs:
    receivers: Mapping[str, ReceiverArgs] = field(default_factory=dict)
    """Receivers by name. Default: {} (alerts stay in Alertmanager and Grafana)."""
    critical: str | None = None
    """Receiver of `severity: critical` alerts, the ones that page. Default: None."""
    warning: str | None = None
    """Receiver of `severity: warning` alerts, the tickets. Default: None."""
    secret_values: pulumi.Input[Mapping[str, str]] | None = field(default=None, metadata={"config": False})
    """The stack's `skyfleet:secrets`, handed over by the Fleet (never from a config file)."""

    def secret_keys(self) -> list[str]:
        """The `skyfleet:secrets` keys the receivers read, sorted."""
        keys = set()
        for receiver in self.receivers.values():
            if receiver.slack:
                keys.add(receiver.slack.webhook_secret)
            if receiver.pagerduty:
                keys.add(receiver.pagerduty.routing_key_secret)
            if receiver.email and receiver.email.password_secret:
                keys.add(receiver.email.password_secret)
        return sorted(keys)

    def check(self, problems: Problems) -> None:
        for name, receiver in sorted(self.receivers.items()):
            integrations = [x for x in (receiver.slack, receiver.pagerduty, receiver.email) if x is not None]
            problems.check(
                len(integrations) == 1 and name != NULL_RECEIVER, f"receivers.{name}", name,
                f"must set exactly one of slack, pagerduty, email (and not be named {NULL_RECEIVER!r})",
            )
            if receiver.email:
                email = receiver.email
                for key, value in (("to", email.to), ("sender", email.sender)):
                    problems.check(bool(_EMAIL.fullmatch(value)), f"receivers.{name}.email.{key}", value,
                                   "must be an e-mail address")
                problems.check(bool(_SMARTHOST.fullmatch(email.smarthost)), f"receivers.{name}.email.smarthost",
                               email.smarthost, 'must be "host:port"')
            if receiver.slack:
                problems.check(receiver.slack.channel.startswith(("#", "@")), f"receivers.{name}.slack.channel",
                               receiver.slack.channel, 'must start with "#" (a channel) or "@" (a user)')
        for severity in SEVERITIES:
            chosen = getattr(self, severity)
            problems.check(chosen is None or chosen in self.receivers, severity, chosen,
                           f"names no receiver (known: {', '.join(sorted(self.receivers)) or 'none'})")


def _secret_file(key: str) -> str:
    return f"{SECRETS_DIR}/{RECEIVERS_SECRET}/{key}"


def _integration(receiver: ReceiverArgs) -> dict[str, Any]:
    if receiver.slack:
        return {"slack_configs": [{"api_url_file": _secret_file(receiver.slack.webhook_secret),
                                   "channel": receiver.slack.channel, "send_resolved": True}]}
    if receiver.pagerduty:
        return {"pagerduty_configs": [{"routing_key_file": _secret_file(receiver.pagerduty.routing_key_secret),
                                       "send_resolved": True}]}
    assert receiver.email is not None
    email = receiver.email
    config: dict[str, Any] = {"to": email.to, "from": email.sender, "smarthost": email.smarthost,
                              "require_tls": True, "send_resolved": True}
    if email.username:
        config["auth_username"] = email.username
    if email.password_secret:
        config["auth_password_file"] = _secret_file(email.password_secret)
    return {"email_configs": [config]}


def alertmanager_config(args: AlertingArgs) -> dict[str, Any]:
    """Alertmanager's configuration: one route per severity, grouped by service."""
    routes = [
        {"matchers": [f'severity="{severity}"'], "receiver": receiver}
        for severity in SEVERITIES
        if (receiver := getattr(args, severity)) is not None
    ]
    return {
        "route": {
            "receiver": NULL_RECEIVER,
            "group_by": ["alertname", "namespace", "service"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": routes,
        },
        "receivers": [
            {"name": NULL_RECEIVER},
            *({"name": name, **_integration(r)} for name, r in sorted(args.receivers.items())),
        ],
    }
