"""``/track``, ``/rating`` and ``/support`` of B2B orders (ONDC B2B 2.0.2), answered as
retail 1.2.x answers them (:mod:`adapter.core.order_followups`), in the B2B shapes.

- ``/on_track``: ``message.tracking`` with the link the seller gave when shipping, its
  ``id`` the delivery fulfilment's and ``status`` ``active`` while the goods are on the
  road; 40005 while the seller has given none, 30018 for no B2B order of the buyer app.
- ``/on_rating``: ``rating_ack``; values ``"1"`` to ``"5"`` (else 30015), those that rate
  the transaction's own order kept for the catalogue.
- ``/on_support``: ``message.support`` with the seller's ``phone`` and ``email`` for
  ``support.ref_id``, an order or transaction of the asking buyer app (else 50004).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import schemas
import schemas.b2b
from adapter.core.b2b.replies import answers_b2b_refusals, b2b_reply
from adapter.core.b2b.status import buyers_order
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook
from adapter.core.order_followups import keep_ratings, support_contact, tracking

__all__ = ["on_rating", "on_support", "on_track"]


@answers_b2b_refusals
async def on_track(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """The tracking link of the buyer app's B2B order (ONDC B2B 2.0.2 ``/on_track``)."""
    assert isinstance(request, schemas.b2b.B2BTrackRequest)
    found, wire = await buyers_order(request.message.order_id, request, orders)
    message = {"tracking": tracking(found, wire)}
    return b2b_reply(request, identity=identity, now=now, message=message)


@answers_b2b_refusals
async def on_rating(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """The ratings acknowledged, those of the transaction's order kept (ONDC B2B 2.0.2
    ``/on_rating``)."""
    assert isinstance(request, schemas.b2b.B2BRatingRequest)
    await keep_ratings(request, request.message.ratings, orders=orders, now=now)
    return b2b_reply(
        request, identity=identity, now=now, message={"rating_ack": True, "feedback_ack": False}
    )


@answers_b2b_refusals
async def on_support(
    request: schemas.Envelope, *, identity: Identity, now: datetime, orders: OrderBook, **_: Any
) -> schemas.Envelope:
    """The seller's phone and e-mail for the buyer app's order or transaction (ONDC B2B
    2.0.2 ``/on_support``)."""
    assert isinstance(request, schemas.b2b.B2BSupportRequest)
    support = request.message.support
    ref = support.ref_id if support is not None else None
    seller = await support_contact(request, ref, orders=orders)
    answer = {"ref_id": ref, "phone": seller.phone, "email": seller.email}
    return b2b_reply(request, identity=identity, now=now, message={"support": answer})
