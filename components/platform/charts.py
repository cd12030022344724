"""The ONE table of Helm charts the platform installs: chart name, repository and pinned version.

Every add-on takes its chart from `CHARTS[key]`, so a version bump is a one-line change here (an
add-on's args can still override `chart_version` / `chart_repository` per stack).

Versions were checked on 2026-11-27 against public release notes (the newest version seen on the
line the product wants). The documented default values kept as test fixtures
(tests/fixtures/chart_values/<key>.yaml) are NOT all of these versions: where the fixture is older,
its first line names the version it was read at, and tests/platform/test_chart_table.py marks the
gap (see docs/chart_values_notes.md before relying on a value path for those charts).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartRef:
    """A chart as Helm resolves it: `chart` from `repository` (https:// or oci://) at `version`."""

    chart: str
    repository: str
    version: str


CHARTS: dict[str, ChartRef] = {
    # Ingress controller (default): Traefik Proxy v3. Chart 41.x renamed the logging keys
    # (logs.general -> log, logs.access -> accessLog). Newest 41.x seen: 41.3.0 (2026-08-21).
    "traefik": ChartRef("traefik", "https://traefik.github.io/charts", "41.3.0"),
    # Ingress controller (alternative). Fixture and pin: 4.12.2 (Chart.yaml read at the fixture's
    # commit). A 4.15.1 was seen in public PRs; the project announced its retirement in 2025.
    "ingress-nginx": ChartRef(
        "ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "4.12.2"
    ),
    # TLS certificates (ACME / ClusterIssuers). Chart versions carry a leading "v".
    # Newest v1.21.x seen: v1.21.2.
    "cert-manager": ChartRef("cert-manager", "https://charts.jetstack.io", "v1.21.2"),
    # Metrics, alerting and dashboards (Prometheus Operator, Alertmanager, Grafana subchart).
    # Newest 88.x seen: 88.6.4 (88.0.0 was released 2026-07; 89.x-91.x exist).
    "kube-prometheus-stack": ChartRef(
        "kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts", "88.6.4"
    ),
    # GitOps delivery (skyfleet:delivery: argocd). Newest 10.x seen: 10.9.0 (2026-09).
    "argo-cd": ChartRef("argo-cd", "https://argoproj.github.io/argo-helm", "10.9.0"),
    # Resource metrics API for HPA and `kubectl top`. 3.14.0 seen (2026-08).
    "metrics-server": ChartRef(
        "metrics-server", "https://kubernetes-sigs.github.io/metrics-server/", "3.14.0"
    ),
    # Node autoscaling for node groups (AWS ASGs and others). 9.59.0 seen (2026-08).
    "cluster-autoscaler": ChartRef(
        "cluster-autoscaler", "https://kubernetes.github.io/autoscaler", "9.59.0"
    ),
    # DNS records for Ingress/Service hostnames. 1.20.0 seen (2026-01).
    "external-dns": ChartRef(
        "external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.20.0"
    ),
}
