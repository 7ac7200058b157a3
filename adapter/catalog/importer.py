"""Bulk catalogue files: every row checked, good rows land, bad rows reported with reasons.

A file holds sellers, each with one location and its items (JSON, or CSV and XLSX rows
turned into the same document). Each item is one row of the report: it lands when it
passes the strict model (``adapter.catalog.rows``: price not above MRP, GPS with six
decimals, six-digit pincode, ISO 8601 durations) and gives no value ONDC's rules refuse
(``catalog_sync.item_rules``: the conformance gate's rules, each problem naming the field
and the rule), and is listed with the field and the reason when it does not. A row that
lands but fails the pre-flight checks (statutory declarations, the category's taxonomy and
mandatory attributes, a rule's field left out ...) is reported as held back, with the
reasons: it is stored, not offered to buyers until fixed. Re-importing a file updates items
by the seller's SKU.

A file that cannot be read as a catalogue at all (not UTF-8 or UTF-16 text, no column
separator, a header with unknown, misspelt or missing columns, no rows, over a size limit)
is one problem of the file, ``ImportReport.unusable``, and nothing in it lands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, Protocol

import orjson
from pydantic import TypeAdapter, ValidationError

from adapter.catalog.b2b_rows import ITEM_B2B_COLUMNS, SELLER_TERMS_COLUMNS, SellerTermsRow
from adapter.catalog.rows import ItemRow, LocationRow, SellerRow
from adapter.catalog.sheets import MAX_ROWS, FileUnusable, csv_sheet, size_problem, xlsx_sheet
from adapter.catalog.spreadsheet import (
    LOCATION_COLUMNS,
    SELLER_COLUMNS,
    TEXT_COLUMNS,
    CellProblem,
    header_problem,
    known_column,
    rows_to_document,
    sheet_rows,
)
from adapter.core.b2b.price_list import PriceList, SellerTerms
from adapter.storage.catalog import CatalogStore
from catalog_sync.item_rules import rule_problems
from catalog_sync.preflight import preflight
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.transform import variant_attributes, variant_key

__all__ = [
    "B2BOffer",
    "ImportReport",
    "ItemRow",
    "RowProblem",
    "import_catalogue",
    "read_catalogue",
    "read_catalogue_file",
    "read_document",
]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row of a file did not land."""

    row: str
    field: str
    reason: str


@dataclass(slots=True)
class B2BOffer:
    """A seller's B2B terms (``None``: the file does not state them) and price lists."""

    terms: SellerTerms | None = None
    price_lists: list[PriceList] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    """What an import did: rows landed, rows refused, and landed rows held back from the
    network by pre-flight checks, each with its reason. ``unusable`` is set, and is also the
    one problem listed, when the file as a whole could not be read (nothing in it lands)."""

    landed: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    held: list[RowProblem] = field(default_factory=list)
    unusable: str | None = None
    # Every landed item's pre-flight reasons, by (seller code, SKU), so that storing it does
    # not check it again.
    checked: dict[tuple[str, str], list[str]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # The landed items' B2B price lists and their sellers' B2B terms, by seller code, stored
    # with the items.
    b2b: dict[str, B2BOffer] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of_unusable_file(cls, reason: str) -> ImportReport:
        """The report of a file that cannot be read as a catalogue."""
        return cls(problems=[RowProblem("file", "file", reason)], unusable=reason)


# A spreadsheet's B2B columns, by the field each fills (a problem names the column).
_B2B_FIELD_COLUMNS: Final = {
    **{f"b2b.{field}": column for column, field in ITEM_B2B_COLUMNS.items()},
    **{f"text_input.{field}": column for column, field in TEXT_COLUMNS.items()},
    **{f"seller_terms.{field}": column for column, field in SELLER_TERMS_COLUMNS.items()},
}


# A seller's terms validated under their own key, so that a problem names
# ``seller_terms.<field>`` as a JSON file spells it.
_TERMS: Final = TypeAdapter(dict[Literal["seller_terms"], SellerTermsRow])


def _problems(row: str, error: ValidationError, *, sheet: bool = False) -> list[RowProblem]:
    return [
        RowProblem(row, _field(issue["loc"], sheet), issue["msg"].removeprefix("Value error, "))
        for issue in error.errors()
    ]


def _field(loc: tuple[Any, ...], sheet: bool) -> str:
    named = ".".join(str(part) for part in loc) or "row"
    if sheet:
        for prefix, column in _B2B_FIELD_COLUMNS.items():
            if named == prefix or named.startswith(prefix + "."):
                return column
        if named == "b2b":
            return "b2b_price_slabs"
        if named == "text_input":
            return "text_label"
    return named


Accepted = list[tuple[SellerRecord, LocationRecord, list[ItemRecord]]]


def _required_columns() -> tuple[str, ...]:
    """The spreadsheet columns every row must have: the models' required fields."""
    seller = {field: column for column, field in SELLER_COLUMNS.items()}
    location = {field: column for column, field in LOCATION_COLUMNS.items()}
    return (
        *(seller[n] for n, info in SellerRow.model_fields.items() if info.is_required()),
        *(location[n] for n, info in LocationRow.model_fields.items() if info.is_required()),
        *(n for n, info in ItemRow.model_fields.items() if info.is_required()),
    )


def read_catalogue_file(name: str, raw: bytes) -> tuple[Accepted, ImportReport]:
    """Check a catalogue file by its kind: ``.json``, ``.csv`` or ``.xlsx``. Never raises for
    what the file holds: a file that cannot be read is ``ImportReport.unusable``."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "json":
        return read_catalogue(raw)
    if suffix not in ("csv", "xlsx"):
        return [], ImportReport.of_unusable_file("expected a .json, .csv or .xlsx file")
    problems: list[CellProblem] = []
    try:
        sheet = csv_sheet(raw, known_column) if suffix == "csv" else xlsx_sheet(raw)
        wrong = header_problem(sheet.header, _required_columns())
        if wrong is not None:
            raise FileUnusable(wrong)
        document = rows_to_document(sheet_rows(sheet, problems), problems=problems)
    except FileUnusable as exc:
        return [], ImportReport.of_unusable_file(str(exc))
    refused = [RowProblem(f"row {p.row}", p.column, p.reason) for p in problems]
    if not document["sellers"]:
        if refused:  # every row was refused: a report of rows, not an unusable file
            return [], ImportReport(problems=refused)
        return [], ImportReport.of_unusable_file("the file has a header row but no item rows")
    accepted, report = read_document(document)
    report.problems[:0] = refused
    return accepted, report


def read_catalogue(raw: bytes) -> tuple[Accepted, ImportReport]:
    """Check every row of a JSON catalogue file; the good sellers and items, and a report."""
    too_large = size_problem(len(raw))
    if too_large is not None:
        return [], ImportReport.of_unusable_file(too_large)
    try:
        document: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return [], ImportReport.of_unusable_file(f"not JSON: {exc}")
    return read_document(document)


def _variant_clash(goods: list[ItemRecord], item: ItemRecord) -> str | None:
    """Why ``item`` cannot join its variant group: another variant with the same colour,
    size or pack, or one in another domain; ``None`` when it can."""
    if item.variant_group is None:
        return None
    for other in goods:
        if other.variant_group != item.variant_group:
            continue
        if other.domain != item.domain:
            return (
                f"{item.variant_group}: variants must share a domain "
                f"({other.sku} is {other.domain})"
            )
        if variant_key(other) == variant_key(item):
            names = ", ".join(path.rsplit(".", 1)[-1] for path in variant_attributes(item.domain))
            return (
                f"{item.variant_group}: {other.sku} is already the variant with this "
                f"{names} ({' / '.join(variant_key(item))})"
            )
    return None


def read_document(document: Any) -> tuple[Accepted, ImportReport]:
    """Check every row of a catalogue document ``{"sellers": [...]}``."""
    entries = document.get("sellers") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return [], ImportReport.of_unusable_file('expected {"sellers": [...]}')
    if not entries:
        return [], ImportReport.of_unusable_file("the file lists no sellers")
    rows = sum(len(e["items"]) for e in entries if isinstance(e, dict) and _is_list(e, "items"))
    if rows > MAX_ROWS:
        return [], ImportReport.of_unusable_file(
            f"{rows:,} items, more than the {MAX_ROWS:,} one file may hold; "
            "split the catalogue into several files"
        )
    report = ImportReport()
    accepted = []
    for number, entry in enumerate(entries, start=1):
        label = f"seller {number}"
        if not isinstance(entry, dict):
            report.problems.append(RowProblem(label, "seller", "expected an object"))
            continue
        # A spreadsheet's seller is named by its first row, where its columns were read.
        first_row = entry.get("_row")
        try:
            seller = SellerRow.model_validate(entry.get("seller"))
            label = f"seller {seller.code}"
            if first_row is not None:
                label = f"row {first_row} (seller {seller.code})"
            location = LocationRow.model_validate(entry.get("location"))
            terms = entry.get("seller_terms")
            offer = B2BOffer(
                None
                if terms is None
                else _TERMS.validate_python({"seller_terms": terms})["seller_terms"].terms(
                    seller.code
                )
            )
        except ValidationError as exc:
            items = entry.get("items")
            count = len(items) if isinstance(items, list) else 0
            with_it = f" (refusing the seller's {count} item(s) with it)" if count else ""
            report.problems.extend(
                RowProblem(problem.row, problem.field, problem.reason + with_it)
                for problem in _problems(
                    label if first_row is None else f"row {first_row}",
                    exc,
                    sheet=first_row is not None,
                )
            )
            continue
        if entry.get("items") is not None and not _is_list(entry, "items"):
            report.problems.append(RowProblem(label, "items", "expected a list of items"))
            continue
        seller_record = SellerRecord(**seller.model_dump())
        place = LocationRecord(**location.model_dump())
        goods: list[ItemRecord] = []
        seen: set[str] = set()
        for position, raw_item in enumerate(entry.get("items") or [], start=1):
            sku = raw_item.get("sku") if isinstance(raw_item, dict) else None
            row = f"{seller.code} item {sku or position}"
            if isinstance(raw_item, dict) and "_row" in raw_item:
                raw_item = {k: v for k, v in raw_item.items() if k != "_row"}
                row = f"row {entry['items'][position - 1]['_row']} ({seller.code} {sku})"
            try:
                item = ItemRow.model_validate(raw_item)
            except ValidationError as exc:
                report.problems.extend(_problems(row, exc, sheet=first_row is not None))
                continue
            if item.sku in seen:
                report.problems.append(RowProblem(row, "sku", "appears twice for this seller"))
                continue
            seen.add(item.sku)
            record = item.record()
            clash = _variant_clash(goods, record)
            if clash is not None:
                report.problems.append(RowProblem(row, "variant_group", clash))
                continue
            # A value ONDC's rules refuse (an id RET16 does not take, a colour name not in
            # ONDC's list ...) refuses the row; what is missing holds the item back below.
            problems = rule_problems(seller_record, place, record)
            wrong = [p for p in problems if p.refuses]
            if wrong:
                report.problems.extend(
                    RowProblem(row, p.field, f"{p.reason} (rule {p.rule})") for p in wrong
                )
                continue
            goods.append(record)
            if item.b2b is not None:
                offer.price_lists.append(item.b2b.price_list(seller.code, item.sku))
            report.landed.append(row)
            # preflight(place, record, seller_record), without checking the rules twice.
            held = [*preflight(place, record), *map(str, problems)]
            report.checked[(seller_record.code, record.sku)] = held
            if held:
                report.held.append(RowProblem(row, "pre-flight", "; ".join(held)))
        accepted.append((seller_record, place, goods))
        report.b2b[seller_record.code] = offer
    return accepted, report


def _is_list(entry: dict[str, Any], key: str) -> bool:
    return isinstance(entry.get(key), list)


class Changed(Protocol):
    """Told which items of a seller an import changed (the catalogue push)."""

    async def changed(self, seller_code: str, skus: Sequence[str]) -> int:
        """Push these items to subscribed buyer apps; the number of pushes queued."""
        ...


async def import_catalogue(
    raw: bytes,
    store: CatalogStore,
    *,
    now: datetime,
    name: str = "catalogue.json",
    push: Changed | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a catalogue file's bytes (kind by ``name``): good rows land (updating by SKU),
    bad rows are reported; ``push`` is told what changed; ``progress(done, total)`` follows
    the rows as they land."""
    accepted, report = read_catalogue_file(name, raw)
    total = sum(len(goods) for _, _, goods in accepted)
    done = 0
    for seller, location, goods in accepted:
        held = {item.sku: report.checked[(seller.code, item.sku)] for item in goods}
        offer = report.b2b.get(seller.code) or B2BOffer()
        await store.upsert(
            seller, location, goods, now=now, held=held,
            b2b_terms=offer.terms, b2b_prices=offer.price_lists,
        )  # fmt: skip
        if push is not None and goods:
            await push.changed(seller.code, [item.sku for item in goods])
        done += len(goods)
        if progress is not None:
            progress(done, total)
    return report
