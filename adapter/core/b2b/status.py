"""``/status`` -> ``/on_status`` for B2B orders (ONDC B2B 2.0.2): the order as stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import schemas
import schemas.b2b
from adapter.core.b2b.replies import answers_b2b_refusals, b2b_reply
from adapter.core.b2b.rfq import b2b_order
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook, Refusal
from adapter.core.orders import OrderRow

__all__ = ["buyers_order", "on_status"]


@answers_b2b_refusals
async def on_status(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """The B2B order as it stands; polling never moves it. Unknown order 30018."""
    assert isinstance(request, schemas.b2b.B2BStatusRequest)
    _stored, wire = await buyers_order(request.message.order_id, request, orders)
    return b2b_reply(request, identity=identity, now=now, message={"order": wire})


async def buyers_order(
    order_id: str | None, request: schemas.Envelope, orders: OrderBook
) -> tuple[OrderRow, dict[str, Any]]:
    """The B2B order ``order_id`` of the asking buyer app, stored and as the wire shows it;
    a missing id is 30000, an order that is not this buyer app's B2B order 30018."""
    if not order_id:
        raise Refusal("30000", "message.order_id is required")
    found = await orders.by_order_id(order_id, bap_id=request.context.bap_id or "")
    wire = b2b_order(found.document) if found is not None else {}
    if found is None or not wire:
        raise Refusal("30018", f"message.order_id {order_id!r}: no such B2B order of yours")
    return found, wire
