"""`skyfleet:platform` stack config -> PlatformArgs: camelCase keys, errors that name their path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from platform_harness import preview_platform, releases

from components.errors import Problems
from components.platform import (
    ApplicationSetArgs,
    GitRepository,
    PlatformArgs,
    parse_platform_config,
)


def _parse(raw):
    problems = Problems()
    return parse_platform_config(raw, problems), problems


def _paths(problems: Problems) -> list[str]:
    return [p.path for p in problems.found]


def test_empty_config_gives_the_defaults():
    args, problems = _parse({})
    assert not problems and args == PlatformArgs()


def test_missing_config_gives_the_defaults():
    args, problems = _parse(None)
    assert not problems and args == PlatformArgs()


def test_enabled_false_turns_an_addon_off_and_leaves_the_rest():
    args, _ = _parse({"argocd": {"enabled": False}})
    assert args.argocd.enabled is False
    assert args.monitoring == PlatformArgs().monitoring


def test_typed_fields_are_read_from_camel_case_keys():
    args, problems = _parse(
        {
            "ingress": {"controller": "ingress-nginx", "serviceAnnotations": {"a": "b"}},
            "certManager": {"acmeEmail": "ops@example.com", "defaultIssuer": "letsencrypt-prod"},
            "monitoring": {"retention": "30d", "storageClass": "fast", "replicas": 3},
            "externalDns": {"enabled": True, "domainFilters": ["example.com"]},
        }
    )
    assert not problems, problems.found
    assert args.ingress.controller == "ingress-nginx"
    assert args.ingress.service_annotations == {"a": "b"}
    assert args.cert_manager.acme_email == "ops@example.com"
    assert (args.monitoring.retention, args.monitoring.storage_class, args.monitoring.replicas) == (
        "30d",
        "fast",
        3,
    )
    assert args.external_dns.domain_filters == ("example.com",)


def test_raw_values_pass_through_untouched():
    args, _ = _parse({"monitoring": {"values": {"grafana": {"defaultDashboardsEnabled": False}}}})
    assert args.monitoring.values == {"grafana": {"defaultDashboardsEnabled": False}}


def test_repositories_and_application_sets_are_maps_keyed_by_name():
    args, problems = _parse(
        {
            "argocd": {
                "repositories": {"platform": {"url": "https://git.example.com/p.git"}},
                "applicationSets": {
                    "apps": {"repoUrl": "https://git.example.com/p.git", "path": "svc/*"}
                },
            }
        }
    )
    assert not problems, problems.found
    assert args.argocd.repositories == {
        "platform": GitRepository(url="https://git.example.com/p.git")
    }
    assert args.argocd.application_sets == {
        "apps": ApplicationSetArgs(repo_url="https://git.example.com/p.git", path="svc/*")
    }


def test_unknown_key_is_reported_with_its_path_and_the_closest_key():
    _, problems = _parse({"monitoring": {"retentoin": "30d"}})
    (problem,) = problems.found
    assert problem.path == "platform.monitoring.retentoin"
    assert "unknown key (did you mean retention?)" in problem.rule


def test_unknown_addon_is_reported():
    _, problems = _parse({"istio": {"enabled": True}})
    assert _paths(problems) == ["platform.istio"]


def test_secrets_cannot_come_from_config():
    _, problems = _parse(
        {"argocd": {"repositories": {"p": {"url": "https://x/p.git", "password": "s"}}}}
    )
    assert _paths(problems) == ["platform.argocd.repositories.p.password"]


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"ingress": {"replicas": "two"}}, "platform.ingress.replicas"),
        ({"ingress": {"replicas": True}}, "platform.ingress.replicas"),
        ({"ingress": {"enabled": "yes"}}, "platform.ingress.enabled"),
        ({"ingress": {"controller": "haproxy"}}, "platform.ingress.controller"),
        ({"monitoring": {"values": ["a"]}}, "platform.monitoring.values"),
        ({"externalDns": {"domainFilters": "example.com"}}, "platform.externalDns.domainFilters"),
        ({"certManager": "on"}, "platform.certManager"),
    ],
)
def test_wrong_types_are_reported_with_their_path(raw, path):
    _, problems = _parse(raw)
    assert _paths(problems) == [path]


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"ingress": {"releaseName": "r" * 54}}, "platform.ingress.releaseName"),
        ({"ingress": {"releaseName": "Traefik"}}, "platform.ingress.releaseName"),
        ({"certManager": {"namespace": "cert_manager"}}, "platform.certManager.namespace"),
        ({"certManager": {"acmeEmail": "ops-at-example"}}, "platform.certManager.acmeEmail"),
        ({"monitoring": {"retention": "15 days"}}, "platform.monitoring.retention"),
        ({"monitoring": {"prometheusStorage": "lots"}}, "platform.monitoring.prometheusStorage"),
        ({"monitoring": {"replicas": 0}}, "platform.monitoring.replicas"),
        ({"ingress": {"replicas": -1}}, "platform.ingress.replicas"),
        ({"argocd": {"hostname": "CD.example.com"}}, "platform.argocd.hostname"),
        ({"externalDns": {"enabled": True}}, "platform.externalDns.domainFilters"),
    ],
)
def test_rules_are_checked_with_their_path(raw, path):
    _, problems = _parse(raw)
    assert _paths(problems) == [path]


def test_every_problem_is_reported_at_once():
    _, problems = _parse(
        {
            "monitoring": {"retentoin": "30d"},
            "ingress": {"replicas": 0},
            "certManager": {"acmeEmail": "nope"},
        }
    )
    assert sorted(_paths(problems)) == [
        "platform.certManager.acmeEmail",
        "platform.ingress.replicas",
        "platform.monitoring.retentoin",
    ]


def test_a_53_character_release_name_is_accepted():
    _, problems = _parse({"ingress": {"releaseName": "r" * 53}})
    assert not problems


def test_the_example_in_docs_platform_md_parses_and_previews():
    text = (Path(__file__).resolve().parents[2] / "docs" / "platform.md").read_text()
    block = next(b for b in text.split("```yaml")[1:] if "skyfleet:platform:" in b)
    raw = yaml.safe_load(block.split("```")[0])["config"]["skyfleet:platform"]
    args, problems = _parse(raw)
    assert not problems, problems.found
    assert set(releases(preview_platform(args, production=True).plan)) == {
        "traefik", "cert-manager", "kube-prometheus-stack", "argocd", "metrics-server",
        "cluster-autoscaler", "external-dns", "loki", "alloy",
    }
