"""The ONE table of Helm charts the platform installs: chart name, repository and pinned version.

Every add-on takes its chart from `CHARTS[key]`, so a version bump is a one-line change here (an
add-on's args can still override `chart_version` / `chart_repository` per stack).

Each chart is pinned at a version whose Chart.yaml, values.yaml (and values.schema.json, where
the chart has one) are in `../shared/k8s-data/charts/<chart>-<version>/`, so every value Skyfleet
sends is checked against that exact version (`skyfleet.analysis.chart_values`, tests/platform/
test_values_sent.py). Newer tags exist for some (argo-cd 10.9.0, kube-prometheus-stack 88.6.4,
metrics-server 3.14.0, cert-manager v1.21.2); none fixes something Skyfleet relies on, so an
unchecked pin is not worth it. Dates are the release tags' commit dates in the upstream
repositories (read 2026-12-01); docs/platform.md has the table with sources.
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
    # Ingress and Gateway API controller (default): Traefik Proxy v3.
    # traefik/traefik-helm-chart v41.3.0, 2026-08-21.
    "traefik": ChartRef("traefik", "https://traefik.github.io/charts", "41.3.0"),
    # Ingress controller (deprecated alternative): its last release. kubernetes/ingress-nginx
    # helm-chart-4.15.1, 2026-03-19, the repository's final commit; retired March 2026.
    "ingress-nginx": ChartRef(
        "ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "4.15.1"
    ),
    # TLS certificates (ACME / ClusterIssuers, Gateway API). Chart versions carry a leading "v".
    # cert-manager/cert-manager v1.21.1, 2026-07-29.
    "cert-manager": ChartRef("cert-manager", "https://charts.jetstack.io", "v1.21.1"),
    # Metrics, alerting and dashboards (Prometheus Operator, Alertmanager, Grafana subchart).
    # prometheus-community/helm-charts kube-prometheus-stack-88.5.3, 2026-08-21.
    "kube-prometheus-stack": ChartRef(
        "kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts", "88.5.3"
    ),
    # GitOps delivery (skyfleet:delivery: argocd). argoproj/argo-helm argo-cd-10.1.1, 2026-07-02.
    "argo-cd": ChartRef("argo-cd", "https://argoproj.github.io/argo-helm", "10.1.1"),
    # Resource metrics API for HPA and `kubectl top`.
    # kubernetes-sigs/metrics-server metrics-server-helm-chart-3.13.1, 2026-06-11.
    "metrics-server": ChartRef(
        "metrics-server", "https://kubernetes-sigs.github.io/metrics-server/", "3.13.1"
    ),
    # Node autoscaling for node groups (AWS ASGs and others).
    # kubernetes/autoscaler cluster-autoscaler-chart-9.59.0, 2026-07-21.
    "cluster-autoscaler": ChartRef(
        "cluster-autoscaler", "https://kubernetes.github.io/autoscaler", "9.59.0"
    ),
    # Logs: Loki, read at grafana/loki @ helm-loki-7.3.0 : production/helm/loki (the chart data
    # in ../shared/k8s-data/charts/loki-7.3.0 is the same version).
    "loki": ChartRef("loki", "https://grafana.github.io/helm-charts", "7.3.0"),
    # The log collector on every node: Grafana Alloy, read at grafana/alloy @ helm-chart/1.11.1 :
    # operations/helm/charts/alloy (../shared/k8s-data/charts/alloy-1.11.1).
    "alloy": ChartRef("alloy", "https://grafana.github.io/helm-charts", "1.11.1"),
    # DNS records for HTTPRoute, Ingress and Service hostnames.
    # kubernetes-sigs/external-dns external-dns-helm-chart-1.21.1, 2026-04-30.
    "external-dns": ChartRef(
        "external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.21.1"
    ),
}
