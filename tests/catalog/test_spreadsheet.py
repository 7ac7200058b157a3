"""CSV and XLSX catalogues: one row per item, reported by spreadsheet row."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
from openpyxl import Workbook

from adapter.catalog.importer import read_catalogue_file
from adapter.catalog.spreadsheet import COLUMNS, template_csv, template_xlsx
from tests.fixtures import REPO_ROOT

DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
SELLER = {"code": "seller_code", "name": "seller_name", "name_hi": "seller_name_hi",
          "short_desc": "seller_short_desc", "symbol": "seller_symbol"}  # fmt: skip
LOCATION = {"code": "location_code"}


def _rows() -> list[dict[str, Any]]:
    rows = []
    for entry in DEMO["sellers"]:
        for item in entry["items"]:
            row: dict[str, Any] = {}
            row.update({SELLER.get(k, k): v for k, v in entry["seller"].items()})
            row.update({LOCATION.get(k, k): v for k, v in entry["location"].items()})
            row.update({**item, "images": "|".join(item["images"])})
            row.update(item.get("packaged_commodities", {}))
            food = item.get("prepackaged_food", {})
            row.update({k.lower(): v for k, v in food.items()})
            rows.append({column: row.get(column) for column in COLUMNS})
    return rows


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else v
                         for k, v in row.items()})  # fmt: skip
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_demo_catalogue_as_csv_lands_every_row_with_hindi_intact() -> None:
    accepted, report = read_catalogue_file("odop.csv", _csv(_rows()))
    assert report.problems == []
    assert report.held == []  # statutory columns carried the declarations
    assert len(report.landed) == 19
    names = {item.name_hi for _, _, goods in accepted for item in goods}
    assert "कुल्लू शॉल" in names


def test_the_demo_catalogue_as_xlsx_lands_every_row() -> None:
    accepted, report = read_catalogue_file("odop.xlsx", _xlsx(_rows()))
    assert report.problems == []
    assert len({seller.code for seller, _, _ in accepted}) == 12


def test_a_bad_spreadsheet_row_is_reported_by_its_row_number() -> None:
    rows = _rows()
    rows[4]["mrp"] = "1.00"
    rows[6]["time_to_ship"] = "soon"
    _, report = read_catalogue_file("odop.csv", _csv(rows))
    problems = {p.row.split(" (")[0]: p.reason for p in report.problems}
    assert "above the MRP" in problems["row 6"]
    assert "ISO 8601" in problems["row 8"]
    assert len(report.landed) == 17


def test_templates_hold_every_column_and_a_valid_example() -> None:
    for name, data in (("t.csv", template_csv("Home Decor", "ONDC:RET16")),
                       ("t.xlsx", template_xlsx("Home Decor", "ONDC:RET16"))):  # fmt: skip
        accepted, report = read_catalogue_file(name, data)
        assert report.problems == []
        [(_, _, [item])] = accepted
        assert item.category_id == "Home Decor"


def test_an_unreadable_file_is_one_clear_problem() -> None:
    _, report = read_catalogue_file("odop.xlsx", b"not a workbook")
    [problem] = report.problems
    assert problem.row == "file"
    _, report = read_catalogue_file("odop.pdf", b"%PDF")
    assert "expected a .json, .csv or .xlsx" in report.problems[0].reason
