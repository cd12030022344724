"""Alertmanager's receivers from stack config: parsed and checked like every add-on setting, and
the configuration they make judged by Alertmanager's own `amtool check-config`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml
from workload.promtool import tool

from components.errors import Problems
from components.platform import parse_platform_config
from components.platform.alerting import AlertingArgs, alertmanager_config

RAW = {
    "receivers": {
        "oncall": {"pagerduty": {"routingKeySecret": "pagerdutyKey"}},
        "team": {"slack": {"webhookSecret": "slackWebhook", "channel": "#alerts"}},
        "mail": {"email": {"to": "ops@example.com", "sender": "alerts@example.com",
                           "smarthost": "smtp.example.com:587", "username": "alerts",
                           "passwordSecret": "smtpPassword"}},
    },
    "critical": "oncall",
    "warning": "team",
}


def _parse(raw):
    problems = Problems()
    args = parse_platform_config({"monitoring": {"alerting": raw}}, problems)
    return args.monitoring.alerting, {p.path: p.rule for p in problems.found}


def _amtool(config: dict, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "alertmanager.yaml"
    path.write_text(yaml.safe_dump(config))
    return subprocess.run([tool("amtool", "prometheus-alertmanager"), "check-config", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_receivers_are_read_from_camel_case_config():
    alerting, problems = _parse(RAW)
    assert problems == {}
    assert alerting.receivers["team"].slack is not None and alerting.receivers["team"].slack.channel == "#alerts"
    assert alerting.secret_keys() == ["pagerdutyKey", "slackWebhook", "smtpPassword"]


def test_amtool_accepts_the_configuration(tmp_path):
    alerting, _ = _parse(RAW)
    done = _amtool(alertmanager_config(alerting), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_amtool_accepts_the_configuration_without_receivers(tmp_path):
    done = _amtool(alertmanager_config(AlertingArgs()), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_amtool_refuses_a_broken_configuration(tmp_path):
    """The check can fail: a route to a receiver that does not exist."""
    config = alertmanager_config(AlertingArgs())
    config["route"]["routes"] = [{"matchers": ['severity="critical"'], "receiver": "nobody"}]
    assert _amtool(config, tmp_path).returncode != 0


def test_each_severity_is_routed_to_its_receiver():
    alerting, _ = _parse(RAW)
    routes = alertmanager_config(alerting)["route"]["routes"]
    assert routes == [{"matchers": ['severity="critical"'], "receiver": "oncall"},
                      {"matchers": ['severity="warning"'], "receiver": "team"}]


def test_keys_are_read_from_mounted_files_never_inlined():
    alerting, _ = _parse(RAW)
    text = yaml.safe_dump(alertmanager_config(alerting))
    assert "/etc/alertmanager/secrets/alertmanager-receivers/pagerdutyKey" in text
    assert "routing_key:" not in text and "api_url:" not in text and "auth_password:" not in text


def test_a_severity_routed_to_an_unknown_receiver_is_refused_naming_the_field():
    _, problems = _parse({**RAW, "critical": "pager"})
    assert "platform.monitoring.alerting.critical" in problems


def test_a_receiver_with_two_integrations_is_refused():
    raw = {"receivers": {"x": {"slack": {"webhookSecret": "a", "channel": "#a"},
                               "pagerduty": {"routingKeySecret": "b"}}}}
    _, problems = _parse(raw)
    assert "platform.monitoring.alerting.receivers.x" in problems


def test_a_bad_smarthost_and_address_are_refused():
    raw = {"receivers": {"m": {"email": {"to": "ops", "sender": "a@example.com", "smarthost": "smtp.example.com"}}}}
    _, problems = _parse(raw)
    assert {"platform.monitoring.alerting.receivers.m.email.to",
            "platform.monitoring.alerting.receivers.m.email.smarthost"} <= set(problems)


def test_a_literal_secret_value_cannot_come_from_config():
    _, problems = _parse({**RAW, "secretValues": {"pagerdutyKey": "plaintext"}})
    assert "platform.monitoring.alerting.secretValues" in problems
