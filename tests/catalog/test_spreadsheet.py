"""CSV and XLSX catalogues: one row per item, reported by spreadsheet row."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
import pytest
from openpyxl import Workbook

from adapter.catalog.importer import read_catalogue_file
from adapter.catalog.spreadsheet import COLUMNS, template_columns, template_csv, template_xlsx
from catalog_sync.records import Package
from tests.fixtures import REPO_ROOT

DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
SELLER = {"code": "seller_code", "name": "seller_name", "name_hi": "seller_name_hi",
          "short_desc": "seller_short_desc", "symbol": "seller_symbol"}  # fmt: skip
LOCATION = {"code": "location_code"}
# Every attribute the demo items state, as spreadsheet columns.
ATTRIBUTE_COLUMNS = tuple(
    sorted({f"attribute.{name}" for entry in DEMO["sellers"] for item in entry["items"]
            for name in item.get("attributes", {})})
)  # fmt: skip
HEADER = (*COLUMNS, *ATTRIBUTE_COLUMNS)


def _rows() -> list[dict[str, Any]]:
    rows = []
    for entry in DEMO["sellers"]:
        for item in entry["items"]:
            row: dict[str, Any] = {}
            row.update({SELLER.get(k, k): v for k, v in entry["seller"].items()})
            # A list (a store's fulfilment types) is one cell, "Delivery; Self-Pickup".
            row.update({LOCATION.get(k, k): "; ".join(v) if isinstance(v, list) else v
                        for k, v in entry["location"].items()})  # fmt: skip
            row.update({**item, "images": "|".join(item["images"])})
            row.update(item.get("packaged_commodities", {}))
            food = item.get("prepackaged_food", {})
            row.update({k.lower(): v for k, v in food.items()})
            row.update({f"attribute.{k}": v for k, v in item.get("attributes", {}).items()})
            row.update({f"package_{k}": v for k, v in item.get("package", {}).items()})
            rows.append({column: row.get(column) for column in HEADER})
    return rows


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=rows[0].keys())
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else v
                         for k, v in row.items()})  # fmt: skip
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_demo_catalogue_as_csv_lands_every_row_with_hindi_intact() -> None:
    accepted, report = read_catalogue_file("odop.csv", _csv(_rows()))
    assert report.problems == []
    assert report.held == []  # statutory and attribute columns carried what buyers need
    assert len(report.landed) == 19
    names = {item.name_hi for _, _, goods in accepted for item in goods}
    assert "कुल्लू शॉल" in names
    shawl = next(i for _, _, goods in accepted for i in goods if i.name == "Kullu Shawl")
    assert shawl.attributes["fabric"] == "wool"
    assert shawl.attributes["colour"] == "#2F4F4F"


def test_a_row_without_a_mandatory_attribute_is_held_and_the_attribute_named() -> None:
    rows = _rows()
    shawl = next(n for n, row in enumerate(rows) if row["name"] == "Kinnauri Shawl")
    rows[shawl]["attribute.fabric"] = None
    rows[shawl]["attribute.gender"] = "  "
    _, report = read_catalogue_file("odop.csv", _csv(rows))
    assert report.problems == []
    [held] = report.held
    assert held.row.startswith(f"row {shawl + 2} ")  # the header is row 1
    assert "gender, fabric" in held.reason
    assert "Dupattas & Shawls" in held.reason


def test_attribute_cells_from_a_workbook_become_text() -> None:
    rows = _rows()
    rumal = next(n for n, row in enumerate(rows) if row["name"] == "Chamba Rumal")
    rows[rumal]["attribute.length"] = 60.0  # a number cell, as Excel keeps it
    accepted, report = read_catalogue_file("odop.xlsx", _xlsx(rows))
    assert report.held == []
    item = next(i for _, _, goods in accepted for i in goods if i.name == "Chamba Rumal")
    assert item.attributes["length"] == "60"


def test_the_demo_catalogue_as_xlsx_lands_every_row() -> None:
    accepted, report = read_catalogue_file("odop.xlsx", _xlsx(_rows()))
    assert report.problems == []
    assert len({seller.code for seller, _, _ in accepted}) == 12


def test_package_columns_give_the_item_its_parcel_numbers_cells_too() -> None:
    rows = _rows()
    tea = next(n for n, row in enumerate(rows) if row["name"] == "Kangra Tea")
    rows[tea] |= {"package_weight_kg": 0.55, "package_height_cm": 8.0}  # number cells
    accepted, report = read_catalogue_file("odop.xlsx", _xlsx(rows))
    assert report.problems == []
    item = next(i for _, _, goods in accepted for i in goods if i.name == "Kangra Tea")
    assert item.package == Package(weight_kg="0.55", length_cm="20", breadth_cm="12",
                                   height_cm="8")  # fmt: skip
    shawl = next(i for _, _, goods in accepted for i in goods if i.name == "Kullu Shawl")
    assert shawl.package is None, "no package columns, no package"


def test_a_bad_spreadsheet_row_is_reported_by_its_row_number() -> None:
    rows = _rows()
    rows[4]["mrp"] = "1.00"
    rows[6]["time_to_ship"] = "soon"
    _, report = read_catalogue_file("odop.csv", _csv(rows))
    problems = {p.row.split(" (")[0]: p.reason for p in report.problems}
    assert "above the MRP" in problems["row 6"]
    assert "ISO 8601" in problems["row 8"]
    assert len(report.landed) == 17


@pytest.mark.parametrize(
    ("category", "domain", "attributes"),
    [
        ("Home Decor", "ONDC:RET16", ("brand", "colour", "colour_name", "material")),
        ("Dupattas & Shawls", "ONDC:RET12",
         ("gender", "colour", "colour_name", "size", "brand", "size_chart", "fabric")),
        ("Caps & Hats", "ONDC:RET12",
         ("gender", "colour", "colour_name", "size", "brand", "material")),
        ("Tea and Coffee", "ONDC:RET10", ("brand",)),
    ],
)  # fmt: skip
def test_a_template_per_category_has_its_attribute_columns_and_a_publishable_example(
    category: str, domain: str, attributes: tuple[str, ...]
) -> None:
    assert template_columns(category, domain) == (
        *COLUMNS,
        *(f"attribute.{name}" for name in attributes),
    )
    for name, data in (("t.csv", template_csv(category, domain)),
                       ("t.xlsx", template_xlsx(category, domain))):  # fmt: skip
        accepted, report = read_catalogue_file(name, data)
        assert report.problems == []
        [(_, _, [item])] = accepted
        assert item.category_id == category
        assert tuple(item.attributes) == attributes
        if domain != "ONDC:RET10":  # a grocery example has no statutory declarations filled
            assert report.held == []


def test_an_unreadable_file_is_one_clear_problem() -> None:
    _, report = read_catalogue_file("odop.xlsx", b"not a workbook")
    [problem] = report.problems
    assert problem.row == "file"
    _, report = read_catalogue_file("odop.pdf", b"%PDF")
    assert "expected a .json, .csv or .xlsx" in report.problems[0].reason


def test_a_buyers_text_and_an_item_off_sale_come_from_their_columns() -> None:
    rows = _rows()
    rumal = next(n for n, row in enumerate(rows) if row["name"] == "Chamba Rumal")
    # Number cells, as a workbook keeps them; a flag in words.
    rows[rumal] |= {"text_label": "Name to embroider", "text_max_length": 12.0,
                    "text_characters": "letters", "text_price": 150,
                    "text_required": "no"}  # fmt: skip
    shawl = next(n for n, row in enumerate(rows) if row["name"] == "Kullu Shawl")
    rows[shawl]["on_sale"] = "no"
    accepted, report = read_catalogue_file("odop.xlsx", _xlsx(rows))
    assert report.problems == []
    goods = {i.name: i for _, _, items in accepted for i in items}
    spec = goods["Chamba Rumal"].text_input
    assert spec is not None
    assert (spec.label, spec.max_length, spec.characters, spec.price, spec.required) == (
        "Name to embroider", 12, "letters", "150.00", False,
    )  # fmt: skip
    assert goods["Kullu Shawl"].on_sale is False
    assert goods["Kangra Tea"].text_input is None
    assert goods["Kangra Tea"].on_sale is True


def test_a_bad_text_cell_is_reported_under_its_column() -> None:
    rows = _rows()
    rumal = next(n for n, row in enumerate(rows) if row["name"] == "Chamba Rumal")
    rows[rumal] |= {"text_label": "Name to embroider", "text_max_length": "12",
                    "text_characters": "anything"}  # fmt: skip
    _, report = read_catalogue_file("odop.csv", _csv(rows))
    [problem] = report.problems
    assert problem.row.startswith(f"row {rumal + 2}")
    assert problem.field == "text_characters"
    rows[rumal] |= {"text_characters": None, "text_label": None}  # a length without a label
    _, report = read_catalogue_file("odop.csv", _csv(rows))
    [problem] = report.problems
    assert problem.field == "text_label", problem
