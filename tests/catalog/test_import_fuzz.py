"""Whatever a catalogue file holds, checking it gives a report or one file-level problem;
it never raises."""

from __future__ import annotations

import codecs
import csv
import io
from functools import cache
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapter.catalog.importer import ImportReport, read_catalogue_file
from adapter.catalog.spreadsheet import COLUMNS
from tests.catalog.test_spreadsheet import _rows, _xlsx

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEPARATORS = (",", ";", "\t", "|")
# Cells near the edges: separators, quotes, line breaks, BOMs, NUL, Devanagari, numbers.
CELL = st.text(
    alphabet=st.sampled_from(list(',;\t"\r\n\x00\ufeff ab1-.@|कुल्लू₹')), max_size=12
) | st.sampled_from(["", "yes", "no", "175101", "ONDC:RET12", "P7D", "12", "7725.00", "1e309"])
HEADER_NAME = st.sampled_from(COLUMNS) | st.sampled_from(
    ["attribute.colour", "attribute.Bad Name", "pan", "prise", "", "seller_code", "?"]
)


def _assert_a_report(report: ImportReport) -> None:
    assert isinstance(report, ImportReport)
    if report.unusable is not None:
        assert report.landed == []
        assert [p.reason for p in report.problems] == [report.unusable]
        assert "\n" not in report.unusable
    for problem in report.problems:
        assert problem.reason


@FUZZ
@given(raw=st.binary(max_size=3000), kind=st.sampled_from(["csv", "xlsx", "json", "txt"]))
def test_arbitrary_bytes_give_a_report_or_one_file_problem(raw: bytes, kind: str) -> None:
    _, report = read_catalogue_file(f"catalogue.{kind}", raw)
    _assert_a_report(report)


@FUZZ
@given(
    header=st.lists(HEADER_NAME, min_size=1, max_size=12),
    rows=st.lists(st.lists(CELL, max_size=14), max_size=6),
    separator=st.sampled_from(SEPARATORS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]),
)
def test_arbitrary_csv_like_text_gives_a_report_or_one_file_problem(
    header: list[str], rows: list[list[str]], separator: str, encoding: str
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator)
    writer.writerow(header)
    writer.writerows(rows)
    raw = out.getvalue().encode(encoding, errors="replace")
    _, report = read_catalogue_file("catalogue.csv", raw)
    _assert_a_report(report)


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.integers(0, 18), st.sampled_from(COLUMNS), CELL), min_size=1, max_size=8
    ),
    kind=st.sampled_from(["csv", "xlsx"]),
)
def test_demo_rows_with_arbitrary_cells_give_a_row_by_row_report(
    changes: list[tuple[int, str, str]], kind: str
) -> None:
    rows = _rows()
    for index, column, value in changes:
        rows[index][column] = value.replace("\x00", "") if kind == "xlsx" else value
    if kind == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        raw = codecs.BOM_UTF8 + out.getvalue().encode()
    else:
        raw = _xlsx(_printable(rows))
    _, report = read_catalogue_file(f"odop.{kind}", raw)
    _assert_a_report(report)
    if report.unusable is None:
        assert len(report.landed) + len(report.problems) >= 1


def _printable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A workbook cannot hold control characters other than tab and line breaks.
    return [
        {k: "".join(c for c in v if c >= " " or c in "\t\r\n") if isinstance(v, str) else v
         for k, v in row.items()}
        for row in rows
    ]  # fmt: skip


@cache
def _workbook() -> bytes:
    return _xlsx(_rows())


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 20_000), st.integers(1, 255)), max_size=6))
def test_a_damaged_workbook_gives_a_report_or_one_file_problem(
    flips: list[tuple[int, int]],
) -> None:
    raw = bytearray(_workbook())
    for position, mask in flips:
        raw[position % len(raw)] ^= mask
    _, report = read_catalogue_file("odop.xlsx", bytes(raw))
    _assert_a_report(report)


JSON_KEY = st.sampled_from(["seller", "location", "items", "sku", "code", "x"])
JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_KEY, inner, max_size=3),
    max_leaves=12,
)


@FUZZ
@given(sellers=st.lists(JSON_VALUE, max_size=4))
def test_arbitrary_json_sellers_give_a_report(sellers: list[Any]) -> None:
    _, report = read_catalogue_file("catalogue.json", orjson.dumps({"sellers": sellers}))
    _assert_a_report(report)
