"""Every dashboard table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs
read Hindi right) or XLSX.

Seller text (item names, districts, GI tags) reaches the department's spreadsheets, so no
text may become a formula there (OWASP "CSV injection"): in CSV a text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, which spreadsheet
programs read as "this is text"; in XLSX every text cell is written as an explicit string
cell, never a formula, so it shows exactly as the seller typed it. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any, Final, Literal

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from adapter.dashboard.views import Table

__all__ = ["download", "neutralised", "to_csv", "to_xlsx"]

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """``text`` as a spreadsheet program will show it and never run it."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    # Only text is neutralised: a negative amount is a number, not a formula.
    return neutralised(value) if isinstance(value, str) else str(value)


def to_csv(table: Table) -> bytes:
    """The table with its column labels as the header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_cell(label) for label in table.labels])
    writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def to_xlsx(table: Table) -> bytes:
    """One sheet named after the table, a bold header row and the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.id[:31]
    for row_number, values in enumerate([table.labels, *table.rows], start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=_cell(value))
            if isinstance(value, str):
                # openpyxl takes a text starting with "=" for a formula; say it is text.
                cell.data_type = TYPE_STRING
            if row_number == 1:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(table: Table, lang: str, fmt: Literal["csv", "xlsx"]) -> Response:
    """``table`` as a CSV or XLSX attachment named after its id and language."""
    name = f"odop-{table.id}-{lang}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(to_csv(table), media_type="text/csv; charset=utf-8", headers=headers)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(to_xlsx(table), media_type=media, headers=headers)
