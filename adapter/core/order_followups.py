"""The buyer app's requests about a confirmed order: status, track, cancel, update (returns
and refunds settled), rating and support (ONDC retail 1.2.0). Pure apart from the order
book they are given; each reads the order of the asking buyer app only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import schemas
from adapter.core.callbacks import Identity
from adapter.core.order_book import (
    OrderBook,
    Refusal,
    iso_duration,
    reply_envelope,
    wire,
)
from adapter.core.order_changes import (
    cancelled_document,
    core_version_of,
    delivery_states,
)
from adapter.core.order_updates import (
    RETURN_REQUEST_CODES,
    RETURN_REQUEST_CODES_125,
    UpdateRefused,
    record_settlement,
    request_return,
)
from adapter.core.orders import (
    BUYER_CANCEL_REASONS,
    INTERNAL,
    TAT_BREACH_REASONS,
    Change,
    IllegalTransition,
    OrderMoved,
    OrderRow,
    forward_id,
    next_state,
    parse_duration,
)
from adapter.core.ownership import belongs_to
from adapter.core.ratings import order_ratings
from adapter.core.retail125.buyer_delivery import (
    BUYER_EVENTS,
    awaits_courier,
    buyer_update,
    reports_state,
)
from adapter.core.retail125.delivery_update import update_delivery
from adapter.core.retail125.force_cancel import ASK_KEY, ask_note, force_refusal, forced
from adapter.core.retail125.return_withdrawal import WITHDRAWN, return_to_withdraw, withdraw_return
from catalog_sync.records import SellerRecord
from catalog_sync.transform import serves

__all__ = [
    "keep_ratings",
    "on_cancel",
    "on_rating",
    "on_status",
    "on_support",
    "on_track",
    "on_update",
    "support_contact",
    "tracking",
]


async def confirmed_order(
    request: schemas.Envelope, order_id: str | None, orders: OrderBook
) -> OrderRow:
    """The confirmed order ``order_id`` of the asking buyer app; 30018 if it has none."""
    if not order_id:
        raise Refusal("30000", "message.order_id is required")
    row = await orders.by_order_id(order_id, bap_id=request.context.bap_id)
    if row is None:
        raise Refusal("30018", f"order {order_id} not found")
    return row


async def on_status(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """``/on_status``: the order as stored; asking never moves it."""
    assert isinstance(request, schemas.StatusRequest)
    row = await confirmed_order(request, request.message.order_id, orders)
    # The state is the seller's: a buyer app asking never moves it.
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"order": wire(row.document)},
    )


_ON_THE_WAY: Final = frozenset(
    {"Order-picked-up", "In-transit", "At-destination-hub", "Out-for-delivery", "At-delivery"}
)
"""Delivery states in which the goods are with the courier (1.2.5 adds the hub and door
legs), so a tracking link is live."""


def tracking(row: OrderRow, wire: Mapping[str, Any]) -> dict[str, str]:
    """``tracking`` of ``row`` (shown to buyer apps as ``wire``): the link the seller gave
    at shipping, ``active`` while the goods are on the road; 40005 while the seller has
    given none."""
    url = row.document.get(INTERNAL, {}).get("tracking_url")
    if not url:
        raise Refusal("40005", f"tracking is not enabled for order {row.order_id} yet")
    status = "active" if row.fulfillment_state in _ON_THE_WAY else "inactive"
    # The tracking's id is the delivery fulfilment's (RET10 rule TRACKING_ID).
    return {"id": forward_id(wire), "url": url, "status": status}


async def on_track(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """``/on_track``: the tracking link the seller gave at shipping, once there is one."""
    assert isinstance(request, schemas.TrackRequest)
    row = await confirmed_order(request, request.message.order_id, orders)
    message = {"tracking": tracking(row, row.document)}
    return reply_envelope(request, identity=identity, now=now, message=message)


async def on_cancel(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """``/on_cancel``: a buyer's cancellation before pick-up, its stock returned; in retail
    1.2.5 also a forced cancel of a late order on the road
    (:mod:`adapter.core.retail125.force_cancel`) and a return request withdrawn
    (:mod:`adapter.core.retail125.return_withdrawal`)."""
    assert isinstance(request, schemas.CancelRequest)
    reason = request.message.cancellation_reason_id
    row = await confirmed_order(request, request.message.order_id, orders)
    served_125 = core_version_of(row) == "1.2.5"
    force = served_125 and forced(request.message.descriptor) is True
    by = request.context.bap_id or ""
    descriptor = request.message.descriptor
    withdrawn = return_to_withdraw(descriptor, row.document) if served_125 else None
    if withdrawn is not None:
        row = await _withdraw(row, withdrawn, by=by, reason=reason, orders=orders, now=now)
        # The answer names the request it cancelled: ONDC's example and the workbench's
        # ORDER_STATE rule of /on_cancel say Cancelled; the order itself stays delivered,
        # as /status and every later callback show.
        shown = {**wire(row.document), "state": WITHDRAWN}
        return reply_envelope(request, identity=identity, now=now, message={"order": shown})
    if row.state == "Cancelled" and row.document.get("cancellation", {}).get("cancelled_by") == by:
        return reply_envelope(
            request, identity=identity, now=now, message={"order": wire(row.document)}
        )
    if reason is None or reason not in BUYER_CANCEL_REASONS:
        raise Refusal(
            "30012",
            f"message.cancellation_reason_id {reason!r} is not a buyer cancellation reason",
        )
    if force and reason not in TAT_BREACH_REASONS:
        raise Refusal(
            "30012",
            f"message.cancellation_reason_id {reason!r}: a forced cancel is for an order not "
            f"delivered in time ({' or '.join(sorted(TAT_BREACH_REASONS))})",
        )
    if force:
        why = force_refusal(row.document.get(INTERNAL, {}), row.order_id or "", now)
        if why is not None:
            raise Refusal("30014", why)
    elif served_125 and forced(request.message.descriptor) is False:
        row = await _note_first_ask(row, request.message.descriptor, orders, now)
    # A forced cancel is the buyer app insisting after the seller let its ask pass: the
    # seller may no longer refuse it as not late.
    if reason in TAT_BREACH_REASONS and row.confirmed_at is not None and not force:
        # Late: not delivered within the TAT, or not shipped by the seller's time to ship.
        tat = parse_duration(row.document["fulfillments"][0].get("@ondc/org/TAT", "P0D"))
        # Goods ready for a buyer app's own courier have left the seller's hands in time.
        unshipped = row.fulfillment_state in ("Pending", "Packed") and not awaits_courier(
            row.document
        )
        missed_ship = unshipped and row.ship_by is not None and now > row.ship_by
        if now < row.confirmed_at + tat and not missed_ship:
            raise Refusal(
                "30014",
                f"order {row.order_id} is not late: its TAT {iso_duration(tat)} has not "
                "passed and it is not past its time to ship",
            )
    try:
        transition = next_state(
            "force_cancel" if force else "buyer_cancel",
            row.state or "",
            row.fulfillment_state or "",
            states=delivery_states(row),
        )
    except IllegalTransition as exc:
        raise Refusal("50001", f"cancellation not possible: {exc}") from exc
    document = cancelled_document(
        row, by=by, reason=reason, now=now, fulfillment_state=transition.fulfillment
    )
    # Goods already with the courier are not back on the shelf yet.
    on_the_road = row.fulfillment_state in _ON_THE_WAY | {"Delivery-failed"}
    change = Change(
        transition.state,
        transition.fulfillment,
        document,
        restock=not on_the_road,
        detail={"reason": reason, **({"force": True} if force else {})},
    )
    # An order moved meanwhile (OrderMoved) is read again and the cancel built again from
    # it (adapter/outbound/builder.py): the same cancel built twice at once (a job claimed
    # again after its lease lapsed under load) then answers as a repeated cancel does.
    row = await orders.transition(row, actor="buyer", event="cancel", change=change, now=now)
    return reply_envelope(
        request, identity=identity, now=now, message={"order": wire(row.document)}
    )


async def _withdraw(
    row: OrderRow, return_id: str, *, by: str, reason: str | None, orders: OrderBook, now: datetime
) -> OrderRow:
    """The order with return ``return_id`` withdrawn by the buyer app ``by`` (a retried
    withdrawal changes nothing)."""
    returns = row.document.get(INTERNAL, {}).get("returns", {})
    if returns.get(return_id, {}).get("state") == WITHDRAWN:
        return row
    if reason is None or reason not in BUYER_CANCEL_REASONS:
        raise Refusal(
            "30012",
            f"message.cancellation_reason_id {reason!r} is not a buyer cancellation reason",
        )
    change = withdraw_return(row, return_id, by=by, reason=reason, now=now)
    return await orders.transition(
        row, actor="buyer", event="return_withdrawn", change=change, now=now
    )


async def _note_first_ask(
    row: OrderRow, descriptor: schemas.Descriptor | None, orders: OrderBook, now: datetime
) -> OrderRow:
    """The order with the first asked cancel noted (retail 1.2.5: when the seller's time to
    answer it, its ``ttl_response``, ends); a later ask leaves the first one's time."""
    internal = row.document.get(INTERNAL, {})
    note = ask_note(descriptor, now)
    if note is None or ASK_KEY in internal:
        return row
    document = {**row.document, INTERNAL: {**internal, ASK_KEY: note}}
    change = Change(row.state or "", row.fulfillment_state or "", document, detail=note)
    return await orders.transition(row, actor="buyer", event="cancel_asked", change=change, now=now)


async def keep_ratings(
    request: schemas.Envelope,
    ratings: Sequence[schemas.Rating] | None,
    *,
    orders: OrderBook,
    now: datetime,
) -> None:
    """Check ``ratings`` are 1 to 5 (else 30015) and keep those that rate the transaction's
    confirmed order of the asking buyer app (its provider, items, fulfilments) for the
    catalogue's ``rating`` (``adapter.core.ratings``); the others are acknowledged only."""
    given: list[tuple[str, str, str]] = []
    for index, rating in enumerate(ratings or []):
        if rating.value not in {"1", "2", "3", "4", "5"}:
            raise Refusal(
                "30015", f"message.ratings[{index}].value must be 1 to 5, not {rating.value!r}"
            )
        given.append((rating.rating_category or "", rating.id or "", rating.value))
    row = await orders.by_transaction(request.context.transaction_id or "")
    if row is not None and row.order_id and belongs_to(row, request.context):
        await orders.rate(row, order_ratings(row, given), now=now)


async def on_rating(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """``/on_rating``: ratings of 1 to 5 acknowledged, and those that rate the transaction's
    confirmed order kept (:func:`keep_ratings`)."""
    assert isinstance(request, schemas.RatingRequest)
    await keep_ratings(request, request.message.ratings, orders=orders, now=now)
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"rating_ack": True, "feedback_ack": False},
    )


async def support_contact(
    request: schemas.Envelope, ref: str | None, *, orders: OrderBook
) -> SellerRecord:
    """The seller of the order or transaction ``ref`` of the asking buyer app, whose phone
    and e-mail answer ``/support``; 50004 if the buyer app has no such order or
    transaction."""
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
    return found[0]


async def on_support(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """``/on_support``: the seller's phone and e-mail, for an order or transaction of the
    asking buyer app."""
    assert isinstance(request, schemas.SupportRequest)
    seller = await support_contact(request, request.message.ref_id, orders=orders)
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"phone": seller.phone, "email": seller.email},
    )


async def on_update(
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
    row = await confirmed_order(request, order.id, orders)
    try:
        if target == "payment" and order.payment is not None:
            change = record_settlement(row, order.payment, now=now)
            event = "refund_settled"
        elif target == "item":
            skus = {item["id"] for item in row.document.get("items", [])}
            terms = {sku: await orders.returnable(row.seller_code, sku) for sku in skus}
            # Retail 1.2.5 lets the buyer ask for a replacement instead of a refund.
            is_125 = core_version_of(row) == "1.2.5"
            codes = RETURN_REQUEST_CODES_125 if is_125 else RETURN_REQUEST_CODES
            change = request_return(row, order, by=by, now=now, returnable=terms, codes=codes)
            event = "return_requested"
        elif target == "fulfillment" and core_version_of(row) == "1.2.5" and reports_state(order):
            # The buyer app's courier picked the goods up or delivered them.
            carried = buyer_update(row, order, by=by, now=now)
            if carried is None:  # already so: a resent update changes nothing
                return reply_envelope(
                    request,
                    identity=identity,
                    now=now,
                    message={"update_target": target, "order": wire(row.document)},
                )
            change, event = carried, BUYER_EVENTS[carried.fulfillment_state]
        elif target == "fulfillment" and core_version_of(row) == "1.2.5":
            found = await orders.seller(row.seller_code)
            if found is None:
                raise Refusal("30001", f"provider {row.seller_code} not found")
            location = found[1]
            wanted = next((f for f in order.fulfillments or [] if f.type == "Delivery"), None)
            change = update_delivery(
                row,
                wanted,
                now=now,
                serves=lambda gps, area: serves(location, gps=gps, pincode=area),
            )
            event = "delivery_updated"
        else:
            raise Refusal(
                "50002",
                f"message.update_target {target!r}: only item (returns), payment (refund "
                "settlement) and, in retail 1.2.5, fulfillment (buyer instructions, delivery "
                "address, a buyer app's own delivery) can be updated",
            )
        row = await orders.transition(row, actor="buyer", event=event, change=change, now=now)
    except UpdateRefused as refusal:
        raise Refusal(refusal.code, str(refusal)) from refusal
    except OrderMoved:
        raise  # built again from the order as it is now (adapter/outbound/builder.py)
    except IllegalTransition as exc:
        raise Refusal("50002", f"update not possible: {exc}") from exc
    return reply_envelope(
        request,
        identity=identity,
        now=now,
        message={"update_target": target, "order": wire(row.document)},
    )
