"""Loads the charts' documented default values kept in tests/fixtures/chart_values/.

Each fixture is a chart's values.yaml as read from its repository (comments removed), with a first
line `# source: <repo>@<commit> <path>; chart version <version>` saying exactly what was read.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from values_paths import with_paths, with_subcharts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "chart_values"

# Charts whose values carry a subchart's block: {parent chart key: {values key: subchart fixture}}.
SUBCHARTS: dict[str, dict[str, str]] = {
    "kube-prometheus-stack": {"grafana": "grafana"},
}

# Options the charts document only as commented-out keys (verified in the source text at the
# fixture's commit): cert-manager marks them `# +docs:property`; grafana's templates read them
# although values.yaml only shows them as examples.
COMMENTED_KEYS: dict[str, tuple[str, ...]] = {
    "cert-manager": (
        "global.revisionHistoryLimit",
        "global.leaderElection.leaseDuration",
        "global.leaderElection.renewDeadline",
        "global.leaderElection.retryPeriod",
        "podDisruptionBudget.minAvailable",
        "podDisruptionBudget.maxUnavailable",
        "image.registry",
        "image.tag",
        "image.digest",
        "fullnameOverride",
        "nameOverride",
        "serviceAccount.name",
        "serviceAccount.annotations",
        "serviceAccount.labels",
        "automountServiceAccountToken",
        "deploymentAnnotations",
        "podAnnotations",
        "serviceAnnotations",
        "serviceLabels",
        "serviceIPFamilyPolicy",
        "serviceIPFamilies",
        "podDnsPolicy",
        "podDnsConfig",
        "ingressShim.defaultIssuerName",
        "ingressShim.defaultIssuerKind",
        "ingressShim.defaultIssuerGroup",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "prometheus.servicemonitor.namespace",
        "prometheus.podmonitor.namespace",
        "webhook.podDisruptionBudget.minAvailable",
        "webhook.podDisruptionBudget.maxUnavailable",
        "webhook.deploymentAnnotations",
        "webhook.podAnnotations",
        "webhook.serviceAnnotations",
        "webhook.mutatingWebhookConfigurationAnnotations",
        "webhook.validatingWebhookConfigurationAnnotations",
        "webhook.image.registry",
        "webhook.image.tag",
        "webhook.image.digest",
        "webhook.serviceAccount.name",
        "webhook.serviceAccount.annotations",
        "webhook.serviceAccount.labels",
        "webhook.automountServiceAccountToken",
        "webhook.loadBalancerIP",
        "cainjector.podDisruptionBudget.minAvailable",
        "cainjector.podDisruptionBudget.maxUnavailable",
        "cainjector.deploymentAnnotations",
        "cainjector.podAnnotations",
        "cainjector.serviceAnnotations",
        "cainjector.image.registry",
        "cainjector.image.tag",
        "cainjector.image.digest",
        "cainjector.serviceAccount.name",
        "cainjector.serviceAccount.annotations",
        "cainjector.serviceAccount.labels",
        "cainjector.automountServiceAccountToken",
        "acmesolver.image.registry",
        "acmesolver.image.tag",
        "acmesolver.image.digest",
        "startupapicheck.podAnnotations",
        "startupapicheck.image.registry",
        "startupapicheck.image.tag",
        "startupapicheck.image.digest",
        "startupapicheck.automountServiceAccountToken",
        "startupapicheck.serviceAccount.name",
        "startupapicheck.serviceAccount.labels",
    ),
    "cluster-autoscaler": ("podDisruptionBudget.minAvailable",),
    "ingress-nginx": ("controller.maxUnavailable", "defaultBackend.maxUnavailable"),
    "grafana": (
        "adminPassword",
        "annotations",
        "podAnnotations",
        "podLabels",
        "priorityClassName",
        "schedulerName",
        "command",
        "args",
        "serviceAccount.annotations",
        "ingress.ingressClassName",
        "persistence.storageClassName",
        "persistence.annotations",
        "persistence.existingClaim",
        "persistence.subPath",
    ),
}

# Maps each chart passes through verbatim although its values.yaml documents a few entries in them
# (so they are not `{}`): pass these as `open_maps` to `unknown_paths`.
OPEN_MAPS: dict[str, tuple[str, ...]] = {
    "traefik": ("securityContext", "podSecurityContext", "resources", "env", "ports"),
    "ingress-nginx": ("controller.resources", "controller.config", "controller.extraArgs"),
    "cert-manager": ("resources", "securityContext", "containerSecurityContext", "config"),
    "kube-prometheus-stack": (
        "prometheus.prometheusSpec.resources",
        "prometheus.prometheusSpec.securityContext",
        "alertmanager.alertmanagerSpec.securityContext",
        "alertmanager.config",
        "grafana.grafana.ini",
        "grafana.securityContext",
        "grafana.persistence",
    ),
    "argo-cd": ("configs.cm", "configs.params", "configs.rbac", "configs.secret.extra"),
    "metrics-server": ("resources", "securityContext"),
    "cluster-autoscaler": ("extraArgs", "resources"),
    "external-dns": ("resources", "securityContext", "podSecurityContext"),
}

_SOURCE = re.compile(
    r"^# source: (?P<repo>\S+)@(?P<commit>[0-9a-f]{40}) (?P<path>\S+);"
    r" chart version (?P<version>.+)$"
)


def fixture_path(name: str) -> Path:
    """The fixture file of a chart key (or of a subchart such as `grafana`)."""
    return FIXTURES / f"{name}.yaml"


@cache
def source_line(name: str) -> dict[str, str]:
    """The fixture's first line, parsed: repo, commit, path and version (as written there)."""
    first = fixture_path(name).read_text(encoding="utf-8").splitlines()[0]
    match = _SOURCE.match(first)
    if match is None:
        raise ValueError(f"{fixture_path(name)}: first line is not a '# source:' line: {first!r}")
    return match.groupdict()


def fixture_version(name: str) -> str:
    """The chart version the fixture was read at: the first word after 'chart version'."""
    return source_line(name)["version"].split()[0]


@cache
def _raw(name: str) -> dict[str, Any]:
    values = yaml.safe_load(fixture_path(name).read_text(encoding="utf-8"))
    if not isinstance(values, dict):
        raise ValueError(f"{fixture_path(name)} is not a mapping")
    return values


def load_documented_values(chart_key: str) -> dict[str, Any]:
    """A chart's documented values: its fixture, the keys it documents only in comments, and
    each subchart's documented values under the subchart's key (a fresh copy every call)."""
    documented = with_paths(_raw(chart_key), COMMENTED_KEYS.get(chart_key, ()))
    subcharts = {
        key: with_paths(_raw(sub), COMMENTED_KEYS.get(sub, ()))
        for key, sub in SUBCHARTS.get(chart_key, {}).items()
    }
    return with_subcharts(documented, subcharts)
