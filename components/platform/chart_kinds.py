"""The kinds each pinned chart renders, keyed like `charts.CHARTS` (see `kinds.py` for why).

Read from each chart's templates at the pinned version (the git tag named in `ChartKinds.chart`,
template paths relative to the chart), rendered with the values Skyfleet sends against a
Kubernetes 1.35 API list. A condition names the value path a template tests and the chart's
default for it. Only conditions that decide a kind the cluster may not serve (custom resources,
PodDisruptionBudgets, IngressClasses) are spelled out; the other built-in kinds are listed as
always rendered, which is what the values Skyfleet sends do. Bump a chart in charts.py and this
table together: tests/platform/test_chart_kinds.py fails while they disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

from .kinds import ChartKinds, always, kinds_of, when

_RBAC = "rbac.authorization.k8s.io/v1"
_MONITORING = "monitoring.coreos.com/v1"

# traefik/traefik-helm-chart @ v41.3.0 : traefik/
TRAEFIK = ChartKinds(
    chart="traefik 41.3.0",
    renders=(
        always("apps/v1", "Deployment", "templates/deployment.yaml"),
        always("v1", "Service", "templates/service.yaml"),
        always("v1", "ServiceAccount", "templates/rbac/serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/rbac/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/rbac/clusterrolebinding.yaml"),
        when("networking.k8s.io/v1", "IngressClass", "templates/ingressclass.yaml",
             ("ingressClass.enabled", True)),
        when("policy/v1", "PodDisruptionBudget", "templates/poddisruptionbudget.yaml",
             ("podDisruptionBudget.enabled", False)),
        # `if and (.Values.gateway).enabled (.Values.providers.kubernetesGateway).enabled`
        when("gateway.networking.k8s.io/v1", "Gateway", "templates/gateway.yaml",
             ("gateway.enabled", True), ("providers.kubernetesGateway.enabled", False)),
        when("gateway.networking.k8s.io/v1", "GatewayClass", "templates/gatewayclass.yaml",
             ("gatewayClass.enabled", True), ("providers.kubernetesGateway.enabled", False)),
        when("v1", "Service", "templates/service-metrics.yaml",
             ("metrics.prometheus.service.enabled", False)),
        # Fails the render ("You have to deploy monitoring.coreos.com/v1 first") without the CRD.
        when(_MONITORING, "ServiceMonitor", "templates/servicemonitor.yaml",
             ("metrics.prometheus.serviceMonitor.enabled", False)),
    ),
    # traefik/crds/: Traefik's own CRDs (not the Gateway API's: the chart stopped shipping
    # those in 40.2.0, so they must be installed before this release).
    crds=(
        *kinds_of("traefik.io/v1alpha1", (
            "IngressRoute", "IngressRouteTCP", "IngressRouteUDP", "Middleware", "MiddlewareTCP",
            "ServersTransport", "ServersTransportTCP", "TLSOption", "TLSStore", "TraefikService",
        )),
        *kinds_of("hub.traefik.io/v1alpha1", (
            "AIService", "API", "APIAuth", "APIBundle", "APICatalogItem", "APIPlan", "APIPortal",
            "APIPortalAuth", "APIRateLimit", "APIVersion", "AccessControlPolicy", "ContentItem",
            "ManagedApplication", "ManagedSubscription", "Uplink",
        )),
    ),
)

# kubernetes/ingress-nginx @ helm-chart-4.15.1 : charts/ingress-nginx/
INGRESS_NGINX = ChartKinds(
    chart="ingress-nginx 4.15.1",
    renders=(
        always("apps/v1", "Deployment", "templates/controller-deployment.yaml"),
        always("v1", "ConfigMap", "templates/controller-configmap.yaml"),
        always("v1", "Service", "templates/controller-service.yaml"),
        always("v1", "ServiceAccount", "templates/controller-serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/clusterrolebinding.yaml"),
        always(_RBAC, "Role", "templates/controller-role.yaml"),
        always(_RBAC, "RoleBinding", "templates/controller-rolebinding.yaml"),
        always("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration",
               "templates/admission-webhooks/validating-webhook.yaml"),
        always("batch/v1", "Job", "templates/admission-webhooks/job-patch/job-createSecret.yaml"),
        when("networking.k8s.io/v1", "IngressClass", "templates/controller-ingressclass.yaml",
             ("controller.ingressClassResource.enabled", True)),
        always("policy/v1", "PodDisruptionBudget", "templates/controller-poddisruptionbudget.yaml"),
        when(_MONITORING, "ServiceMonitor", "templates/controller-servicemonitor.yaml",
             ("controller.metrics.enabled", False), ("controller.metrics.serviceMonitor.enabled", False)),
    ),
)

# cert-manager/cert-manager @ v1.21.1 : deploy/charts/cert-manager/
CERT_MANAGER = ChartKinds(
    chart="cert-manager v1.21.1",
    renders=(
        always("apps/v1", "Deployment", "templates/deployment.yaml"),
        always("v1", "Service", "templates/service.yaml"),
        always("v1", "ServiceAccount", "templates/serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/rbac.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/rbac.yaml"),
        always(_RBAC, "Role", "templates/rbac.yaml"),
        always(_RBAC, "RoleBinding", "templates/rbac.yaml"),
        always("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
               "templates/webhook-mutating-webhook.yaml"),
        always("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration",
               "templates/webhook-validating-webhook.yaml"),
        always("batch/v1", "Job", "templates/startupapicheck-job.yaml"),
        when("apiextensions.k8s.io/v1", "CustomResourceDefinition",
             "templates/crd-cert-manager.io_certificates.yaml", ("crds.enabled", False)),
        when("policy/v1", "PodDisruptionBudget", "templates/poddisruptionbudget.yaml",
             ("podDisruptionBudget.enabled", False)),
        when(_MONITORING, "ServiceMonitor", "templates/servicemonitor.yaml",
             ("prometheus.enabled", True), ("prometheus.servicemonitor.enabled", False)),
    ),
    # templates/crd-*.yaml (with crds.enabled): usable only by what waits for the release.
    template_crds=(
        *kinds_of("cert-manager.io/v1", ("Certificate", "CertificateRequest", "ClusterIssuer", "Issuer")),
        *kinds_of("acme.cert-manager.io/v1", ("Challenge", "Order")),
    ),
)

# prometheus-community/helm-charts @ kube-prometheus-stack-88.5.3 : charts/kube-prometheus-stack/
# (with its subcharts grafana 12.11.1, kube-state-metrics 8.4.0, prometheus-node-exporter 4.56.1)
KUBE_PROMETHEUS_STACK = ChartKinds(
    chart="kube-prometheus-stack 88.5.3",
    renders=(
        always("apps/v1", "Deployment", "templates/prometheus-operator/deployment.yaml"),
        always("apps/v1", "Deployment", "charts/kube-state-metrics/templates/deployment.yaml"),
        always("apps/v1", "DaemonSet", "charts/prometheus-node-exporter/templates/daemonset.yaml"),
        always("v1", "Service", "templates/prometheus/service.yaml"),
        always("v1", "ServiceAccount", "templates/prometheus/serviceaccount.yaml"),
        always("v1", "ConfigMap", "templates/grafana/configmaps-datasources.yaml"),
        always("v1", "Secret", "templates/alertmanager/secret.yaml"),
        always(_RBAC, "ClusterRole", "templates/prometheus/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/prometheus/clusterrolebinding.yaml"),
        always(_RBAC, "Role", "templates/prometheus-operator/admission-webhooks/job-patch/role.yaml"),
        always(_RBAC, "RoleBinding",
               "templates/prometheus-operator/admission-webhooks/job-patch/rolebinding.yaml"),
        always("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
               "templates/prometheus-operator/admission-webhooks/mutatingWebhookConfiguration.yaml"),
        always("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration",
               "templates/prometheus-operator/admission-webhooks/validatingWebhookConfiguration.yaml"),
        always("batch/v1", "Job",
               "templates/prometheus-operator/admission-webhooks/job-patch/job-createSecret.yaml"),
        always(_MONITORING, "Prometheus", "templates/prometheus/prometheus.yaml"),
        always(_MONITORING, "Alertmanager", "templates/alertmanager/alertmanager.yaml"),
        always(_MONITORING, "PrometheusRule", "templates/prometheus/rules-1.14/alertmanager.rules.yaml"),
        always(_MONITORING, "ServiceMonitor", "templates/exporters/kubelet/servicemonitor.yaml"),
        when("apps/v1", "Deployment", "charts/grafana/templates/deployment.yaml",
             ("grafana.enabled", True)),
        when("v1", "PersistentVolumeClaim", "charts/grafana/templates/pvc.yaml",
             ("grafana.enabled", True), ("grafana.persistence.enabled", False)),
        when("v1", "Pod", "charts/grafana/templates/tests/test.yaml", ("grafana.enabled", True),
             ("grafana.testFramework.enabled", True)),
        when("policy/v1", "PodDisruptionBudget", "templates/prometheus/podDisruptionBudget.yaml",
             ("prometheus.podDisruptionBudget.enabled", False)),
    ),
    # charts/crds/crds/ (the `crds` subchart's crds/ folder, crds.enabled): installed first.
    crds=(
        *kinds_of(_MONITORING, ("Alertmanager", "PodMonitor", "Probe", "Prometheus",
                                "PrometheusRule", "ServiceMonitor", "ThanosRuler")),
        *kinds_of("monitoring.coreos.com/v1alpha1", ("AlertmanagerConfig", "PrometheusAgent",
                                                     "ScrapeConfig")),
    ),
)

_ARGO_SECTIONS = ("controller", "server", "repoServer", "applicationSet")
# argoproj/argo-helm @ argo-cd-10.1.1 : charts/argo-cd/ (with its subchart redis-ha 4.38.0)
ARGO_CD = ChartKinds(
    chart="argo-cd 10.1.1",
    renders=(
        always("apps/v1", "Deployment", "templates/argocd-server/deployment.yaml"),
        always("apps/v1", "StatefulSet", "templates/argocd-application-controller/statefulset.yaml"),
        always("batch/v1", "Job", "templates/redis-secret-init/job.yaml"),
        always("v1", "ConfigMap", "templates/argocd-configs/argocd-cm.yaml"),
        always("v1", "Secret", "templates/argocd-configs/argocd-secret.yaml"),
        always("v1", "Service", "templates/argocd-server/service.yaml"),
        always("v1", "ServiceAccount", "templates/argocd-server/serviceaccount.yaml"),
        always("networking.k8s.io/v1", "NetworkPolicy",
               "templates/argocd-server/networkpolicy.yaml"),
        always(_RBAC, "ClusterRole", "templates/argocd-server/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/argocd-server/clusterrolebinding.yaml"),
        always(_RBAC, "Role", "templates/argocd-server/role.yaml"),
        always(_RBAC, "RoleBinding", "templates/argocd-server/rolebinding.yaml"),
        when("apiextensions.k8s.io/v1", "CustomResourceDefinition",
             "templates/crds/crd-application.yaml", ("crds.install", True)),
        when("autoscaling/v2", "HorizontalPodAutoscaler", "templates/argocd-server/hpa.yaml",
             ("server.autoscaling.enabled", False)),
        when("policy/v1", "PodDisruptionBudget", "templates/argocd-server/pdb.yaml",
             ("server.pdb.enabled", False)),
        when("apps/v1", "StatefulSet", "charts/redis-ha/templates/redis-ha-statefulset.yaml",
             ("redis-ha.enabled", False)),
        # `{{- if .Values.podDisruptionBudget }}` (and `.Values.haproxy.podDisruptionBudget`).
        when("policy/v1", "PodDisruptionBudget", "charts/redis-ha/templates/redis-ha-pdb.yaml",
             ("redis-ha.enabled", False), ("redis-ha.podDisruptionBudget", False)),
        when("policy/v1", "PodDisruptionBudget", "charts/redis-ha/templates/redis-haproxy-pdb.yaml",
             ("redis-ha.enabled", False), ("redis-ha.haproxy.podDisruptionBudget", False)),
        when("networking.k8s.io/v1", "Ingress", "templates/argocd-server/ingress.yaml",
             ("server.ingress.enabled", False)),
        *(when(_MONITORING, "ServiceMonitor", f"templates/argocd-{section}/servicemonitor.yaml",
               (f"{key}.metrics.enabled", False), (f"{key}.metrics.serviceMonitor.enabled", False))
          for section, key in (("application-controller", "controller"), ("server", "server"),
                               ("repo-server", "repoServer"), ("applicationset", "applicationSet"))),
    ),
    # templates/crds/ (crds.install): usable only by what waits for the release.
    template_crds=kinds_of("argoproj.io/v1alpha1", ("AppProject", "Application", "ApplicationSet")),
)

# kubernetes-sigs/metrics-server @ metrics-server-helm-chart-3.13.1 : charts/metrics-server/
METRICS_SERVER = ChartKinds(
    chart="metrics-server 3.13.1",
    renders=(
        always("apps/v1", "Deployment", "templates/deployment.yaml"),
        always("v1", "Service", "templates/service.yaml"),
        always("v1", "ServiceAccount", "templates/serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/clusterrolebinding.yaml"),
        always(_RBAC, "RoleBinding", "templates/rolebinding.yaml"),
        when("apiregistration.k8s.io/v1", "APIService", "templates/apiservice.yaml",
             ("apiService.create", True)),
        when("policy/v1", "PodDisruptionBudget", "templates/pdb.yaml",
             ("podDisruptionBudget.enabled", False)),
        when(_MONITORING, "ServiceMonitor", "templates/servicemonitor.yaml",
             ("serviceMonitor.enabled", False), ("metrics.enabled", False)),
    ),
)

# kubernetes/autoscaler @ cluster-autoscaler-chart-9.59.0 : charts/cluster-autoscaler/
CLUSTER_AUTOSCALER = ChartKinds(
    chart="cluster-autoscaler 9.59.0",
    renders=(
        always("apps/v1", "Deployment", "templates/deployment.yaml"),
        always("v1", "Service", "templates/service.yaml"),
        always("v1", "ServiceAccount", "templates/serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/clusterrolebinding.yaml"),
        always(_RBAC, "Role", "templates/role.yaml"),
        always(_RBAC, "RoleBinding", "templates/rolebinding.yaml"),
        when("policy/v1", "PodDisruptionBudget", "templates/pdb.yaml",
             ("podDisruptionBudget", True)),
        when(_MONITORING, "ServiceMonitor", "templates/servicemonitor.yaml",
             ("serviceMonitor.enabled", False)),
    ),
)

# kubernetes-sigs/external-dns @ external-dns-helm-chart-1.21.1 : charts/external-dns/
EXTERNAL_DNS = ChartKinds(
    chart="external-dns 1.21.1",
    renders=(
        always("apps/v1", "Deployment", "templates/deployment.yaml"),
        always("v1", "Service", "templates/service.yaml"),
        always("v1", "ServiceAccount", "templates/serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/clusterrolebinding.yaml"),
        when(_MONITORING, "ServiceMonitor", "templates/servicemonitor.yaml",
             ("serviceMonitor.enabled", False)),
    ),
    # crds/dnsendpoints.externaldns.k8s.io.yaml
    crds=("externaldns.k8s.io/v1alpha1 DNSEndpoint",),
)

# grafana/loki @ helm-loki-7.3.0 : production/helm/loki/ (rendered with Skyfleet's values for
# the single-binary layout of dev and the simple scalable layout of production).
LOKI = ChartKinds(
    chart="loki 7.3.0",
    renders=(
        always("apps/v1", "StatefulSet", "templates/single-binary/statefulset.yaml"),
        always("apps/v1", "Deployment", "templates/gateway/deployment-gateway-nginx.yaml"),
        always("v1", "Service", "templates/gateway/service-gateway.yaml"),
        always("v1", "ConfigMap", "templates/config.yaml"),
        always("v1", "ServiceAccount", "templates/serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/backend/clusterrole.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/backend/clusterrolebinding.yaml"),
        # The simple scalable layout's targets each have a PodDisruptionBudget.
        always("policy/v1", "PodDisruptionBudget", "templates/write/poddisruptionbudget-write.yaml"),
        when(_MONITORING, "ServiceMonitor", "templates/monitoring/servicemonitor.yaml",
             ("monitoring.serviceMonitor.enabled", False)),
    ),
)

# grafana/alloy @ helm-chart/1.11.1 : operations/helm/charts/alloy/ (its `crds` subchart is off).
ALLOY = ChartKinds(
    chart="alloy 1.11.1",
    renders=(
        always("apps/v1", "DaemonSet", "templates/controllers/daemonset.yaml"),
        always("v1", "ConfigMap", "templates/configmap.yaml"),
        always("v1", "Service", "templates/service.yaml"),
        always("v1", "ServiceAccount", "templates/serviceaccount.yaml"),
        always(_RBAC, "ClusterRole", "templates/rbac.yaml"),
        always(_RBAC, "ClusterRoleBinding", "templates/rbac.yaml"),
        when(_MONITORING, "ServiceMonitor", "templates/servicemonitor.yaml", ("serviceMonitor.enabled", False)),
    ),
)

CHART_KINDS: Mapping[str, ChartKinds] = {
    "traefik": TRAEFIK,
    "ingress-nginx": INGRESS_NGINX,
    "cert-manager": CERT_MANAGER,
    "kube-prometheus-stack": KUBE_PROMETHEUS_STACK,
    "argo-cd": ARGO_CD,
    "metrics-server": METRICS_SERVER,
    "cluster-autoscaler": CLUSTER_AUTOSCALER,
    "external-dns": EXTERNAL_DNS,
    "loki": LOKI,
    "alloy": ALLOY,
}
