"""A letter of intent as sellers and operators enter it (JSON bodies and spreadsheet rows).

Strict: an unknown field is refused, and every refusal names its field. Amounts are rupees
with at most two decimals (``"125000.50"``), kept as paise. ``district`` is one of
Himachal Pradesh's 12 districts as the ODOP list names them; ``buyer_gstin`` a well-formed
GSTIN (without one, no transaction can be linked to the letter, so it stays "signed" and
is flagged on paper in time: the desk says so).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from adapter.core.b2b.loi import GSTIN, LetterItem
from adapter.core.odop import districts
from adapter.storage.loi_desk import LetterRecord

__all__ = ["PAYMENT_TYPES", "FollowUpIn", "LetterFields", "LetterIn", "LetterItemIn", "paise"]

PAYMENT_TYPES: Final = ("PRE-FULFILLMENT", "ON-FULFILLMENT", "POST-FULFILLMENT")
"""B2B 2.0.2 payment types: advance, on delivery, credit."""


def paise(rupees: Decimal) -> int:
    """Rupees (at most two decimals) as paise."""
    return int(rupees * 100)


def _district(value: str) -> str:
    names = {district.name.casefold(): district.name for district in districts()}
    found = names.get(value.strip().casefold())
    if found is None:
        raise ValueError(
            f"not a district of Himachal Pradesh: one of {', '.join(sorted(names.values()))}"
        )
    return found


def _gstin(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip().upper()
    if not GSTIN.fullmatch(text):
        raise ValueError(
            "a GSTIN is 15 characters: 2 digits, a PAN (5 letters, 4 digits, a letter), "
            "an entity digit, Z and a check character"
        )
    return text


Text80 = Annotated[str, Field(min_length=1, max_length=80)]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Rupees = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LetterItemIn(_Strict):
    """One line of a letter: a seller's item, the quantity and the agreed unit price."""

    seller_code: Annotated[str, Field(min_length=1, max_length=64)]
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    name: Text200 | None = None
    quantity: Annotated[int, Field(gt=0, le=10_000_000)]
    unit_price: Rupees

    def to_item(self) -> LetterItem:
        """As the desk keeps it."""
        return LetterItem(
            self.seller_code, self.sku, self.quantity, paise(self.unit_price), self.name
        )


class LetterFields(_Strict):
    """Everything of a letter but its items (a spreadsheet repeats these on each item row)."""

    reference: Text80
    buyer_name: Text200
    buyer_gstin: Annotated[str | None, AfterValidator(_gstin)] = None
    buyer_app_id: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    district: Annotated[str, AfterValidator(_district)]
    product: Annotated[str, Field(min_length=1, max_length=120)]
    value: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
    payment_type: Literal["PRE-FULFILLMENT", "ON-FULFILLMENT", "POST-FULFILLMENT"] | None = None
    terms: Annotated[str, Field(max_length=2000)] | None = None
    signed_on: date
    meet: Text200 | None = None
    figures_source: Annotated[str, Field(max_length=300)] | None = None
    nodal_officer: Text200 | None = None
    next_follow_up: date | None = None
    demo: bool = False

    def to_record(self, items: list[LetterItemIn]) -> LetterRecord:
        """The letter with these items, as the desk keeps it."""
        return LetterRecord(
            reference=self.reference,
            buyer_name=self.buyer_name,
            buyer_gstin=self.buyer_gstin,
            buyer_app_id=self.buyer_app_id,
            district=self.district,
            product=self.product,
            value_paise=paise(self.value),
            payment_type=self.payment_type,
            terms=self.terms,
            signed_on=self.signed_on,
            meet=self.meet,
            figures_source=self.figures_source,
            nodal_officer=self.nodal_officer,
            next_follow_up=self.next_follow_up,
            demo=self.demo,
            items=tuple(item.to_item() for item in items),
        )


class LetterIn(LetterFields):
    """A whole letter, as the seller and operator APIs take it."""

    items: Annotated[list[LetterItemIn], Field(min_length=1, max_length=200)]


class FollowUpIn(_Strict):
    """The next follow-up of a letter, and who follows it up."""

    next_follow_up: date | None
    nodal_officer: Text200 | None = None
