"""How full a store's delivery slots are (retail 1.2.5 slotted delivery).

An order delivered in a slot is to leave the store by the slot's start, which is its
``ship_by`` (``adapter.core.order_replies``): the orders of a slot are the seller's
confirmed, not cancelled orders whose ``ship_by`` is the slot's start (read through the
``ship_by`` index) and whose delivery is that slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from adapter.core.retail125.delivery_slots import slot_of
from adapter.storage.database import Database
from adapter.storage.tables import orders

__all__ = ["slot_bookings"]


async def slot_bookings(
    database: Database, seller_code: str, starts: Sequence[datetime]
) -> dict[datetime, int]:
    """The number of live orders of ``seller_code`` in each slot starting at ``starts``
    (slots without orders left out)."""
    if not starts:
        return {}
    query = select(orders.c.ship_by, orders.c.document).where(
        orders.c.seller_code == seller_code,
        orders.c.stage == "confirmed",
        orders.c.state != "Cancelled",
        orders.c.ship_by.in_(list(starts)),
    )
    async with database.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    booked: dict[datetime, int] = {}
    for ship_by, document in rows:
        slot = next(filter(None, map(slot_of, document.get("fulfillments") or [])), None)
        if slot is not None and slot.start == ship_by:
            booked[slot.start] = booked.get(slot.start, 0) + 1
    return booked
