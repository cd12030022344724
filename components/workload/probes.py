"""Health checks, modelled on cdk8s-plus' `Probe.fromHttpGet` / `fromTcpSocket` / `fromCommand`.

A probe names the container port it checks (`"http"`) rather than repeating its number, so
renumbering a port cannot leave a probe pointing at nothing; `spec.validate_spec` checks the
name exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True, kw_only=True)
class HttpGet:
    path: str
    """URL path requested; must start with '/' (no default)."""
    port: str | int = "http"
    """Container port name or number (default: "http")."""
    scheme: Literal["HTTP", "HTTPS"] = "HTTP"
    """Scheme used by the kubelet (default: "HTTP")."""


@dataclass(frozen=True, kw_only=True)
class TcpSocket:
    port: str | int = "http"
    """Container port name or number the kubelet connects to (default: "http")."""


@dataclass(frozen=True, kw_only=True)
class Exec:
    command: Sequence[str]
    """Command run in the container; exit code 0 is healthy (no default)."""


Action = HttpGet | TcpSocket | Exec


@dataclass(frozen=True, kw_only=True)
class Probe:
    """One health check: what to run plus Kubernetes' timing knobs (defaults are Kubernetes')."""

    action: Action
    """What the kubelet checks (no default); build probes with the factories below."""
    initial_delay_seconds: int = 0
    """Wait before the first check (default: 0; prefer a startup probe for slow starts)."""
    period_seconds: int = 10
    """Seconds between checks (default: 10)."""
    timeout_seconds: int = 1
    """Seconds before one check counts as failed (default: 1)."""
    failure_threshold: int = 3
    """Consecutive failures before acting (default: 3)."""
    success_threshold: int = 1
    """Consecutive successes to recover (default: 1; must be 1 for liveness and startup)."""

    @classmethod
    def http_get(cls, path: str, port: str | int = "http", **timing: Any) -> Probe:
        """An HTTP GET of `path` on `port`; any 2xx or 3xx status is healthy."""
        return cls(action=HttpGet(path=path, port=port), **timing)

    @classmethod
    def tcp(cls, port: str | int = "http", **timing: Any) -> Probe:
        """A TCP connect to `port`; healthy when the connection opens."""
        return cls(action=TcpSocket(port=port), **timing)

    @classmethod
    def exec(cls, command: Sequence[str], **timing: Any) -> Probe:
        """Runs `command` in the container; healthy when it exits 0."""
        return cls(action=Exec(command=tuple(command)), **timing)

    @property
    def port(self) -> str | int | None:
        """The container port this probe checks, or None for a command."""
        return None if isinstance(self.action, Exec) else self.action.port

    def to_kubernetes(self) -> dict[str, Any]:
        """The `Probe` object of the Kubernetes API."""
        body: dict[str, Any]
        if isinstance(self.action, HttpGet):
            body = {
                "httpGet": {
                    "path": self.action.path,
                    "port": self.action.port,
                    "scheme": self.action.scheme,
                }
            }
        elif isinstance(self.action, TcpSocket):
            body = {"tcpSocket": {"port": self.action.port}}
        else:
            body = {"exec": {"command": list(self.action.command)}}
        body.update(
            initialDelaySeconds=self.initial_delay_seconds,
            periodSeconds=self.period_seconds,
            timeoutSeconds=self.timeout_seconds,
            failureThreshold=self.failure_threshold,
            successThreshold=self.success_threshold,
        )
        return body
