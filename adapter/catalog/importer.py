"""Bulk catalogue files: every row checked, good rows land, bad rows reported with reasons.

A file holds sellers, each with one location and its items (JSON, or CSV and XLSX rows
turned into the same document). Each item is one row of the report: it lands when it
passes the strict model (price not above MRP, GPS with six decimals, six-digit pincode,
ISO 8601 durations), and is listed with the field and the reason when it does not. A row
that lands but fails the buyer-side pre-flight checks (statutory declarations, the
category's taxonomy and mandatory attributes ...) is reported as held back, with the
reason. Re-importing a file updates items by the seller's SKU.

A file that cannot be read as a catalogue at all (not UTF-8 or UTF-16 text, no column
separator, a header with unknown, misspelt or missing columns, no rows, over a size limit)
is one problem of the file, ``ImportReport.unusable``, and nothing in it lands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, Protocol

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from adapter.catalog.sheets import MAX_ROWS, FileUnusable, csv_sheet, size_problem, xlsx_sheet
from adapter.catalog.spreadsheet import (
    LOCATION_COLUMNS,
    SELLER_COLUMNS,
    CellProblem,
    header_problem,
    known_column,
    rows_to_document,
    sheet_rows,
)
from adapter.core.context_rules import parse_duration
from adapter.storage.bounds import MAX_COUNT
from adapter.storage.catalog import CatalogStore
from catalog_sync.preflight import PACKAGED_COMMODITIES, PREPACKAGED_FOOD, preflight
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.transform import variant_attributes, variant_key

__all__ = [
    "ImportReport",
    "RowProblem",
    "import_catalogue",
    "read_catalogue",
    "read_catalogue_file",
    "read_document",
]

_GPS: Final = re.compile(r"-?\d{1,2}\.\d{6},-?\d{1,3}\.\d{6}")


_FOOD_NOT_APPLICABLE: Final = {"other_FSSAI_license_no": "NA", "importer_FSSAI_license_no": "NA"}


def _ean_checks(code: str) -> bool:
    """Whether an EAN-8 or EAN-13 ends in its GS1 check digit."""
    digits = [int(ch) for ch in code]
    body, check = digits[:-1], digits[-1]
    weighted = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - weighted % 10) % 10 == check


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = Annotated[str, Field(min_length=1, max_length=500)]
IsoDay = Annotated[str, Field(pattern=r"^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
# An ONDC item attribute: a lower-case code (``colour_name``) and its value.
AttributeName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
AttributeValue = Annotated[str, Field(min_length=1, max_length=300)]


class SellerRow(_Strict):
    """A seller in an import file."""

    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    name: Text
    name_hi: str | None = None
    district: Text
    short_desc: Text
    symbol: Text
    phone: Annotated[str, Field(pattern=r"^\+?\d{10,13}$")]
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]
    gstin: str | None = None
    udyam: str | None = None
    fssai: str | None = None
    pan: Annotated[str, Field(pattern=r"^[A-Z]{5}\d{4}[A-Z]$")] | None = None
    auto_accept: bool = True
    accept_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] = 120
    delivery_charge: Annotated[str, Field(pattern=r"^\d{1,6}(\.\d{1,2})?$")] = "0"
    packing_charge: Annotated[str, Field(pattern=r"^\d{1,6}(\.\d{1,2})?$")] = "0"
    transit_days: Annotated[int, Field(ge=0, le=30)] = 5
    settlement_upi: Annotated[str, Field(pattern=r"^[\w.-]+@[\w]+$")] | None = None
    settlement_account: Annotated[str, Field(pattern=r"^\d{9,18}$")] | None = None
    settlement_ifsc: Annotated[str, Field(pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$")] | None = None
    settlement_bank_name: Annotated[str, Field(min_length=2, max_length=100)] | None = None
    settlement_branch: Annotated[str, Field(min_length=2, max_length=100)] | None = None


class LocationRow(_Strict):
    """A seller's location in an import file."""

    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    street: Text
    locality: Text
    city: Text
    state: Text
    pincode: Annotated[str, Field(pattern=r"^[1-9]\d{5}$")]
    std_code: Annotated[str, Field(pattern=r"^0\d{2,5}$")]
    gps: Annotated[str, Field(pattern=_GPS.pattern)]
    serviceability: Annotated[str, Field(pattern=r"^1[0-2]$")] = "12"
    radius_km: Annotated[int, Field(ge=0, le=500)] = 0
    pincodes: tuple[Annotated[str, Field(pattern=r"^[1-9]\d{5}$")], ...] = ()
    fulfillment_types: Annotated[
        tuple[Literal["Delivery", "Self-Pickup"], ...], Field(min_length=1, max_length=2)
    ] = ("Delivery",)
    opening_hours: Annotated[str, Field(pattern=r"^\d{4}-\d{4}$")] = "0900-1900"
    holidays: tuple[IsoDay, ...] = ()
    closed_from: IsoDay | None = None
    closed_until: IsoDay | None = None

    @field_validator("holidays", "pincodes", "fulfillment_types", mode="before")
    @classmethod
    def _days_in_a_cell(cls, value: Any) -> Any:
        # A spreadsheet cell holds them as "2026-12-25; 2027-01-26".
        if isinstance(value, str):
            return tuple(day.strip() for day in value.split(";") if day.strip())
        return value

    @model_validator(mode="after")
    def _closure_is_a_range(self) -> LocationRow:
        if (self.closed_from is None) != (self.closed_until is None):
            raise ValueError("closed_from and closed_until go together (first and last day shut)")
        if self.closed_from and self.closed_until and self.closed_from > self.closed_until:
            raise ValueError(
                f"closed_from {self.closed_from} is after closed_until {self.closed_until}"
            )
        return self


class ItemRow(_Strict):
    """An item in an import file."""

    sku: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    domain: Annotated[str, Field(pattern=r"^ONDC:RET1[0-9A-D]$")]
    category_id: Text
    name: Text
    name_hi: str | None = None
    short_desc: Text
    long_desc: Text
    images: Annotated[list[str], Field(min_length=1)]
    price: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    mrp: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    available: Annotated[int, Field(ge=0, le=MAX_COUNT)]
    maximum: Annotated[int, Field(ge=1, le=MAX_COUNT)]
    unit: Text
    unit_value: Text
    returnable: bool
    cancellable: bool
    return_window: Text
    time_to_ship: Text
    available_on_cod: bool = False
    gi_tag: str | None = None
    odop_district: str | None = None
    packaged_commodities: dict[str, str] | None = None
    prepackaged_food: dict[str, str] | None = None
    attributes: dict[AttributeName, AttributeValue] = Field(default_factory=dict)
    # Harmonised System heading (4, 6 or 8 digits) and EAN-8/EAN-13 barcode, if any.
    hsn: Annotated[str, Field(pattern=r"^\d{4}(\d{2}){0,2}$")] | None = None
    ean: Annotated[str, Field(pattern=r"^(\d{8}|\d{13})$")] | None = None
    # Items of one product in several colours, sizes or packs share a variant group.
    variant_group: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")] | None = None

    def record(self) -> ItemRecord:
        """The item as the catalogue keeps it, statutory blocks under their ONDC keys."""
        values = self.model_dump(exclude={"packaged_commodities", "prepackaged_food"})
        statutory: dict[str, Any] = {}
        if self.packaged_commodities:
            statutory[PACKAGED_COMMODITIES] = self.packaged_commodities
        if self.prepackaged_food:
            # A licence the seller leaves blank does not apply to it (goods not imported,
            # no other licensee): ONDC wants every field of the block, so it says "NA".
            statutory[PREPACKAGED_FOOD] = {**_FOOD_NOT_APPLICABLE, **self.prepackaged_food}
        return ItemRecord(**{**values, "images": tuple(self.images), "statutory": statutory})

    @model_validator(mode="after")
    def _preflight(self) -> ItemRow:
        if self.price > self.mrp:
            raise ValueError(f"price {self.price} is above the MRP {self.mrp}")
        if self.ean and not _ean_checks(self.ean):
            raise ValueError(f"ean {self.ean} has a wrong check digit (a typing error?)")
        for name in ("return_window", "time_to_ship"):
            try:
                parse_duration(getattr(self, name))
            except ValueError:
                raise ValueError(
                    f"{name} {getattr(self, name)!r} is not an ISO 8601 duration like P2D"
                ) from None
        return self


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row of a file did not land."""

    row: str
    field: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What an import did: rows landed, rows refused, and landed rows held back from the
    network by pre-flight checks, each with its reason. ``unusable`` is set, and is also the
    one problem listed, when the file as a whole could not be read (nothing in it lands)."""

    landed: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    held: list[RowProblem] = field(default_factory=list)
    unusable: str | None = None

    @classmethod
    def of_unusable_file(cls, reason: str) -> ImportReport:
        """The report of a file that cannot be read as a catalogue."""
        return cls(problems=[RowProblem("file", "file", reason)], unusable=reason)


def _problems(row: str, error: ValidationError) -> list[RowProblem]:
    return [
        RowProblem(
            row,
            ".".join(str(part) for part in issue["loc"]) or "row",
            issue["msg"].removeprefix("Value error, "),
        )
        for issue in error.errors()
    ]


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
        except ValidationError as exc:
            items = entry.get("items")
            count = len(items) if isinstance(items, list) else 0
            with_it = f" (refusing the seller's {count} item(s) with it)" if count else ""
            report.problems.extend(
                RowProblem(problem.row, problem.field, problem.reason + with_it)
                for problem in _problems(label if first_row is None else f"row {first_row}", exc)
            )
            continue
        if entry.get("items") is not None and not _is_list(entry, "items"):
            report.problems.append(RowProblem(label, "items", "expected a list of items"))
            continue
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
                report.problems.extend(_problems(row, exc))
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
            goods.append(record)
            report.landed.append(row)
            held = preflight(LocationRecord(**location.model_dump()), goods[-1])
            if held:
                report.held.append(RowProblem(row, "pre-flight", "; ".join(held)))
        accepted.append(
            (
                SellerRecord(**seller.model_dump()),
                LocationRecord(**location.model_dump()),
                goods,
            )
        )
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
        await store.upsert(seller, location, goods, now=now)
        if push is not None and goods:
            await push.changed(seller.code, [item.sku for item in goods])
        done += len(goods)
        if progress is not None:
            progress(done, total)
    return report
