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
from adapter.core.order_quotes import (
    as_json,
    bpp_terms,
    confirmed_document,
    order_of,
    order_stamp,
    payment_terms,
    quote_cart,
    transaction_of,
    without_stock,
)
from adapter.core.order_settlement import settlement
from adapter.core.order_updates import UpdateRefused, record_settlement, request_return
from adapter.core.orders import (
    BUYER_CANCEL_REASONS,
    INTERNAL,
    TAT_BREACH_REASONS,
    Change,
    IllegalTransition,
    OrderRow,
    Shortfall,
    money,
    next_state,
    parse_duration,
)
from adapter.core.ownership import belongs_to, foreign_refusal
from catalog_sync.records import SellerRecord

__all__ = [
    "INTERNAL",
    "ORDER_REPLIES",
    "OrderBook",
    "OrderPolicy",
    "after_event",
    "cancelled_document",
    "iso_duration",
    "parse_duration",
    "settlement",
    "unsolicited",
    "wire",
]

_Builder = Callable[..., Awaitable[schemas.Envelope]]

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
    **_: Any,
) -> schemas.Envelope:
    order = order_of(request)
    draft = await orders.by_transaction(transaction_of(request))
    if draft is not None and draft.stage == "confirmed":
        # Out of sequence: the cart became an order, whose committed stock a new quote
        # must not touch (its holds are what a cancel gives back).
        raise Refusal("30000", _ALREADY_CONFIRMED)
    document, error, total, seller, _location = await quote_cart(
        request, order, book=orders, policy=policy, now=now
    )
    await _save(orders, request, seller, "selected", document, total, now)
    shown = {
        "provider": document["provider"],
        "items": [
            {"id": i["id"], "fulfillment_id": i["fulfillment_id"]} for i in document["items"]
        ],
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
    document, error, total, seller, _location = await quote_cart(
        request, order, book=orders, policy=policy, now=now
    )
    if draft is not None and error is None:
        # Same cart: the quote of on_select holds (its prices, even if the seller has
        # changed them since); a changed cart is quoted afresh and says so.
        same = [(i["id"], i["quantity"]["count"]) for i in draft.document.get("items", [])]
        if same == [(i["id"], i["quantity"]["count"]) for i in document["items"]]:
            document["quote"], total = draft.document["quote"], draft.total
    fulfillment = dict(document["fulfillments"][0])
    fulfillment.pop("state", None)
    asked = order.fulfillments[0] if order.fulfillments else None
    if asked is not None and asked.end is not None:
        fulfillment["end"] = as_json(asked.end)
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
        "payment": payment_terms(seller, policy, order.payment),
        "tags": bpp_terms(seller, policy),
    }
    document = {k: v for k, v in document.items() if v is not None}
    await _save(orders, request, seller, "initialized", document, total, now)
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"order": document},
        error=error,
    )


async def _on_confirm(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
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
    asked = order.quote.price.value if order.quote and order.quote.price else None
    if asked is None or Decimal(str(asked)) != draft.total:
        raise Refusal(
            "40008",
            f"message.order.quote.price.value {asked} is not the quoted {money(draft.total)}",
        )
    found = await orders.seller(draft.seller_code)
    if found is None:
        raise Refusal("30001", f"provider {draft.seller_code} not found")
    seller, location = found
    chosen = draft.document["fulfillments"][0]
    tat = parse_duration(chosen["@ondc/org/TAT"])
    pickup = chosen.get("type") == "Self-Pickup"
    ship = tat if pickup else tat - timedelta(days=seller.transit_days)
    # Every order starts Created; the order timers accept it at once for a seller who
    # accepts automatically (an on_status after the on_confirm), or cancel it if the
    # seller has not accepted it by accept_by.
    accept_by = now if seller.auto_accept else now + timedelta(minutes=seller.accept_minutes)
    state = "Created"

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
        )
        return Change(state, "Pending", document)

    result = await orders.confirm(
        transaction_of(request),
        order_id=order.id,
        now=now,
        finish=finish,
        accept_by=accept_by,
        ship_by=now + ship,
    )
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


async def _confirmed(
    request: schemas.Envelope, order_id: str | None, orders: OrderBook
) -> OrderRow:
    if not order_id:
        raise Refusal("30000", "message.order_id is required")
    row = await orders.by_order_id(order_id, bap_id=request.context.bap_id)
    if row is None:
        raise Refusal("30018", f"order {order_id} not found")
    return row


async def _on_status(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.StatusRequest)
    row = await _confirmed(request, request.message.order_id, orders)
    # The state is the seller's: a buyer app asking never moves it.
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"order": wire(row.document)},
    )


async def _on_track(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.TrackRequest)
    row = await _confirmed(request, request.message.order_id, orders)
    url = row.document.get(INTERNAL, {}).get("tracking_url")
    if not url:
        raise Refusal("40005", f"tracking is not enabled for order {row.order_id} yet")
    status = (
        "active" if row.fulfillment_state in ("Order-picked-up", "Out-for-delivery") else "inactive"
    )
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"tracking": {"url": url, "status": status}},
    )


async def _on_cancel(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.CancelRequest)
    reason = request.message.cancellation_reason_id
    row = await _confirmed(request, request.message.order_id, orders)
    by = request.context.bap_id or ""
    if row.state == "Cancelled" and row.document.get("cancellation", {}).get("cancelled_by") == by:
        return reply_envelope(
            request, identity=identity, now=now, message={"order": wire(row.document)}
        )
    if reason is None or reason not in BUYER_CANCEL_REASONS:
        raise Refusal(
            "30012",
            f"message.cancellation_reason_id {reason!r} is not a buyer cancellation reason",
        )
    if reason in TAT_BREACH_REASONS and row.confirmed_at is not None:
        # Late: not delivered within the TAT, or not shipped by the seller's time to ship.
        tat = parse_duration(row.document["fulfillments"][0].get("@ondc/org/TAT", "P0D"))
        unshipped = row.fulfillment_state in ("Pending", "Packed")
        missed_ship = unshipped and row.ship_by is not None and now > row.ship_by
        if now < row.confirmed_at + tat and not missed_ship:
            raise Refusal(
                "30014",
                f"order {row.order_id} is not late: its TAT {iso_duration(tat)} has not "
                "passed and it is not past its time to ship",
            )
    try:
        transition = next_state("buyer_cancel", row.state or "", row.fulfillment_state or "")
    except IllegalTransition as exc:
        raise Refusal("50001", f"cancellation not possible: {exc}") from exc
    document = cancelled_document(
        row, by=by, reason=reason, now=now, fulfillment_state=transition.fulfillment
    )
    change = Change(
        transition.state,
        transition.fulfillment,
        document,
        restock=True,
        detail={"reason": reason},
    )
    try:
        row = await orders.transition(row, actor="buyer", event="cancel", change=change, now=now)
    except IllegalTransition as exc:
        raise Refusal("50001", f"cancellation not possible: {exc}") from exc
    return reply_envelope(
        request, identity=identity, now=now, message={"order": wire(row.document)}
    )


async def _on_rating(
    request: schemas.Envelope, *, identity: Identity, now: datetime, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.RatingRequest)
    for index, rating in enumerate(request.message.ratings or []):
        if rating.value not in {"1", "2", "3", "4", "5"}:
            raise Refusal(
                "30015", f"message.ratings[{index}].value must be 1 to 5, not {rating.value!r}"
            )
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"rating_ack": True, "feedback_ack": False},
    )


async def _on_support(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    assert isinstance(request, schemas.SupportRequest)
    ref = request.message.ref_id
    row: OrderRow | None = None
    if ref:
        row = await orders.by_order_id(ref, bap_id=request.context.bap_id)
        if row is None:
            row = await orders.by_transaction(ref)
            # Another buyer app's transaction is no transaction to this one.
            if row is not None and not belongs_to(row, request.context):
                row = None
    found = await orders.seller(row.seller_code) if row is not None else None
    if found is None:
        raise Refusal("50004", f"no order or transaction {ref!r} to give support for")
    seller = found[0]
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"phone": seller.phone, "email": seller.email},
    )


async def _on_update(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """A return request (``update_target`` item, a ``Return`` fulfilment) or a refund the
    buyer app settled (``update_target`` payment): answered with the order as it now is."""
    assert isinstance(request, schemas.UpdateRequest)
    order = request.message.order
    target = request.message.update_target
    by = request.context.bap_id or ""
    if order is None or not order.id:
        raise Refusal("30000", "message.order.id is required")
    row = await _confirmed(request, order.id, orders)
    try:
        if target == "payment" and order.payment is not None:
            change = record_settlement(row, order.payment, now=now)
            event = "refund_settled"
        elif target == "item":
            skus = {item["id"] for item in row.document.get("items", [])}
            terms = {sku: await orders.returnable(row.seller_code, sku) for sku in skus}
            change = request_return(row, order, by=by, now=now, returnable=terms)
            event = "return_requested"
        else:
            raise Refusal(
                "50002",
                f"message.update_target {target!r}: only item (returns) "
                "and payment (refund settlement) can be updated",
            )
        row = await orders.transition(row, actor="buyer", event=event, change=change, now=now)
    except UpdateRefused as refusal:
        raise Refusal(refusal.code, str(refusal)) from refusal
    except IllegalTransition as exc:
        raise Refusal("50002", f"update not possible: {exc}") from exc
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"update_target": target, "order": wire(row.document)},
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


ORDER_REPLIES: Final = {
    action: answers_refusals(_bound_to_opener(action, builder))
    for action, builder in (
        ("select", _on_select),
        ("init", _on_init),
        ("confirm", _on_confirm),
        ("status", _on_status),
        ("track", _on_track),
        ("cancel", _on_cancel),
        ("rating", _on_rating),
        ("support", _on_support),
        ("update", _on_update),
    )
}
"""Order actions -> reply builders (merged into :data:`adapter.core.replies.REPLIES`)."""
