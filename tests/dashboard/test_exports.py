"""Spreadsheet exports never turn seller text into a formula (OWASP CSV injection): a
seller's item named like a formula is ordered through the real flow on each store, and the
department's CSV and XLSX exports show it as text."""

from __future__ import annotations

import csv
import dataclasses
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from adapter.core.clock import FixedClock
from adapter.dashboard.exports import neutralised, to_csv, to_xlsx
from adapter.dashboard.views import Table
from tests.orders.shop import ADMIN, cart, confirm_message, demo_item, init_message, shop

FORMULA = '=HYPERLINK("http://x","y")'


def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote() -> None:
    for text in (FORMULA, "+91 98", "-1+1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralised(text) == "'" + text
    for text in ("शॉल", "Kullu Shawl", "", "1-2"):
        assert neutralised(text) == text


def test_numbers_stay_numbers_and_text_stays_text_in_both_formats() -> None:
    table = Table("t", "T", ["name", "value"], ["Name", "-Value"],
                  [[FORMULA, Decimal("-12.50")], ["शॉल", 3]])  # fmt: skip
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows == [["Name", "'-Value"], ["'" + FORMULA, "-12.50"], ["शॉल", "3"]]
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Name", "-Value"],
        [FORMULA, -12.5],
        ["शॉल", 3],
    ]
    assert [c.data_type for c in sheet[2]] == ["s", "n"]


async def test_a_seller_item_named_like_a_formula_exports_as_text(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kullu")
        code = entry["seller"]["code"]
        found = await s.runtime.orders.seller(code)
        assert found is not None
        goods = [record for record, _ in await s.runtime.catalogue.items_of(code)]
        # Out of any ODOP district, the item's own name is its product in the figures.
        goods = [
            dataclasses.replace(g, name=FORMULA, gi_tag=FORMULA, odop_district=FORMULA)
            if g.sku == item["sku"]
            else g
            for g in goods
        ]
        await s.runtime.catalogue.upsert(*found, goods, now=clock.now())
        on_select = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        on_init = await s.call("init", init_message(on_select), domain=item["domain"])
        await s.call("confirm", confirm_message(on_init, "ODOP-X1"), domain=item["domain"])

        client = s.net.client
        for table_id in ("by_product", "by_gi", "by_district"):
            shown = await client.get(f"/dashboard/api/tables/{table_id}", headers=ADMIN)
            assert shown.status_code == 200, shown.text
            values = [v for row in shown.json()["rows"] for v in row.values()]
            assert FORMULA in values, f"{table_id} does not show the item: {shown.text}"

            raw = await client.get(f"/dashboard/export/{table_id}.csv", headers=ADMIN)
            assert raw.status_code == 200
            rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
            cells = [cell for row in rows[1:] for cell in row]
            assert "'" + FORMULA in cells, rows
            assert FORMULA not in cells, f"{table_id}.csv has a live formula: {rows}"

            xlsx = await client.get(f"/dashboard/export/{table_id}.xlsx", headers=ADMIN)
            assert xlsx.status_code == 200
            sheet = load_workbook(io.BytesIO(xlsx.content)).active
            assert sheet is not None
            matching = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
            assert matching, f"{table_id}.xlsx lost the item's text"
            assert {c.data_type for c in matching} == {"s"}, f"{table_id}.xlsx has a formula"
