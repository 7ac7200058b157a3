"""Reading a catalogue spreadsheet's bytes (CSV or XLSX) into a header and numbered rows,
without crashing and without guessing.

Whatever the bytes, reading either gives rows or raises :class:`FileUnusable` with one line
that says what is wrong with the file as a whole:

- CSV text is UTF-8 (with or without a byte-order mark) or UTF-16 with its byte-order mark
  (Excel's "Unicode Text"); anything else is refused, never decoded by a guess;
- the column separator is read from the header line: comma, semicolon or tab, the one that
  splits it into known column names; a line that no separator splits, or that two split
  equally well, is refused;
- the file, an XLSX workbook unpacked, and the number of rows have limits (below), so a
  file cannot take the importer's memory; a cell of any size is read, and one over
  ``MAX_CELL_CHARS`` is a problem of its row, reported by the caller.

XLSX workbooks are read with openpyxl's read-only (streaming) reader, one row at a time,
never wider than the header row.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from catalog_sync.stock_feed import CSV_FIELD_LIMIT

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_SHARED_TEXT_BYTES",
    "MAX_UNPACKED_BYTES",
    "FileUnusable",
    "Sheet",
    "csv_sheet",
    "size_problem",
    "xlsx_sheet",
]

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
"""The largest catalogue file read, as given (CSV, XLSX or JSON)."""
MAX_UNPACKED_BYTES: Final = 200 * 1024 * 1024
"""The largest an XLSX workbook may unpack to: a small file of repeated text can unpack to
gigabytes (50,000 rows of the template's columns unpack to about 130 MB)."""
MAX_SHARED_TEXT_BYTES: Final = 50 * 1024 * 1024
"""The largest a workbook's table of shared text may unpack to: openpyxl's streaming reader
streams the rows but holds that table in memory, so this bounds what a workbook can take."""
MAX_ROWS: Final = 50_000
"""The most item rows one file may hold; split larger catalogues into several files."""
MAX_CELL_CHARS: Final = 10_000
"""The most characters one cell may hold (the longest field, ``long_desc``, takes 500)."""

SEPARATORS: Final = {",": "comma", ";": "semicolon", "\t": "tab"}
_MB: Final = 1024 * 1024


class FileUnusable(ValueError):
    """The file as a whole cannot be read as a catalogue; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """A spreadsheet's header (names as written, trailing blank ones dropped) and its rows:
    the spreadsheet row number and the cells, blank rows skipped. ``rows`` is read as it is
    consumed and raises :class:`FileUnusable` past ``MAX_ROWS`` rows."""

    header: tuple[str, ...]
    rows: Iterator[tuple[int, list[Any]]]


def size_problem(size: int) -> str | None:
    """Why a catalogue file of ``size`` bytes is not read, or ``None`` when it is small enough
    (callers holding only a path check this before reading the file)."""
    if size <= MAX_FILE_BYTES:
        return None
    return (
        f"the file is {size / _MB:.1f} MB, over the {MAX_FILE_BYTES // _MB} MB limit; "
        "split the catalogue into several files"
    )


def _check_size(raw: bytes) -> None:
    too_large = size_problem(len(raw))
    if too_large is not None:
        raise FileUnusable(too_large)
    if not raw.strip():
        raise FileUnusable("the file is empty: expected a header row and one row per item")


def _text(raw: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark allowed) or UTF-16 with its byte-order mark."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise FileUnusable("the file is UTF-32 text; save it as CSV UTF-8 or Unicode Text")
    if raw.startswith(b"PK\x03\x04"):
        raise FileUnusable("the file is a workbook (XLSX), not CSV text; name it .xlsx")
    encoding = (
        "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        shown = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise FileUnusable(
            f"the file is not {shown} text (byte {exc.start + 1} is 0x{raw[exc.start]:02x}); "
            "save it as CSV UTF-8 or Unicode Text"
        ) from None
    if "\x00" in text:
        raise FileUnusable("the file holds NUL characters: it is not CSV text")
    return text


def _separator(text: str, known: Callable[[str], bool]) -> str:
    """The separator that splits the header line into the most known column names."""
    line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    splits = {
        sep: [cell.strip() for cell in next(csv.reader([line], delimiter=sep), [])]
        for sep in SEPARATORS
    }
    candidates = {sep: cells for sep, cells in splits.items() if len(cells) > 1}
    if not candidates:
        if known(line.strip().strip('"')):
            return ","  # a file of one column has no separator to find
        raise FileUnusable(
            "no column separator in the header line: separate the columns with commas, "
            "semicolons or tabs"
        )
    scores = sorted(
        ((sum(map(known, cells)), sep) for sep, cells in candidates.items()), reverse=True
    )
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        first, second = SEPARATORS[scores[0][1]], SEPARATORS[scores[1][1]]
        raise FileUnusable(
            f"the header line is split by both {first}s and {second}s: cannot tell which "
            "separates the columns"
        )
    return scores[0][1]


def _header(cells: list[Any]) -> tuple[str, ...]:
    names = ["" if cell is None else str(cell).strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise FileUnusable("the header row is blank: the first row must name the columns")
    return tuple(names)


def _numbered(rows: Iterator[list[Any]], width: int) -> Iterator[tuple[int, list[Any]]]:
    """Data rows with their spreadsheet row numbers, blank rows skipped, at most MAX_ROWS."""
    count = 0
    for number, cells in enumerate(rows, start=2):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileUnusable(
                f"more than {MAX_ROWS:,} item rows (row {number}); "
                "split the catalogue into several files"
            )
        yield number, _within(cells, width)


def _within(cells: list[Any], width: int) -> list[Any]:
    # Blank cells past the header (a trailing separator, an empty column) say nothing; a
    # value there is kept so that the caller refuses the row.
    extra = cells[width:]
    if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in extra):
        return list(cells[:width])
    return list(cells)


def csv_sheet(raw: bytes, known: Callable[[str], bool]) -> Sheet:
    """A CSV file's header and rows; ``known`` tells a column name this importer reads."""
    _check_size(raw)
    text = _text(raw)
    # A cell may be as long as the file: the limit is MAX_CELL_CHARS, checked per cell with
    # its row and column named, not the csv module's 128 KiB field limit. That limit is one
    # setting for the whole process; stock feeds set it to the same value. Set before the
    # header line is first read (a header of one long cell hit the 128 KiB limit: a 500).
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    try:
        separator = _separator(text, known)
    except csv.Error as exc:
        raise FileUnusable(f"the header row cannot be read as CSV: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = _header(next(reader, []))
    except csv.Error as exc:
        raise FileUnusable(f"the header row cannot be read as CSV: {exc}") from None

    def rows() -> Iterator[list[Any]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise FileUnusable(f"row {reader.line_num} cannot be read as CSV: {exc}") from None

    return Sheet(header, _numbered(rows(), len(header)))


# What openpyxl and the zip and XML layers under it raise for a damaged workbook.
_BROKEN_WORKBOOK: Final = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    OSError,
    NotImplementedError,
)


def xlsx_sheet(raw: bytes) -> Sheet:
    """The first sheet of an XLSX workbook: header and rows, streamed in read-only mode."""
    _check_size(raw)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        # NotImplementedError: a damaged header claiming a zip version Python cannot read.
        raise FileUnusable(f"not an XLSX workbook: {exc}") from None
    unpacked = sum(part.file_size for part in parts)
    shared = sum(part.file_size for part in parts if part.filename.endswith("sharedStrings.xml"))
    for size, limit, what in (
        (unpacked, MAX_UNPACKED_BYTES, "the workbook unpacks to"),
        (shared, MAX_SHARED_TEXT_BYTES, "the workbook's shared text unpacks to"),
    ):
        if size > limit:
            raise FileUnusable(
                f"{what} {size / _MB:.0f} MB, over the {limit // _MB} MB limit; "
                "split the catalogue into several files"
            )
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except _BROKEN_WORKBOOK as exc:
        raise FileUnusable(f"not a readable XLSX workbook: {exc!r}") from None
    try:
        if not workbook.worksheets:
            raise FileUnusable("the workbook has no sheet")
        sheet = workbook.worksheets[0]
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        header = _header(list(first))
    except FileUnusable:
        workbook.close()
        raise
    except _BROKEN_WORKBOOK as exc:
        workbook.close()
        raise FileUnusable(f"the workbook's first sheet cannot be read: {exc!r}") from None

    def rows() -> Iterator[list[Any]]:
        try:
            # One cell past the header, so a value under no column can be refused; never the
            # sheet's declared width, which a workbook may set to all 16,384 columns.
            for cells in sheet.iter_rows(min_row=2, max_col=len(header) + 1, values_only=True):
                yield list(cells)
        except _BROKEN_WORKBOOK as exc:
            raise FileUnusable(f"the workbook's first sheet cannot be read: {exc!r}") from None
        finally:
            workbook.close()

    return Sheet(header, _numbered(rows(), len(header)))
