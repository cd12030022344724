"""A plan the cloud would refuse fails `skyfleet preview` as the failed `pulumi up` would: a
non-zero exit naming the stack, the resource and the rule; the shipped stacks pass every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.cluster.aws import nodes
from skyfleet.commands.preview import preview_one
from skyfleet.preview import cloud_rules
from skyfleet.preview.runner import PreviewError, run_stack

PROJECT = Path(__file__).resolve().parents[2]


def test_a_refused_plan_fails_the_preview_with_stack_resource_and_rule(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(nodes, "IMDS_HOP_LIMIT", 0)  # EC2 takes 1-64
    assert preview_one(PROJECT, "aws-dev", tmp_path) == 1
    error = capsys.readouterr().err
    assert "stack aws-dev: CloudRuleError" in error
    assert "aws:ec2/launchTemplate:LaunchTemplate::skyfleet-dev-system" in error
    assert "rule aws-ec2-metadata-options: httpPutResponseHopLimit 0 must be 1-64" in error
    assert not (tmp_path / "aws-dev" / "plan.json").exists()


def test_the_refusal_carries_what_was_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nodes, "IMDS_HOP_LIMIT", 65)
    with pytest.raises(PreviewError) as raised:
        run_stack(PROJECT, "aws-dev")
    assert isinstance(raised.value.cause, cloud_rules.CloudRuleError)
    assert {v.rule for v in raised.value.cause.violations} == {"aws-ec2-metadata-options"}
    assert raised.value.recorded


def test_at_least_25_rules_are_emulated_each_with_its_source() -> None:
    from skyfleet.preview import clouds  # noqa: F401 - registers them

    assert len(cloud_rules.RULES) >= 25
    assert all(rule.source for rule in cloud_rules.RULES.values())


def test_docs_safety_lists_every_emulated_rule() -> None:
    from skyfleet.preview import clouds  # noqa: F401 - registers them

    text = (PROJECT / "docs" / "safety.md").read_text()
    assert [n for n in cloud_rules.RULES if f"| `{n}` |" not in text] == []
