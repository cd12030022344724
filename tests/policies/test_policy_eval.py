"""The offline evaluator: pack config, enforcement levels, engine-shaped arguments, the table."""

from __future__ import annotations

import pytest
from policy_testing import (
    CONTAINER,
    DEPLOYMENT,
    PDB,
    SECURE_DEPLOYMENT,
    SECURE_PDB,
    at,
    plan,
    resource,
    urn,
)

from skyfleet.analysis.policy_eval import Violation, evaluate_plan, format_violations, policy_resources

# Trips one mandatory (privileged) and one advisory (image-pinned) policy.
INSECURE = plan(
    resource(
        DEPLOYMENT,
        at(at(SECURE_DEPLOYMENT, f"{CONTAINER}.securityContext.privileged", True),
           f"{CONTAINER}.image", "nginx:latest"),
        "api",
    ),
    resource(PDB, SECURE_PDB, "api"),
)


def _levels(violations: list[Violation]) -> dict[str, str]:
    return {v.policy: v.level for v in violations}


def test_policies_report_their_default_levels() -> None:
    assert _levels(evaluate_plan(INSECURE)) == {
        "no-privileged-containers": "mandatory",
        "image-pinned": "advisory",
    }


def test_mandatory_violations_come_first() -> None:
    assert [v.level for v in evaluate_plan(INSECURE)] == ["mandatory", "advisory"]


def test_config_disables_a_policy() -> None:
    config = {"no-privileged-containers": {"enforcementLevel": "disabled"}}
    assert _levels(evaluate_plan(INSECURE, config)) == {"image-pinned": "advisory"}


def test_config_level_may_be_given_as_a_plain_string() -> None:
    levels = _levels(evaluate_plan(INSECURE, {"image-pinned": "mandatory"}))
    assert levels["image-pinned"] == "mandatory"


def test_all_sets_every_level_and_a_policy_entry_overrides_it() -> None:
    config = {"all": "advisory", "image-pinned": "disabled"}
    assert _levels(evaluate_plan(INSECURE, config)) == {"no-privileged-containers": "advisory"}


def test_remediate_reports_as_mandatory_like_the_engine() -> None:
    levels = _levels(evaluate_plan(INSECURE, {"image-pinned": "remediate"}))
    assert levels["image-pinned"] == "mandatory"


def test_settings_without_level_keep_the_default_level() -> None:
    config = {"images-allowed-registries": {"allowedRegistries": ["ghcr.io/acme"]}}
    levels = _levels(evaluate_plan(INSECURE, config))
    assert levels["images-allowed-registries"] == "advisory"


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ({"no-such-policy": "advisory"}, "unknown policy 'no-such-policy'"),
        ({"replicas-minimum": {"minReplica": 3}}, "replicas-minimum has no setting minReplica"),
        ({"image-pinned": "blocking"}, "'blocking' is not one of"),
        ({"all": {"minReplicas": 3}}, '"all" takes only an enforcement level'),
    ],
    ids=["unknown-policy", "unknown-setting", "bad-level", "settings-for-all"],
)
def test_invalid_config_is_rejected(config: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        evaluate_plan(INSECURE, config)


def test_value_known_only_after_apply_skips_the_policy_with_a_note() -> None:
    # The engine raises UnknownValueError for such reads and reports an advisory note.
    deployment = at(SECURE_DEPLOYMENT, f"{CONTAINER}.image", "[unknown]")
    found = evaluate_plan(plan(resource(DEPLOYMENT, deployment, "api"), resource(PDB, SECURE_PDB)))
    assert [(v.policy, v.level) for v in found] == [("image-pinned", "advisory")]
    assert "can't run during preview" in found[0].message


def test_redacted_secrets_are_opaque_strings() -> None:
    deployment = at(SECURE_DEPLOYMENT, f"{CONTAINER}.image", "[secret]")
    found = evaluate_plan(plan(resource(DEPLOYMENT, deployment, "api"), resource(PDB, SECURE_PDB)))
    assert [(v.policy, v.level) for v in found] == [("image-pinned", "advisory")]


def test_policy_resources_link_parents_dependencies_and_providers() -> None:
    provider = resource("pulumi:providers:kubernetes", {"namespace": "apps"}, "k8s")
    child = resource(
        DEPLOYMENT,
        SECURE_DEPLOYMENT,
        "api",
        parent=urn("skyfleet:workload:Microservice", "api"),
        dependencies=[provider["urn"]],
        provider=provider["urn"],
    )
    parent = resource("skyfleet:workload:Microservice", {}, "api", custom=False)
    by_name = {r.resource_type: r for r in policy_resources([provider, child, parent])}

    deployment = by_name[DEPLOYMENT]
    assert deployment.parent is by_name["skyfleet:workload:Microservice"]
    assert deployment.dependencies == [by_name["pulumi:providers:kubernetes"]]
    assert deployment.provider is not None
    assert deployment.provider.props["namespace"] == "apps"
    # Engine shape: numbers arrive as protobuf doubles.
    assert deployment.props["spec"]["replicas"] == 2.0
    assert isinstance(deployment.props["spec"]["replicas"], float)


def test_format_violations_prints_a_table_with_a_summary() -> None:
    table = format_violations(evaluate_plan(INSECURE)).splitlines()

    assert table[0].split() == ["LEVEL", "POLICY", "RESOURCE", "MESSAGE"]
    assert table[1].startswith("mandatory  no-privileged-containers  api (kubernetes:apps/v1:")
    assert table[-1] == "2 violation(s): 1 mandatory, 1 advisory"


def test_format_violations_labels_stack_wide_findings() -> None:
    table = format_violations([Violation("p", "advisory", "", "m. Fix: f")])
    assert "(stack)" in table


def test_format_violations_without_findings() -> None:
    assert format_violations([]) == "No policy violations."

