"""The B2B RFQ answered with a quotation: ``/select`` -> ``/on_select`` (ONDC B2B 2.0.2).

A buyer's ``/select`` is a request for quotation: items and quantities, its terms
(``BUYER_TERMS``: ITEM_REQ, PACKAGING_REQ), delivery terms, the payment type wanted, its
GSTIN in the ``buyer_id`` tags and, on the provider, the window (``ttl``) in which it
wants quotations. The quotation:

- prices each line at the buyer's **price agreement** when a letter of intent of this
  buyer (its GSTIN, its buyer app) covers the item: the letter's unit price, and the
  letter's payment type; otherwise at the seller's B2B price slab for the quantity; an
  item with no B2B price list is quoted at its catalogue price (which includes GST);
- adds tax at the item's ``g2`` tax_rate (slab and agreed prices are before GST), the
  seller's delivery and packing charges, and holds the stock for the order policy's hold;
- says ``quote.ttl``: the buyer's window when it gave one, else one day;
- refuses, in the callback's error, what the seller cannot meet: 30001 unknown provider,
  30004 unknown item, 40002 not enough stock (the quote shows what can be had), 40012
  below the item's minimum order quantity, 30009 not serviceable, 40004 a payment type the
  seller does not offer, 50005 delivery terms it will not meet
  (``adapter.core.b2b.delivery_terms``). The buyer selects again in the same transaction.

The RFQ and the quotation are recorded against the letters of intent the transaction
realises (``adapter.core.b2b.loi``), so the LOI desk shows "RFQ received" and "quoted".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import orjson

import schemas
import schemas.b2b
from adapter.core.b2b.delivery_terms import delivery_terms_refusal
from adapter.core.b2b.loi import LetterItem, MovementKind, agreed_lines
from adapter.core.b2b.ports import B2BDesk
from adapter.core.b2b.price_list import PriceList, SellerTerms, minimum_order_refusal, unit_price
from adapter.core.b2b.replies import answers_b2b_refusals, b2b_reply
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook, OrderPolicy, Refusal, iso_duration
from adapter.core.orders import INTERNAL, parse_duration
from adapter.core.ownership import belongs_to, foreign_refusal
from catalog_sync.transform import serves

__all__ = ["b2b_order", "buyer_gstin", "on_select", "stored"]

_DEFAULT_QUOTE_TTL: Final = "P1D"
_FULFILLMENT_ID: Final = "1"


def stored(wire: dict[str, Any], gstin: str | None) -> dict[str, Any]:
    """A B2B order as the order store keeps it: the item lines and quote in the shape the
    store's stock, confirm and reporting steps read (``id``, ``quantity.count``,
    ``fulfillment_id``), and the B2B wire order itself under the adapter's own key."""
    return {
        "provider": wire["provider"],
        "items": [
            {
                "id": item["id"],
                "quantity": {"count": item["quantity"]["selected"]["count"]},
                "fulfillment_id": _FULFILLMENT_ID,
            }
            for item in wire["items"]
        ],
        "quote": wire["quote"],
        INTERNAL: {"contract": "B2B 2.0.2", "b2b": wire, "buyer_gstin": gstin},
    }


def b2b_order(document: dict[str, Any]) -> dict[str, Any]:
    """The B2B wire order kept in a stored document (``{}`` for a retail order)."""
    internal = document.get(INTERNAL) or {}
    wire: dict[str, Any] = internal.get("b2b") or {}
    return wire


def buyer_gstin(order: schemas.b2b.B2BOrder) -> str | None:
    """The buyer's GSTIN from the order's ``buyer_id`` tags (``buyer_id_no``)."""
    group = schemas.b2b.b2b_tag_group(order.tags, "buyer_id")
    value = group.value_of("buyer_id_no") if group is not None else None
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _wants(order: schemas.b2b.B2BOrder) -> dict[str, int]:
    wants: dict[str, int] = {}
    for index, item in enumerate(order.items or []):
        count = item.quantity.selected.count if item.quantity and item.quantity.selected else None
        if isinstance(count, str) and count.isdigit():
            count = int(count)
        if not item.id or not isinstance(count, int) or count <= 0:
            raise Refusal(
                "30000",
                f"message.order.items[{index}]: an id and quantity.selected.count above 0 "
                "are required",
            )
        wants[item.id] = wants.get(item.id, 0) + count
    if not wants:
        raise Refusal("30000", "message.order.items: at least one item is required")
    return wants


def _end(order: schemas.b2b.B2BOrder) -> tuple[str, dict[str, Any]]:
    fulfilment = order.fulfillments[0] if order.fulfillments else None
    kind = (fulfilment.type if fulfilment else None) or "Delivery"
    stops = (fulfilment.model_extra or {}).get("stops") if fulfilment else None
    end = next(
        (stop for stop in stops or [] if isinstance(stop, dict) and stop.get("type") == "end"),
        {},
    )
    return kind, end.get("location") or {}


def _payment_type(
    order: schemas.b2b.B2BOrder, agreed: dict[tuple[str, str], LetterItem],
    letter_payment: str | None, terms: SellerTerms | None,
) -> str:  # fmt: skip
    offered = terms.payment_types if terms is not None else ("ON-FULFILLMENT",)
    if agreed and letter_payment:
        return letter_payment
    wanted = next((p.type for p in order.payments or [] if p.type), None)
    if wanted is None:
        return offered[0]
    if wanted not in offered:
        raise Refusal(
            "40004", f"message.order.payments[0].type {wanted!r}: offered {', '.join(offered)}"
        )
    return wanted


def _price(
    sku: str, count: int, catalogue_price: Decimal, price_list: PriceList | None,
    agreed: LetterItem | None,
) -> tuple[Decimal, Decimal]:  # fmt: skip
    """Unit price (rupees) and tax rate (percent) of a line."""
    tax = price_list.tax_rate if price_list is not None else Decimal(0)
    if agreed is not None:
        return Decimal(agreed.unit_price_paise) / 100, tax
    if price_list is not None:
        slab = unit_price(price_list, count)
        if slab is None:
            raise Refusal("40009", f"item {sku}: {count} is beyond the price list's last slab")
        return Decimal(slab) / 100, tax
    return catalogue_price, Decimal(0)


def _money(value: Decimal) -> dict[str, str]:
    return {"currency": "INR", "value": f"{value.quantize(Decimal('0.01'))}"}


@answers_b2b_refusals
async def on_select(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    b2b: B2BDesk,
    **_: Any,
) -> schemas.Envelope:
    """The quotation answering an RFQ."""
    assert isinstance(request, schemas.b2b.B2BSelectRequest)
    context = request.context
    order = request.message.order
    if order is None or order.provider is None or not order.provider.id:
        raise Refusal("30000", "message.order.provider.id is required")
    transaction_id = context.transaction_id or ""
    found = await orders.seller(order.provider.id)
    if found is None:
        raise Refusal("30001", f"message.order.provider.id {order.provider.id!r}: no such seller")
    seller, location = found
    draft = await orders.by_transaction(transaction_id)
    if draft is not None and not belongs_to(draft, context):
        raise Refusal(*foreign_refusal("select"))
    if draft is not None and draft.stage == "confirmed":
        raise Refusal("30000", "this transaction is already a purchase order")
    wants = _wants(order)
    kind, end = _end(order)
    if kind not in location.fulfillment_types:
        raise Refusal(
            "30008" if kind == "Self-Pickup" else "30009",
            f"message.order.fulfillments[0].type {kind!r}: {seller.name} offers "
            f"{' or '.join(location.fulfillment_types)}",
        )
    pickup = kind == "Self-Pickup"
    country = ((end.get("country") or {}).get("code")) or "IND"
    gps = str(end["gps"]).replace(" ", "") if end.get("gps") else None
    serviceable = (
        pickup
        or (country == "IND" and serves(location, gps=gps, pincode=end.get("area_code")))
        or (country != "IND" and location.serviceability == "12")
    )
    if not serviceable:
        raise Refusal(
            "30009",
            f"delivery to {end.get('area_code') or gps or country} is not serviceable from "
            f"{location.city}",
        )
    # Terms the seller will not meet are answered with the quotation it would make and the
    # error naming why (as the contract's rejected RFQ), so the buyer can select again.
    refused_terms = delivery_terms_refusal(order)
    gstin = buyer_gstin(order)
    lines = [(seller.code, sku) for sku in wants]
    letters = await b2b.terms_for_buyer(gstin) if gstin else []
    agreed = agreed_lines(letters, buyer_gstin=gstin, buyer_app_id=context.bap_id or "",
                          lines=lines)  # fmt: skip
    letter_payment = next(
        (letter.payment_type for letter in reversed(letters) if letter.payment_type), None
    )
    terms = await b2b.seller_terms(seller.code)
    payment_type = _payment_type(order, agreed, letter_payment, terms)
    price_lists = await b2b.price_lists(seller.code, wants)
    for sku, want in wants.items():
        # Checked before anything is held: a refused RFQ holds no stock.
        floor = price_lists[sku].min_order_quantity if sku in price_lists else 1
        if want < floor:
            raise Refusal("40012", f"item {sku}: minimum order quantity is {floor}")
    # Bulk quantities: a price list bounds a line by its last slab (open-ended: the stock
    # alone), not by the retail per-order maximum (at most 99 in ONDC's retail rules).
    caps = {sku: terms.slabs[-1].max_quantity for sku, terms in price_lists.items() if terms.slabs}
    stocks = await orders.hold(
        transaction_id=transaction_id, seller_code=seller.code, wants=wants, now=now,
        until=now + policy.hold, caps=caps,
    )  # fmt: skip
    breakup: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    short: list[str] = []
    subtotal = Decimal(0)
    ship = timedelta(days=1)
    requested = {item.id: item for item in order.items or []}
    for stock in stocks:
        want = wants[stock.sku]
        if stock.item is None:
            raise Refusal("30004", f"item {stock.sku}: not in {seller.name}'s catalogue")
        price_list = price_lists.get(stock.sku)
        count = stock.held
        if count < want:
            short.append(stock.sku)
        unit, tax_rate = _price(
            stock.sku, want, stock.item.price, price_list, agreed.get((seller.code, stock.sku))
        )
        line_total = unit * count
        subtotal += line_total
        ship = max(
            ship, parse_duration(price_list.time_to_ship if price_list else stock.item.time_to_ship)
        )
        breakup.append({
            "@ondc/org/item_id": stock.sku, "@ondc/org/item_quantity": {"count": count},
            "title": stock.item.name, "@ondc/org/title_type": "item",
            "price": _money(line_total), "item": {"price": _money(unit)},
        })  # fmt: skip
        tax = (line_total * tax_rate / 100).quantize(Decimal("0.01"))
        subtotal += tax
        breakup.append({"@ondc/org/item_id": stock.sku, "title": "Tax",
                        "@ondc/org/title_type": "tax", "price": _money(tax)})  # fmt: skip
        asked = requested.get(stock.sku)
        items.append({
            "id": stock.sku, "location_ids": [location.code],
            "fulfillment_ids": [_FULFILLMENT_ID], "quantity": {"selected": {"count": count}},
            **({"tags": [t.model_dump(mode="json", by_alias=True, exclude_none=True)
                         for t in asked.tags]} if asked is not None and asked.tags else {}),
        })  # fmt: skip
    delivery = Decimal(seller.delivery_charge) if not pickup else Decimal(0)
    packing = Decimal(seller.packing_charge)
    for title, kind_code, amount in (("Delivery charges", "delivery", delivery),
                                     ("Packing charges", "packing", packing)):  # fmt: skip
        breakup.append({"@ondc/org/item_id": _FULFILLMENT_ID, "title": title,
                        "@ondc/org/title_type": kind_code, "price": _money(amount)})  # fmt: skip
    total = subtotal + delivery + packing
    # Like terms the seller will not meet, an order below its minimum value is answered
    # with the quotation and the error naming the minimum; no draft is kept from it.
    refused_terms = refused_terms or minimum_order_refusal(terms, int(total * 100))
    window = order.provider.ttl or _DEFAULT_QUOTE_TTL
    fulfilment_in = order.fulfillments[0] if order.fulfillments else None
    tat = ship if pickup else ship + timedelta(days=seller.transit_days)
    fulfilment: dict[str, Any] = {
        "id": _FULFILLMENT_ID, "type": kind, "@ondc/org/provider_name": seller.name,
        "tracking": False, "@ondc/org/category": "Standard Delivery",
        "@ondc/org/TAT": iso_duration(tat),
        "state": {"descriptor": {"code": "Serviceable"}},
    }  # fmt: skip
    if fulfilment_in is not None and fulfilment_in.tags:
        fulfilment["tags"] = [
            t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in fulfilment_in.tags
        ]
    document: dict[str, Any] = {
        "provider": {"id": seller.code, "locations": [{"id": location.code}]},
        "items": items,
        "fulfillments": [fulfilment],
        "quote": {"price": _money(total), "breakup": breakup, "ttl": window},
        "payments": [{"type": payment_type, "collected_by": "BPP"}],
    }
    if order.tags:
        document["tags"] = [t.model_dump(mode="json", by_alias=True, exclude_none=True)
                            for t in order.tags]  # fmt: skip
    moves: tuple[tuple[MovementKind, int, str], ...] = (
        (MovementKind.RFQ, 0, f"{transaction_id}:rfq"),
    )
    if refused_terms is None:
        await orders.save_draft(
            transaction_id=transaction_id, bap_id=context.bap_id or "",
            bap_uri=context.bap_uri or "", domain=context.domain or "",
            city=context.city_code or "", seller_code=seller.code, stage="selected",
            document=stored(document, gstin), total=total, now=now,
        )  # fmt: skip
        quoted = int(total * 100)
        moves += ((MovementKind.QUOTED, quoted, f"{transaction_id}:quoted:{context.message_id}"),)
    for kind_moved, moved_paise, key in moves:
        await b2b.record(
            buyer_gstin=gstin, buyer_app_id=context.bap_id or "", lines=lines,
            transaction_id=transaction_id, order_id=None, kind=kind_moved,
            amount_paise=moved_paise, event_key=key, at=now,
        )  # fmt: skip
    error = refused_terms
    if short and error is None:
        error = ("40002", _out_of_stock(short))
    return b2b_reply(request, identity=identity, now=now, message={"order": document}, error=error)


def _out_of_stock(skus: list[str]) -> str:
    """ONDC's out-of-stock message: a JSON list of ``{"item_id", "error": "40002"}``."""
    return orjson.dumps([{"item_id": sku, "error": "40002"} for sku in skus]).decode()
