"""The resource graph of one stack's plan: Graphviz drawing, critical path, dependency closure.

Two kinds of edges come out of plan.json:
- containment: `parent` -> child (components own their children);
- dependency: resource -> each URN in its `dependencies`, and resource -> its explicit `provider`.

What `pulumi up` must walk in order is defined over *custom* resources only (components and
the stack itself are bookkeeping the engine completes instantly). A custom resource B waits for
a custom resource A when
1. B lists A in `dependencies` (the SDK puts both `depends_on` and every input's source there);
2. B lists a component C in `dependencies` and A is a custom descendant of C: depending on a
   component means depending on everything inside it (the Python SDK already sends the
   expanded list; other SDKs and hand-made plans may not). B and its own descendants are
   never expanded into, which would be a cycle;
3. A is B's explicit `provider` (a resource cannot be created before its provider is
   configured; the provider in turn waits for its own inputs, e.g. a cluster's kubeconfig);
4. A is B's `parent` (a custom parent's URN only resolves once it is registered).

The *critical path* is the longest chain A1 <- A2 <- ... <- An of such waits, measured in
resources: even with unbounded parallelism, `pulumi up` creates at least n resources one
after another. Ties go to the lexicographically smallest URNs, so the answer is stable.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

# Components drawn as groups (Graphviz clusters), by type-token prefix.
GROUP_PREFIXES = {
    "skyfleet:cluster:": "cluster",
    "skyfleet:platform:": "platform",
    "skyfleet:workload:": "workload",
}
_GROUP_STYLE = {
    "cluster": 'style="rounded,filled"; fillcolor="#e8f1fb"; color="#4a7ab8"',
    "platform": 'style="rounded,filled"; fillcolor="#fdf6e3"; color="#b58900"',
    "workload": 'style="rounded,filled"; fillcolor="#eaf6ea"; color="#3a8a3a"',
}
CRITICAL_COLOR = "#c0392b"
_WAVE_STYLE = 'style="dashed,rounded"; color="#6c3483"; fontcolor="#6c3483"'


class GraphError(ValueError):
    """The plan's wait-for relation has a cycle (the engine would refuse it too)."""


def group_kind(type_token: str) -> str | None:
    """`cluster`, `platform` or `workload` for a component drawn as a group, else None."""
    for prefix, kind in GROUP_PREFIXES.items():
        if type_token.startswith(prefix):
            return kind
    return None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "contains" (parent -> child), "depends" or "provider" (resource -> dependency)


class ResourceGraph:
    """The resources of one plan.json and the relations between them."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.stack = str(plan.get("stack") or "")
        self.resources: dict[str, Mapping[str, Any]] = {r["urn"]: r for r in plan.get("resources") or []}
        self.children: dict[str, list[str]] = {urn: [] for urn in self.resources}
        for urn, res in sorted(self.resources.items()):
            parent = res.get("parent")
            if parent in self.children:
                self.children[parent].append(urn)

    # --- structure ------------------------------------------------------------------------------

    def is_custom(self, urn: str) -> bool:
        res = self.resources.get(urn)
        return bool(res and res.get("custom"))

    def ancestors(self, urn: str) -> list[str]:
        """Parent, grandparent, ... of `urn` that are in the plan (nearest first)."""
        chain: list[str] = []
        parent = self.resources.get(urn, {}).get("parent")
        while parent in self.resources and parent not in chain:
            chain.append(parent)
            parent = self.resources[parent].get("parent")
        return chain

    def descendants(self, urn: str) -> list[str]:
        found: list[str] = []
        stack = list(reversed(self.children.get(urn, [])))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(reversed(self.children.get(child, [])))
        return found

    def custom_descendants(self, urn: str) -> list[str]:
        return [d for d in self.descendants(urn) if self.is_custom(d)]

    def edges(self) -> list[Edge]:
        """Containment and direct dependency edges as the plan states them (nothing expanded)."""
        result: list[Edge] = []
        for urn, res in sorted(self.resources.items()):
            parent = res.get("parent")
            if parent in self.resources:
                result.append(Edge(parent, urn, "contains"))
            provider = res.get("provider")
            for dep in sorted(set(res.get("dependencies") or [])):
                if dep in self.resources and dep != provider:  # drawn once, as the provider
                    result.append(Edge(urn, dep, "depends"))
            if provider in self.resources:
                result.append(Edge(urn, provider, "provider"))
        return result

    # --- what `pulumi up` waits for ------------------------------------------------------------

    def expand(self, dependency: str, for_urn: str = "") -> set[str]:
        """The custom resources a dependency on `dependency` stands for.

        As the Python SDK expands `depends_on` (pulumi/runtime/rpc.py `_add_dependency`): a
        custom resource stands for itself; a component for its children, recursively through
        nested components but not into the children of a custom resource (those belong to it).
        `for_urn` and its own descendants are never its dependencies.
        """
        if dependency not in self.resources:
            return set()
        if self.is_custom(dependency):
            return {dependency}
        excluded = {for_urn, *self.descendants(for_urn)} if for_urn else set()
        found: set[str] = set()
        todo = list(self.children.get(dependency, []))
        while todo:
            child = todo.pop()
            if child in excluded:
                continue
            if self.is_custom(child):
                found.add(child)
            else:
                todo.extend(self.children.get(child, []))
        return found

    @cached_property
    def waits_for(self) -> dict[str, frozenset[str]]:
        """Custom resource -> the custom resources that must exist before it is created."""
        result: dict[str, frozenset[str]] = {}
        for urn, res in self.resources.items():
            if not res.get("custom"):
                continue
            before: set[str] = set()
            for dep in res.get("dependencies") or []:
                before |= self.expand(dep, urn)
            for ref in (res.get("provider"), res.get("parent")):
                if ref and self.is_custom(ref):
                    before.add(ref)
            before.discard(urn)
            result[urn] = frozenset(before)
        return result

    def topological_order(self) -> list[str]:
        """Custom resources, each after everything it waits for (ties in URN order)."""
        import heapq

        waits = self.waits_for
        pending = {urn: len(deps) for urn, deps in waits.items()}
        dependents: dict[str, list[str]] = {urn: [] for urn in waits}
        for urn, deps in waits.items():
            for dep in deps:
                dependents[dep].append(urn)
        ready = [urn for urn, n in pending.items() if n == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            urn = heapq.heappop(ready)
            order.append(urn)
            for dependent in dependents[urn]:
                pending[dependent] -= 1
                if pending[dependent] == 0:
                    heapq.heappush(ready, dependent)
        if len(order) != len(waits):
            stuck = sorted(urn for urn, n in pending.items() if n > 0)
            raise GraphError(f"dependency cycle among: {', '.join(stuck[:10])}")
        return order

    def critical_path(self) -> list[str]:
        """The longest chain of waits, first-created resource first (see the module doc)."""
        order = self.topological_order()
        length: dict[str, int] = {}
        previous: dict[str, str | None] = {}
        for urn in order:
            best: str | None = None
            for dep in sorted(self.waits_for[urn]):
                if best is None or length[dep] > length[best]:
                    best = dep
            length[urn] = 1 + (length[best] if best else 0)
            previous[urn] = best
        if not length:
            return []
        end = min(length, key=lambda urn: (-length[urn], urn))
        path: list[str] = []
        cursor: str | None = end
        while cursor is not None:
            path.append(cursor)
            cursor = previous[cursor]
        return list(reversed(path))

    def closure(self, urn: str) -> set[str]:
        """Every custom resource that must be created before `urn` (transitively).

        For a component: before any of its custom descendants, excluding those descendants.
        """
        if urn not in self.resources:
            raise KeyError(f"{urn} is not in the plan of {self.stack or 'this stack'}")
        inside = set(self.custom_descendants(urn)) if not self.is_custom(urn) else {urn}
        seen: set[str] = set()
        todo = [dep for member in inside for dep in self.waits_for.get(member, ())]
        while todo:
            dep = todo.pop()
            if dep in seen:
                continue
            seen.add(dep)
            todo.extend(self.waits_for.get(dep, ()))
        return seen - inside

    def implied_edges(self) -> set[tuple[str, str]]:
        """Dependency and provider edges between custom resources that another wait of the same
        resource already implies (B -> A when B also waits for C, which waits for A): left out
        of the drawing, which keeps its meaning and loses most of its clutter."""
        closures: dict[str, set[str]] = {}

        def before(urn: str) -> set[str]:
            if urn not in closures:
                closures[urn] = self.closure(urn)
            return closures[urn]

        implied: set[tuple[str, str]] = set()
        for edge in self.edges():
            if edge.kind == "contains" or not self.is_custom(edge.source):
                continue
            if not self.is_custom(edge.target):
                continue
            others = self.waits_for[edge.source] - {edge.target}
            if any(edge.target in before(other) for other in others):
                implied.add((edge.source, edge.target))
        return implied

    def dependents_closure(self, urn: str) -> set[str]:
        """Every custom resource that waits, transitively, for `urn` (or anything inside it)."""
        if urn not in self.resources:
            raise KeyError(f"{urn} is not in the plan of {self.stack or 'this stack'}")
        inside = set(self.custom_descendants(urn)) if not self.is_custom(urn) else {urn}
        dependents: dict[str, set[str]] = {}
        for member, deps in self.waits_for.items():
            for dep in deps:
                dependents.setdefault(dep, set()).add(member)
        seen: set[str] = set()
        todo = [d for member in inside for d in dependents.get(member, ())]
        while todo:
            item = todo.pop()
            if item not in seen:
                seen.add(item)
                todo.extend(dependents.get(item, ()))
        return seen - inside


# --- helpers other tests use --------------------------------------------------------------------


def find_urn(plan: Mapping[str, Any], type_token: str, name: str | None = None) -> str:
    """The URN of the one resource of `type_token` (and `name`, if given); errors otherwise."""
    matches = [
        r["urn"]
        for r in plan.get("resources") or []
        if r.get("type") == type_token and (name is None or r.get("name") == name)
    ]
    if len(matches) != 1:
        raise LookupError(f"{len(matches)} resources of type {type_token} named {name!r}")
    return matches[0]


def dependency_closure(plan: Mapping[str, Any], urn: str) -> set[str]:
    """Custom resources `pulumi up` must create before `urn` (a component: before its insides).

    For false-dependency tests: `assert db_urn not in dependency_closure(plan, frontend_urn)`.
    """
    return ResourceGraph(plan).closure(urn)


def dependents_closure(plan: Mapping[str, Any], urn: str) -> set[str]:
    """Custom resources that cannot be created until `urn` (or everything inside it) exists."""
    return ResourceGraph(plan).dependents_closure(urn)


def waits_for(plan: Mapping[str, Any], later: str, earlier: str) -> bool:
    """Whether `later` (resource or component) transitively waits for `earlier` (a resource,
    or a component: for everything inside it)."""
    graph = ResourceGraph(plan)
    before = graph.closure(later)
    if graph.is_custom(earlier):
        return earlier in before
    inside = set(graph.custom_descendants(earlier))
    return bool(inside) and inside <= before


def critical_path(plan: Mapping[str, Any]) -> list[str]:
    return ResourceGraph(plan).critical_path()


# --- Graphviz -----------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(res: Mapping[str, Any]) -> str:
    return f"{res.get('name', '')}\n{res.get('type', '')}"


def _group_of(graph: ResourceGraph, urn: str) -> str | None:
    """The nearest grouping component that contains `urn` (itself, if it is one)."""
    for candidate in [urn, *graph.ancestors(urn)]:
        if group_kind(str(graph.resources[candidate].get("type", ""))):
            return candidate
    return None


def wave_of_group(name: str, waves: Sequence[Sequence[str]]) -> int | None:
    """The wave (from 1) of a top-level group: every component of a cluster is named after it
    (`east`, `east-platform`, `east-api`: components/names.py), longest cluster name first."""
    ranked = sorted(((c, n) for n, wave in enumerate(waves, start=1) for c in wave), key=lambda cn: -len(cn[0]))
    return next((n for c, n in ranked if name == c or name.startswith(f"{c}-")), None)


def to_dot(
    plan: Mapping[str, Any], *, critical: Iterable[str] = (), reduce: bool = True,
    waves: Sequence[Sequence[str]] = (),
) -> str:
    """Graphviz DOT of the plan: one `subgraph cluster_N` per cluster, add-on and workload
    component (nested as the components are), dependency edges solid, provider edges dashed,
    containment outside the groups dotted; the critical path drawn in red.

    `reduce` (default): leave out the dependency edges other waits imply (`implied_edges`).
    `waves` (the fleet's, `skyfleet:waves`): with two or more, each wave's clusters, with their
    platform and services, are drawn inside one `wave N` box, in rollout order.
    """
    graph = ResourceGraph(plan)
    implied = graph.implied_edges() if reduce else set()
    on_path = list(critical)
    path_edges = set(zip(on_path[1:], on_path[:-1], strict=False))  # later -> earlier
    path_nodes = set(on_path)

    groups = sorted(u for u, r in graph.resources.items() if group_kind(str(r.get("type", ""))))
    members: dict[str | None, list[str]] = {}
    for urn in sorted(graph.resources):
        owner = _group_of(graph, urn)
        if owner == urn:  # a group's own node sits inside it, so edges to the component land
            members.setdefault(urn, []).append(urn)
            continue
        members.setdefault(owner, []).append(urn)
    subgroups: dict[str | None, list[str]] = {}
    for urn in groups:
        outer = next((a for a in graph.ancestors(urn) if a in set(groups)), None)
        subgroups.setdefault(outer, []).append(urn)
    ids = {urn: f"cluster_{i}" for i, urn in enumerate(groups)}

    lines = [
        f"digraph {_quote(graph.stack or 'plan')} {{",
        "  rankdir=LR;",
        "  compound=true;",
        '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
    ]

    def node_line(urn: str, indent: str) -> str:
        res = graph.resources[urn]
        attrs = [f"label={_quote(_label(res))}", f"tooltip={_quote(urn)}"]
        if not res.get("custom"):
            attrs.append('shape=component, style="dashed"')
        if str(res.get("type", "")).startswith("pulumi:providers:"):
            attrs.append("shape=hexagon")
        if urn in path_nodes:
            attrs.append(f'color="{CRITICAL_COLOR}", penwidth=2')
        return f"{indent}{_quote(urn)} [{', '.join(attrs)}];"

    def emit_group(urn: str, indent: str) -> None:
        res = graph.resources[urn]
        kind = group_kind(str(res.get("type", ""))) or ""
        lines.append(f"{indent}subgraph {ids[urn]} {{")
        title = f"{kind}: {res.get('name', '')}"
        lines.append(f"{indent}  label={_quote(title)};")
        lines.append(f"{indent}  {_GROUP_STYLE.get(kind, '')};")
        for member in members.get(urn, []):
            lines.append(node_line(member, indent + "  "))
        for inner in subgroups.get(urn, []):
            emit_group(inner, indent + "  ")
        lines.append(f"{indent}}}")

    for urn in members.get(None, []):
        lines.append(node_line(urn, "  "))
    top = subgroups.get(None, [])
    in_wave = {urn: wave_of_group(str(graph.resources[urn].get("name", "")), waves) for urn in top}
    for number, wave in enumerate(waves if len(waves) > 1 else (), start=1):
        lines.append(f"  subgraph cluster_wave_{number} {{")
        lines.append(f"    label={_quote(f'wave {number}: ' + ', '.join(wave))};")
        lines.append(f"    {_WAVE_STYLE};")
        for urn in top:
            if in_wave[urn] == number:
                emit_group(urn, "    ")
        lines.append("  }")
    for urn in top:
        if len(waves) < 2 or in_wave[urn] is None:
            emit_group(urn, "  ")

    for edge in graph.edges():
        if (edge.source, edge.target) in implied:
            continue
        if edge.kind == "contains":
            # The groups already show a group's members and the groups nested in it.
            if edge.target in members.get(edge.source, ()) or edge.target in subgroups.get(edge.source, ()):
                continue
            attrs = 'style="dotted", arrowhead=none, color="#999999"'
        elif edge.kind == "provider":
            attrs = 'style="dashed", color="#7f8c8d"'
        else:
            attrs = ""
        if (edge.source, edge.target) in path_edges:
            attrs = f'color="{CRITICAL_COLOR}", penwidth=2' + (f", {attrs}" if attrs else "")
            attrs = attrs.replace(', color="#7f8c8d"', "")
        suffix = f" [{attrs}]" if attrs else ""
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)}{suffix};")
    # Critical-path steps that come from expanding a component dependency have no plan edge.
    plan_edges = {(e.source, e.target) for e in graph.edges() if e.kind != "contains"}
    for later, earlier in sorted(path_edges - plan_edges):
        lines.append(
            f"  {_quote(later)} -> {_quote(earlier)} "
            f'[color="{CRITICAL_COLOR}", penwidth=2, style="dashed", constraint=false];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- writing ------------------------------------------------------------------------------------


@dataclass
class GraphReport:
    stack: str
    dot: Path
    rendered: list[Path] = field(default_factory=list)  # empty when Graphviz is not installed
    critical_path: list[str] = field(default_factory=list)
    resources: int = 0
    custom_resources: int = 0
    edges: int = 0
    implied_edges: int = 0  # left out of the drawing (see `ResourceGraph.implied_edges`)
    warnings: list[str] = field(default_factory=list)
    waves: list[str] = field(default_factory=list)  # "wave 1: canary", ... (two or more waves)

    @property
    def critical_length(self) -> int:
        return len(self.critical_path)

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "dot": str(self.dot),
            "rendered": [str(p) for p in self.rendered],
            "criticalPath": list(self.critical_path),
            "criticalLength": self.critical_length,
            "resources": self.resources,
            "customResources": self.custom_resources,
            "edges": self.edges,
            "impliedEdges": self.implied_edges,
            "waves": list(self.waves),
        }


def render(dot_file: Path, formats: Iterable[str] = ("svg", "png")) -> tuple[list[Path], list[str]]:
    """Runs Graphviz `dot` for each format, if it is installed; returns files and warnings."""
    dot = shutil.which("dot")
    if dot is None:
        return [], ["Graphviz `dot` not found: wrote DOT only (apt-get install graphviz)"]
    written: list[Path] = []
    warnings: list[str] = []
    for fmt in formats:
        target = dot_file.with_suffix(f".{fmt}")
        done = subprocess.run(
            [dot, f"-T{fmt}", str(dot_file), "-o", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            written.append(target)
        else:
            warnings.append(f"dot -T{fmt} failed: {done.stderr.strip()}")
    return written, warnings


def write_graph(
    plan: Mapping[str, Any],
    out_dir: Path,
    *,
    formats: Iterable[str] = ("svg", "png"),
    reduce: bool = True,
    waves: Sequence[Sequence[str]] = (),
) -> GraphReport:
    """Writes `<out_dir>/graph.dot`, `critical-path.json` and, with Graphviz, graph.svg/png;
    with `waves`, the clusters grouped by wave (`to_dot`)."""
    graph = ResourceGraph(plan)
    path = graph.critical_path()
    out_dir.mkdir(parents=True, exist_ok=True)
    dot_file = out_dir / "graph.dot"
    dot_file.write_text(to_dot(plan, critical=path, reduce=reduce, waves=waves))
    rendered, warnings = render(dot_file, formats)
    report = GraphReport(
        stack=graph.stack,
        dot=dot_file,
        rendered=rendered,
        critical_path=path,
        resources=len(graph.resources),
        custom_resources=len(graph.waits_for),
        edges=len(graph.edges()),
        implied_edges=len(graph.implied_edges()) if reduce else 0,
        warnings=warnings,
        waves=[f"wave {n}: {', '.join(w)}" for n, w in enumerate(waves, start=1)] if len(waves) > 1 else [],
    )
    (out_dir / "critical-path.json").write_text(json.dumps(report.to_json(), indent=2, sort_keys=True) + "\n")
    return report


def format_report(report: GraphReport) -> str:
    lines = [
        f"stack {report.stack}: {report.resources} resources "
        f"({report.custom_resources} custom), {report.edges} edges "
        f"({report.implied_edges} implied by others, not drawn)",
        f"graph: {', '.join(str(p) for p in [report.dot, *report.rendered])}",
        f"critical path ({report.critical_length} resources, created one after another):",
    ]
    lines.extend(f"  {i:>2}. {urn}" for i, urn in enumerate(report.critical_path, 1))
    if report.waves:
        lines.append("rollout waves (drawn as boxes; a wave's services wait for the previous wave's Deployments):")
        lines.extend(f"  {line}" for line in report.waves)
    lines.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(lines) + "\n"

