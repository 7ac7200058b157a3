"""The cart a select or init quotes, without I/O (and the stock it holds): its lines,
fulfilments and quote (ONDC retail 1.2.0, with what retail 1.2.5 adds: delivery slots,
buyer-app delivery, buyer's texts). The payment and seller terms of ``/on_init`` and the
order as ``/on_confirm`` shows it are :mod:`adapter.core.order_terms`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import schemas
from adapter.core.order_book import OrderBook, OrderPolicy, Refusal, iso_duration
from adapter.core.orders import (
    DELIVERY_FULFILLMENT_ID,
    INTERNAL,
    Line,
    Stock,
    build_quote,
    parse_duration,
    problems_message,
)
from adapter.core.retail125.buyer_delivery import (
    BUYER_DELIVERY,
    package_tags,
    parcel_of,
    quoted_package,
)
from adapter.core.retail125.delivery_slots import (
    chosen_slot,
    plan_of,
    slot_fulfillments,
    slot_of,
)
from adapter.core.retail125.slot_offers import open_slots, refuse_full
from adapter.core.retail125.text_input import (
    add_ons,
    buyer_texts,
    echoed,
    is_customisation,
    priced,
)
from catalog_sync.records import LocationRecord, SellerRecord
from catalog_sync.transform import closed_on, serves, store_day

__all__ = [
    "COLLECTION_WINDOW",
    "PICKUP_OPTION_ID",
    "order_of",
    "quote_cart",
    "ready_within",
    "transaction_of",
    "without_stock",
]


def order_of(request: schemas.Envelope) -> schemas.Order:
    """The request's ``message.order``; 30000 if it has none."""
    message = getattr(request, "message", None)
    order = getattr(message, "order", None)
    if not isinstance(order, schemas.Order):
        raise Refusal("30000", "message.order is required")
    return order


def transaction_of(request: schemas.Envelope) -> str:
    # The edge's context rules have already refused a request without one.
    """The request's transaction id."""
    return request.context.transaction_id or ""


def _wants(order: schemas.Order) -> dict[str, int]:
    if not order.items:
        raise Refusal("30000", "message.order.items must list at least one item")
    wants: dict[str, int] = {}
    for index, item in enumerate(order.items):
        if is_customisation(item):
            continue  # a buyer's text on an item of the cart (retail 1.2.5)
        count = item.quantity.count if item.quantity is not None else None
        if not item.id:
            raise Refusal("30000", f"message.order.items[{index}].id is required")
        if not isinstance(count, int) or count < 1:
            raise Refusal(
                "30000", f"message.order.items[{index}].quantity.count must be a whole number >= 1"
            )
        wants[item.id] = wants.get(item.id, 0) + count
    return wants


def _end_location(order: schemas.Order) -> tuple[str | None, str | None]:
    for fulfillment in order.fulfillments or []:
        location = fulfillment.end.location if fulfillment.end is not None else None
        if location is not None:
            address = location.address
            pincode = address.area_code if isinstance(address, schemas.Address) else None
            return location.gps, pincode
    return None, None


async def _seller(book: OrderBook, order: schemas.Order) -> tuple[SellerRecord, LocationRecord]:
    provider_id = order.provider.id if order.provider is not None else None
    if not provider_id:
        raise Refusal("30000", "message.order.provider.id is required")
    found = await book.seller(provider_id)
    if found is None:
        raise Refusal("30001", f"provider {provider_id} not found")
    return found


def _lines(stocks: Sequence[Stock], wants: Mapping[str, int]) -> list[Line]:
    lines = []
    for stock in stocks:
        want = wants[stock.sku]
        if stock.item is None:
            lines.append(Line(stock.sku, stock.sku, Decimal(0), want, 0, 0, "30004"))
            continue
        # Short of stock is what the buyer app most needs to know; above the per-order
        # maximum only when the stock is there.
        problem = None
        if stock.held < min(want, stock.item.maximum):
            problem = "40002"
        elif want > stock.item.maximum:
            problem = "40009"
        maximum = min(stock.item.maximum, stock.free)
        lines.append(
            Line(stock.sku, stock.item.name, stock.item.price, want, stock.held, maximum, problem)
        )
    return lines


COLLECTION_WINDOW: Final = timedelta(days=1)
"""How long a store keeps goods ready for the buyer to collect: a pick-up's TAT is the time
to get them ready plus this window (never equal to the items' ``time_to_ship``, which
ONDC's log-validation-utility refuses for every fulfilment of an ``/on_select``)."""

_COLLECTED: Final = frozenset({"Self-Pickup", BUYER_DELIVERY})
"""Fulfilment types whose goods are collected at the store (by the buyer, or by the buyer
app's courier): ready once ready to ship, kept for the collection window, no delivery."""

PICKUP_OPTION_ID: Final = "2"
"""The fulfilment id of the store pick-up offered beside the delivery (fulfilment 1) when a
select names no fulfilment type (ONDC retail 1.2.5, multi-option fulfilment)."""


def _ship(stocks: Sequence[Stock]) -> timedelta:
    """How long the goods take to be ready to leave the store: the longest time to ship."""
    return max(
        (parse_duration(stock.item.time_to_ship) for stock in stocks if stock.item is not None),
        default=timedelta(days=1),
    )


def _tat(seller: SellerRecord, stocks: Sequence[Stock], *, pickup: bool = False) -> timedelta:
    ship = _ship(stocks)
    # Ready to collect once ready to ship, and kept for the buyer for the collection
    # window; a delivery adds the days in transit.
    return ship + (COLLECTION_WINDOW if pickup else timedelta(days=seller.transit_days))


def ready_within(seller: SellerRecord, fulfillment: Mapping[str, Any]) -> timedelta:
    """How long after the order the goods of ``fulfillment`` (as quoted) leave the store or
    are ready to collect: its TAT less the days in transit, or less the collection window."""
    tat = parse_duration(fulfillment["@ondc/org/TAT"])
    if fulfillment.get("type") in _COLLECTED:
        return tat - COLLECTION_WINDOW
    return tat - timedelta(days=seller.transit_days)


def _chosen(order: schemas.Order, offered: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """The fulfilment (id, type) the buyer app asks for. Where on_select ``offered`` more
    than one, the one it names by id (any type it names must be that one's; naming none,
    the one of the type it names, else fulfilment 1); 30000 naming the field if it names
    one on_select did not offer, or gives it another type. Otherwise the one fulfilment
    offered if it names it (an init repeated after choosing), else fulfilment 1, of the
    type it names (Delivery unless it says otherwise)."""
    kind = next((f.type for f in order.fulfillments or [] if f.type), None)
    options = {str(f.get("id")): str(f.get("type", "Delivery")) for f in offered}
    named = order.fulfillments[0].id if order.fulfillments else None
    if len(options) < 2:
        # An init again after choosing an option names the one it chose.
        only = next(iter(options.items()), None)
        if only is not None and named == only[0] and kind in (None, only[1]):
            return only
        return DELIVERY_FULFILLMENT_ID, kind or "Delivery"
    if not named:
        typed = [option for option, of in options.items() if of == kind]
        named = typed[0] if typed else DELIVERY_FULFILLMENT_ID
    if named not in options:
        raise Refusal(
            "30000",
            f"message.order.fulfillments[0].id {named!r} is not one on_select offered "
            f"({', '.join(sorted(options))})",
        )
    if kind is not None and kind != options[named]:
        raise Refusal(
            "30000",
            f"message.order.fulfillments[0].type {kind!r}: on_select offered fulfilment "
            f"{named} as {options[named]}",
        )
    return named, options[named]


def _fulfillment(
    seller: SellerRecord,
    tat: timedelta,
    *,
    serviceable: bool,
    kind: str = "Delivery",
    fulfillment_id: str = DELIVERY_FULFILLMENT_ID,
) -> dict[str, Any]:
    return {
        "id": fulfillment_id,
        "type": kind,
        "@ondc/org/provider_name": seller.name,
        "tracking": False,
        "@ondc/org/category": "Takeaway" if kind == "Self-Pickup" else "Standard Delivery",
        "@ondc/org/TAT": iso_duration(tat),
        "state": {"descriptor": {"code": "Serviceable" if serviceable else "Non-serviceable"}},
    }


async def quote_cart(
    request: schemas.Envelope,
    order: schemas.Order,
    *,
    book: OrderBook,
    policy: OrderPolicy,
    now: datetime,
    offered: Sequence[Mapping[str, Any]] = (),
    options: bool = False,
    draft: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], tuple[str, str] | None, Decimal, SellerRecord, LocationRecord]:
    """Hold what the cart asks for and quote it: the order document of an ``on_select``.

    ``offered``: the fulfilments of the transaction's on_select, one of which an init may
    choose by id. ``options``: a cart that names no fulfilment type is also offered the
    store's pick-up (:data:`PICKUP_OPTION_ID`, no quote line of its own: nothing to pay for
    it), its items naming both in ``fulfillment_ids`` (ONDC retail 1.2.5); the quote stays
    the delivery's, which an init choosing the pick-up quotes afresh. ``draft``: the
    transaction's order document so far, whose buyer's texts (retail 1.2.5 customisation
    input text) an init that does not repeat them keeps."""
    seller, location = await _seller(book, order)
    if closed_on(location, store_day(now)):
        until = location.closed_until if location.closed_from else None
        raise Refusal(
            "30017",
            f"{seller.name} is closed "
            + (f"until {until} (seasonal closure)" if until else "today (holiday)"),
        )
    wants = _wants(order)
    named = order.fulfillments[0].id if order.fulfillments else None
    asked_kind = next((f.type for f in order.fulfillments or [] if f.type), None)
    # An init after on_select offered delivery slots chooses one of them (retail 1.2.5).
    slot = None if asked_kind == "Self-Pickup" else chosen_slot(named, offered, now)
    chosen, kind = _chosen(order, offered)
    if kind not in location.fulfillment_types:
        types = " or ".join(location.fulfillment_types)
        raise Refusal(
            "30008" if kind in _COLLECTED else "30009",
            f"message.order.fulfillments[0].type {kind!r}: {seller.name} offers {types}",
        )
    if kind == BUYER_DELIVERY and request.context.core_version != "1.2.5":
        raise Refusal(
            "30008",
            f"message.order.fulfillments[0].type {kind!r}: a buyer app's own delivery is "
            "served in retail 1.2.5 (its courier's states come by /update)",
        )
    gps, pincode = _end_location(order)
    pickup = kind in _COLLECTED
    # A buyer (or the buyer app's courier) collecting at the store needs no delivery to
    # the buyer's address from the seller.
    serviceable = pickup or serves(location, gps=gps, pincode=pincode)
    stocks = await book.hold(
        transaction_id=transaction_of(request),
        seller_code=seller.code,
        wants=wants if serviceable else dict.fromkeys(wants, 0),
        now=now,
        until=now + policy.hold,
    )
    found = {stock.sku: stock.item for stock in stocks if stock.item is not None}
    texts = buyer_texts(order, found, draft or {})
    lines = _lines(stocks, wants)
    error = problems_message(lines)
    # A 1.2.5 cart delivered in the store's own city is offered its delivery slots, if it
    # has any: the first open one is quoted.
    local = request.context.city == f"std:{location.std_code}"
    slotted = options and not offered and kind == "Delivery" and serviceable and local
    slots = (
        await open_slots(book, seller.code, location, now=now, ready=_ship(stocks))
        if slotted
        else []
    )
    chosen = slots[0].id if slots else chosen
    delivery = Decimal(seller.delivery_charge) if serviceable and not pickup else Decimal(0)
    packing = Decimal(seller.packing_charge) if serviceable else Decimal(0)
    # Item prices include GST (retail prices in India are tax-inclusive by law), so the
    # breakup has no separate tax line.
    quote = build_quote(
        lines, delivery=delivery, packing=packing, with_stock=True, fulfillment_id=chosen
    )
    counts = {line.sku: line.can_have for line in lines}
    quote = priced(quote, texts, found, counts, fulfillment_id=chosen)
    package = None
    if kind == BUYER_DELIVERY:  # its delivery line is 0.00: the courier is the buyer app's
        package, unpacked = parcel_of(stocks, counts)
        serviceable, error = package is not None, unpacked or error
    if not serviceable and kind != BUYER_DELIVERY:
        error = (
            "30009",
            f"delivery to {pincode or gps or 'the given location'} is not serviceable "
            f"from {location.city}",
        )
    fulfillments = [
        _fulfillment(
            seller,
            _tat(seller, stocks, pickup=pickup),
            serviceable=serviceable,
            kind=kind,
            fulfillment_id=chosen,
        )
    ]
    if slots:
        fulfillments = slot_fulfillments(slots, now, fulfillments[0])
    elif slot is not None:
        # The slot keeps the TAT and time range on_select gave it, while it has room.
        await refuse_full(book, seller.code, slot_of(slot), plan_of(location))
        fulfillments[0] |= {"@ondc/org/TAT": slot["@ondc/org/TAT"], "end": slot["end"]}
    if package is not None:
        # The package the buyer app books its courier on (ONDC retail 1.2.5 on_select).
        fulfillments[0]["tags"] = package_tags(package)
    untyped = not any(f.type for f in order.fulfillments or [])
    if options and untyped and serviceable and "Self-Pickup" in location.fulfillment_types:
        fulfillments.append(
            _fulfillment(
                seller,
                _tat(seller, stocks, pickup=True),
                serviceable=True,
                kind="Self-Pickup",
                fulfillment_id=PICKUP_OPTION_ID,
            )
        )
    ids = [f["id"] for f in fulfillments] if len(fulfillments) > 1 else None
    document = {
        "provider": {"id": seller.code, "locations": [{"id": location.code}]},
        "items": [
            {
                "id": line.sku,
                "fulfillment_id": chosen,
                **({"fulfillment_ids": ids} if ids else {}),
                "quantity": {"count": line.can_have},
                "location_id": location.code,
            }
            for line in lines
        ],
        "fulfillments": fulfillments,
        "quote": quote.payload,
    }
    kept: dict[str, Any] = {}
    if texts:
        # Kept with the order, sent after its items (order_book.wire).
        kept["customisations"] = echoed(texts, found, fulfillment_id=chosen)
        kept["add_ons"] = add_ons(texts, found)
    if package is not None:
        kept["package"] = quoted_package(package)  # for the seller, against the one measured
    if kept:
        document[INTERNAL] = kept
    return document, error, quote.total, seller, location


def without_stock(quote: dict[str, Any]) -> dict[str, Any]:
    """The quote as init and confirm carry it: without on_select's stock counts."""
    breakup = []
    for line in quote["breakup"]:
        line = dict(line)
        if "item" in line:
            line["item"] = {k: v for k, v in line["item"].items() if k != "quantity"}
        breakup.append(line)
    return {**quote, "breakup": breakup}
