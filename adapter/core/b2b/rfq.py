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

A seller's RFQ rules may hold the RFQ for its own decision (``adapter.core.b2b.
rfq_review``): the quotation is then built and kept as the proposal, and the ``/on_select``
waits for the seller (``adapter.core.b2b.rfq_held``).

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
from adapter.core.b2b.buyer_creds import buyer_creds
from adapter.core.b2b.delivery_terms import delivery_terms_refusal
from adapter.core.b2b.finder_fee import finder_fee_refusal
from adapter.core.b2b.loi import (
    LetterItem,
    LetterTerms,
    MovementKind,
    agreed_lines,
    standing_lines,
)
from adapter.core.b2b.po_review import Deferred
from adapter.core.b2b.ports import B2BDesk
from adapter.core.b2b.price_list import PriceList, SellerTerms, minimum_order_refusal, unit_price
from adapter.core.b2b.replies import answers_b2b_refusals, b2b_reply
from adapter.core.b2b.rfq_held import answer_held
from adapter.core.b2b.rfq_order import b2b_order, buyer_gstin, fulfilment_id, stored
from adapter.core.b2b.rfq_review import answer_deadline, decide_by, held_reason, with_buyer_terms
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook, OrderPolicy, Refusal, iso_duration
from adapter.core.orders import parse_duration
from adapter.core.ownership import belongs_to, foreign_refusal
from catalog_sync.records import SellerRecord
from catalog_sync.transform import serves

__all__ = ["b2b_order", "buyer_gstin", "on_select", "stored"]

_DEFAULT_QUOTE_TTL: Final = "P1D"


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


def _standing(
    letters: list[LetterTerms], gstin: str | None, bap_id: str | None, seller: SellerRecord
) -> dict[str, int]:
    """A seller-led RFQ (no items): the seller quotes what the buyer's letters of intent
    with it still cover."""
    wants = standing_lines(letters, buyer_gstin=gstin, buyer_app_id=bap_id or "",
                           seller_code=seller.code)  # fmt: skip
    if not wants:
        raise Refusal(
            "30000",
            "message.order.items: at least one item is required (a select without items "
            f"asks for the standing quotation of a letter of intent with {seller.name}, and "
            "this buyer has none with any quantity left)",
        )
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


def _beyond(price_list: PriceList, count: int) -> bool:
    """Whether ``count`` is more than the price list's last (closed) slab."""
    last = price_list.slabs[-1].max_quantity if price_list.slabs else None
    return last is not None and count > last


def _price(
    sku: str, count: int, catalogue_price: Decimal, price_list: PriceList | None,
    agreed: LetterItem | None, *, beyond_ok: bool = False,
) -> tuple[Decimal, Decimal]:  # fmt: skip
    """Unit price (rupees) and tax rate (percent) of a line; beyond the price list's last
    slab (``beyond_ok``: an RFQ held for its seller) the last slab's price is proposed."""
    tax = price_list.tax_rate if price_list is not None else Decimal(0)
    if agreed is not None:
        return Decimal(agreed.unit_price_paise) / 100, tax
    if price_list is not None:
        slab = unit_price(price_list, count)
        if slab is None and beyond_ok and price_list.slabs:
            slab = price_list.slabs[-1].unit_price_paise
        if slab is None:
            raise Refusal("40009", f"item {sku}: {count} is beyond the price list's last slab")
        return Decimal(slab) / 100, tax
    return catalogue_price, Decimal(0)


def _collector(order: schemas.b2b.B2BOrder, payment_type: str) -> str:
    """Who collects the payment: the buyer app when its RFQ says so for an advance or a
    credit (it then reports the payment by ``/update``); else, and always on delivery, the
    seller app (ONDC B2B 2.0.2: ON-FULFILLMENT is collected by the BPP)."""
    wanted = next((p.collected_by for p in order.payments or [] if p.collected_by), None)
    return "BAP" if wanted == "BAP" and payment_type != "ON-FULFILLMENT" else "BPP"


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
    held = await b2b.held_rfq(transaction_id, context.message_id or "")
    if held is not None:  # a deferred answer built again: the seller's decision, or later
        return await answer_held(request, held, identity=identity, now=now, orders=orders,
                                 b2b=b2b)  # fmt: skip
    gstin = buyer_gstin(order)
    creds = buyer_creds(order)  # an importer's licence, kept with the order
    letters = await b2b.terms_for_buyer(gstin) if gstin else []
    wants = _wants(order) if order.items else _standing(letters, gstin, context.bap_id, seller)
    kind, end = _end(order)
    if kind not in location.fulfillment_types:
        raise Refusal(
            "30008" if kind == "Self-Pickup" else "30009",
            f"message.order.fulfillments[0].type {kind!r}: {seller.name} offers "
            f"{' or '.join(location.fulfillment_types)}",
        )
    pickup = kind == "Self-Pickup"
    fid = fulfilment_id(kind)
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
    terms = await b2b.seller_terms(seller.code)
    if not pickup and country != "IND" and (terms is None or terms.export_licence is None):
        raise Refusal(
            "30009",
            f"delivery to {country} is not serviceable: {seller.name} has no export licence",
        )
    # Terms the seller will not meet are answered with the quotation it would make and the
    # error naming why (as the contract's rejected RFQ), so the buyer can select again.
    refused_terms = delivery_terms_refusal(order)
    lines = [(seller.code, sku) for sku in wants]
    agreed = agreed_lines(letters, buyer_gstin=gstin, buyer_app_id=context.bap_id or "",
                          wants={(seller.code, sku): n for sku, n in wants.items()})  # fmt: skip
    letter_payment = next(
        (letter.payment_type for letter in reversed(letters) if letter.payment_type), None
    )
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
    # The seller's rules may hold the RFQ for its decision (adapter.core.b2b.rfq_review).
    rules = await b2b.rfq_rules(seller.code)
    beyond = [sku for sku, want in wants.items() if sku in price_lists
              and _beyond(price_lists[sku], want)]  # fmt: skip
    reason = held_reason(rules, buyer_terms=with_buyer_terms(order), beyond=beyond)
    closes = None
    deadline = answer_deadline(request, now, policy.answer_window)
    if rules is not None and reason is not None and refused_terms is None and deadline:
        closes = decide_by(rules, now=now, answer_deadline=deadline)
    until = now + policy.hold
    if closes is not None:
        caps.update(dict.fromkeys(beyond))  # the seller decides what it can supply
        until = closes + policy.hold
    stocks = await orders.hold(
        transaction_id=transaction_id, seller_code=seller.code, wants=wants, now=now,
        until=until, caps=caps,
    )  # fmt: skip
    lines_listed: dict[str, dict[str, str]] = {}
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
            stock.sku,
            want,
            stock.item.price,
            price_list,
            agreed.get((seller.code, stock.sku)),
            beyond_ok=closes is not None,
        )
        lines_listed[stock.sku] = {"list_price": f"{unit:.2f}", "tax_rate": f"{tax_rate}"}
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
            "fulfillment_ids": [fid], "quantity": {"selected": {"count": count}},
            **({"tags": [t.model_dump(mode="json", by_alias=True, exclude_none=True)
                         for t in asked.tags]} if asked is not None and asked.tags else {}),
        })  # fmt: skip
    delivery = Decimal(seller.delivery_charge) if not pickup else Decimal(0)
    packing = Decimal(seller.packing_charge)
    for title, kind_code, amount in (("Delivery charges", "delivery", delivery),
                                     ("Packing charges", "packing", packing)):  # fmt: skip
        breakup.append({"@ondc/org/item_id": fid, "title": title,
                        "@ondc/org/title_type": kind_code, "price": _money(amount)})  # fmt: skip
    total = subtotal + delivery + packing
    # Like terms the seller will not meet, an order below its minimum value, or of a buyer
    # app whose finder fee is above the seller app's ceiling, is answered with the
    # quotation and the error naming why; no draft is kept from it.
    refused_terms = (
        refused_terms
        or minimum_order_refusal(terms, int(total * 100), context.domain)
        or finder_fee_refusal(
            await b2b.search_finder_fee(transaction_id, context.bap_id or ""),
            total=total, ceiling=policy.finder_fee_ceiling,
        )
    )  # fmt: skip
    window = order.provider.ttl or _DEFAULT_QUOTE_TTL
    fulfilment_in = order.fulfillments[0] if order.fulfillments else None
    tat = ship if pickup else ship + timedelta(days=seller.transit_days)
    fulfilment: dict[str, Any] = {
        "id": fid, "type": kind, "@ondc/org/provider_name": seller.name,
        "tracking": False,
        # A self-pickup is "Takeaway", as in retail: ONDC's B2B verifier allows no other
        # category for it (the contract's on_select example says "Self-Pickup": docs/b2b.md).
        "@ondc/org/category": "Takeaway" if pickup else "Standard Delivery",
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
        "payments": [{"type": payment_type, "collected_by": _collector(order, payment_type)}],
    }
    if order.tags:
        document["tags"] = [t.model_dump(mode="json", by_alias=True, exclude_none=True)
                            for t in order.tags]  # fmt: skip
    moves: tuple[tuple[MovementKind, int, str], ...] = (
        (MovementKind.RFQ, 0, f"{transaction_id}:rfq"),
    )
    if closes is not None and reason is not None and rules is not None:
        await b2b.record(
            buyer_gstin=gstin, buyer_app_id=context.bap_id or "", lines=lines,
            transaction_id=transaction_id, order_id=None, kind=MovementKind.RFQ,
            amount_paise=0, event_key=f"{transaction_id}:rfq", at=now,
        )  # fmt: skip
        await b2b.hold_rfq(
            seller_code=seller.code, transaction_id=transaction_id,
            message_id=context.message_id or "", bap_id=context.bap_id or "", reason=reason,
            decide_by=closes, default=rules.default,
            proposed={"order": document, "lines": lines_listed,
                      "short": _out_of_stock(short) if short else None},
            now=now,
        )  # fmt: skip
        raise Deferred(closes, "the RFQ awaits its seller's decision")
    if refused_terms is None:
        await orders.save_draft(
            transaction_id=transaction_id, bap_id=context.bap_id or "",
            bap_uri=context.bap_uri or "", domain=context.domain or "",
            city=context.city_code or "", seller_code=seller.code, stage="selected",
            document=stored(document, gstin, creds), total=total, now=now,
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
