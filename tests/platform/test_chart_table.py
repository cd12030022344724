"""The chart table against the documented-values fixtures and the versions the product wants."""

from __future__ import annotations

import dataclasses

import pytest
from chart_values import (
    OPEN_MAPS,
    SUBCHARTS,
    fixture_path,
    fixture_version,
    load_documented_values,
    source_line,
)
from values_paths import unknown_paths

from components.platform.charts import CHARTS, ChartRef

# The release line the product wants for each chart (a version must start with this).
WANTED_LINES = {
    "traefik": "41.",
    "ingress-nginx": "4.",
    "cert-manager": "v1.21.",
    "kube-prometheus-stack": "88.",
    "argo-cd": "10.",
    "metrics-server": "3.",
    "cluster-autoscaler": "9.",
    "external-dns": "1.",
}

# Fixtures that could not be read at the pinned version (see docs/chart_values_notes.md): the
# stored copies of these files are older, or not tied to a release by a Chart.yaml at the same
# commit. Strict: once a fixture is refreshed at the pinned version the test passes and this
# entry must go.
FIXTURE_GAPS = {
    "traefik": "fixture read at chart 37.3.0; no 41.x copy of traefik/values.yaml was reachable",
    "cert-manager": "fixture is a main-branch snapshot; the repo stamps chart versions at release",
    "kube-prometheus-stack": "fixture is a PR-branch snapshot with no Chart.yaml at its commit",
    "argo-cd": "fixture is a 7.x-era file with no Chart.yaml at its commit",
    "metrics-server": "no Chart.yaml or CHANGELOG.md stored at the fixture's commit",
    "cluster-autoscaler": "fixture is a 9.4x-era file (image v1.31.0), no Chart.yaml at its commit",
    "external-dns": "fixture is a recent 1.x file with no Chart.yaml at its commit",
}

# Value paths an add-on is likely to set, each verified to be documented by its fixture.
KEY_PATHS = {
    "traefik": [
        "deployment.replicas",
        "deployment.podLabels.app",
        "podDisruptionBudget.enabled",
        "podDisruptionBudget.minAvailable",
        "service.type",
        "service.annotations.any",
        "metrics.prometheus.service.enabled",
        "metrics.prometheus.serviceMonitor.enabled",
        "ingressClass.enabled",
        "ingressClass.isDefaultClass",
        "ingressClass.name",
        "providers.kubernetesIngress.enabled",
        "providers.kubernetesGateway.enabled",
        "resources.requests.cpu",
        "securityContext.runAsUser",
        "podSecurityContext.fsGroup",
        "topologySpreadConstraints",
        "logs.general.level",
        "logs.access.enabled",
    ],
    "ingress-nginx": [
        "controller.replicaCount",
        "controller.minAvailable",
        "controller.maxUnavailable",
        "controller.ingressClass",
        "controller.ingressClassResource.enabled",
        "controller.ingressClassResource.name",
        "controller.ingressClassResource.default",
        "controller.service.type",
        "controller.service.annotations.any",
        "controller.metrics.enabled",
        "controller.metrics.serviceMonitor.enabled",
        "controller.resources.requests.cpu",
        "controller.podLabels.app",
        "controller.topologySpreadConstraints",
        "controller.config.use-forwarded-headers",
    ],
    "cert-manager": [
        "crds.enabled",
        "crds.keep",
        "replicaCount",
        "podDisruptionBudget.enabled",
        "podDisruptionBudget.minAvailable",
        "prometheus.enabled",
        "prometheus.servicemonitor.enabled",
        "webhook.replicaCount",
        "webhook.podDisruptionBudget.enabled",
        "cainjector.replicaCount",
        "cainjector.podDisruptionBudget.enabled",
        "resources.requests.cpu",
        "serviceAccount.annotations.any",
        "podAnnotations.any",
        "config.enableGatewayAPI",
        "dns01RecursiveNameservers",
        "dns01RecursiveNameserversOnly",
    ],
    "kube-prometheus-stack": [
        "crds.enabled",
        "defaultRules.create",
        "prometheus.prometheusSpec.retention",
        "prometheus.prometheusSpec.retentionSize",
        "prometheus.prometheusSpec.replicas",
        "prometheus.prometheusSpec.resources.requests.cpu",
        "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName",
        "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues",
        "prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues",
        "prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues",
        "prometheus.prometheusSpec.probeSelectorNilUsesHelmValues",
        "prometheus.prometheusSpec.scrapeConfigSelectorNilUsesHelmValues",
        "prometheus.podDisruptionBudget.enabled",
        "alertmanager.podDisruptionBudget.enabled",
        "alertmanager.alertmanagerSpec.replicas",
        "alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName",
        "grafana.enabled",
        "grafana.adminPassword",
        "grafana.admin.existingSecret",
        "grafana.admin.userKey",
        "grafana.admin.passwordKey",
        "grafana.persistence.enabled",
        "grafana.persistence.size",
        "grafana.persistence.storageClassName",
        "prometheusOperator.admissionWebhooks.certManager.enabled",
    ],
    "argo-cd": [
        "global.domain",
        "configs.params.server.insecure",
        "configs.cm.url",
        "configs.repositories.any.url",
        "configs.secret.createSecret",
        "configs.secret.argocdServerAdminPassword",
        "server.replicas",
        "server.ingress.enabled",
        "server.ingress.tls",
        "server.ingress.ingressClassName",
        "server.ingress.hostname",
        "server.ingress.annotations.any",
        "server.autoscaling.enabled",
        "server.autoscaling.minReplicas",
        "redis-ha.enabled",
        "controller.replicas",
        "repoServer.replicas",
        "repoServer.autoscaling.enabled",
        "applicationSet.replicas",
        "dex.enabled",
        "crds.install",
    ],
    "metrics-server": [
        "replicas",
        "podDisruptionBudget.enabled",
        "podDisruptionBudget.minAvailable",
        "args",
        "defaultArgs",
        "resources.requests.cpu",
        "metrics.enabled",
        "serviceMonitor.enabled",
        "apiService.create",
        "hostNetwork.enabled",
        "topologySpreadConstraints",
    ],
    "cluster-autoscaler": [
        "autoDiscovery.clusterName",
        "autoDiscovery.tags",
        "awsRegion",
        "cloudProvider",
        "rbac.serviceAccount.create",
        "rbac.serviceAccount.name",
        "rbac.serviceAccount.annotations.eks.amazonaws.com/role-arn",
        "extraArgs.balance-similar-node-groups",
        "replicaCount",
        "podDisruptionBudget.maxUnavailable",
        "podDisruptionBudget.minAvailable",
        "resources.requests.cpu",
        "serviceMonitor.enabled",
        "priorityClassName",
    ],
    "external-dns": [
        "provider.name",
        "serviceAccount.name",
        "serviceAccount.annotations.eks.amazonaws.com/role-arn",
        "policy",
        "sources",
        "domainFilters",
        "txtOwnerId",
        "txtPrefix",
        "registry",
        "interval",
        "extraArgs",
        "replicaCount",
        "serviceMonitor.enabled",
        "resources.requests.cpu",
        "env",
    ],
}


def _nested(paths: list[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for path in paths:
        node = values
        *parents, leaf = path.split(".")
        for key in parents:
            child = node.setdefault(key, {})
            assert isinstance(child, dict)
            node = child
        node[leaf] = "x"
    return values


def test_chart_table_has_every_addon() -> None:
    assert set(CHARTS) == set(WANTED_LINES)


def test_chart_refs_are_frozen() -> None:
    ref = CHARTS["traefik"]
    assert isinstance(ref, ChartRef)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.version = "0.0.0"  # type: ignore[misc]


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_pins_are_on_the_wanted_lines(key: str) -> None:
    assert CHARTS[key].version.startswith(WANTED_LINES[key])


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_chart_names_match_their_keys_and_repositories_are_https(key: str) -> None:
    assert CHARTS[key].chart == key
    assert CHARTS[key].repository.startswith("https://")


@pytest.mark.parametrize(
    "key", sorted([*CHARTS, *(s for m in SUBCHARTS.values() for s in m.values())])
)
def test_every_chart_has_a_fixture_with_a_source_line(key: str) -> None:
    assert fixture_path(key).is_file()
    source = source_line(key)
    assert source["path"].endswith("values.yaml")
    assert load_documented_values(key)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=FIXTURE_GAPS[key]))
        if key in FIXTURE_GAPS
        else key
        for key in sorted(CHARTS)
    ],
)
def test_fixture_was_read_at_the_pinned_version(key: str) -> None:
    assert fixture_version(key) == CHARTS[key].version


@pytest.mark.parametrize("key", sorted(KEY_PATHS))
def test_key_paths_are_documented(key: str) -> None:
    documented = load_documented_values(key)
    assert unknown_paths(_nested(KEY_PATHS[key]), documented, OPEN_MAPS.get(key, ())) == []
