"""Catalogue files that are large, oddly encoded or oddly written: a row-level report or one
clear file-level problem, never a crash, a flood of errors or a silent guess."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from adapter.catalog.importer import read_catalogue_file
from adapter.cli import app
from tests.catalog.test_spreadsheet import _rows, _xlsx
from tests.fixtures import REPO_ROOT

runner = CliRunner()


def _text(rows: list[dict[str, Any]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else v
                         for k, v in row.items()})  # fmt: skip
    return out.getvalue()


def _renamed(rows: list[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    return [{new if k == old else k: v for k, v in row.items()} for row in rows]


def _second_row_of_a_seller(rows: list[dict[str, Any]]) -> int:
    """The index of the first row whose seller already had a row above it."""
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if row["seller_code"] in seen:
            return index
        seen.add(row["seller_code"])
    raise AssertionError("the demo has no seller with two items")


def test_a_five_megabyte_description_is_a_row_problem_not_a_crash() -> None:
    rows = _rows()
    rows[3]["long_desc"] = "ऊन " * (5 * 1024 * 1024 // 3)
    _, report = read_catalogue_file("odop.csv", _text(rows).encode())
    assert report.unusable is None
    [problem] = report.problems
    assert problem.row == "row 5"
    assert problem.field == "long_desc"
    assert "over the 10,000 a cell may hold" in problem.reason
    assert len(report.landed) == 18


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be"],
)
def test_utf8_and_excels_unicode_text_land_every_row_with_hindi_intact(
    encoding: str, bom: bytes
) -> None:
    accepted, report = read_catalogue_file("odop.csv", bom + _text(_rows()).encode(encoding))
    assert report.problems == []
    assert len(report.landed) == 19
    assert "कुल्लू शॉल" in {item.name_hi for _, _, goods in accepted for item in goods}


def test_a_file_in_another_encoding_is_refused_in_one_line() -> None:
    rows = [row for row in _rows() if row["seller_code"] == "odopkangra"]
    rows[0]["short_desc"] = "Thé de Kangra"  # é is one byte in Windows-1252
    raw = _text(rows).replace("₹", "").encode("cp1252", errors="replace")
    _, report = read_catalogue_file("odop.csv", raw)
    assert report.unusable is not None
    assert report.unusable.startswith("the file is not UTF-8 text")
    assert "save it as CSV UTF-8" in report.unusable
    assert len(report.problems) == 1


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_semicolon_and_tab_separated_files_land_every_row(delimiter: str) -> None:
    _, report = read_catalogue_file("odop.csv", _text(_rows(), delimiter).encode())
    assert report.problems == []
    assert len(report.landed) == 19


def test_a_header_no_separator_splits_is_refused_in_one_line() -> None:
    raw = _text(_rows()).replace(",", "|").encode()
    _, report = read_catalogue_file("odop.csv", raw)
    assert report.unusable is not None
    assert "no column separator in the header line" in report.unusable
    assert len(report.problems) == 1


def test_a_misspelt_column_is_named_with_the_closest_known_one_once() -> None:
    rows = _renamed(_renamed(_rows(), "price", "prise"), "seller_name", "Seller Name")
    _, report = read_catalogue_file("odop.csv", _text(rows).encode())
    assert [p.reason for p in report.problems] == [
        "header: unknown column 'Seller Name' (did you mean 'seller_name'?); "
        "unknown column 'prise' (did you mean 'price'?)"
    ]
    assert report.landed == []


def test_an_unknown_column_is_refused_by_name_and_a_missing_one_named() -> None:
    rows = [{**row, "colour": "red"} for row in _rows()]
    rows = [{k: v for k, v in row.items() if k != "phone"} for row in rows]
    _, report = read_catalogue_file("odop.xlsx", _xlsx(rows))
    assert report.unusable == "header: unknown column 'colour'; missing column(s) phone"
    assert report.landed == []


def test_a_pan_column_is_read_and_checked_not_dropped() -> None:
    rows = [{**row, "pan": "AAAPL1234C"} for row in _rows()]
    rows[0]["pan"] = "not-a-pan"
    accepted, report = read_catalogue_file("odop.csv", _text(rows).encode())
    [problem] = report.problems
    assert problem.row.startswith("row 2")
    assert problem.field == "pan"
    assert {seller.pan for seller, _, _ in accepted} == {"AAAPL1234C"}


def test_a_later_rows_bad_pincode_for_the_same_seller_is_refused_on_that_row() -> None:
    rows = _rows()
    later = _second_row_of_a_seller(rows)
    code = rows[later]["seller_code"]
    first = next(n for n, row in enumerate(rows) if row["seller_code"] == code)
    rows[later]["pincode"] = "17610"
    accepted, report = read_catalogue_file("odop.csv", _text(rows).encode())
    [problem] = report.problems
    assert problem.row == f"row {later + 2}"
    assert problem.field == "pincode"
    then = rows[first]["pincode"]
    assert problem.reason.startswith(f"'17610' here but '{then}' on row {first + 2}")
    assert len(report.landed) == 18
    assert rows[later]["sku"] not in {item.sku for _, _, goods in accepted for item in goods}


def test_a_value_under_no_column_refuses_its_row() -> None:
    text = _text(_rows()).splitlines()
    text[3] += ",stray"
    _, report = read_catalogue_file("odop.csv", "\n".join(text).encode())
    [problem] = report.problems
    assert (problem.row, problem.reason) == ("row 4", "a value under no named column")


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("odop.csv", b""),
        ("odop.csv", b"\xef\xbb\xbf\r\n"),
        ("odop.csv", _text(_rows()).splitlines()[0].encode() + b"\r\n"),
        ("odop.xlsx", b""),
        ("odop.json", b'{"sellers": []}'),
    ],
    ids=["empty-csv", "bom-only", "header-only-csv", "empty-xlsx", "no-sellers-json"],
)
def test_an_empty_file_or_a_header_alone_is_unusable(name: str, raw: bytes) -> None:
    _, report = read_catalogue_file(name, raw)
    assert report.unusable is not None
    assert report.landed == []


def test_a_workbook_with_a_header_alone_is_unusable() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(_rows()[0]))
    out = io.BytesIO()
    workbook.save(out)
    _, report = read_catalogue_file("odop.xlsx", out.getvalue())
    assert report.unusable == "the file has a header row but no item rows"


def test_a_long_cell_in_a_workbook_is_a_row_problem() -> None:
    rows = _rows()
    rows[0]["short_desc"] = "x" * 20_000
    _, report = read_catalogue_file("odop.xlsx", _xlsx(rows))
    [problem] = report.problems
    assert (problem.row, problem.field) == ("row 2", "short_desc")


def test_a_file_whose_every_row_is_refused_is_a_report_of_rows() -> None:
    rows = [{**row, "long_desc": "x" * 10_001} for row in _rows()]
    _, report = read_catalogue_file("odop.csv", _text(rows).encode())
    assert report.unusable is None
    assert [p.row for p in report.problems] == [f"row {n}" for n in range(2, 21)]


def _validate(tmp_path: Path, name: str, raw: bytes) -> Any:
    path = tmp_path / name
    path.write_bytes(raw)
    return runner.invoke(app, ["catalog", "validate", str(path)])


def test_validate_exit_codes_tell_good_refused_rows_and_an_unusable_file_apart(
    tmp_path: Path,
) -> None:
    good = _text(_rows()).encode()
    assert _validate(tmp_path, "good.csv", good).exit_code == 0
    rows = _rows()
    rows[2]["mrp"] = "1.00"
    assert _validate(tmp_path, "some.csv", _text(rows).encode()).exit_code == 1
    empty = _validate(tmp_path, "empty.csv", b"")
    assert empty.exit_code == 2
    assert "UNUSABLE file: the file is empty" in empty.output
    header_only = _validate(tmp_path, "header.csv", good.splitlines()[0])
    assert header_only.exit_code == 2
    broken = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
    broken["sellers"][0]["items"] = 5
    assert _validate(tmp_path, "items.json", orjson.dumps(broken)).exit_code == 1
    assert _validate(tmp_path, "odd.json", b"[1, 2]").exit_code == 2


def test_a_workbook_claiming_a_zip_version_python_cannot_read_is_unusable() -> None:
    raw = bytearray(_xlsx(_rows()))
    # Every central directory entry says version 8.4 is needed to extract it (the fuzz
    # test's damaged byte): the zip module raises NotImplementedError on reading it.
    start = raw.find(b"PK\x01\x02")
    while start != -1:
        raw[start + 6] = 84
        start = raw.find(b"PK\x01\x02", start + 4)
    _, report = read_catalogue_file("odop.xlsx", bytes(raw))
    assert report.unusable is not None
    assert "zip file version 8.4" in report.unusable
