"""``/seller/v1/b2b``: a seller's B2B price list per item and its B2B terms.

A price list gives quantity slabs with a unit price each (before GST), the minimum order
quantity, ``g2`` time_to_ship / tax_rate / cancellable, the country of origin and the
item's B2B category code; the seller's terms say whether it issues GST credit invoices,
which payment types it offers (advance PRE-FULFILLMENT, ON-FULFILLMENT, credit
POST-FULFILLMENT) and its minimum order value. Quotations to B2B RFQs
are priced from them (``adapter.core.b2b.rfq``). Bodies are strict; a refusal names the
field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from adapter.catalog.b2b_rows import PriceListTerms
from adapter.core.b2b.category_codes import category_code_problem
from adapter.core.b2b.price_list import PriceList, PriceSlab, SellerTerms, rupees, slab_problem
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute

__all__ = ["b2b_catalogue_router"]

_Rupees = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
_Domain = Annotated[str, Field(pattern=r"^ONDC:RET1[0-9A-D]$")]
_Licence = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/.-]{2,63}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SlabIn(_Strict):
    """A quantity range and its unit price in rupees, before GST."""

    min_quantity: Annotated[int, Field(ge=1)]
    max_quantity: Annotated[int, Field(ge=1)] | None = None
    unit_price: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class PriceListIn(PriceListTerms):
    """An item's B2B price list: the terms a catalogue file takes too (``category_code``
    of the item's domain, checked in the route), slabs in the API's words."""

    slabs: Annotated[list[SlabIn], Field(min_length=1, max_length=20)]


class TermsIn(_Strict):
    """A seller's B2B terms."""

    gst_credit_invoice: bool = True
    payment_types: Annotated[
        list[Literal["PRE-FULFILLMENT", "ON-FULFILLMENT", "POST-FULFILLMENT"]],
        Field(min_length=1, max_length=3),
    ]
    # A PO above this value (rupees, with GST) waits for the seller's decision; none: every
    # PO is accepted automatically.
    po_review_above: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    po_decision_seconds: Annotated[int, Field(ge=5, le=7 * 24 * 3600)] = 7200
    po_default: Literal["accept", "reject"] = "reject"
    # The smallest B2B order (rupees, the quote's total with GST); none: no minimum.
    min_order_value: _Rupees | None = None
    # The smallest B2B order in a domain ({"ONDC:RET12": "25000"}), before min_order_value.
    min_order_values: Annotated[dict[_Domain, _Rupees], Field(max_length=14)] = {}
    # The seller's export licence (its number) and where a buyer can verify it; without
    # one the seller quotes no delivery abroad.
    export_licence: _Licence | None = None
    export_licence_url: HttpUrl | None = None


def _text(url: HttpUrl | None) -> str | None:
    return None if url is None else str(url)


def _rupees_in(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _shown(price_list: PriceList) -> dict[str, Any]:
    return {
        "sku": price_list.sku,
        "slabs": [
            {
                "min_quantity": s.min_quantity,
                "max_quantity": s.max_quantity,
                "unit_price": rupees(s.unit_price_paise),
            }
            for s in price_list.slabs
        ],
        "min_order_quantity": price_list.min_order_quantity,
        "time_to_ship": price_list.time_to_ship,
        "tax_rate": format(price_list.tax_rate, "f"),
        "cancellable": price_list.cancellable,
        "origin": price_list.origin,
        "category_code": price_list.category_code,
    }


def _terms_shown(terms: SellerTerms) -> dict[str, Any]:
    above = terms.po_review_above_paise
    return {
        "gst_credit_invoice": terms.gst_credit_invoice,
        "payment_types": list(terms.payment_types),
        "po_review_above": None if above is None else rupees(above),
        "po_decision_seconds": terms.po_decision_seconds,
        "po_default": terms.po_default,
        "min_order_value": (
            None if terms.min_order_value_paise is None else rupees(terms.min_order_value_paise)
        ),
        "min_order_values": {
            domain: rupees(paise) for domain, paise in sorted(terms.min_order_values_paise.items())
        },
        "export_licence": terms.export_licence,
        "export_licence_url": terms.export_licence_url,
    }


def b2b_catalogue_router() -> APIRouter:
    """A seller's B2B price lists and terms."""
    router = APIRouter(prefix="/seller/v1/b2b", tags=["sellers"], route_class=FieldNamingRoute)

    @router.put("/items/{sku}")
    async def put_price_list(
        request: Request, seller: Seller, sku: str, body: PriceListIn
    ) -> dict[str, Any]:
        """Set the B2B price list of one of the seller's items."""
        runtime = _runtime(request)
        mine = {item.sku: item for item, _ in await runtime.catalogue.items_of(seller)}
        if sku not in mine:
            raise HTTPException(status_code=404, detail=f"sku: {sku!r} is not an item of yours")
        if body.category_code is not None:
            problem = category_code_problem(body.category_code, mine[sku].domain)
            if problem is not None:
                raise HTTPException(status_code=422, detail=f"category_code: {problem}")
        slabs = tuple(
            PriceSlab(s.min_quantity, s.max_quantity, int(s.unit_price * 100)) for s in body.slabs
        )
        problem = slab_problem(slabs)
        if problem is not None:
            raise HTTPException(status_code=422, detail=problem)
        price_list = body.with_slabs(seller, sku, slabs)
        await runtime.b2b_terms.put_price_list(price_list, now=runtime.clock.now())
        return _shown(price_list)

    @router.get("/items")
    async def price_lists(request: Request, seller: Seller) -> list[dict[str, Any]]:
        """The seller's B2B price lists."""
        found = await _runtime(request).b2b_terms.price_lists(seller)
        return [_shown(found[sku]) for sku in sorted(found)]

    @router.put("/terms")
    async def put_terms(request: Request, seller: Seller, body: TermsIn) -> dict[str, Any]:
        """Set the seller's B2B terms."""
        runtime = _runtime(request)
        above = body.po_review_above
        terms = SellerTerms(
            seller,
            body.gst_credit_invoice,
            tuple(dict.fromkeys(body.payment_types)),
            po_review_above_paise=_rupees_in(above),
            po_decision_seconds=body.po_decision_seconds,
            po_default=body.po_default,
            min_order_value_paise=_rupees_in(body.min_order_value),
            min_order_values_paise={
                domain: int(value * 100) for domain, value in body.min_order_values.items()
            },
            export_licence=body.export_licence,
            export_licence_url=_text(body.export_licence_url),
        )
        await runtime.b2b_terms.put_seller_terms(terms, now=runtime.clock.now())
        return _terms_shown(terms)

    @router.get("/terms")
    async def terms(request: Request, seller: Seller) -> dict[str, Any]:
        """The seller's B2B terms (the defaults when none are set)."""
        found = await _runtime(request).b2b_terms.seller_terms(seller) or SellerTerms(seller)
        return _terms_shown(found)

    return router
