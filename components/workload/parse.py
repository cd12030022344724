"""Reads `stacks/workloads.yaml` into `ServiceSpec`s, reporting every problem with its YAML path.

The YAML mirrors the dataclasses one to one (field `min_replicas` is key `minReplicas`) and is
read by the shared config reader (`components/config_reader.py`), so a field added to `spec.py`
is readable from YAML at once and its mistakes read like those of every other file. The one
exception is a probe, whose action is the key itself (`httpGet:`, `tcpSocket:`, `exec:`), as in
the Kubernetes API.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi

from components.config_reader import MISSING, Reader, config_fields, unknown_key_rule
from components.errors import Problems
from components.yaml_input import load_yaml, require_mapping

from .probes import Exec, HttpGet, Probe, TcpSocket
from .spec import ServiceSpec
from .validate import validate_services, validate_spec

_PROBE_ACTIONS: dict[str, type] = {"httpGet": HttpGet, "tcpSocket": TcpSocket, "exec": Exec}
EMPTY_SERVICES = "list at least one service, or delete the file to deploy none"
# What a workloads document's top level must be, for messages about a file that is not one.
EXPECTED = "a mapping with `services:` (delete the file to deploy no services)"


def load_workloads(path: Path, source: str | None = None) -> list[ServiceSpec]:
    """Reads and checks a workloads file; raises one ValidationError listing every problem."""
    name = source or str(path)
    raw = require_mapping(load_yaml(path, name), EXPECTED)
    problems = Problems()
    specs = parse_workloads(raw, problems, name)
    problems.raise_if_any(name)
    return specs


def parse_workloads(raw: Mapping[str, Any], problems: Problems, source: str = "") -> list[ServiceSpec]:
    """The services of a workloads document (`services:` keyed by name), each validated, then
    checked against each other (callers, hosts, namespaces). Problems are recorded, never raised;
    `source` names the document when its root is unusable."""
    if not isinstance(raw, Mapping):
        problems.add("", source or raw, f"a workloads document must be {EXPECTED}")
        return []
    for key in raw:
        if key != "services":
            problems.add(str(key), raw[key], unknown_key_rule(str(key), ["services"]))
    if "services" not in raw:
        if not any(str(key).lower().startswith("servic") for key in raw):  # else misspelt, said above
            problems.add("services", None, f"is required: {EMPTY_SERVICES}")
        return []
    services = raw["services"]
    if services is None or services == {}:
        problems.add("services", services, f"is empty: {EMPTY_SERVICES}")
        return []
    if not problems.check(isinstance(services, Mapping), "services", services,
                          "must map service names to services"):
        return []
    specs, sound = [], []
    for name, entry in services.items():
        with problems.under(f"services.{name}") as scoped:
            if not scoped.check(isinstance(name, str), "", name,
                                f"must be a name, but YAML read {name!r} as a number or boolean: quote it"):
                continue
            before = len(scoped.found)
            entry = _old_ingress_key(entry, scoped, f"services.{name}")
            spec = READER.read(ServiceSpec, entry, scoped, fixed={"name": name})
            if spec is not None and len(scoped.found) == before:
                validate_spec(spec, scoped)
                specs.append(spec)
                if len(scoped.found) == before:
                    sound.append(spec)
    with problems.under("services") as at:
        # Services with problems of their own are left out: a caller naming one is no new mistake.
        validate_services(sound, [str(n) for n in services], at)
    return specs


# Keys of the old `ingress:` field that routes no longer have: the Gateway is the platform's.
_OLD_INGRESS_KEYS = ("gatewayApi", "gateway")


def _old_ingress_key(entry: Any, problems: Problems, where: str) -> Any:
    """`ingress:` (the field's name before routes became HTTPRoutes) read as `route:`, with a
    warning: the route now attaches to the cluster's Gateway; `api: ingress` keeps an Ingress."""
    if not isinstance(entry, Mapping) or "ingress" not in entry:
        return entry
    if not problems.check("route" not in entry, "ingress", entry["ingress"],
                          "is the old name of route: set only route"):
        return {k: v for k, v in entry.items() if k != "ingress"}
    old = entry["ingress"]
    route = {k: v for k, v in old.items() if k not in _OLD_INGRESS_KEYS} if isinstance(old, Mapping) else old
    pulumi.log.warn(
        f"{where}.ingress is deprecated: it is read as route (an HTTPRoute on the cluster's "
        "Gateway, with TLS from cert-manager); rename it to route, and add api: ingress only "
        "if you need an Ingress object (README: Migrating from ingress: to route:)"
    )
    return {**{k: v for k, v in entry.items() if k != "ingress"}, "route": route}


def _probe(raw: Any, problems: Problems) -> Any:
    """A probe: exactly one action key (httpGet, tcpSocket, exec) plus the timing fields."""
    if not problems.check(isinstance(raw, Mapping), "", raw, "must be a mapping"):
        return MISSING
    actions = [key for key in raw if key in _PROBE_ACTIONS]
    if len(actions) != 1:
        known = [*_PROBE_ACTIONS, *PROBE_TIMING]
        misspelt = [key for key in raw if key not in known]
        for key in misspelt:
            problems.add(str(key), raw[key], unknown_key_rule(str(key), known))
        if actions or not misspelt:  # else the misspelt key is the action: said once
            problems.add("", sorted(actions) or None, "must have exactly one of httpGet, tcpSocket or exec")
        return MISSING
    key = actions[0]
    before = len(problems.found)
    with problems.under(key) as at:
        action = READER.read(_PROBE_ACTIONS[key], raw[key], at)
    timing = {k: v for k, v in raw.items() if k != key}
    probe = READER.read(Probe, timing, problems, fixed={"action": action})
    return probe if action is not None and len(problems.found) == before else MISSING


READER = Reader(special={Probe: _probe})
PROBE_TIMING = [key for key in config_fields(Probe) if key != "action"]
