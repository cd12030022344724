"""The price tables (components/cluster/<cloud>/prices.py): every row sourced and dated, and every
shipped stack priced from rows the tables have."""

from __future__ import annotations

import datetime
import re

import pytest

from components.cluster.pricing import Price, PriceTable, Source, cost_models
from skyfleet.analysis.cost import estimate_plan, missing_rows

TABLES = {cloud: model.PRICES for cloud, model in cost_models().items()}
ROWS = [(cloud, row) for cloud, table in TABLES.items() for row in table.rows]


@pytest.mark.parametrize(("cloud", "row"), ROWS, ids=[f"{c}:{r.ref}" for c, r in ROWS])
def test_every_row_names_an_https_source_and_the_date_it_was_read(cloud: str, row: Price) -> None:
    assert row.source.url.startswith("https://"), row
    assert datetime.date.fromisoformat(row.source.read_on) <= datetime.date(2026, 12, 31)
    assert row.usd is None or row.usd >= 0
    assert row.unit in {"hour", "GB-month", "month", "VM-hour", "GB"}


@pytest.mark.parametrize(("cloud", "row"), ROWS, ids=[f"{c}:{r.ref}" for c, r in ROWS])
def test_a_row_without_a_figure_says_why_in_its_source(cloud: str, row: Price) -> None:
    if row.usd is None:
        assert "not readable" in row.source.note


def test_a_table_refuses_two_rows_for_the_same_sku_and_region() -> None:
    source = Source("https://example.com/pricing", "2026-12-01")
    row = Price("compute", "x1", "r1", 1.0, "hour", source)
    with pytest.raises(ValueError, match=re.escape("duplicate row compute/x1@r1")):
        PriceTable("test", [row, row])


def test_every_shipped_stack_is_priced_from_rows_the_tables_have(preview_all) -> None:
    problems = [p for stack in preview_all.stacks() for p in missing_rows(estimate_plan(preview_all.plan(stack)))]
    assert problems == []


def test_a_machine_type_the_table_lacks_is_named_with_the_table_to_add_it_to(preview_all) -> None:
    plan = preview_all.plan("aws-dev")
    for resource in plan["resources"]:
        if resource["type"] == "aws:eks/nodeGroup:NodeGroup" and resource["name"].endswith("general"):
            resource["inputs"]["instanceTypes"] = ["m9z.huge"]
    assert missing_rows(estimate_plan(plan)) == [
        "aws-dev: cluster skyfleet-dev: node pool general: 1..5 x m9z.huge: the price table has no row "
        "ec2-instance/m9z.huge@us-east-1 (add it to components/cluster/aws/prices.py)"
    ]


def test_a_region_the_table_lacks_is_named_on_every_line(preview_all) -> None:
    plan = preview_all.plan("gcp-dev")
    for resource in plan["resources"]:
        if resource["type"] == "pulumi:providers:gcp":
            resource["inputs"]["region"] = "asia-south2"
    problems = missing_rows(estimate_plan(plan))
    assert problems and all("@asia-south2 (add it to components/cluster/gcp/prices.py)" in p for p in problems)
    assert any("e2-standard-4@asia-south2" in p for p in problems)


def test_docs_list_every_row_with_its_figure() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "cost.md").read_text()
    for cloud, row in ROWS:
        usd = "unknown" if row.usd is None else f"{row.usd:g}"
        assert f"| `{cloud}:{row.ref}` | {usd} | {row.unit} |" in docs, row.ref
