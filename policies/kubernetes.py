"""Policies for Kubernetes objects: pod security, resources, images, exposure, scaling.

Levels follow the Pod Security Standards: what the *baseline* profile forbids (privileged
containers, host namespaces, hostPath, added capabilities) can break out of the container
and is mandatory; the *restricted* profile's extra hardening and general hygiene are advisory.
"""

from __future__ import annotations

from collections.abc import Iterator

from policies.define import (
    ADVISORY,
    MANDATORY,
    Config,
    Setting,
    each_whole,
    list_setting,
    resource_policy,
    violation,
)
from policies.images import from_registries, parse_image
from policies.pods import (
    DEPLOYMENT,
    LONG_RUNNING,
    STATEFUL_SET,
    container_name,
    containers,
    effective_security,
    pod_specs,
)
from policies.props import Props, as_list, as_map, dig, number, present, strings

SERVICE = "kubernetes:core/v1:Service"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
HPA_V1 = "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"
NAMESPACE = "kubernetes:core/v1:Namespace"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
HELM_CHART = "kubernetes:helm.sh/v4:Chart"

INGRESS_CONTROLLER_ANNOTATION = "skyfleet.io/ingress-controller"
POD_SECURITY_LABEL = "pod-security.kubernetes.io/enforce"


def check_probes(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec, include_init=False):
        missing = [p for p in config["requiredProbes"] if not present(container, p)]
        if missing:
            yield violation(
                f'container "{container_name(container)}" has no {" or ".join(missing)}',
                "add an httpGet, tcpSocket, grpc or exec probe so rollouts wait for ready pods "
                "and hung processes get restarted",
            )


def check_resources(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec):
        missing = [
            f"resources.{kind}.{name}"
            for kind, names in (
                ("requests", config["requiredRequests"]),
                ("limits", config["requiredLimits"]),
            )
            for name in names
            if not present(container, "resources", kind, name)
        ]
        if missing:
            yield violation(
                f'container "{container_name(container)}" does not set {", ".join(missing)}',
                "size the container so the scheduler can place it and a leak cannot starve "
                "its node",
            )


def check_run_as_non_root(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec):
        user = number(effective_security(pod_spec, container, "runAsUser"))
        # An explicit non-zero UID is non-root on its own; otherwise runAsNonRoot must say so.
        non_root = user > 0 if user is not None else effective_security(pod_spec, container, "runAsNonRoot") is True
        if not non_root:
            yield violation(
                f'container "{container_name(container)}" may run as root',
                "set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod "
                "or container",
            )


def check_read_only_root(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec):
        if dig(container, "securityContext", "readOnlyRootFilesystem") is not True:
            yield violation(
                f'container "{container_name(container)}" has a writable root filesystem',
                "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where "
                "the process must write",
            )


def check_no_privilege_escalation(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec):
        # Kubernetes allows escalation unless it is switched off explicitly.
        if dig(container, "securityContext", "allowPrivilegeEscalation") is not False:
            yield violation(
                f'container "{container_name(container)}" allows privilege escalation',
                "set securityContext.allowPrivilegeEscalation: false",
            )


def _capabilities(container: Props, key: str) -> set[str]:
    names = strings(dig(container, "securityContext", "capabilities", key))
    return {name.upper().removeprefix("CAP_") for name in names}


def check_capabilities_dropped(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec):
        if "ALL" not in _capabilities(container, "drop"):
            yield violation(
                f'container "{container_name(container)}" keeps the default Linux capabilities',
                'set securityContext.capabilities.drop: ["ALL"] and add back only what it needs',
            )


def check_no_added_capabilities(pod_spec: Props, config: Config) -> Iterator[str]:
    allowed = {name.upper() for name in config["allowedCapabilities"]}
    for container in containers(pod_spec):
        extra = sorted(_capabilities(container, "add") - allowed)
        if extra:
            yield violation(
                f'container "{container_name(container)}" adds capabilities {", ".join(extra)}',
                "remove them from securityContext.capabilities.add; only "
                f"{', '.join(sorted(allowed)) or 'none'} may be added",
            )


def check_not_privileged(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec):
        if dig(container, "securityContext", "privileged") is True:
            yield violation(
                f'container "{container_name(container)}" runs privileged (root on the node)',
                "remove securityContext.privileged or set it to false",
            )


def check_host_namespaces(pod_spec: Props, config: Config) -> Iterator[str]:
    shared = [key for key in ("hostNetwork", "hostPID", "hostIPC") if pod_spec.get(key) is True]
    if shared:
        yield violation(
            f"pod shares the node's namespaces ({', '.join(shared)})",
            f"remove {', '.join(shared)} from the pod spec; expose ports through a Service",
        )


def check_host_path(pod_spec: Props, config: Config) -> Iterator[str]:
    for volume in as_list(pod_spec.get("volumes")):
        volume = as_map(volume)
        if present(volume, "hostPath"):
            yield violation(
                f'volume "{volume.get("name")}" mounts {dig(volume, "hostPath", "path")} '
                "from the node",
                "use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim, not hostPath",
            )


def check_image_pinned(pod_spec: Props, config: Config) -> Iterator[str]:
    for container in containers(pod_spec):
        image = container.get("image")
        if not isinstance(image, str):
            continue
        ref = parse_image(image)
        if ref.digest is None and ref.tag in (None, "latest"):
            yield violation(
                f'container "{container_name(container)}" uses unpinned image "{image}"',
                "reference an immutable version tag (e.g. :1.4.2) or a digest (@sha256:...)",
            )


def check_allowed_registries(pod_spec: Props, config: Config) -> Iterator[str]:
    allowed = config["allowedRegistries"]
    if not allowed:  # the default: no list configured, every registry is allowed
        return
    for container in containers(pod_spec):
        image = container.get("image")
        if isinstance(image, str) and not from_registries(parse_image(image), allowed):
            yield violation(
                f'container "{container_name(container)}" pulls "{image}" from a registry '
                "outside the allowed list",
                f"mirror the image into one of: {', '.join(allowed)}",
            )


def _is_ingress_controller(service: Props, config: Config) -> bool:
    name = dig(service, "metadata", "labels", "app.kubernetes.io/name")
    flag = dig(service, "metadata", "annotations", INGRESS_CONTROLLER_ANNOTATION)
    return name in config["ingressControllerNames"] or flag == "true"


def check_load_balancer(service: Props, config: Config) -> Iterator[str]:
    if dig(service, "spec", "type") == "LoadBalancer" and not _is_ingress_controller(
        service, config
    ):
        yield violation(
            "Service of type LoadBalancer exposes the workload outside the ingress controller",
            "use type ClusterIP behind an Ingress; if this is the ingress controller, label it "
            f'app.kubernetes.io/name or annotate {INGRESS_CONTROLLER_ANNOTATION}: "true"',
        )


def _tls_covers(host: str, tls_hosts: list[str]) -> bool:
    parent = host.split(".", 1)[-1]
    return host in tls_hosts or f"*.{parent}" in tls_hosts


def check_ingress_tls(ingress: Props, config: Config) -> Iterator[str]:
    tls = [as_map(entry) for entry in as_list(dig(ingress, "spec", "tls"))]
    fix = "add spec.tls with a secretName (cert-manager issues it) covering every rule host"
    if not tls:
        yield violation("Ingress serves plain HTTP (no spec.tls)", fix)
        return
    tls_hosts = [h for entry in tls for h in strings(entry.get("hosts"))]
    hosts = [
        h
        for rule in as_list(dig(ingress, "spec", "rules"))
        if isinstance(h := as_map(rule).get("host"), str)
    ]
    uncovered = [h for h in hosts if not _tls_covers(h, tls_hosts)]
    if uncovered:
        yield violation(f"Ingress hosts without TLS: {', '.join(uncovered)}", fix)


def check_hpa_bounds(hpa: Props, config: Config) -> Iterator[str]:
    # The API server defaults minReplicas to 1.
    low = number(dig(hpa, "spec", "minReplicas"))
    high = number(dig(hpa, "spec", "maxReplicas"))
    low = 1.0 if low is None else low
    if high is not None and low > high:
        yield violation(
            f"HorizontalPodAutoscaler minReplicas {low:g} exceeds maxReplicas {high:g}",
            "raise maxReplicas or lower minReplicas so that min <= max",
        )


def check_replicas(workload: Props, config: Config) -> Iterator[str]:
    # No `replicas` means an HPA owns the count (the SDK leaves it unset then): nothing to check.
    replicas = number(dig(workload, "spec", "replicas"))
    minimum = config["minReplicas"]
    if replicas is not None and replicas < minimum:
        yield violation(
            f"{workload.get('kind') or 'workload'} runs {replicas:g} replica(s), "
            f"fewer than {minimum:g}",
            f"set spec.replicas to at least {minimum:g} (or attach an HPA) so a node drain or "
            "crash does not take the service down",
        )


def check_namespace_pod_security(namespace: Props, config: Config) -> Iterator[str]:
    level = dig(namespace, "metadata", "labels", POD_SECURITY_LABEL)
    allowed = config["allowedLevels"]
    fix = f"label the namespace {POD_SECURITY_LABEL}: one of {', '.join(allowed)}"
    if level is None:
        yield violation("namespace has no Pod Security admission level", fix)
    elif level not in allowed:
        yield violation(f'namespace enforces Pod Security level "{level}"', fix)


def _local_chart(chart: object) -> bool:
    return isinstance(chart, str) and chart.startswith((".", "/"))


def check_chart_version(release: Props, config: Config) -> Iterator[str]:
    # Helm renders a v3 Release inside the provider, so the pack cannot see its manifests;
    # what it can hold to is an exact chart version. Local chart paths are versioned with
    # the code itself.
    if not present(release, "version") and not _local_chart(release.get("chart")):
        yield violation(
            f'Helm chart "{release.get("chart")}" has no version, so every update may pull '
            "a newer one",
            "set `version` to an exact chart version",
        )


POLICIES = [
    resource_policy(
        name="probes-present",
        description="Long-running containers declare readiness and liveness probes.",
        level=ADVISORY,
        targets=pod_specs(*LONG_RUNNING),
        check=check_probes,
        settings=[
            list_setting(
                "requiredProbes",
                ["readinessProbe", "livenessProbe"],
                "Probes every long-running container must declare.",
            )
        ],
    ),
    resource_policy(
        name="resources-requests-limits",
        description="Containers set resource requests and limits.",
        level=ADVISORY,
        targets=pod_specs(),
        check=check_resources,
        settings=[
            list_setting(
                "requiredRequests", ["cpu", "memory"], "Resources every container must request."
            ),
            # CPU limits are not required by default: they throttle bursts without protecting
            # neighbours (requests already do); memory limits stop a leak from OOM-ing the node.
            list_setting("requiredLimits", ["memory"], "Resources every container must limit."),
        ],
    ),
    resource_policy(
        name="run-as-non-root",
        description="Containers run as a non-root user.",
        level=ADVISORY,
        targets=pod_specs(),
        check=check_run_as_non_root,
    ),
    resource_policy(
        name="read-only-root-filesystem",
        description="Containers mount their root filesystem read-only.",
        level=ADVISORY,
        targets=pod_specs(),
        check=check_read_only_root,
    ),
    resource_policy(
        name="no-privilege-escalation",
        description="Containers forbid privilege escalation (setuid binaries).",
        level=ADVISORY,
        targets=pod_specs(),
        check=check_no_privilege_escalation,
    ),
    resource_policy(
        name="capabilities-drop-all",
        description="Containers drop all Linux capabilities.",
        level=ADVISORY,
        targets=pod_specs(),
        check=check_capabilities_dropped,
    ),
    resource_policy(
        name="no-added-capabilities",
        description="Containers add no Linux capabilities beyond an allowed few.",
        level=MANDATORY,
        targets=pod_specs(),
        check=check_no_added_capabilities,
        settings=[
            list_setting(
                "allowedCapabilities",
                ["NET_BIND_SERVICE"],
                "Linux capabilities containers may add.",
            )
        ],
    ),
    resource_policy(
        name="no-privileged-containers",
        description="No container runs privileged.",
        level=MANDATORY,
        targets=pod_specs(),
        check=check_not_privileged,
    ),
    resource_policy(
        name="no-host-namespaces",
        description="Pods do not share the node's network, PID or IPC namespace.",
        level=MANDATORY,
        targets=pod_specs(),
        check=check_host_namespaces,
    ),
    resource_policy(
        name="no-host-path-volumes",
        description="Pods do not mount directories of the node (hostPath).",
        level=MANDATORY,
        targets=pod_specs(),
        check=check_host_path,
    ),
    resource_policy(
        name="image-pinned",
        description="Container images are pinned to a version tag or digest, never latest.",
        level=ADVISORY,
        targets=pod_specs(),
        check=check_image_pinned,
    ),
    resource_policy(
        name="images-allowed-registries",
        description="Container images come from the allowed registries.",
        level=ADVISORY,
        targets=pod_specs(),
        check=check_allowed_registries,
        settings=[
            list_setting(
                "allowedRegistries", [], "Registry hosts or repository prefixes; empty allows all."
            )
        ],
    ),
    resource_policy(
        name="no-load-balancer-services",
        description="Only the ingress controller exposes a Service of type LoadBalancer.",
        level=MANDATORY,
        targets=each_whole(SERVICE),
        check=check_load_balancer,
        settings=[
            list_setting(
                "ingressControllerNames",
                ["traefik", "ingress-nginx"],
                "app.kubernetes.io/name labels that mark an ingress controller.",
            )
        ],
    ),
    resource_policy(
        name="ingress-tls",
        description="Ingresses terminate TLS for every host.",
        level=MANDATORY,
        targets=each_whole(INGRESS),
        check=check_ingress_tls,
    ),
    resource_policy(
        name="hpa-replica-bounds",
        description="HorizontalPodAutoscalers have minReplicas <= maxReplicas.",
        # Not a security finding, but the API server rejects it at apply time anyway:
        # failing the preview is the cheaper moment to learn that.
        level=MANDATORY,
        targets=each_whole(HPA, HPA_V1),
        check=check_hpa_bounds,
    ),
    resource_policy(
        name="replicas-minimum",
        description="Deployments and StatefulSets with a fixed replica count run enough replicas.",
        level=ADVISORY,
        targets=each_whole(DEPLOYMENT, STATEFUL_SET),
        check=check_replicas,
        settings=[
            Setting(
                "minReplicas",
                2,
                {"type": "integer", "minimum": 1},
                "The fewest replicas a fixed-size workload may run.",
            )
        ],
    ),
    resource_policy(
        name="namespace-pod-security",
        description="Namespaces enforce a Pod Security Standards level.",
        level=ADVISORY,
        targets=each_whole(NAMESPACE),
        check=check_namespace_pod_security,
        settings=[
            list_setting(
                "allowedLevels",
                ["baseline", "restricted"],
                "Accepted values of pod-security.kubernetes.io/enforce.",
            )
        ],
    ),
    resource_policy(
        name="helm-chart-version-pinned",
        description="Helm releases pin an exact chart version.",
        level=ADVISORY,
        targets=each_whole(HELM_RELEASE, HELM_CHART),
        check=check_chart_version,
    ),
]
