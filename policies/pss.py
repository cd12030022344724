"""Every control of the Pod Security Standards, baseline and restricted, one policy each.

Rules and allowed values follow https://kubernetes.io/docs/concepts/security/pod-security-standards/
and kubernetes/pod-security-admission `policy/check_*.go` (read at commit 8f84a87) at their
v1.35 behaviour, the version the clusters run: including the user-namespace (`hostUsers: false`)
relaxations and the Windows exemptions that the admission code applies. `pod_security.py`
decides, from the namespace, which pods a control applies to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter

from pulumi_policy import Policy

from .define import Config, list_setting, violation
from .pod_security import BASELINE, RESTRICTED, Control, Pod, annotation, annotation_keys, warn_policy
from .pods import container_name, containers
from .props import Props, as_list, as_map, dig, number, strings

# Values each control allows (pod-security-admission policy/check_*.go).
BASELINE_CAPABILITIES = [
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]  # fmt: skip
SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
}  # fmt: skip
RESTRICTED_VOLUME_SOURCES = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
    "persistentVolumeClaim", "projected", "secret",
}  # fmt: skip
PROFILE_TYPES = {"RuntimeDefault", "Localhost"}
APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _context(props: Props) -> Props:
    return as_map(props.get("securityContext"))


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _setters(pod: Pod, bad: Callable[[Props], bool]) -> list[str]:
    """`pod` and the containers whose securityContext `bad` flags."""
    found = ["pod"] if bad(_context(pod.spec)) else []
    found += [f'container "{container_name(c)}"' for c in containers(pod.spec) if bad(_context(c))]
    return found


def _report(setters: list[str], problem: str, fix: str) -> Iterator[str]:
    """One violation naming every pod or container in `setters`, if there is any."""
    if setters:
        yield violation(f"{', '.join(setters)} {problem}", fix)


# --- baseline ---------------------------------------------------------------------------------


def check_host_process(pod: Pod, config: Config) -> Iterator[str]:
    yield from _report(
        _setters(pod, lambda sc: dig(sc, "windowsOptions", "hostProcess") is True),
        "run as a Windows HostProcess, with full access to the node",
        "remove securityContext.windowsOptions.hostProcess",
    )


def check_host_namespaces(pod: Pod, config: Config) -> Iterator[str]:
    shared = [key for key in ("hostNetwork", "hostPID", "hostIPC") if pod.spec.get(key) is True]
    if shared:
        yield violation(
            f"pod shares the node's namespaces ({', '.join(shared)})",
            f"remove {', '.join(shared)} from the pod spec; expose ports through a Service",
        )


def check_privileged(pod: Pod, config: Config) -> Iterator[str]:
    for container in containers(pod.spec):
        if dig(container, "securityContext", "privileged") is True:
            yield violation(
                f'container "{container_name(container)}" runs privileged (root on the node)',
                "remove securityContext.privileged or set it to false",
            )


def _added(container: Props) -> list[str]:
    return strings(dig(container, "securityContext", "capabilities", "add"))


def check_baseline_capabilities(pod: Pod, config: Config) -> Iterator[str]:
    allowed = set(config["allowedCapabilities"])
    for container in containers(pod.spec):
        extra = sorted(set(_added(container)) - allowed)
        if extra:
            yield violation(
                f'container "{container_name(container)}" adds capabilities {", ".join(extra)}',
                "remove them from securityContext.capabilities.add; baseline allows only "
                f"{', '.join(sorted(allowed)) or 'none'}",
            )


def check_host_path(pod: Pod, config: Config) -> Iterator[str]:
    for volume in map(as_map, as_list(pod.spec.get("volumes"))):
        if volume.get("hostPath") is not None:
            yield violation(
                f'volume "{volume.get("name")}" mounts {dig(volume, "hostPath", "path")} '
                "from the node",
                "use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim, not hostPath",
            )


def check_host_ports(pod: Pod, config: Config) -> Iterator[str]:
    for container in containers(pod.spec):
        ports = [number(as_map(p).get("hostPort")) for p in as_list(container.get("ports"))]
        used = sorted(f"{p:g}" for p in ports if p)
        if used:
            yield violation(
                f'container "{container_name(container)}" binds host port(s) {", ".join(used)}',
                "remove ports[].hostPort and expose the port through a Service",
            )


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HOOKS = ("postStart", "preStop")


def check_host_probes(pod: Pod, config: Config) -> Iterator[str]:
    for container in containers(pod.spec):
        handlers = [as_map(container.get(p)) for p in _PROBES]
        handlers += [as_map(dig(container, "lifecycle", h)) for h in _HOOKS]
        hosts = sorted(
            {
                host
                for handler in handlers
                for action in ("httpGet", "tcpSocket")
                if (host := dig(handler, action, "host"))
            }
        )
        if hosts:
            yield violation(
                f'container "{container_name(container)}" points probes or lifecycle hooks at '
                f"other hosts ({', '.join(map(str, hosts))}), which the kubelet would call for it",
                "remove httpGet.host / tcpSocket.host so the kubelet probes the pod itself",
            )


def _allowed_apparmor_annotation(value: object) -> bool:
    return value in ("", "runtime/default") or (
        isinstance(value, str) and value.startswith("localhost/")
    )


def check_apparmor(pod: Pod, config: Config) -> Iterator[str]:
    setters = _setters(
        pod,
        lambda sc: "appArmorProfile" in sc
        and dig(sc, "appArmorProfile", "type") not in PROFILE_TYPES,
    )
    setters += [
        f'annotation "{key}"'
        for key in annotation_keys(pod)
        if key.startswith(APPARMOR_ANNOTATION_PREFIX)
        and not _allowed_apparmor_annotation(annotation(pod, key))
    ]
    yield from _report(
        setters,
        "override the runtime's AppArmor profile (e.g. unconfined)",
        'set appArmorProfile.type to "RuntimeDefault" or "Localhost", or leave it unset',
    )


def _bad_selinux(sc: Props) -> bool:
    options = sc.get("seLinuxOptions")
    if options is None:
        return False
    options = as_map(options)
    return (
        (options.get("type") or "") not in SELINUX_TYPES
        or bool(options.get("user"))
        or bool(options.get("role"))
    )


def check_selinux(pod: Pod, config: Config) -> Iterator[str]:
    yield from _report(
        _setters(pod, _bad_selinux),
        "set a custom SELinux user, role or type (such as spc_t, which is unconfined)",
        "remove seLinuxOptions.user and .role; use type container_t, container_init_t, "
        "container_kvm_t or container_engine_t, or leave it unset",
    )


def check_proc_mount(pod: Pod, config: Config) -> Iterator[str]:
    # Baseline accepts any procMount in a user namespace (1.35); restricted never does.
    if pod.level == BASELINE and pod.user_namespace:
        return
    for container in containers(pod.spec):
        mount = dig(container, "securityContext", "procMount")
        if mount is not None and mount != "Default":
            yield violation(
                f'container "{container_name(container)}" sets procMount {mount}, which '
                "exposes /proc paths the runtime masks",
                'remove securityContext.procMount or set it to "Default"',
            )


def _bad_seccomp(sc: Props) -> bool:
    return "seccompProfile" in sc and dig(sc, "seccompProfile", "type") not in PROFILE_TYPES


def check_seccomp_baseline(pod: Pod, config: Config) -> Iterator[str]:
    yield from _report(
        _setters(pod, _bad_seccomp),
        "turn seccomp off (Unconfined)",
        'set seccompProfile.type to "RuntimeDefault" or "Localhost"',
    )


def check_sysctls(pod: Pod, config: Config) -> Iterator[str]:
    names = [as_map(s).get("name") for s in as_list(dig(pod.spec, "securityContext", "sysctls"))]
    unsafe = sorted(str(n) for n in names if n not in SAFE_SYSCTLS)
    if unsafe:
        yield violation(
            f"pod sets sysctls outside the safe set: {', '.join(unsafe)}",
            "remove them; only namespaced sysctls such as net.ipv4.ip_local_port_range are safe",
        )


# --- restricted -------------------------------------------------------------------------------


def check_volume_types(pod: Pod, config: Config) -> Iterator[str]:
    for volume in map(as_map, as_list(pod.spec.get("volumes"))):
        sources = [key for key in volume if key != "name"]
        # No source at all is defaulted to emptyDir by the API server.
        if sources and not any(key in RESTRICTED_VOLUME_SOURCES for key in sources):
            yield violation(
                f'volume "{volume.get("name")}" uses {", ".join(sources)}, '
                "a volume type the restricted profile forbids",
                "use a PersistentVolumeClaim (or configMap, secret, emptyDir, projected, "
                "downwardAPI, csi, ephemeral, image)",
            )


def check_privilege_escalation(pod: Pod, config: Config) -> Iterator[str]:
    for container in containers(pod.spec):
        # Kubernetes allows escalation unless it is switched off explicitly.
        if dig(container, "securityContext", "allowPrivilegeEscalation") is not False:
            yield violation(
                f'container "{container_name(container)}" allows privilege escalation',
                "set securityContext.allowPrivilegeEscalation: false",
            )


def check_run_as_non_root(pod: Pod, config: Config) -> Iterator[str]:
    pod_value = dig(pod.spec, "securityContext", "runAsNonRoot")
    bad = ["pod"] if pod_value is False else []
    for container in containers(pod.spec):
        value = dig(container, "securityContext", "runAsNonRoot")
        # A non-zero runAsUser is not enough: the image may still switch to root.
        if value is False or (value is None and pod_value is not True):
            bad.append(f'container "{container_name(container)}"')
    yield from _report(
        bad,
        "may run as root (runAsNonRoot is not true)",
        "set securityContext.runAsNonRoot: true on the pod (and a non-zero runAsUser)",
    )


def check_run_as_user(pod: Pod, config: Config) -> Iterator[str]:
    yield from _report(
        _setters(pod, lambda sc: number(sc.get("runAsUser")) == 0),
        "run as UID 0",
        "set securityContext.runAsUser to a non-zero UID",
    )


def check_seccomp_restricted(pod: Pod, config: Config) -> Iterator[str]:
    pod_set = dig(pod.spec, "securityContext", "seccompProfile", "type") in PROFILE_TYPES
    bad = _setters(pod, _bad_seccomp)
    unset = [
        container_name(c)
        for c in containers(pod.spec)
        if "seccompProfile" not in _context(c) and not pod_set
    ]
    if bad:
        yield from check_seccomp_baseline(pod, config)
    elif unset:
        yield violation(
            f"no seccomp profile for container(s) {_quoted(unset)}",
            'set securityContext.seccompProfile.type: "RuntimeDefault" on the pod',
        )


def check_restricted_capabilities(pod: Pod, config: Config) -> Iterator[str]:
    for container in containers(pod.spec):
        name = container_name(container)
        if "ALL" not in strings(dig(container, "securityContext", "capabilities", "drop")):
            yield violation(
                f'container "{name}" keeps the default Linux capabilities',
                'set securityContext.capabilities.drop: ["ALL"]',
            )
        extra = sorted(set(_added(container)) - {"NET_BIND_SERVICE"})
        if extra:
            yield violation(
                f'container "{name}" adds capabilities {", ".join(extra)}',
                "restricted allows adding only NET_BIND_SERVICE",
            )


CAPABILITIES_SETTING = list_setting(
    "allowedCapabilities", BASELINE_CAPABILITIES, "Linux capabilities containers may add (baseline)."
)

B, R = BASELINE, RESTRICTED
# The exemptions of pod-security-admission's checks: Windows pods have no Linux security
# context to set, and a pod in its own user namespace (hostUsers: false) is not root on the node.
WINDOWS = attrgetter("windows")
USER_NAMESPACE = attrgetter("user_namespace")
CONTROLS: list[Control] = [
    Control("no-host-process", "Pods run no Windows HostProcess containers.", B,
            check_host_process),
    Control("no-host-namespaces", "Pods do not share the node's network, PID or IPC namespace.", B,
            check_host_namespaces),
    Control("no-privileged-containers", "No container runs privileged.", B, check_privileged),
    Control("no-added-capabilities",
            "Containers add no Linux capabilities beyond the baseline default set.", B,
            check_baseline_capabilities, [CAPABILITIES_SETTING], overridden_in_restricted=True),
    Control("no-host-path-volumes", "Pods do not mount directories of the node (hostPath).", B,
            check_host_path, overridden_in_restricted=True),
    Control("no-host-ports", "Containers bind no host ports.", B, check_host_ports),
    Control("no-host-probes", "Probes and lifecycle hooks target the pod itself, not another host.",
            B, check_host_probes),
    Control("apparmor-not-overridden",
            "Pods keep the runtime's AppArmor profile (or a Localhost one).", B, check_apparmor),
    Control("selinux-options-restricted", "Pods set no custom SELinux user, role or type.", B,
            check_selinux),
    Control("proc-mount-default", "Containers keep the default masked /proc.", B,
            check_proc_mount),
    Control("seccomp-not-unconfined", "Pods do not turn seccomp off.", B, check_seccomp_baseline,
            overridden_in_restricted=True),
    Control("safe-sysctls", "Pods set only the safe, namespaced sysctls.", B, check_sysctls),
    Control("restricted-volume-types",
            "Pods use only the volume types the restricted profile allows.", R,
            check_volume_types),
    Control("no-privilege-escalation", "Containers forbid privilege escalation (setuid binaries).",
            R, check_privilege_escalation, exempt=WINDOWS),
    Control("run-as-non-root", "Containers must run as a non-root user.", R,
            check_run_as_non_root, exempt=USER_NAMESPACE),
    Control("run-as-non-zero-user", "No container sets runAsUser 0.", R, check_run_as_user,
            exempt=USER_NAMESPACE),
    Control("seccomp-profile-required",
            "Pods run with the RuntimeDefault or a Localhost seccomp profile.", R,
            check_seccomp_restricted, exempt=WINDOWS),
    Control("capabilities-drop-all",
            "Containers drop all Linux capabilities and add back at most NET_BIND_SERVICE.", R,
            check_restricted_capabilities, exempt=WINDOWS),
]  # fmt: skip

POLICIES: list[Policy] = [control.policy() for control in CONTROLS]
WARN_POLICIES: list[Policy] = [warn_policy(CONTROLS)]
