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

__all__ = ["on_status"]


@answers_b2b_refusals
async def on_status(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """The B2B order as it stands; polling never moves it. Unknown order 30018."""
    assert isinstance(request, schemas.b2b.B2BStatusRequest)
    order_id = request.message.order_id
    if not order_id:
        raise Refusal("30000", "message.order_id is required")
    found = await orders.by_order_id(order_id, bap_id=request.context.bap_id or "")
    wire = b2b_order(found.document) if found is not None else {}
    if found is None or not wire:
        raise Refusal("30018", f"message.order_id {order_id!r}: no such B2B order of yours")
    return b2b_reply(request, identity=identity, now=now, message={"order": wire})
