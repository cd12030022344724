"""Policies for Kubernetes objects beyond Pod Security: resources, images, scaling, charts.

The Pod Security Standards controls are in `pss.py`, exposure (Services, Ingress, Gateway API)
in `exposure.py`, RBAC and service accounts in `rbac.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

from .define import ADVISORY, MANDATORY, Config, PolicyList, count_setting, each_whole, list_setting, violation
from .images import from_registries, parse_image
from .pod_security import ENFORCE_LABEL as POD_SECURITY_LABEL
from .pod_security import NAMESPACE, POD_SECURITY_EXCEPTION
from .pods import DEPLOYMENT, LONG_RUNNING, STATEFUL_SET, container_name, containers, pod_specs
from .props import Props, dig, number, present

HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
HPA_V1 = "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
HELM_CHART = "kubernetes:helm.sh/v4:Chart"



POLICIES = PolicyList()


@POLICIES.resource(
    "probes-present", ADVISORY, pod_specs(*LONG_RUNNING),
    settings=[
        list_setting(
            "requiredProbes",
            ["readinessProbe", "livenessProbe"],
            "Probes every long-running container must declare.",
        )
    ],
)
def check_probes(pod_spec: Props, config: Config) -> Iterator[str]:
    """Long-running containers declare readiness and liveness probes."""
    for container in containers(pod_spec, include_init=False):
        missing = [p for p in config["requiredProbes"] if not present(container, p)]
        if missing:
            yield violation(
                f'container "{container_name(container)}" has no {" or ".join(missing)}',
                "add an httpGet, tcpSocket, grpc or exec probe so rollouts wait for ready pods "
                "and hung processes get restarted",
            )


@POLICIES.resource(
    "resources-requests-limits", ADVISORY, pod_specs(),
    settings=[
        list_setting("requiredRequests", ["cpu", "memory"], "Resources every container must request."),
        # CPU limits are not required by default: they throttle bursts without protecting
        # neighbours (requests already do); memory limits stop a leak from OOM-ing the node.
        list_setting("requiredLimits", ["memory"], "Resources every container must limit."),
    ],
)
def check_resources(pod_spec: Props, config: Config) -> Iterator[str]:
    """Containers set resource requests and limits."""
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


@POLICIES.resource("read-only-root-filesystem", ADVISORY, pod_specs())
def check_read_only_root(pod_spec: Props, config: Config) -> Iterator[str]:
    """Containers mount their root filesystem read-only."""
    for container in containers(pod_spec):
        if dig(container, "securityContext", "readOnlyRootFilesystem") is not True:
            yield violation(
                f'container "{container_name(container)}" has a writable root filesystem',
                "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where "
                "the process must write",
            )


@POLICIES.resource("image-pinned", ADVISORY, pod_specs())
def check_image_pinned(pod_spec: Props, config: Config) -> Iterator[str]:
    """Container images are pinned to a version tag or digest, never latest."""
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


@POLICIES.resource(
    "images-allowed-registries", ADVISORY, pod_specs(),
    settings=[
        list_setting("allowedRegistries", [], "Registry hosts or repository prefixes; empty allows all.")
    ],
)
def check_allowed_registries(pod_spec: Props, config: Config) -> Iterator[str]:
    """Container images come from the allowed registries."""
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


# Not a security finding, but the API server rejects it at apply time anyway:
# failing the preview is the cheaper moment to learn that.
@POLICIES.resource("hpa-replica-bounds", MANDATORY, each_whole(HPA, HPA_V1))
def check_hpa_bounds(hpa: Props, config: Config) -> Iterator[str]:
    """HorizontalPodAutoscalers have minReplicas <= maxReplicas."""
    # The API server defaults minReplicas to 1.
    low = number(dig(hpa, "spec", "minReplicas"))
    high = number(dig(hpa, "spec", "maxReplicas"))
    low = 1.0 if low is None else low
    if high is not None and low > high:
        yield violation(
            f"HorizontalPodAutoscaler minReplicas {low:g} exceeds maxReplicas {high:g}",
            "raise maxReplicas or lower minReplicas so that min <= max",
        )


@POLICIES.resource(
    "replicas-minimum", ADVISORY, each_whole(DEPLOYMENT, STATEFUL_SET),
    settings=[
        count_setting("minReplicas", 2, "The fewest replicas a fixed-size workload may run.")
    ],
)
def check_replicas(workload: Props, config: Config) -> Iterator[str]:
    """Deployments and StatefulSets with a fixed replica count run enough replicas."""
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


@POLICIES.resource(
    "namespace-pod-security", ADVISORY, each_whole(NAMESPACE),
    settings=[
        list_setting(
            "allowedLevels",
            ["baseline", "restricted"],
            "Accepted values of pod-security.kubernetes.io/enforce.",
        ),
        list_setting(
            "exemptNamespaces",
            ["node-exporter"],
            "Namespaces that may enforce another level, each stating why in the annotation "
            f"{POD_SECURITY_EXCEPTION} (Skyfleet's node-exporter namespace by default).",
        ),
    ],
)
def check_namespace_pod_security(namespace: Props, config: Config) -> Iterator[str]:
    """Namespaces enforce a Pod Security Standards level."""
    level = dig(namespace, "metadata", "labels", POD_SECURITY_LABEL)
    allowed = config["allowedLevels"]
    fix = f"label the namespace {POD_SECURITY_LABEL}: one of {', '.join(allowed)}"
    # A namespace made for exactly the pods that need a looser level (node-exporter's host
    # namespaces and mounts) is exempt only when the pack's config names it (an annotation alone
    # would let any namespace exempt itself), and says why on itself, where a reviewer sees it.
    reason = dig(namespace, "metadata", "annotations", POD_SECURITY_EXCEPTION)
    exempt = dig(namespace, "metadata", "name") in config["exemptNamespaces"]
    if level is None:
        yield violation("namespace has no Pod Security admission level", fix)
    elif level not in allowed and not (exempt and isinstance(reason, str) and reason.strip()):
        yield violation(f'namespace enforces Pod Security level "{level}"',
                        f"{fix}, or (for a namespace listed in exemptNamespaces) state why in the "
                        f"annotation {POD_SECURITY_EXCEPTION}")


def _local_chart(chart: object) -> bool:
    return isinstance(chart, str) and chart.startswith((".", "/"))


@POLICIES.resource("helm-chart-version-pinned", ADVISORY, each_whole(HELM_RELEASE, HELM_CHART))
def check_chart_version(release: Props, config: Config) -> Iterator[str]:
    """Helm releases pin an exact chart version."""
    # Helm renders a v3 Release inside the provider, so the pack cannot see its manifests;
    # what it can hold to is an exact chart version. Local chart paths are versioned with
    # the code itself.
    if not present(release, "version") and not _local_chart(release.get("chart")):
        yield violation(
            f'Helm chart "{release.get("chart")}" has no version, so every update may pull '
            "a newer one",
            "set `version` to an exact chart version",
        )
