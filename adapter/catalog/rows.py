"""The rows of a catalogue file, as strict models: a seller, its location and its items
(the shape a JSON file holds and CSV/XLSX rows are turned into; the seller API takes the
same models). Each model checks what one row can tell by itself (price not above MRP, GPS
with six decimals, six-digit pincode, ISO 8601 durations, EAN check digits); what ONDC's
rules ask of the item once it is part of a catalogue is ``catalog_sync.item_rules``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from adapter.catalog.b2b_rows import B2BPriceRow
from adapter.core.b2b.category_codes import category_code_problem
from adapter.core.context_rules import parse_duration
from adapter.core.retail125.delivery_slots import slot_problem
from adapter.storage.bounds import MAX_COUNT
from catalog_sync.customisation import TextInput
from catalog_sync.preflight import PACKAGED_COMMODITIES, PREPACKAGED_FOOD
from catalog_sync.records import ItemRecord, Package

__all__ = ["ItemRow", "LocationRow", "SellerRow"]

_GPS: Final = re.compile(r"-?\d{1,2}\.\d{6},-?\d{1,3}\.\d{6}")
_HOURS: Final = r"^([01]\d|2[0-3])[0-5]\d-([01]\d|2[0-3])[0-5]\d$"


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
    accepts_cash: bool = False
    cash_limit: Annotated[str, Field(pattern=r"^\d{1,7}(\.\d{1,2})?$")] = "5000"
    collects_payment: bool = False


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
    # "Buyer-Delivery": the store lets buyer apps' own logistics collect the packed goods
    # (retail 1.2.5); its items then need their ``package`` (weight and size).
    fulfillment_types: Annotated[
        tuple[Literal["Delivery", "Self-Pickup", "Buyer-Delivery"], ...],
        Field(min_length=1, max_length=3),
    ] = ("Delivery",)
    opening_hours: Annotated[str, Field(pattern=r"^\d{4}-\d{4}$")] = "0900-1900"
    holidays: tuple[IsoDay, ...] = ()
    closed_from: IsoDay | None = None
    closed_until: IsoDay | None = None
    slot_minutes: Annotated[int, Field(ge=0, le=720)] = 0
    slot_hours: Annotated[str, Field(pattern=_HOURS)] = "0900-1900"
    slots_offered: Annotated[int, Field(ge=1, le=12)] = 4
    slot_orders: Annotated[int, Field(ge=0, le=10_000)] = 0

    @field_validator("holidays", "pincodes", "fulfillment_types", mode="before")
    @classmethod
    def _days_in_a_cell(cls, value: Any) -> Any:
        # A spreadsheet cell holds them as "2026-12-25; 2027-01-26".
        if isinstance(value, str):
            return tuple(day.strip() for day in value.split(";") if day.strip())
        return value

    @model_validator(mode="after")
    def _closure_is_a_range(self) -> LocationRow:
        problem = slot_problem(self.slot_minutes, self.slot_hours)
        if problem:
            raise ValueError(problem)
        if self.fulfillment_types == ("Buyer-Delivery",):
            raise ValueError(
                "fulfillment_types: Buyer-Delivery goes with Delivery or Self-Pickup (buyer "
                "apps without a courier of their own need one of them)"
            )
        if (self.closed_from is None) != (self.closed_until is None):
            raise ValueError("closed_from and closed_until go together (first and last day shut)")
        if self.closed_from and self.closed_until and self.closed_from > self.closed_until:
            raise ValueError(
                f"closed_from {self.closed_from} is after closed_until {self.closed_until}"
            )
        return self


class TextInputRow(_Strict):
    """A text the buyer may write for the item (a name embroidered on a rumal): what the
    buyer is asked, how long, which characters, the price on top, required or not."""

    label: Annotated[str, Field(min_length=1, max_length=60)]
    max_length: Annotated[int, Field(ge=1, le=200)]
    characters: Literal["letters", "letters_digits", "printable"] = "letters"
    price: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] = Decimal(0)
    required: bool = True

    def record(self) -> TextInput:
        """The limits as the catalogue keeps them."""
        return TextInput(
            label=self.label,
            max_length=self.max_length,
            characters=self.characters,
            price=f"{self.price:.2f}",
            required=self.required,
        )


_Measure = Annotated[Decimal, Field(gt=0, le=100000, max_digits=9, decimal_places=3)]


class PackageRow(_Strict):
    """One piece of the item as packed for carriage: weight in kilograms, length, breadth
    and height in centimetres (what a buyer app carrying the goods books its courier on)."""

    weight_kg: _Measure
    length_cm: _Measure
    breadth_cm: _Measure
    height_cm: _Measure

    def record(self) -> Package:
        """The package as the catalogue keeps it (decimal strings, trailing zeros dropped)."""
        return Package(
            weight_kg=_decimal_text(self.weight_kg),
            length_cm=_decimal_text(self.length_cm),
            breadth_cm=_decimal_text(self.breadth_cm),
            height_cm=_decimal_text(self.height_cm),
        )


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    # The item's B2B price list (ONDC B2B 2.0.2), if it is sold in bulk too.
    b2b: B2BPriceRow | None = None
    # A buyer's own text on the item (ONDC retail 1.2.5 customisation input text).
    text_input: TextInputRow | None = None
    # False: the seller has taken the item off sale (kept, shown to buyer apps as disabled).
    on_sale: bool = True
    # One piece as packed for carriage, for buyer apps that carry the goods themselves.
    package: PackageRow | None = None

    def record(self) -> ItemRecord:
        """The item as the catalogue keeps it, statutory blocks under their ONDC keys."""
        values = self.model_dump(
            exclude={"packaged_commodities", "prepackaged_food", "b2b", "text_input", "package"}
        )
        statutory: dict[str, Any] = {}
        if self.packaged_commodities:
            statutory[PACKAGED_COMMODITIES] = self.packaged_commodities
        if self.prepackaged_food:
            # A licence the seller leaves blank does not apply to it (goods not imported,
            # no other licensee): ONDC wants every field of the block, so it says "NA".
            statutory[PREPACKAGED_FOOD] = {**_FOOD_NOT_APPLICABLE, **self.prepackaged_food}
        text_input = self.text_input.record() if self.text_input is not None else None
        return ItemRecord(
            **{**values, "images": tuple(self.images), "statutory": statutory},
            text_input=text_input,
            package=self.package.record() if self.package is not None else None,
        )

    @model_validator(mode="after")
    def _preflight(self) -> ItemRow:
        if self.price > self.mrp:
            raise ValueError(f"price {self.price} is above the MRP {self.mrp}")
        if self.text_input is not None and self.domain == "ONDC:RET10":
            # ONDC's grocery catalogue allows no custom tag group (custom_group among them).
            raise ValueError("text_input: grocery (ONDC:RET10) items take no customisation")
        if self.b2b is not None and self.b2b.category_code is not None:
            problem = category_code_problem(self.b2b.category_code, self.domain)
            if problem is not None:
                raise ValueError(f"b2b category_code: {problem}")
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
