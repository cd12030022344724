"""A `delivery: argocd` stack's services as the YAML Argo CD applies from Git.

The stack's program runs offline in this process, exactly as `skyfleet preview` runs it
(`run_stack`). The Fleet it builds then holds, per cluster, the objects Argo CD owns
(`Fleet.git_objects`): rendered by the same pure builders (`components.workload.render`) whose
output Pulumi delivery hands to its resources, and registered nowhere. There is no second
renderer, so the files are what Pulumi delivery would create, the Deployment's checksum apart
(`render.config_map_checksum`: no per-stack key in Git). Each object is written to

    <out>/<stack>/<cluster>/<namespace>/<Kind>-<name>.yaml

one object per file, keys sorted, byte-stable; a file of `<out>/<stack>/` that no object claims
any more is removed (Argo CD then prunes its object). Objects are checked against the Kubernetes
schemas first (`skyfleet.analysis.validate_manifests`, strict) when kubernetes-validate is installed: an
invalid object writes nothing.

`skyfleet preview` writes the same files to `out/<stack>/gitops/`, so `skyfleet diff` and
`skyfleet parity` see an Argo CD stack's services as they see a Pulumi stack's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skyfleet.preview.runner import run_stack
from skyfleet.preview.writers import dump_yaml

if TYPE_CHECKING:
    from components.delivery import GitOpsArgs
    from components.fleet import Fleet

_PLAIN = (str, int, float, bool, type(None))


class RenderError(Exception):
    """The stack cannot be rendered for Argo CD; the message says why."""


@dataclass(frozen=True)
class Rendered:
    """One stack's Argo CD objects: by cluster, and as the files they are written to."""

    stack: str
    gitops: GitOpsArgs
    objects: Mapping[str, list[dict[str, Any]]]  # cluster -> objects
    files: Mapping[str, str]  # "<cluster>/<namespace>/<Kind>-<name>.yaml" -> YAML text


@dataclass
class Changes:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def object_path(cluster: str, obj: Mapping[str, Any]) -> str:
    """Where an object goes below `<out>/<stack>/`: one folder, one Application, per namespace."""
    metadata = obj["metadata"]
    return f"{cluster}/{metadata['namespace']}/{obj['kind']}-{metadata['name']}.yaml"


def git_files(stack: str, fleet: Fleet) -> dict[str, str]:
    """The Fleet's Argo CD objects as files: `<cluster>/<namespace>/<Kind>-<name>.yaml` -> YAML
    ({} for a Fleet that delivers with Pulumi)."""
    files: dict[str, str] = {}
    for cluster, objects in sorted(fleet.git_objects.items()):
        for obj in objects:
            path = object_path(cluster, obj)
            _require_plain(obj, path)
            if path in files:
                raise RenderError(f"stack {stack}: two objects would be written to {path}")
            files[path] = dump_yaml(obj)
    return dict(sorted(files.items()))


def render_stack(project_dir: Path, stack: str) -> Rendered:
    """Runs the stack's program offline and returns the objects Argo CD owns, per cluster.

    Raises PreviewError if the program fails (invalid config included), RenderError if the stack
    does not deliver with Argo CD or an object holds a value known only once deployed.
    """
    from skyfleet.stack.program import collecting_fleets

    with collecting_fleets() as fleets:
        run_stack(project_dir, stack)
    if len(fleets) != 1:
        raise RenderError(f"stack {stack}: the project's program built {len(fleets)} Fleets with "
                          "skyfleet.stack.program.run; `skyfleet render` needs exactly one")
    (fleet,) = fleets
    if fleet.delivery != "argocd" or fleet.gitops is None:
        raise RenderError(
            f"stack {stack} delivers its services with Pulumi (skyfleet:delivery: {fleet.delivery}): "
            "nothing for Argo CD to apply; set skyfleet:delivery: argocd and skyfleet:gitops"
        )
    return Rendered(stack, fleet.gitops, dict(fleet.git_objects), git_files(stack, fleet))


def _require_plain(value: Any, where: str, path: str = "") -> None:
    """Git can only hold values known now: a Pulumi Output (an identity, a secret) is a bug."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _require_plain(item, where, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _require_plain(item, where, f"{path}[{i}]")
    elif not isinstance(value, _PLAIN):
        raise RenderError(
            f"{where}: {path} is a {type(value).__name__}, a value known only once deployed: "
            "it cannot be written to Git (such objects stay with Pulumi, see PULUMI_OWNED_KINDS)"
        )


def schema_problems(rendered: Rendered) -> list[str] | None:
    """Problems of the objects against the Kubernetes schemas; None if kubernetes-validate (a dev
    dependency) is not installed."""
    try:
        from skyfleet.analysis.validate_manifests import validate_manifests
    except ImportError:
        return None
    report = validate_manifests(
        (object_path(cluster, obj), obj) for cluster, objects in rendered.objects.items() for obj in objects
    )
    return [f"{name}: {problem}" for name, found in report.problems.items() for problem in found]


def sync_files(root: Path, files: Mapping[str, str], *, write: bool = True) -> Changes:
    """Makes `root` hold exactly `files`: changed ones (re)written, stale ones removed, empty
    folders removed. With `write=False` only reports what it would do."""
    changes = Changes()
    for rel, text in files.items():
        path = root / rel
        if path.is_file() and path.read_text() == text:
            changes.unchanged.append(rel)
            continue
        changes.written.append(rel)
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    existing = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    for path in existing:
        rel = path.relative_to(root).as_posix()
        if rel not in files:
            changes.removed.append(rel)
            if write:
                path.unlink()
    if write and root.is_dir():
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    return changes



def type_token(obj: Mapping[str, Any]) -> str:
    """The Pulumi type token Pulumi delivery would give the object (`kubernetes:apps/v1:Deployment`)."""
    group, _, version = str(obj["apiVersion"]).rpartition("/")
    return f"kubernetes:{group or 'core'}/{version}:{obj['kind']}"


def with_git_objects(plan: Mapping[str, Any], git_objects: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """`plan` plus each object Argo CD applies from Git, as the resource Pulumi delivery would
    register (same type token, inputs and cluster provider), so the policy pack judges a
    `delivery: argocd` stack's services exactly as it judges a Pulumi-delivered stack's: a
    plain-HTTP Ingress in Git fails the same mandatory policy. For evaluation only: plan.json
    keeps what Pulumi itself registers."""
    stack, project = plan.get("stack", ""), plan.get("project", "skyfleet")
    resources = list(plan.get("resources") or [])
    providers = {r["name"]: r["urn"] for r in resources if r.get("type") == "pulumi:providers:kubernetes"}
    for cluster, objects in sorted(git_objects.items()):
        for obj in objects:
            token = type_token(obj)
            name = f"{cluster}-{obj['metadata'].get('namespace', '')}-{obj['metadata']['name']}"
            resources.append({
                "urn": f"urn:pulumi:{stack}::{project}::argocd:gitops:Application${token}::{name}",
                "type": token, "name": name, "custom": True, "parent": None, "protect": False,
                "dependencies": [], "propertyDependencies": {},
                "provider": providers.get(f"{cluster}-k8s"), "inputs": obj,
            })
    return {**plan, "resources": resources}
