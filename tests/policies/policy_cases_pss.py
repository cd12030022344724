"""Violating and compliant pods for every Pod Security Standards control (policies/pss.py).

Each case puts one pod-bearing resource in namespace "apps", which enforces `restricted` unless
the case says otherwise, so the same input also shows how the namespace's level decides.
The issue's gaps are among them: hostPort, seccomp Unconfined or absent, unsafe sysctls,
procMount Unmasked, SELinux spc_t, AppArmor unconfined, Windows hostProcess, runAsUser
without runAsNonRoot, and restricted volume types.
"""

from __future__ import annotations

from typing import Any

from policy_testing import (
    CONTAINER,
    CRON_JOB,
    DAEMON_SET,
    DELETE,
    DEPLOYMENT,
    JOB,
    POD,
    POD_PATH,
    POD_SPEC,
    REPLICA_SET,
    REPLICATION_CONTROLLER,
    SECURE_DEPLOYMENT,
    STATEFUL_SET,
    Case,
    at,
    in_namespace,
    namespace,
    resource,
)

D = SECURE_DEPLOYMENT
SC = f"{CONTAINER}.securityContext"
POD_SC = f"{POD_PATH}.securityContext"
APPARMOR_KEY = "container.apparmor.security.beta.kubernetes.io/api"


def bad(case_id: str, policy: str, path: str, value: Any, **kw: Any) -> Case:
    """The secure Deployment with `value` at `path`, reported by `policy`."""
    return in_namespace(case_id, policy, DEPLOYMENT, at(D, path, value), violating=True, **kw)


def good(case_id: str, policy: str, path: str, value: Any, **kw: Any) -> Case:
    return in_namespace(case_id, policy, DEPLOYMENT, at(D, path, value), violating=False, **kw)


def _workload(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    name = kind.rsplit(":", 1)[-1]
    template = {"metadata": {"labels": {"app": "api"}}, "spec": spec}
    body = {
        POD: spec,
        CRON_JOB: {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": template}}},
    }.get(kind, {"selector": {"matchLabels": {"app": "api"}}, "template": template})
    return {"kind": name, "metadata": {"name": "api", "namespace": "apps"}, "spec": body}


PRIVILEGED_SPEC = at(POD_SPEC, "containers.0.securityContext.privileged", True)
EVERY_KIND = [
    in_namespace(f"privileged-{kind.rsplit(':', 1)[-1].lower()}", "no-privileged-containers",
                 kind, _workload(kind, PRIVILEGED_SPEC), violating=True)
    for kind in (DEPLOYMENT, STATEFUL_SET, DAEMON_SET, REPLICA_SET, REPLICATION_CONTROLLER, JOB,
                 CRON_JOB, POD)
]  # fmt: skip

NAMESPACE_DECIDES = [
    good("privileged-namespace-allows-privileged", "no-privileged-containers",
         f"{SC}.privileged", True, level="privileged"),
    bad("undeclared-namespace-enforces-baseline", "no-privileged-containers",
        f"{SC}.privileged", True, level=None),
    bad("unlabelled-namespace-enforces-baseline", "no-host-ports",
        f"{CONTAINER}.ports.0.hostPort", 8080, level=None),
    good("baseline-namespace-skips-restricted-controls", "run-as-non-root",
         f"{POD_SC}.runAsNonRoot", DELETE, level="baseline"),
    good("undeclared-namespace-skips-restricted-controls", "seccomp-profile-required",
         f"{POD_SC}.seccompProfile", DELETE, level=None),
    bad("unknown-at-preview-is-a-finding", "no-privileged-containers",
        f"{SC}.privileged", "[unknown]", expect="only known after apply"),
    Case("provider-namespace-decides", "run-as-non-root",
         [namespace("restricted", "team"),
          resource("pulumi:providers:kubernetes", {"namespace": "team"}, "k8s"),
          resource(DEPLOYMENT, at(at(D, "metadata.namespace", DELETE),
                                  f"{POD_SC}.runAsNonRoot", DELETE),
                   provider="urn:pulumi:test::skyfleet::pulumi:providers:kubernetes::k8s")],
         True, expect='namespace "team" enforces restricted'),
]  # fmt: skip

BASELINE = [
    bad("windows-host-process-container", "no-host-process",
        f"{SC}.windowsOptions", {"hostProcess": True}),
    bad("windows-host-process-pod", "no-host-process",
        f"{POD_SC}.windowsOptions", {"hostProcess": True}, expect="pod"),
    good("windows-not-host-process", "no-host-process",
         f"{SC}.windowsOptions", {"hostProcess": False}),
    bad("host-network", "no-host-namespaces", f"{POD_PATH}.hostNetwork", True,
        expect="hostNetwork"),
    bad("host-pid", "no-host-namespaces", f"{POD_PATH}.hostPID", True),
    bad("host-ipc", "no-host-namespaces", f"{POD_PATH}.hostIPC", True),
    good("own-namespaces", "no-host-namespaces", f"{POD_PATH}.hostNetwork", False),
    bad("privileged-container", "no-privileged-containers", f"{SC}.privileged", True),
    bad("privileged-init-container", "no-privileged-containers", f"{POD_PATH}.initContainers",
        [{"name": "setup", "image": "busybox:1.36", "securityContext": {"privileged": True}}],
        expect='"setup"'),
    bad("privileged-ephemeral-container", "no-privileged-containers",
        f"{POD_PATH}.ephemeralContainers",
        [{"name": "debug", "image": "busybox:1.36", "securityContext": {"privileged": True}}],
        expect='"debug"'),
    good("unprivileged", "no-privileged-containers", f"{SC}.privileged", False),
    bad("adds-sys-admin", "no-added-capabilities", f"{SC}.capabilities.add", ["SYS_ADMIN"],
        level="baseline", expect="SYS_ADMIN"),
    bad("adds-net-raw", "no-added-capabilities", f"{SC}.capabilities.add", ["NET_RAW"],
        level="baseline"),
    good("adds-chown-from-default-set", "no-added-capabilities", f"{SC}.capabilities.add",
         ["CHOWN"], level="baseline"),
    good("restricted-capabilities-override-baseline", "no-added-capabilities",
         f"{SC}.capabilities.add", ["SYS_ADMIN"]),
    bad("host-path-volume", "no-host-path-volumes", f"{POD_PATH}.volumes",
        [{"name": "docker", "hostPath": {"path": "/var/run"}}], level="baseline"),
    good("empty-dir-volume", "no-host-path-volumes", f"{POD_PATH}.volumes",
         [{"name": "tmp", "emptyDir": {}}], level="baseline"),
    bad("host-port", "no-host-ports", f"{CONTAINER}.ports.0.hostPort", 8080, expect="8080"),
    good("host-port-zero", "no-host-ports", f"{CONTAINER}.ports.0.hostPort", 0),
    bad("probe-targets-other-host", "no-host-probes", f"{CONTAINER}.readinessProbe.httpGet.host",
        "169.254.169.254", expect="169.254.169.254"),
    bad("hook-targets-other-host", "no-host-probes", f"{CONTAINER}.lifecycle",
        {"preStop": {"httpGet": {"host": "10.0.0.1", "path": "/drain", "port": 80}}}),
    good("probes-target-pod", "no-host-probes", f"{CONTAINER}.livenessProbe.tcpSocket",
         {"port": 8080}),
    bad("apparmor-unconfined-field", "apparmor-not-overridden", f"{SC}.appArmorProfile",
        {"type": "Unconfined"}),
    bad("apparmor-unconfined-annotation", "apparmor-not-overridden",
        "spec.template.metadata.annotations", {APPARMOR_KEY: "unconfined"}, expect=APPARMOR_KEY),
    good("apparmor-runtime-default", "apparmor-not-overridden", f"{POD_SC}.appArmorProfile",
         {"type": "RuntimeDefault"}),
    good("apparmor-localhost-annotation", "apparmor-not-overridden",
         "spec.template.metadata.annotations", {APPARMOR_KEY: "localhost/api"}),
    bad("selinux-spc-t", "selinux-options-restricted", f"{SC}.seLinuxOptions", {"type": "spc_t"}),
    bad("selinux-custom-user", "selinux-options-restricted", f"{POD_SC}.seLinuxOptions",
        {"user": "system_u"}, expect="pod"),
    good("selinux-container-t", "selinux-options-restricted", f"{SC}.seLinuxOptions",
         {"type": "container_t", "level": "s0:c123,c456"}),
    bad("proc-mount-unmasked", "proc-mount-default", f"{SC}.procMount", "Unmasked"),
    good("proc-mount-default", "proc-mount-default", f"{SC}.procMount", "Default"),
    in_namespace("unmasked-in-user-namespace-baseline", "proc-mount-default", DEPLOYMENT,
                 at(at(D, f"{SC}.procMount", "Unmasked"), f"{POD_PATH}.hostUsers", False),
                 violating=False, level="baseline"),
    in_namespace("unmasked-in-user-namespace-restricted", "proc-mount-default", DEPLOYMENT,
                 at(at(D, f"{SC}.procMount", "Unmasked"), f"{POD_PATH}.hostUsers", False),
                 violating=True),
    bad("seccomp-unconfined", "seccomp-not-unconfined", f"{SC}.seccompProfile",
        {"type": "Unconfined"}, level="baseline", expect="Unconfined"),
    good("seccomp-absent-is-baseline", "seccomp-not-unconfined", f"{POD_SC}.seccompProfile",
         DELETE, level="baseline"),
    bad("unsafe-sysctl", "safe-sysctls", f"{POD_SC}.sysctls",
        [{"name": "kernel.msgmax", "value": "65536"}], expect="kernel.msgmax"),
    good("safe-sysctl", "safe-sysctls", f"{POD_SC}.sysctls",
         [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"}]),
]  # fmt: skip

RESTRICTED = [
    bad("nfs-volume", "restricted-volume-types", f"{POD_PATH}.volumes",
        [{"name": "shared", "nfs": {"server": "nfs.local", "path": "/exports"}}], expect="nfs"),
    bad("host-path-in-restricted", "restricted-volume-types", f"{POD_PATH}.volumes",
        [{"name": "docker", "hostPath": {"path": "/var/run"}}], expect="hostPath"),
    good("pvc-and-empty-dir", "restricted-volume-types", f"{POD_PATH}.volumes",
         [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
          {"name": "tmp", "emptyDir": {}}]),
    good("volume-without-source-is-empty-dir", "restricted-volume-types", f"{POD_PATH}.volumes",
         [{"name": "scratch"}]),
    good("nfs-in-baseline-namespace", "restricted-volume-types", f"{POD_PATH}.volumes",
         [{"name": "shared", "nfs": {"server": "nfs.local", "path": "/"}}], level="baseline"),
    bad("escalation-by-default", "no-privilege-escalation",
        f"{SC}.allowPrivilegeEscalation", DELETE),
    good("escalation-off", "no-privilege-escalation", f"{SC}.allowPrivilegeEscalation", False),
    in_namespace("windows-pod-needs-no-escalation-flag", "no-privilege-escalation", DEPLOYMENT,
                 at(at(D, f"{SC}.allowPrivilegeEscalation", DELETE), f"{POD_PATH}.os",
                    {"name": "windows"}), violating=False),
    bad("run-as-user-without-run-as-non-root", "run-as-non-root", f"{POD_SC}",
        {"runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}}),
    bad("container-run-as-non-root-false", "run-as-non-root", f"{SC}.runAsNonRoot", False),
    in_namespace("pod-level-non-root", "run-as-non-root", DEPLOYMENT, D, violating=False),
    in_namespace("container-level-non-root", "run-as-non-root", DEPLOYMENT,
                 at(at(D, f"{POD_SC}.runAsNonRoot", DELETE), f"{SC}.runAsNonRoot", True),
                 violating=False),
    good("user-namespace-may-run-as-root", "run-as-non-root", f"{POD_PATH}.hostUsers", False),
    bad("container-uid-0", "run-as-non-zero-user", f"{SC}.runAsUser", 0),
    bad("pod-uid-0", "run-as-non-zero-user", f"{POD_SC}.runAsUser", 0, expect="pod"),
    good("non-zero-uid", "run-as-non-zero-user", f"{SC}.runAsUser", 10001),
    bad("no-seccomp-profile", "seccomp-profile-required", f"{POD_SC}.seccompProfile", DELETE,
        expect='"api"'),
    bad("seccomp-unconfined-restricted", "seccomp-profile-required", f"{POD_SC}.seccompProfile",
        {"type": "Unconfined"}),
    good("runtime-default-seccomp", "seccomp-profile-required", f"{POD_SC}.seccompProfile",
         {"type": "RuntimeDefault"}),
    in_namespace("container-localhost-seccomp", "seccomp-profile-required", DEPLOYMENT,
                 at(at(D, f"{POD_SC}.seccompProfile", DELETE), f"{SC}.seccompProfile",
                    {"type": "Localhost", "localhostProfile": "profiles/api.json"}),
                 violating=False),
    bad("drops-only-some", "capabilities-drop-all", f"{SC}.capabilities.drop", ["NET_RAW"]),
    bad("adds-sys-admin-restricted", "capabilities-drop-all", f"{SC}.capabilities.add",
        ["SYS_ADMIN"], expect="SYS_ADMIN"),
    good("drops-all-adds-net-bind-service", "capabilities-drop-all", f"{SC}.capabilities.add",
         ["NET_BIND_SERVICE"]),
]  # fmt: skip

WARN_LABEL = "pod-security.kubernetes.io/warn"
def warning_namespace(enforce: str, warn: str) -> dict[str, Any]:
    ns = namespace(enforce)
    ns["inputs"]["metadata"]["labels"][WARN_LABEL] = warn
    return ns


NO_RUN_AS_NON_ROOT = at(D, f"{POD_SC}.runAsNonRoot", DELETE)
WARNINGS = [
    Case("baseline-namespace-warns-restricted", "pod-security-warn",
         [warning_namespace("baseline", "restricted"), resource(DEPLOYMENT, NO_RUN_AS_NON_ROOT)],
         True, expect="[run-as-non-root]"),
    Case("warned-pod-meets-restricted", "pod-security-warn",
         [warning_namespace("baseline", "restricted"), resource(DEPLOYMENT, D)], False),
    Case("enforced-level-is-not-warned-twice", "pod-security-warn",
         [warning_namespace("restricted", "restricted"), resource(DEPLOYMENT, NO_RUN_AS_NON_ROOT)],
         False),
]  # fmt: skip

CASES = [*EVERY_KIND, *NAMESPACE_DECIDES, *BASELINE, *RESTRICTED, *WARNINGS]
