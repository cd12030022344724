"""Pod Security Standards as stack policies: the namespace's declared level decides.

Each PSS control is one policy. It checks every pod-bearing resource of the stack against the
Pod Security level that the pod's namespace enforces (`pod-security.kubernetes.io/enforce`),
the way Pod Security Admission will at apply time: a baseline control applies in baseline and
restricted namespaces, a restricted control only in restricted ones, and nothing applies in a
namespace that declares `privileged` (the advisory `namespace-pod-security` reports that
namespace instead). A namespace that the stack does not declare, or declares without the
label, is held to `baseline`: the managed clouds admit anything there (their admission default
is privileged), so the pack is the only guard, and baseline is the set of known privilege
escalations. A stricter `warn` or `audit` label makes the advisory `pod-security-warn` report
what admission would only warn about.

Source of every control: https://kubernetes.io/docs/concepts/security/pod-security-standards/
and its implementation, kubernetes/pod-security-admission `policy/check_*.go` (v1.35 rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from pulumi_policy import PolicyResource, StackValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from .define import ADVISORY, MANDATORY, Config, Setting, stack_policy, violation
from .pods import pod_parts
from .props import Props, as_map, dig

NAMESPACE = "kubernetes:core/v1:Namespace"
ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
# Why a namespace enforces a level outside `namespace-pod-security`'s allowed ones (Skyfleet's
# node-exporter namespace: components/platform/addon.py POD_SECURITY_EXCEPTION).
POD_SECURITY_EXCEPTION = "skyfleet.io/pod-security-exception"
# Modes in which admission admits a violating pod but reports it (warning, audit event).
REPORT_LABELS = ("pod-security.kubernetes.io/warn", "pod-security.kubernetes.io/audit")
PRIVILEGED, BASELINE, RESTRICTED = "privileged", "baseline", "restricted"
_RANK = {PRIVILEGED: 0, BASELINE: 1, RESTRICTED: 2}
UNDECLARED_LEVEL = BASELINE
"""The level assumed for a namespace whose enforce label the stack does not show."""


@dataclass(frozen=True)
class Pod:
    """A pod (or a workload's pod template) with the level its namespace enforces."""

    kind: str
    name: str
    namespace: str
    level: str
    metadata: Props
    spec: Props
    warn_level: str | None = None
    """The stricter level the namespace warns or audits at, when it is stricter than `level`."""

    @property
    def windows(self) -> bool:
        return dig(self.spec, "os", "name") == "windows"

    @property
    def user_namespace(self) -> bool:
        """`hostUsers: false`: the pod runs in its own user namespace (relaxes some controls)."""
        return self.spec.get("hostUsers") is False

    def label(self) -> str:
        return f'{self.kind} "{self.name}" (namespace "{self.namespace}" enforces {self.level})'


PodCheck = Callable[[Pod, Config], Iterable[str]]


def _level(value: object) -> str:
    # Pod Security Admission evaluates an unparseable level as restricted.
    return value if isinstance(value, str) and value in _RANK else RESTRICTED


def _stricter(levels: Sequence[str]) -> str | None:
    return max(levels, key=_RANK.__getitem__) if levels else None


def namespace_levels(resources: Sequence[PolicyResource]) -> dict[str, tuple[str, str | None]]:
    """For every namespace the stack declares with Pod Security labels: the level it enforces
    and the stricter level it warns or audits at (None if no stricter one)."""
    levels: dict[str, tuple[str, str | None]] = {}
    for resource in resources:
        if resource.resource_type != NAMESPACE:
            continue
        try:
            name = dig(resource.props, "metadata", "name")
            labels = as_map(dig(resource.props, "metadata", "labels"))
            enforce = labels.get(ENFORCE_LABEL)
            reported = [_level(labels[key]) for key in REPORT_LABELS if labels.get(key) is not None]
        except UnknownValueError:
            continue
        if not isinstance(name, str) or (enforce is None and not reported):
            continue
        level = _level(enforce) if enforce is not None else UNDECLARED_LEVEL
        warn = _stricter(reported)
        levels[name] = (level, warn if warn and _RANK[warn] > _RANK[level] else None)
    return levels


def _namespace_of(resource: PolicyResource) -> str:
    try:
        namespace = dig(resource.props, "metadata", "namespace")
        if namespace is None and resource.provider is not None:
            # The provider's `namespace` is where objects without one land.
            namespace = resource.provider.props.get("namespace")
    except UnknownValueError:
        namespace = None
    return namespace if isinstance(namespace, str) and namespace else "default"


def pods(resources: Sequence[PolicyResource]) -> Iterator[tuple[PolicyResource, Pod]]:
    """Every pod-bearing resource of the stack with its pod and namespace level."""
    levels = namespace_levels(resources)
    for resource in resources:
        parts = pod_parts(resource.resource_type, resource.props)
        if parts is None:
            continue
        metadata, spec = parts
        namespace = _namespace_of(resource)
        try:
            name = dig(resource.props, "metadata", "name") or resource.name
        except UnknownValueError:
            name = resource.name  # auto-named: the name is only known after apply
        kind = resource.resource_type.rsplit(":", 1)[-1]
        level, warn = levels.get(namespace, (UNDECLARED_LEVEL, None))
        yield resource, Pod(kind, str(name), namespace, level, metadata, spec, warn)


@dataclass(frozen=True)
class Control:
    """One Pod Security Standards control: the level it belongs to and its check."""

    name: str
    description: str
    level: str
    check: PodCheck
    settings: Sequence[Setting] = ()
    overridden_in_restricted: bool = False
    """A restricted control replaces this baseline one in restricted namespaces (as Pod
    Security Admission's OverrideCheckIDs do), so a pod is not reported twice for one field."""
    exempt: Callable[[Pod], bool] | None = None
    """The pods the admission code skips for this control (Windows pods for Linux-only fields,
    pods in their own user namespace for the user controls)."""

    def applies_at(self, level: str) -> bool:
        if self.overridden_in_restricted and level == RESTRICTED:
            return False
        return _RANK[level] >= _RANK[self.level]

    def findings(self, pod: Pod, config: Config) -> list[str]:
        try:
            if self.exempt is not None and self.exempt(pod):
                return []
            return list(self.check(pod, config))
        except UnknownValueError as exc:
            # A mandatory control must not pass on a value nobody has seen yet.
            return [
                violation(
                    f"a field this control reads is only known after apply ({exc.message})",
                    "set it to a literal value in the program so the preview can check it",
                )
            ]

    def policy(self) -> StackValidationPolicy:
        """The mandatory policy enforcing this control where the namespace enforces it."""

        def validate(
            resources: Sequence[PolicyResource], config: Config
        ) -> Iterator[tuple[str, str]]:
            for resource, pod in pods(resources):
                if self.applies_at(pod.level):
                    for message in self.findings(pod, config):
                        yield resource.urn, f"{pod.label()}: {message}"

        return stack_policy(
            name=self.name,
            description=self.description,
            level=MANDATORY,
            check=validate,
            settings=self.settings,
        )


def warn_policy(controls: Sequence[Control]) -> StackValidationPolicy:
    """The advisory policy for the controls a namespace warns or audits at but does not enforce."""

    def validate(resources: Sequence[PolicyResource], config: Config) -> Iterator[tuple[str, str]]:
        for resource, pod in pods(resources):
            if pod.warn_level is None:
                continue
            at_warn = replace(pod, level=pod.warn_level)
            for control in controls:
                if control.applies_at(pod.warn_level) and not control.applies_at(pod.level):
                    defaults = {s.name: s.default for s in control.settings}
                    for message in control.findings(at_warn, defaults):
                        yield (
                            resource.urn,
                            f"{pod.label()}, warns at {pod.warn_level}: [{control.name}] {message}",
                        )

    return stack_policy(
        name="pod-security-warn",
        description="Pods meet the stricter level their namespace warns or audits at.",
        level=ADVISORY,
        check=validate,
    )


def annotation(pod: Pod, key: str) -> object:
    """One pod annotation, read without touching the others (which may be unknown)."""
    return as_map(pod.metadata.get("annotations")).get(key)


def annotation_keys(pod: Pod) -> list[str]:
    return [str(key) for key in as_map(pod.metadata.get("annotations"))]
