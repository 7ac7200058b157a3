"""Letters of intent from a spreadsheet (CSV or XLSX), with a report row by row.

One row per item of a letter; the letter's own columns (reference, buyer, district, value,
signing date...) are repeated on each of its rows and must agree. A letter is saved only
when every one of its rows is good, so a half-entered letter never reaches the desk; each
row of the file is reported: ``saved`` (new or updated) or ``refused`` with its problems,
each naming its column.

Columns (header names as below, in any order; optional ones may be left out):
``reference, buyer_name, buyer_gstin, buyer_app_id, district, product, value,
payment_type, terms, signed_on, meet, figures_source, nodal_officer, next_follow_up, demo,
seller_code, sku, item_name, quantity, unit_price``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from pydantic import ValidationError

from adapter.b2b.loi_models import LetterFields, LetterItemIn
from adapter.catalog.sheets import FileUnusable, Sheet, csv_sheet, xlsx_sheet
from adapter.seller_api.refusals import field_errors
from adapter.storage.loi_desk import LetterRecord

__all__ = ["COLUMNS", "LetterRows", "RowReport", "read_letters"]

_LETTER_COLUMNS: Final = tuple(LetterFields.model_fields)
_ITEM_COLUMNS: Final = {"seller_code": "seller_code", "sku": "sku", "item_name": "name",
                        "quantity": "quantity", "unit_price": "unit_price"}  # fmt: skip
COLUMNS: Final = (*_LETTER_COLUMNS, *_ITEM_COLUMNS)
"""Every column the reader knows."""
_REQUIRED: Final = ("reference", "buyer_name", "district", "product", "value", "signed_on",
                    "seller_code", "sku", "quantity", "unit_price")  # fmt: skip


@dataclass(slots=True)
class RowReport:
    """What became of one row."""

    row: int
    reference: str | None
    status: str = "refused"
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LetterRows:
    """A letter read from the file whole, with the rows it came from."""

    record: LetterRecord
    rows: list[RowReport]


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _sheet(raw: bytes, filename: str) -> Sheet:
    if filename.lower().endswith(".xlsx") or raw[:2] == b"PK":
        return xlsx_sheet(raw)
    return csv_sheet(raw, lambda name: name.strip().lower() in COLUMNS)


def read_letters(raw: bytes, filename: str) -> tuple[list[LetterRows], list[RowReport]]:
    """The letters whose rows are all good, and a report of every row (the letters' rows
    are ``saved`` once the caller has saved them). Raises ``FileUnusable`` for a file that
    cannot be read at all, or one missing a required column."""
    sheet = _sheet(raw, filename)
    header = [name.strip().lower() for name in sheet.header]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise FileUnusable(
            f"missing column(s): {', '.join(missing)}; columns: {', '.join(COLUMNS)}"
        )
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise FileUnusable(
            f"unknown column(s): {', '.join(unknown)}; columns: {', '.join(COLUMNS)}"
        )
    reports: list[RowReport] = []
    groups: dict[str, list[tuple[RowReport, dict[str, Any], LetterItemIn | None]]] = {}
    for number, cells in sheet.rows:
        values = {name: _cell(cell) for name, cell in zip(header, cells, strict=False) if name}
        reference = values.get("reference")
        report = RowReport(row=number, reference=str(reference) if reference else None)
        reports.append(report)
        for name, value in list(values.items()):
            if isinstance(value, str) and "\x00" in value:
                # PostgreSQL cannot store it: the row is refused, not the whole import.
                report.problems.append(f"{name}: text with a NUL character")
                values[name] = None
        letter = {name: values[name] for name in _LETTER_COLUMNS if values.get(name) is not None}
        try:
            LetterFields.model_validate(letter)
        except ValidationError as exc:
            report.problems.append(field_errors(exc.errors()))
        item: LetterItemIn | None = None
        try:
            item = LetterItemIn.model_validate(
                {
                    key: values[column]
                    for column, key in _ITEM_COLUMNS.items()
                    if values.get(column) is not None
                }
            )
        except ValidationError as exc:
            named = field_errors(exc.errors()).replace("name:", "item_name:")
            report.problems.append(named)
        if reference is None:
            continue
        groups.setdefault(str(reference), []).append((report, letter, item))
    letters: list[LetterRows] = []
    for rows in groups.values():
        first_report, first, _ = rows[0]
        for report, letter, _item in rows[1:]:
            differing = sorted(k for k in set(first) | set(letter) if first.get(k) != letter.get(k))
            if differing:
                report.problems.append(
                    f"{', '.join(differing)}: differ from row {first_report.row} of the same "
                    "reference (a letter's own columns must agree on every row)"
                )
        seen: dict[tuple[str, str], int] = {}
        for report, _letter, item in rows:
            if item is None:
                continue
            line = (item.seller_code, item.sku)
            if line in seen:
                report.problems.append(
                    f"seller_code, sku: the same item as row {seen[line]} of this letter"
                )
            seen.setdefault(line, report.row)
        bad = [report.row for report, _, _ in rows if report.problems]
        if bad:
            for report, _, _ in rows:
                if not report.problems:
                    report.problems.append(
                        f"not saved: row(s) {', '.join(map(str, bad))} of this letter were refused"
                    )
            continue
        fields = LetterFields.model_validate(first)
        items = [item for _, _, item in rows if item is not None]
        letters.append(LetterRows(fields.to_record(items), [report for report, _, _ in rows]))
    return letters, reports
