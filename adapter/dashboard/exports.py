"""Every dashboard table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs
read Hindi right) or XLSX."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from adapter.dashboard.views import Table

__all__ = ["to_csv", "to_xlsx"]


def to_csv(table: Table) -> bytes:
    """The table with its column labels as the header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.labels)
    writer.writerows(["" if cell is None else str(cell) for cell in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def to_xlsx(table: Table) -> bytes:
    """One sheet named after the table, a bold header row and the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.id[:31]
    sheet.append(table.labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
