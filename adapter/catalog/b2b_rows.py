"""An item's B2B price list and a seller's B2B terms as a catalogue file gives them
(ONDC B2B 2.0.2 vocabulary: price slabs ``min_pack_size`` / ``max_pack_size`` /
``unit_sale_price``, minimum order quantity, ``g2`` time_to_ship / tax_rate / cancellable,
``origin``, the item's B2B category code; provider ``seller_terms`` ``gst_credit_invoice``
and the payment types offered).

In JSON an item carries ``"b2b": {...}`` and a seller entry ``"seller_terms": {...}``. In a
spreadsheet the columns are :data:`ITEM_B2B_COLUMNS` (the slabs in one cell,
``1-99:400|100-:350``: from-to quantity, unit sale price in rupees before GST, ``|``
between slabs, the last one open) and :data:`SELLER_TERMS_COLUMNS`, repeated on every row
of a seller. The seller API (``/seller/v1/b2b``) checks the same values with the same rules.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from adapter.core.b2b.category_codes import category_code_problem
from adapter.core.b2b.price_list import PriceList, PriceSlab, SellerTerms, slab_problem
from adapter.core.context_rules import parse_duration

__all__ = [
    "GST_RATES",
    "ITEM_B2B_COLUMNS",
    "SELLER_TERMS_COLUMNS",
    "B2BPriceRow",
    "PriceListTerms",
    "SellerTermsRow",
    "alpha3",
    "b2b_category_code",
    "duration",
    "gst_rate",
]

GST_RATES: Final = frozenset(Decimal(r) for r in ("0", "0.25", "3", "5", "12", "18", "28"))
_ALPHA3: Final = re.compile(r"[A-Z]{3}")
_SLAB: Final = re.compile(r"\s*(\d+)\s*-\s*(\d*)\s*:\s*(\d+(?:\.\d{1,2})?)\s*")

# Spreadsheet column -> field of an item's ``b2b`` block.
ITEM_B2B_COLUMNS: Final = {
    "b2b_price_slabs": "slabs",
    "b2b_min_order_quantity": "min_order_quantity",
    "b2b_time_to_ship": "time_to_ship",
    "b2b_tax_rate": "tax_rate",
    "b2b_cancellable": "cancellable",
    "b2b_origin": "origin",
    "b2b_category_code": "category_code",
}
# Spreadsheet column -> field of a seller's ``seller_terms``.
SELLER_TERMS_COLUMNS: Final = {
    "b2b_gst_credit_invoice": "gst_credit_invoice",
    "b2b_payment_types": "payment_types",
}


def duration(value: str) -> str:
    """``value`` when it is an ISO 8601 duration (P2D, PT48H)."""
    try:
        parse_duration(value)
    except ValueError as exc:
        raise ValueError(f"{exc} (e.g. P2D, PT48H)") from None
    return value


def gst_rate(value: Decimal) -> Decimal:
    """``value`` when it is a GST rate."""
    if value not in GST_RATES:
        raise ValueError(
            f"a GST rate: one of {', '.join(sorted(map(str, GST_RATES), key=Decimal))}"
        )
    return value


def alpha3(value: str) -> str:
    """``value`` when it is an ISO 3166 alpha-3 country code."""
    if not _ALPHA3.fullmatch(value):
        raise ValueError("an ISO 3166 alpha-3 country code in capitals (IND, NPL...)")
    return value


def b2b_category_code(value: str) -> str:
    """``value`` when it is an accepted B2B category code (of any domain; the item's own
    domain is checked where the item is known)."""
    value = value.strip().upper()
    problem = category_code_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlabRow(_Strict):
    """A quantity range (packs) and its unit sale price in rupees, before GST."""

    min_pack_size: Annotated[int, Field(ge=1)]
    max_pack_size: Annotated[int, Field(ge=1)] | None = None
    unit_sale_price: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class PriceListTerms(_Strict):
    """An item's B2B terms besides its slabs, as a catalogue file and the seller API
    (``adapter.b2b.catalogue_api``) both take them."""

    min_order_quantity: Annotated[int, Field(ge=1)] = 1
    time_to_ship: Annotated[str, AfterValidator(duration)] = "P1D"
    tax_rate: Annotated[Decimal, AfterValidator(gst_rate)] = Decimal(0)
    cancellable: bool = True
    origin: Annotated[str, AfterValidator(alpha3)] = "IND"
    category_code: Annotated[str, AfterValidator(b2b_category_code)] | None = None

    def with_slabs(self, seller_code: str, sku: str, slabs: tuple[PriceSlab, ...]) -> PriceList:
        """The price list of these terms and ``slabs``, as quotations read it."""
        return PriceList(
            seller_code=seller_code, sku=sku, slabs=slabs,
            min_order_quantity=self.min_order_quantity, time_to_ship=self.time_to_ship,
            tax_rate=self.tax_rate, cancellable=self.cancellable, origin=self.origin,
            category_code=self.category_code,
        )  # fmt: skip


class B2BPriceRow(PriceListTerms):
    """An item's B2B price list."""

    slabs: Annotated[list[SlabRow], Field(min_length=1, max_length=20)]

    @field_validator("slabs", mode="before")
    @classmethod
    def _slabs_in_a_cell(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        slabs = []
        for part in value.split("|"):
            found = _SLAB.fullmatch(part)
            if found is None:
                raise ValueError(
                    f"{part.strip()!r} is not a slab: from-to:unit price, e.g. 1-99:400|100-:350"
                )
            low, high, price = found.groups()
            slabs.append(
                {"min_pack_size": low, "max_pack_size": high or None, "unit_sale_price": price}
            )
        return slabs

    @model_validator(mode="after")
    def _slabs_run_on(self) -> B2BPriceRow:
        problem = slab_problem(self._slabs())
        if problem is not None:
            raise ValueError(problem)
        return self

    def _slabs(self) -> tuple[PriceSlab, ...]:
        return tuple(
            PriceSlab(s.min_pack_size, s.max_pack_size, int(s.unit_sale_price * 100))
            for s in self.slabs
        )

    def price_list(self, seller_code: str, sku: str) -> PriceList:
        """The price list as quotations read it."""
        return self.with_slabs(seller_code, sku, self._slabs())


PaymentType = Literal["PRE-FULFILLMENT", "ON-FULFILLMENT", "POST-FULFILLMENT"]


class SellerTermsRow(_Strict):
    """A seller's B2B terms: GST credit invoices, and the payment types it offers
    (PRE-FULFILLMENT advance, ON-FULFILLMENT, POST-FULFILLMENT credit)."""

    gst_credit_invoice: bool = True
    payment_types: Annotated[list[PaymentType], Field(min_length=1, max_length=3)]

    @field_validator("payment_types", mode="before")
    @classmethod
    def _types_in_a_cell(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip().upper() for part in value.split("|") if part.strip()]
        return value

    def terms(self, seller_code: str) -> SellerTerms:
        """The terms as quotations read them."""
        return SellerTerms(
            seller_code, self.gst_credit_invoice, tuple(dict.fromkeys(self.payment_types))
        )
