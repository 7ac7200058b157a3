"""Catalogue spreadsheets (CSV and XLSX): one row per item, seller and location columns
repeated on each row, as sellers keep them. Rows become the same document a JSON file
holds, so every check and the row-by-row report are shared; each problem names the
spreadsheet row. Reading the bytes (encodings, separators, limits) is ``sheets``; here the
header is checked once (an unknown or misspelt column is refused by name, the closest known
column suggested) and each row's values are checked, including the seller and location
columns of every row of a seller, which must repeat the values of its first row.

An item's B2B price list and its seller's B2B terms are the ``b2b_*`` columns
(``adapter.catalog.b2b_rows``), blank for an item sold retail only.

An item's ONDC attributes are columns named ``attribute.<name>`` (``attribute.colour``,
``attribute.fabric``); a blank cell states nothing. The template for a category carries the
columns of the attributes that category requires (``catalog_sync.taxonomy``)."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from openpyxl import Workbook

from adapter.catalog.b2b_rows import ITEM_B2B_COLUMNS, SELLER_TERMS_COLUMNS
from adapter.catalog.sheets import MAX_CELL_CHARS, Sheet
from catalog_sync.taxonomy import rule

__all__ = [
    "ATTRIBUTE_PREFIX",
    "COLUMNS",
    "TEXT_COLUMNS",
    "CellProblem",
    "header_problem",
    "known_column",
    "rows_to_document",
    "sheet_rows",
    "template_columns",
    "template_csv",
    "template_xlsx",
]

SELLER_COLUMNS: Final = {
    "seller_code": "code", "seller_name": "name", "seller_name_hi": "name_hi",
    "district": "district", "seller_short_desc": "short_desc", "seller_symbol": "symbol",
    "phone": "phone", "email": "email", "gstin": "gstin", "udyam": "udyam", "fssai": "fssai",
    "pan": "pan",
}  # fmt: skip
LOCATION_COLUMNS: Final = {
    "location_code": "code", "street": "street", "locality": "locality", "city": "city",
    "state": "state", "pincode": "pincode", "std_code": "std_code", "gps": "gps",
    "serviceability": "serviceability", "radius_km": "radius_km", "pincodes": "pincodes",
    "fulfillment_types": "fulfillment_types",
    "opening_hours": "opening_hours", "holidays": "holidays", "closed_from": "closed_from",
    "closed_until": "closed_until", "slot_minutes": "slot_minutes", "slot_hours": "slot_hours",
    "slots_offered": "slots_offered", "slot_orders": "slot_orders",
}  # fmt: skip
ITEM_COLUMNS: Final = (
    "sku", "domain", "category_id", "name", "name_hi", "short_desc", "long_desc", "images",
    "price", "mrp", "available", "maximum", "unit", "unit_value", "returnable", "cancellable",
    "return_window", "time_to_ship", "available_on_cod", "gi_tag", "odop_district", "hsn",
    "ean", "variant_group", "on_sale",
)  # fmt: skip
# A text the buyer may write on the item (retail 1.2.5 customisation input text): blank
# ``text_label`` for an item that takes none.
TEXT_COLUMNS: Final = {
    "text_label": "label", "text_max_length": "max_length", "text_characters": "characters",
    "text_price": "price", "text_required": "required",
}  # fmt: skip
# Statutory declarations (ONDC @ondc/org/statutory_reqs_*) as flat columns.
COMMODITY_COLUMNS: Final = (
    "manufacturer_or_packer_name", "manufacturer_or_packer_address",
    "common_or_generic_name_of_commodity", "month_year_of_manufacture_packing_import",
)  # fmt: skip
FOOD_COLUMNS: Final = {
    "nutritional_info": "nutritional_info",
    "additives_info": "additives_info",
    "brand_owner_fssai_license_no": "brand_owner_FSSAI_license_no",
    "other_fssai_license_no": "other_FSSAI_license_no",
    "importer_fssai_license_no": "importer_FSSAI_license_no",
}
# One piece as packed for carriage (for buyer apps' own couriers, retail 1.2.5).
PACKAGE_COLUMNS: Final = {
    "package_weight_kg": "weight_kg", "package_length_cm": "length_cm",
    "package_breadth_cm": "breadth_cm", "package_height_cm": "height_cm",
}  # fmt: skip
COLUMNS: Final = (
    *SELLER_COLUMNS, *LOCATION_COLUMNS, *ITEM_COLUMNS, *COMMODITY_COLUMNS, *FOOD_COLUMNS,
    *TEXT_COLUMNS, *PACKAGE_COLUMNS, *ITEM_B2B_COLUMNS, *SELLER_TERMS_COLUMNS,
)  # fmt: skip
ATTRIBUTE_PREFIX: Final = "attribute."
# An ONDC item attribute's code, as the importer's ``AttributeName`` takes it.
_ATTRIBUTE_NAME: Final = re.compile(r"[a-z][a-z0-9_]{0,39}")
_BOOLEANS: Final = {"yes": True, "y": True, "true": True, "1": True,
                    "no": False, "n": False, "false": False, "0": False}  # fmt: skip
_INTEGERS: Final = frozenset(
    {"available", "maximum", "radius_km", "b2b_min_order_quantity", "text_max_length",
     "slot_minutes", "slots_offered", "slot_orders"}
)  # fmt: skip
_FLAGS: Final = frozenset(
    {"returnable", "cancellable", "available_on_cod", "b2b_cancellable", "b2b_gst_credit_invoice",
     "on_sale", "text_required"}
)  # fmt: skip
# Numbers a spreadsheet may turn into integers that are really codes.
_DIGIT_STRINGS: Final = frozenset(
    {"pincode", "std_code", "phone", "brand_owner_fssai_license_no", "other_fssai_license_no",
     "importer_fssai_license_no"}
)  # fmt: skip
# Product codes a spreadsheet turns into numbers, dropping leading zeros: HSN headings have
# an even number of digits (0902 tea), EANs 8 or 13.
_CODE_WIDTHS: Final = {"hsn": (4, 6, 8), "ean": (8, 13)}


def _cell(name: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer() and name in _INTEGERS:
        value = int(value)
    if name in _FLAGS and isinstance(value, str):
        return _BOOLEANS.get(value.strip().lower(), value)
    if name in _INTEGERS and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if name in ("price", "mrp", "text_price") and isinstance(value, int | float):
        return f"{value:.2f}"
    if name == "b2b_tax_rate" and isinstance(value, int | float):
        return f"{value:g}"
    if name == "images" and isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    if name in _DIGIT_STRINGS and isinstance(value, int):
        return str(value)
    if name in _CODE_WIDTHS and isinstance(value, int | float) and float(value).is_integer():
        digits = str(int(value))
        width = next((w for w in _CODE_WIDTHS[name] if w >= len(digits)), len(digits))
        return digits.zfill(width)
    return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class CellProblem:
    """Why one spreadsheet row was refused before its item was checked."""

    row: int
    column: str
    reason: str


def known_column(name: str) -> bool:
    """Whether the importer reads a column of this name: a listed one or ``attribute.<code>``."""
    if name.startswith(ATTRIBUTE_PREFIX):
        return _ATTRIBUTE_NAME.fullmatch(name.removeprefix(ATTRIBUTE_PREFIX)) is not None
    return name in COLUMNS


def header_problem(header: Sequence[str], required: Collection[str]) -> str | None:
    """One line naming everything wrong with a header row (unknown, misspelt, unnamed,
    repeated and missing columns), or ``None`` when it is right."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    suggested: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(f"column {position} has no name")
        elif name in seen:
            problems.append(f"column {name!r} appears twice (columns {seen[name]} and {position})")
        elif name.startswith(ATTRIBUTE_PREFIX) and not known_column(name):
            problems.append(
                f"column {name!r}: an attribute's code is lower-case letters, digits and _ "
                "(attribute.colour_name)"
            )
        elif not known_column(name):
            guess = name.strip().lower().replace(" ", "_").replace("-", "_")
            close = [c for c in difflib.get_close_matches(guess, COLUMNS, n=1) if c not in header]
            if close:
                suggested.add(close[0])
                problems.append(f"unknown column {name!r} (did you mean {close[0]!r}?)")
            else:
                problems.append(f"unknown column {name!r}")
        seen.setdefault(name, position)
    missing = [name for name in required if name not in seen and name not in suggested]
    if missing:
        problems.append("missing column(s) " + ", ".join(missing))
    return "header: " + "; ".join(problems) if problems else None


def sheet_rows(sheet: Sheet, problems: list[CellProblem]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each row of ``sheet`` as ``{column: value}``; a row with a value under no column or a
    cell over ``MAX_CELL_CHARS`` characters is added to ``problems`` instead."""
    width = len(sheet.header)
    for number, cells in sheet.rows:
        if len(cells) > width:
            problems.append(
                CellProblem(number, f"column {width + 1}", "a value under no named column")
            )
            continue
        too_long = [
            (name, len(cell))
            for name, cell in zip(sheet.header, cells, strict=False)
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS
        ]
        if too_long:
            limit = f"{MAX_CELL_CHARS:,}"
            problems.extend(
                CellProblem(number, name, f"{size:,} characters, over the {limit} a cell may hold")
                for name, size in too_long
            )
            continue
        yield number, dict(zip(sheet.header, cells, strict=False))


def rows_to_document(
    rows: Iterable[tuple[int, dict[str, Any]]], *, problems: list[CellProblem]
) -> dict[str, Any]:
    """Group item rows by seller into ``{"sellers": [...]}``; each item keeps its row number,
    each seller the number of its first row. A row whose seller or location columns differ
    from its seller's first row is added to ``problems`` instead, naming the columns."""
    sellers: dict[str, dict[str, Any]] = {}
    for number, row in rows:
        values = {name: _cell(name, value) for name, value in row.items() if name in COLUMNS}
        code = values.get("seller_code") or f"(no seller_code on row {number})"
        seller, location = _pick(values, SELLER_COLUMNS), _pick(values, LOCATION_COLUMNS)
        terms = _pick(values, SELLER_TERMS_COLUMNS)
        entry = sellers.get(code)
        if entry is None:
            entry = {"seller": seller, "location": location, "items": [], "_row": number}
            if terms:
                entry["seller_terms"] = terms
            sellers[code] = entry
        else:
            differences = [
                *_differences(SELLER_COLUMNS, entry["seller"], seller),
                *_differences(LOCATION_COLUMNS, entry["location"], location),
                *_differences(SELLER_TERMS_COLUMNS, entry.get("seller_terms", {}), terms),
            ]
            if differences:
                first = entry["_row"]
                problems.extend(
                    CellProblem(
                        number,
                        column,
                        f"{_shown(now)} here but {_shown(then)} on row {first}, the first row "
                        f"of seller {code}: a seller's columns repeat the same values on every row",
                    )
                    for column, then, now in differences
                )
                continue
        item = {name: values[name] for name in ITEM_COLUMNS if values.get(name) is not None}
        commodities = {name: str(values[name]) for name in COMMODITY_COLUMNS if values.get(name)}
        if commodities:
            item["packaged_commodities"] = commodities
        food = {key: str(values[col]) for col, key in FOOD_COLUMNS.items() if values.get(col)}
        if food:
            item["prepackaged_food"] = food
        package = {key: str(values[col]) for col, key in PACKAGE_COLUMNS.items() if values.get(col)}
        if package:
            item["package"] = package
        attributes = {
            name.removeprefix(ATTRIBUTE_PREFIX).strip(): _attribute(value)
            for name, value in row.items()
            if isinstance(name, str) and name.startswith(ATTRIBUTE_PREFIX)
        }
        attributes = {name: value for name, value in attributes.items() if value}
        if attributes:
            item["attributes"] = attributes
        text = _pick(values, TEXT_COLUMNS)
        if text:
            item["text_input"] = text
        b2b = _pick(values, ITEM_B2B_COLUMNS)
        if b2b:
            item["b2b"] = b2b
        item["_row"] = number
        entry["items"].append(item)
    return {"sellers": list(sellers.values())}


def _differences(
    columns: dict[str, str], first: dict[str, Any], this: dict[str, Any]
) -> Iterator[tuple[str, Any, Any]]:
    for column, field in columns.items():
        if first.get(field) != this.get(field):
            yield column, first.get(field), this.get(field)


def _shown(value: Any) -> str:
    if value is None:
        return "blank"
    return repr(value) if len(str(value)) <= 60 else repr(f"{value!s:.57}...")


def _attribute(value: Any) -> str:
    # A spreadsheet turns "2" into 2.0; an attribute is always text.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _pick(values: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    return {
        field: values[column] for column, field in columns.items() if values.get(column) is not None
    }


# Example values for the attribute columns of a template.
_ATTRIBUTE_EXAMPLES: Final = {
    "gender": "unisex", "colour": "#8B0000", "colour_name": "red", "size": "Free Size",
    "brand": "Kullu ODOP Producers' Cooperative", "fabric": "wool", "material": "wool",
    "size_chart": "https://example.org/size-chart.png", "base_metal": "silver",
    "plating": "silver",
}  # fmt: skip


def template_columns(category: str, domain: str) -> tuple[str, ...]:
    """Every column of a template for the category: the common ones, then its attributes."""
    found = rule(domain, category)
    attributes = found.mandatory if found is not None else ()
    return (*COLUMNS, *(ATTRIBUTE_PREFIX + name for name in attributes))


def _example(category: str, domain: str) -> list[str]:
    handmade = domain in ("ONDC:RET12", "ONDC:RET16")
    values = {
        "seller_code": "odopkullu", "seller_name": "Kullu ODOP Producers' Cooperative",
        "district": "Kullu", "seller_short_desc": "Handloom of Kullu",
        "seller_symbol": "https://example.org/logo.png", "phone": "9800000000",
        "email": "seller@example.org", "location_code": "odopkulluhq",
        "street": "Akhara Bazar", "locality": "Kullu", "city": "Kullu",
        "state": "Himachal Pradesh", "pincode": "175101", "std_code": "01902",
        "gps": "31.950000,77.110000", "serviceability": "12", "sku": "ks001",
        "domain": domain, "category_id": category, "name": "Kullu Shawl",
        "name_hi": "कुल्लू शॉल", "short_desc": "Handloom wool shawl",
        "long_desc": "Handwoven on a pit loom", "images": "https://example.org/ks001.jpg",
        "price": "7725.00", "mrp": "8498.00", "available": "3", "maximum": "2",
        "unit": "unit", "unit_value": "1", "returnable": "yes", "cancellable": "yes",
        "return_window": "P7D", "time_to_ship": "P5D" if handmade else "P2D",
        "available_on_cod": "no", "gi_tag": "Kullu Shawl", "odop_district": "Kullu",
        "hsn": "621420", "manufacturer_or_packer_name": "Kullu ODOP Producers' Cooperative",
        "manufacturer_or_packer_address": "Akhara Bazar, Kullu, Himachal Pradesh 175101",
        "common_or_generic_name_of_commodity": "Shawl",
        "month_year_of_manufacture_packing_import": "10/2026",
        # Sold in bulk too (B2B): blank these columns for an item sold retail only.
        "b2b_price_slabs": "1-9:6900|10-:6500", "b2b_min_order_quantity": "2",
        "b2b_time_to_ship": "P7D", "b2b_tax_rate": "12", "b2b_cancellable": "yes",
        "b2b_origin": "IND", "b2b_gst_credit_invoice": "yes",
        # The B2B category code: the one of ONDC's verifier for the fashion list's
        # "Dupattas & Shawls" (docs/b2b.md); blank elsewhere until the seller looks it up.
        "b2b_category_code": "RET12-1029" if domain == "ONDC:RET12" else "",
        "b2b_payment_types": "PRE-FULFILLMENT|POST-FULFILLMENT",
    }  # fmt: skip
    if not handmade:
        # Grocery names its goods by EAN barcode (ONDC's rule for RET10 item codes); this
        # one is in GS1's range for in-store codes.
        values |= {"hsn": "", "ean": "2000000000015"}
    for column in template_columns(category, domain):
        if column.startswith(ATTRIBUTE_PREFIX):
            values[column] = _ATTRIBUTE_EXAMPLES.get(column.removeprefix(ATTRIBUTE_PREFIX), "")
    return [values.get(column, "") for column in template_columns(category, domain)]


def template_csv(category: str, domain: str) -> bytes:
    """A CSV template: the header row and one example row for the category."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_columns(category, domain))
    writer.writerow(_example(category, domain))
    return out.getvalue().encode("utf-8")


def template_xlsx(category: str, domain: str) -> bytes:
    """An XLSX template: the header row and one example row for the category."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "items"
    sheet.append(list(template_columns(category, domain)))
    sheet.append(_example(category, domain))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
