"""Answers to the order actions: select, init, confirm, status, track, cancel, rating,

support (ONDC retail 1.2.0). Pure apart from the order book they are given.

The order is kept as one document, the order as we last sent it; each answer starts from
it, so the quote, items and terms of ``/on_select`` reappear unchanged in ``/on_init``,
``/on_confirm`` and every ``/on_status`` (a change is only ever announced: an error with the
new quote). Problems a buyer app can act on (out of stock, not serviceable, unknown order)
come back in the callback's ``error`` block, with the quantities that can be had.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import orjson

import schemas
from adapter.core.callbacks import Identity
from adapter.core.init_payment import init_payment
from adapter.core.order_book import (
    OrderBook,
    OrderPolicy,
    Refusal,
    answers_refusals,
    iso_duration,
    reply_envelope,
    wire,
)
from adapter.core.order_changes import after_event, cancelled_document, unsolicited
from adapter.core.order_followups import (
    on_cancel,
    on_rating,
    on_status,
    on_support,
    on_track,
    on_update,
)
from adapter.core.order_quotes import (
    order_of,
    quote_cart,
    ready_within,
    transaction_of,
    without_stock,
)
from adapter.core.order_settlement import settlement
from adapter.core.order_terms import (
    as_json,
    as_json_list,
    bpp_terms,
    confirmed_document,
    order_stamp,
)
from adapter.core.orders import (
    INTERNAL,
    Change,
    OrderRow,
    Shortfall,
    money,
    parse_duration,
)
from adapter.core.ownership import belongs_to, foreign_refusal
from adapter.core.retail125.buyer_delivery import without_package_tags
from adapter.core.retail125.delivery_slots import (
    SlotFull,
    SlotPlace,
    confirmed_slot,
    full_slot,
    plan_of,
    slot_of,
)
from adapter.core.retail125.purchase_finance import (
    FINANCE_KEY,
    finance_of,
    finance_refusal,
    finance_tags,
)
from adapter.core.retail125.seller_collects import (
    confirm_refusal,
)
from adapter.core.retail125.text_input import kept_texts, texts_confirmed
from catalog_sync.records import LocationRecord, SellerRecord

__all__ = [
    "INTERNAL",
    "ORDER_REPLIES",
    "ConfirmDress",
    "OrderBook",
    "OrderPolicy",
    "after_event",
    "cancelled_document",
    "confirm_reply",
    "iso_duration",
    "parse_duration",
    "select_reply",
    "settlement",
    "unsolicited",
    "wire",
]

_Builder = Callable[..., Awaitable[schemas.Envelope]]

ConfirmDress = Callable[
    [schemas.Envelope, OrderRow, SellerRecord, LocationRecord, OrderBook],
    Awaitable[Callable[[dict[str, Any]], dict[str, Any]]],
]
"""What a contract version adds to the confirmed order: given the confirm, the draft, the
seller, its location and the order book, the (pure) change to the order document, made
before it is stored, so every later callback carries it (retail 1.2.5: routing, creds)."""

_ALREADY_CONFIRMED: Final = (
    "this transaction is already confirmed as an order: a new cart needs a new transaction"
)


async def _on_select(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    options: bool = False,
    **_: Any,
) -> schemas.Envelope:
    order = order_of(request)
    draft = await orders.by_transaction(transaction_of(request))
    if draft is not None and draft.stage == "confirmed":
        # Out of sequence: the cart became an order, whose committed stock a new quote
        # must not touch (its holds are what a cancel gives back).
        raise Refusal("30000", _ALREADY_CONFIRMED)
    document, error, total, seller, _location = await quote_cart(
        request, order, book=orders, policy=policy, now=now, options=options
    )
    await _save(orders, request, seller, "selected", document, total, now)
    sent = wire(document)
    shown = {
        "provider": document["provider"],
        "items": [
            {key: i[key] for key in ("id", "fulfillment_id", "fulfillment_ids") if key in i}
            for i in document["items"]
        ]
        + sent["items"][len(document["items"]) :],
        "fulfillments": document["fulfillments"],
        "quote": document["quote"],
    }
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"order": shown},
        error=error,
    )


async def _save(
    book: OrderBook,
    request: schemas.Envelope,
    seller: SellerRecord,
    stage: str,
    document: dict[str, Any],
    total: Decimal,
    now: datetime,
) -> None:
    context = request.context
    await book.save_draft(
        transaction_id=transaction_of(request),
        bap_id=context.bap_id or "",
        bap_uri=str(context.bap_uri),
        domain=context.domain or "",
        city=context.city or "",
        seller_code=seller.code,
        stage=stage,
        document=document,
        total=total,
        now=now,
    )


async def _on_init(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    **_: Any,
) -> schemas.Envelope:
    order = order_of(request)
    draft = await orders.by_transaction(transaction_of(request))
    if draft is not None and draft.stage == "confirmed":
        raise Refusal("30000", _ALREADY_CONFIRMED)
    offered = draft.document.get("fulfillments", []) if draft is not None else []
    document, error, total, seller, _location = await quote_cart(
        request,
        order,
        book=orders,
        policy=policy,
        now=now,
        offered=offered,
        draft=draft.document if draft is not None else None,
    )
    if draft is not None and error is None:
        # Same cart and fulfilment: the quote of on_select holds (its prices, even if the
        # seller has changed them since); a changed cart, or another option on_select
        # offered (a pick-up has no delivery charge), is quoted afresh.
        same = [(i["id"], i["quantity"]["count"]) for i in draft.document.get("items", [])]
        quoted_for = offered[0].get("id") if offered else None
        if (
            quoted_for == document["fulfillments"][0]["id"]
            and same == [(i["id"], i["quantity"]["count"]) for i in document["items"]]
            and kept_texts(draft.document).keys() == kept_texts(document).keys()
        ):
            document["quote"], total = draft.document["quote"], draft.total
    payment = await init_payment(
        order.payment,
        seller,
        policy,
        orders,
        skus=[str(i["id"]) for i in document["items"]],
        total=total,
        transaction_id=transaction_of(request),
        earlier=draft.document.get("payment") if draft is not None else None,
    )
    finance = finance_of(as_json_list(order.tags))
    refused = finance_refusal(as_json_list(order.tags))
    if refused is not None:
        raise Refusal("30000", refused)
    # The package a buyer app's courier is booked on is on_select's only.
    fulfillment = without_package_tags(document["fulfillments"][0])
    fulfillment.pop("state", None)
    # The delivery slot the init chose is kept beside the buyer's address (retail 1.2.5).
    slot_time = fulfillment["end"]["time"] if slot_of(fulfillment) is not None else None
    asked = order.fulfillments[0] if order.fulfillments else None
    if asked is not None and asked.end is not None:
        fulfillment["end"] = as_json(asked.end)
    if slot_time is not None:
        fulfillment["end"] = {**fulfillment.get("end", {}), "time": slot_time}
    document |= {
        "items": [
            {
                "id": i["id"],
                "quantity": i["quantity"],
                "fulfillment_id": i["fulfillment_id"],
                "location_id": i["location_id"],
            }
            for i in document["items"]
        ],
        "billing": as_json(order.billing),
        "fulfillments": [fulfillment],
        "quote": without_stock(document["quote"]),
        "payment": payment,
        "tags": bpp_terms(seller, policy) + (finance_tags(finance) if finance else []),
    }
    # The version the transaction speaks and the init answered: the seller app's later
    # on_init (the payment it collected) says the one and repeats the other.
    notes = {
        **document.get(INTERNAL, {}),
        "core_version": request.context.core_version,
        "init_message_id": request.context.message_id,
    }
    document[INTERNAL] = notes | ({FINANCE_KEY: finance} if finance else {})
    document = {k: v for k, v in document.items() if v is not None}
    await _save(orders, request, seller, "initialized", document, total, now)
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"order": wire(document)},
        error=error,
    )


async def _on_confirm(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    dress: ConfirmDress | None = None,
    **_: Any,
) -> schemas.Envelope:
    order = order_of(request)
    if not order.id:
        raise Refusal("30000", "message.order.id is required")
    draft = await orders.by_transaction(transaction_of(request))
    if draft is None or draft.stage == "selected":
        raise Refusal("30019", "confirm needs an /init in the same transaction first")
    if draft.stage == "confirmed":
        if draft.order_id != order.id:
            raise Refusal("30019", f"this transaction is already order {draft.order_id}")
        return reply_envelope(
            request, identity=identity, now=now, message={"order": wire(draft.document)}
        )
    texts_confirmed(order, draft.document)
    asked = order.quote.price.value if order.quote and order.quote.price else None
    if asked is None or Decimal(str(asked)) != draft.total:
        raise Refusal(
            "40008",
            f"message.order.quote.price.value {asked} is not the quoted {money(draft.total)}",
        )
    unpaid = confirm_refusal(draft.document)
    if unpaid is not None:
        raise Refusal("30019", unpaid)
    quoted_type = draft.document.get("payment", {}).get("type")
    if order.payment is not None and order.payment.type not in (None, quoted_type):
        raise Refusal(
            "40004",
            f"message.order.payment.type {order.payment.type} is not on_init's {quoted_type}",
        )
    found = await orders.seller(draft.seller_code)
    if found is None:
        raise Refusal("30001", f"provider {draft.seller_code} not found")
    seller, location = found
    kept = draft.document["fulfillments"][0]
    named = order.fulfillments[0].id if order.fulfillments else None
    slot = confirmed_slot(named, kept, now)
    # The slot's place is taken with the stock, in the transaction that writes the order.
    plan = plan_of(location)
    place = SlotPlace(slot.start, plan.capacity if plan else 0) if slot is not None else None
    # A slotted delivery leaves the store by its slot's start.
    ship = slot.start - now if slot is not None else ready_within(seller, kept)
    # Every order starts Created; the order timers accept it at once for a seller who
    # accepts automatically (an on_status after the on_confirm), or cancel it if the
    # seller has not accepted it by accept_by.
    accept_by = now if seller.auto_accept else now + timedelta(minutes=seller.accept_minutes)
    state = "Created"
    dressed = await dress(request, draft, seller, location, orders) if dress else None

    def finish(row: OrderRow) -> Change:
        document = confirmed_document(
            row,
            order,
            seller,
            location,
            state,
            now,
            ship=ship,
            confirmed_at=order_stamp(request.context.timestamp, now),
            core_version=request.context.core_version,
        )
        if dressed is not None:
            document = dressed(document)
        return Change(state, "Pending", document)

    try:
        result = await orders.confirm(
            transaction_of(request),
            order_id=order.id,
            now=now,
            finish=finish,
            accept_by=accept_by,
            ship_by=now + ship,
            slot=place,
        )
    except SlotFull as full:
        assert slot is not None  # only an order with a slot takes a place
        raise full_slot(slot, full.capacity) from None
    if isinstance(result, Shortfall):
        message = orjson.dumps(
            [
                {"item_id": sku, "error": "40002", "available": free}
                for sku, free in result.free.items()
            ]
        ).decode()
        raise Refusal("40002", message)
    return reply_envelope(
        request, identity=identity, now=now, message={"order": wire(result.document)}
    )


def _bound_to_opener(action: str, builder: _Builder) -> _Builder:
    """The builder, refusing a request in a transaction another buyer app opened before it
    reads or changes anything (see :mod:`adapter.core.ownership`)."""

    @functools.wraps(builder)
    async def answer(
        request: schemas.Envelope, *, orders: OrderBook, **ports: Any
    ) -> schemas.Envelope:
        opened = await orders.by_transaction(transaction_of(request))
        if opened is not None and not belongs_to(opened, request.context):
            raise Refusal(*foreign_refusal(action))
        return await builder(request, orders=orders, **ports)

    return answer


def select_reply(*, options: bool) -> _Builder:
    """The ``/select`` builder of a contract version; ``options``: a cart naming no
    fulfilment type is offered the store's pick-up beside the delivery (retail 1.2.5)."""
    return answers_refusals(
        _bound_to_opener("select", functools.partial(_on_select, options=options))
    )


def confirm_reply(dress: ConfirmDress) -> _Builder:
    """The ``/confirm`` builder of a contract version that adds ``dress`` to the order."""
    return answers_refusals(
        _bound_to_opener("confirm", functools.partial(_on_confirm, dress=dress))
    )


ORDER_REPLIES: Final = {
    action: answers_refusals(_bound_to_opener(action, builder))
    for action, builder in (
        ("select", _on_select),
        ("init", _on_init),
        ("confirm", _on_confirm),
        ("status", on_status),
        ("track", on_track),
        ("cancel", on_cancel),
        ("rating", on_rating),
        ("support", on_support),
        ("update", on_update),
    )
}
"""Order actions -> reply builders (merged into :data:`adapter.core.replies.REPLIES`)."""
