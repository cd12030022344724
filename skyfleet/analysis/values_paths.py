"""Value paths: which keys a set of Helm values sets, and which of them a chart does not document.

Pure functions over plain mappings (no I/O, no Pulumi). A path is the dotted list of keys from the
top of the values to a leaf: `{"service": {"annotations": {"a": "b"}}}` has the path
`service.annotations.a`. A list is a leaf (the path stops at the key holding it), and so are
scalars, None and an empty mapping.

A chart documents its values in its values.yaml. Many keys there are free-form maps documented as
`{}` (podAnnotations, nodeSelector, resources, service.annotations) or left null: anything below
such a key is accepted. Keys an add-on knows to be free-form although the chart documents a few
entries (argo-cd's `configs.cm`, say) are passed as `open_maps`.

Keys that themselves contain dots (argo-cd's `configs.params."server.insecure"`) are joined with
dots like any other key; matching walks the keys one by one, so they are still found.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

Path = tuple[str, ...]


def _leaf_paths(values: Mapping[Any, Any], prefix: Path = ()) -> Iterator[Path]:
    for key, value in values.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and value:
            yield from _leaf_paths(value, path)
        else:
            yield path


def value_paths(values: Mapping[Any, Any]) -> set[str]:
    """Every dotted leaf path of `values` (lists, scalars, None and `{}` are leaves)."""
    return {".".join(path) for path in _leaf_paths(values)}


def _is_known(path: Path, documented: Mapping[Any, Any], open_maps: frozenset[str]) -> bool:
    node: Any = documented
    for depth, key in enumerate(path):
        if ".".join(path[:depth]) in open_maps and depth > 0:
            return True
        if node is None or (isinstance(node, Mapping) and not node):
            return True  # a free-form map ({}) or a null placeholder: anything below is fine
        if not isinstance(node, Mapping):
            return False  # the chart has a scalar or a list here, not a map
        matches = [value for name, value in node.items() if str(name) == key]
        if not matches:
            return ".".join(path[: depth + 1]) in open_maps
        node = matches[0]
    return True  # the sent path ends on a documented key (a leaf or a whole sub-map)


def unknown_paths(
    sent: Mapping[Any, Any],
    documented: Mapping[Any, Any],
    open_maps: Iterable[str] = (),
) -> list[str]:
    """The leaf paths of `sent` the chart does not document, sorted.

    A sent path is known if it exists in `documented`, if it ends on a documented key (a whole
    sub-map sent as `{}` or a list), or if one of its prefixes is documented as `{}` or null, or
    is listed in `open_maps` (dotted paths of maps the caller knows to be free-form).
    """
    opened = frozenset(open_maps)
    return sorted(
        ".".join(path) for path in _leaf_paths(sent) if not _is_known(path, documented, opened)
    )


def with_subcharts(
    documented: Mapping[Any, Any], subcharts: Mapping[str, Mapping[Any, Any]]
) -> dict[str, Any]:
    """`documented` with each subchart's own documented values merged under its key.

    Helm hands a parent chart's `<subchart>:` block to the subchart, so both the parent's
    entries there (kube-prometheus-stack's `grafana.adminPassword`) and the subchart's own
    values (grafana's `admin.existingSecret`) are valid below that key. A key documented on
    either side is documented; a map left open (`{}` or null) on either side stays open.
    """
    merged = _copy(documented)
    for key in sorted(subcharts):
        own = _copy(subcharts[key])
        merged[key] = _union(own, documented[key]) if key in documented else own
    return merged


def with_paths(documented: Mapping[Any, Any], paths: Iterable[str]) -> dict[str, Any]:
    """`documented` plus each dotted path in `paths` as a null leaf where it is not already there.

    For keys a chart documents only in comments (cert-manager's `# podAnnotations: {}`). A path
    below a documented scalar or list is skipped rather than turning that value into a map.
    """
    result = _copy(documented)
    for dotted in paths:
        node = result
        *parents, leaf = dotted.split(".")
        for key in parents:
            child = node.get(key)
            if key in node and _is_open(child):
                break  # already free-form below here (an absent key is not: it is added)
            if not isinstance(child, dict):
                if key in node:
                    break  # a documented scalar or list
                child = node[key] = {}
            node = child
        else:
            node.setdefault(leaf, None)
    return result


def _is_open(value: Any) -> bool:
    return value is None or (isinstance(value, Mapping) and not value)


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _copy(child) for key, child in value.items()}
    return value


def _union(base: Any, override: Any) -> Any:
    if _is_open(base) or _is_open(override):
        return {} if isinstance(base, Mapping) or isinstance(override, Mapping) else None
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = _copy(base)
        for key, value in override.items():
            name = str(key)
            merged[name] = _union(merged[name], value) if name in merged else _copy(value)
        return merged
    return _copy(override)
