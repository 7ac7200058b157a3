"""A seller's B2B price list per item and its B2B terms (pure): slab prices, the minimum
order quantity, and how they are written in a B2B 2.0.2 catalogue.

ONDC B2B 2.0.2 ``/on_search`` items carry ``price_slab`` tag groups (min_pack_size,
max_pack_size, unit_sale_price; an empty max_pack_size is open-ended), ``g2``
(time_to_ship, tax_rate, cancellable), ``origin`` (country, ISO 3166 alpha-3) and the
minimum order quantity as ``quantity.minimum.count``; providers carry ``seller_terms``
(gst_credit_invoice). The catalogue's ``payments`` list the payment types offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

__all__ = [
    "PAYMENT_TYPES",
    "PriceList",
    "PriceSlab",
    "SellerTerms",
    "b2b_tag",
    "export_creds",
    "item_tags",
    "minimum_order_refusal",
    "payment_id",
    "rupees",
    "slab_problem",
    "unit_price",
]

PAYMENT_TYPES: Final = ("PRE-FULFILLMENT", "ON-FULFILLMENT", "POST-FULFILLMENT")
"""B2B 2.0.2 payment types: advance, on delivery, credit (all implemented here)."""


def payment_id(kind: str) -> str:
    """The id of a payment type in the B2B catalogue's ``payments`` (and of the order's
    payment of that type): its place in :data:`PAYMENT_TYPES`, from 1."""
    return str(PAYMENT_TYPES.index(kind) + 1) if kind in PAYMENT_TYPES else "1"


@dataclass(frozen=True, slots=True)
class PriceSlab:
    """A quantity range and its unit price (paise); ``max_quantity`` ``None`` is open."""

    min_quantity: int
    max_quantity: int | None
    unit_price_paise: int


@dataclass(frozen=True, slots=True)
class PriceList:
    """One item's B2B terms."""

    seller_code: str
    sku: str
    slabs: tuple[PriceSlab, ...]
    min_order_quantity: int = 1
    time_to_ship: str = "P1D"
    tax_rate: Decimal = Decimal(0)
    cancellable: bool = True
    origin: str = "IND"
    # The item's B2B category code as the seller entered it (adapter.core.b2b.category_codes);
    # None: the retail category, mapped where the contract has a code.
    category_code: str | None = None


@dataclass(frozen=True, slots=True)
class SellerTerms:
    """A seller's B2B terms."""

    seller_code: str
    gst_credit_invoice: bool = True
    payment_types: tuple[str, ...] = PAYMENT_TYPES
    # A PO above this value waits for the seller's decision (None: every PO is accepted
    # automatically), for this long, then gets this default (adapter.core.b2b.po_review).
    po_review_above_paise: int | None = None
    po_decision_seconds: int = 7200
    po_default: str = "reject"
    # The smallest order (paise, the quote's total with GST) the seller takes in B2B; a
    # select below it is answered 30023 (adapter.core.b2b.rfq). None: no minimum.
    min_order_value_paise: int | None = None
    # The smallest order by ONDC domain ("ONDC:RET12"), before min_order_value_paise.
    min_order_values_paise: Mapping[str, int] = field(default_factory=dict)
    # The seller's export licence number and where it can be verified: the provider's
    # creds in a B2B catalogue; without one the seller quotes no delivery abroad.
    export_licence: str | None = None
    export_licence_url: str | None = None

    def minimum_order(self, domain: str | None) -> int | None:
        """The smallest B2B order (paise) the seller takes in ``domain``: the domain's own
        minimum, else the seller's, else ``None``."""
        by_domain = self.min_order_values_paise.get(domain or "")
        return by_domain if by_domain is not None else self.min_order_value_paise


def slab_problem(slabs: Sequence[PriceSlab]) -> str | None:
    """Why these slabs are not a price list (ascending, non-overlapping ranges from 1 up,
    only the last open-ended), or ``None``."""
    if not slabs:
        return "at least one price slab is needed"
    previous_max = 0
    for index, slab in enumerate(slabs):
        if slab.min_quantity != previous_max + 1:
            return (
                f"slabs[{index}].min_quantity must be {previous_max + 1} (slabs run on from 1 "
                "without gaps or overlaps)"
            )
        if slab.max_quantity is None:
            if index != len(slabs) - 1:
                return f"slabs[{index}].max_quantity: only the last slab may be open-ended"
            return None
        if slab.max_quantity < slab.min_quantity:
            return f"slabs[{index}].max_quantity is below its min_quantity"
        previous_max = slab.max_quantity
    return None


def unit_price(price_list: PriceList, quantity: int) -> int | None:
    """The unit price (paise) of ``quantity`` units: that of the slab holding it; ``None``
    beyond the last closed slab."""
    for slab in price_list.slabs:
        if slab.min_quantity <= quantity and (
            slab.max_quantity is None or quantity <= slab.max_quantity
        ):
            return slab.unit_price_paise
    return None


def export_creds(terms: SellerTerms) -> list[dict[str, str]]:
    """The provider's ``creds`` in a B2B catalogue: its export licence, as the contract's
    examples carry one (ONDC B2B 2.0.2 on_search: type License, "Export License No. ...")."""
    if terms.export_licence is None:
        return []
    licence = {"id": terms.export_licence, "type": "License",
               "desc": f"Export License No. {terms.export_licence}"}  # fmt: skip
    if terms.export_licence_url:
        licence["url"] = terms.export_licence_url
    return [licence]


def minimum_order_refusal(
    terms: SellerTerms | None, total_paise: int, domain: str | None = None
) -> tuple[str, str] | None:
    """The 30023 refusal of a quotation in ``domain`` whose total (paise, with GST) is below
    the seller's minimum order value there (ONDC B2B 2.0.2 error 30023, "minimum order
    value"), or ``None``."""
    floor = terms.minimum_order(domain) if terms is not None else None
    if floor is None or total_paise >= floor:
        return None
    where = (
        f" in {domain}"
        if terms is not None and domain and domain in terms.min_order_values_paise
        else ""
    )
    return (
        "30023",
        f"message.order.quote.price {rupees(total_paise)}: below the seller's minimum order "
        f"value of INR {rupees(floor)}{where}",
    )


def rupees(paise: int) -> str:
    """Paise as the wire's rupees: ``"4500.00"``."""
    return f"{Decimal(paise) / 100:.2f}"


def b2b_tag(code: str, values: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A B2B tag group as wire JSON."""
    return {
        "descriptor": {"code": code},
        "list": [{"descriptor": {"code": key}, "value": value} for key, value in values],
    }


def item_tags(price_list: PriceList) -> list[dict[str, Any]]:
    """The item's B2B tag groups: origin, g2, g3 (number of slabs) and one per slab."""
    tags = [
        b2b_tag("origin", [("country", price_list.origin)]),
        b2b_tag(
            "g2",
            [
                ("time_to_ship", price_list.time_to_ship),
                ("tax_rate", format(price_list.tax_rate, "f")),
                ("cancellable", "true" if price_list.cancellable else "false"),
            ],
        ),
        b2b_tag("g3", [("num_price_slabs", str(len(price_list.slabs)))]),
    ]
    for slab in price_list.slabs:
        tags.append(
            b2b_tag(
                "price_slab",
                [
                    ("min_pack_size", str(slab.min_quantity)),
                    ("max_pack_size", "" if slab.max_quantity is None else str(slab.max_quantity)),
                    ("unit_sale_price", rupees(slab.unit_price_paise)),
                ],
            )
        )
    return tags
