"""components/platform/registry.py: the one table of add-ons."""

from __future__ import annotations

import dataclasses
import typing

from components.platform import ADDONS, PlatformArgs
from components.platform.charts import CHARTS
from components.platform.config import camel


def test_every_platform_args_field_has_exactly_one_registry_row() -> None:
    rows = [addon.key for addon in ADDONS]
    assert sorted(rows) == sorted(PlatformArgs().addons())
    assert len(set(rows)) == len(rows)


def test_each_row_builds_the_component_whose_args_its_field_holds() -> None:
    hints = typing.get_type_hints(PlatformArgs)
    fields = {camel(f.name): hints[f.name] for f in dataclasses.fields(PlatformArgs)}
    for addon in ADDONS:
        assert addon.component.ARGS is fields[addon.key], addon.key


def test_child_names_never_clash() -> None:
    suffixes = [addon.suffix for addon in ADDONS]
    assert len(set(suffixes)) == len(suffixes)


def test_each_add_on_with_a_fixed_layout_names_a_pinned_chart() -> None:
    for addon in ADDONS:
        layout = getattr(addon.component, "LAYOUT", None)
        assert layout is None or layout.chart_key in CHARTS, addon.key


def test_monitoring_is_installed_before_the_add_ons_that_wait_for_its_crds() -> None:
    order = [addon.key for addon in ADDONS]
    assert order.index("monitoring") < order.index("ingress") < order.index("certManager")
    assert order.index("certManager") < order.index("argocd")
