"""Helm values Skyfleet sends, checked against the chart's own data in `../shared/k8s-data/charts/`.

Two checks, both offline, for `charts/<chart>-<version>/` (Chart.yaml, values.yaml and, where the
chart ships one, values.schema.json):

- **schema**: the values Helm would compute (chart defaults with the sent values coalesced over
  them) against values.schema.json, as `helm install` does before rendering anything;
- **value paths**: every leaf path sent must exist in the chart's values.yaml as written (keys with
  a null default count: Helm's merge drops them, the file keeps them) or among the schema's
  properties; below a key whose default is `{}` or null, or below a map listed in `OPEN_MAPS`,
  anything goes. Helm silently ignores a path the chart does not know, so a typo would otherwise
  vanish without a word.

Subcharts (Chart.yaml `dependencies`) are read from their own folders and checked under their key.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from skyfleet.analysis.k8s_data import chart_dir
from skyfleet.analysis.values_paths import unknown_paths, with_paths, with_subcharts

# Maps a chart hands to Kubernetes verbatim (`toYaml`) although its values.yaml documents a few
# entries in them (so they are not `{}`): a pod or container security context, resources, env.
OPEN_MAPS: Mapping[str, tuple[str, ...]] = {
    "traefik": ("securityContext", "podSecurityContext", "resources", "ports"),
    "ingress-nginx": ("controller.resources", "controller.config", "controller.extraArgs",
                      "controller.podSecurityContext", "controller.containerSecurityContext"),
    "kube-prometheus-stack": (
        "prometheus.prometheusSpec.resources",
        "prometheus.prometheusSpec.securityContext",
        "alertmanager.alertmanagerSpec.securityContext",
        "alertmanager.config",
        "grafana.grafana.ini",
        "grafana.securityContext",
        "grafana.containerSecurityContext",
        "prometheusOperator.securityContext",
        "prometheusOperator.containerSecurityContext",
        "kube-state-metrics.securityContext",
        "kube-state-metrics.containerSecurityContext",
        "prometheus-node-exporter.securityContext",
        "prometheus-node-exporter.containerSecurityContext",
    ),
    "argo-cd": ("configs.cm", "configs.params", "configs.rbac", "configs.secret.extra",
                "redis-ha.redis.resources", "redis-ha.sentinel.resources",
                "redis-ha.haproxy.resources", "redis-ha.exporter.resources"),
    "metrics-server": ("resources", "securityContext"),
    "cluster-autoscaler": ("extraArgs", "resources"),
    "external-dns": ("resources", "securityContext", "podSecurityContext"),
    # Loki's config blocks are Loki's own configuration file, passed through by the chart.
    "loki": ("loki.limits_config", "loki.compactor", "loki.podSecurityContext", "loki.containerSecurityContext",
             "gateway.podSecurityContext", "singleBinary.resources", "write.resources", "read.resources",
             "backend.resources", "gateway.resources", "sidecar.resources"),
    "alloy": ("alloy.securityContext", "alloy.resources", "configReloader.securityContext",
              "configReloader.resources"),
}

# Keys a chart's templates read although its values.yaml shows them only in a comment: read in
# the templates at the version whose data is in k8s-data (chart, version -> paths, with where).
TEMPLATE_KEYS: Mapping[tuple[str, str], tuple[str, ...]] = {
    # grafana 12.11.1 templates/pvc.yaml:33 and templates/statefulset.yaml:63 read it;
    # values.yaml:492 has `# storageClassName: default`.
    ("grafana", "12.11.1"): ("persistence.storageClassName",),
    # loki 7.3.0 templates/_helpers.tpl:252 and the storage config read bucketNames.chunks;
    # values.yaml:434 has `# bucketNames:` with `#   chunks: FIXME`.
    ("loki", "7.3.0"): ("loki.storage.bucketNames.chunks",),
}


@dataclass(frozen=True)
class ChartData:
    chart: str
    version: str
    folder: Path
    values: dict[str, Any]  # values.yaml as written, subcharts' values merged under their keys
    schema: dict[str, Any] | None
    subchart_schemas: dict[str, dict[str, Any]] = field(default_factory=dict)


# libyaml when PyYAML has it: kube-prometheus-stack's values.yaml alone is 5,000 lines.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


@functools.cache
def chart_data(chart: str, version: str) -> ChartData | None:
    """The chart's data folder read, or None when `charts/<chart>-<version>/` is absent."""
    folder = chart_dir(chart, version)
    if folder is None:
        return None
    values = with_paths(_read_yaml(folder / "values.yaml") or {}, TEMPLATE_KEYS.get((chart, version), ()))
    schema_file = folder / "values.schema.json"
    schema = json.loads(schema_file.read_text()) if schema_file.is_file() else None
    subcharts: dict[str, dict[str, Any]] = {}
    subchart_schemas: dict[str, dict[str, Any]] = {}
    for dependency in (_read_yaml(folder / "Chart.yaml") or {}).get("dependencies") or []:
        sub = chart_data(dependency["name"], str(dependency["version"]))
        if sub is None:
            continue  # a dependency Skyfleet keeps off (prometheus-windows-exporter): no data
        key = dependency.get("alias") or dependency["name"]
        subcharts[key] = sub.values
        if sub.schema is not None:
            subchart_schemas[key] = sub.schema
    return ChartData(chart, version, folder, with_subcharts(values, subcharts), schema,
                     subchart_schemas)


def coalesce(defaults: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's coalescing: sent values over the defaults, maps merged, a sent null deletes."""
    merged: dict[str, Any] = dict(defaults)
    for key, value in sent.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = coalesce(merged[key], value)
        else:
            merged[key] = value
    return merged


def _schema_tree(schema: Mapping[str, Any], root: Mapping[str, Any], depth: int = 0) -> Any:
    """The property names a schema declares, as nested dicts; None where it stays open."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and depth < 40:
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        return _schema_tree({**target, **{k: v for k, v in schema.items() if k != "$ref"}},
                            root, depth + 1)
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        return None
    return {name: _schema_tree(child, root, depth + 1) for name, child in properties.items()}


def _union(base: Any, extra: Any) -> Any:
    if not isinstance(base, Mapping) or not isinstance(extra, Mapping):
        return base if isinstance(base, Mapping) and base else extra if extra else base
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = _union(merged[key], value) if key in merged else value
    return merged


def check_values(chart: str, version: str, sent: Mapping[str, Any]) -> list[str] | None:
    """Every problem of `sent` against the chart's data, sorted; None when the data is absent."""
    data = chart_data(chart, version)
    if data is None:
        return None
    problems: list[str] = []
    documented: Any = data.values
    merged = coalesce(_read_yaml(data.folder / "values.yaml") or {}, sent)
    schemas = [("", data.schema, merged)] if data.schema is not None else []
    schemas += [(f"{key}.", schema, merged.get(key) or {})
                for key, schema in data.subchart_schemas.items()]
    for prefix, schema, instance in schemas:
        validator = jsonschema.validators.validator_for(schema)(schema)
        for error in validator.iter_errors(instance):
            where = ".".join(str(p) for p in error.absolute_path) or "(root)"
            problems.append(f"{prefix}{where}: {error.message} (values.schema.json)")
        tree = _schema_tree(schema, schema)
        if isinstance(tree, Mapping):
            documented = _union(documented, {prefix.rstrip("."): tree} if prefix else tree)
    for path in unknown_paths(sent, documented, OPEN_MAPS.get(chart, ())):
        problems.append(f"{path}: not a value of {chart} {version} (values.yaml)")
    return sorted(problems)
