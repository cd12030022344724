"""`skyfleet:deployer`: where `pulumi up` runs, checked like every other setting."""

from __future__ import annotations

import pytest

from components.errors import Problems
from skyfleet.stack.deployer import DeployerArgs, deployer_of, parse_deployer


def _problems(raw: object) -> list[str]:
    problems = Problems(prefix="stacks/Pulumi.x.yaml: skyfleet:deployer")
    parse_deployer(raw, problems)
    return [str(p) for p in problems.found]


def test_absent_means_an_internet_deployer_on_a_github_hosted_runner() -> None:
    assert parse_deployer(None, Problems()) == DeployerArgs()
    assert DeployerArgs().runs_on == ["ubuntu-latest"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"network": "vpn"}, "skyfleet:deployer.network: 'vpn': must be one of internet, cluster, workstation"),
        ({"egressCidrs": ["10.0.0.1/8"]}, "skyfleet:deployer.egressCidrs[0]: '10.0.0.1/8': must be an IPv4 network"),
        ({"network": "cluster"}, "skyfleet:deployer.runner: []: a deployer inside the cluster's network needs"),
        ({"network": "workstation"}, "skyfleet:deployer.ci: True: a workstation deployer runs on a person's machine"),
        ({"runers": ["x"]}, "skyfleet:deployer.runers: ['x']: unknown key"),
    ],
)
def test_bad_settings_are_named_with_their_field(raw: object, expected: str) -> None:
    found = _problems(raw)
    assert len(found) == 1 and found[0].startswith(f"stacks/Pulumi.x.yaml: {expected}"), found


def test_ci_reads_the_runner_and_the_ci_flag_from_the_raw_config() -> None:
    config = {"skyfleet:deployer": {"network": "cluster", "runner": ["self-hosted", "vpc"], "ci": True}}
    assert deployer_of(config).runs_on == ["self-hosted", "vpc"]
    assert not deployer_of({"skyfleet:deployer": {"network": "workstation", "ci": False}}).ci
