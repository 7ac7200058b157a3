"""How full a store's delivery slots are, and the places orders take in them (retail 1.2.5
slotted delivery).

An order delivered in a slot is to leave the store by the slot's start, which is its
``ship_by`` (``adapter.core.order_replies``): the orders of a slot are the seller's
confirmed, not cancelled orders whose ``ship_by`` is the slot's start (read through the
``ship_by`` index) and whose delivery is that slot.

The store's limit of orders per slot holds however many processes confirm at once: the
confirm takes a place in the slot's ``slot_places`` row with a conditional UPDATE (``taken``
below the limit) in the transaction that writes the order. PostgreSQL locks the row from
that UPDATE to the commit, so a second confirm's UPDATE waits and then reads the count the
first left; SQLite has one writer at a time. A cancellation gives the place back in its own
transaction. A slot's row is made by its first confirm, counting the live orders the slot
already has (orders placed before the table was).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.core.retail125.delivery_slots import SlotFull, SlotPlace, slot_of
from adapter.storage.database import Database
from adapter.storage.slot_table import slot_places
from adapter.storage.tables import orders

__all__ = ["give_back_place", "slot_bookings", "slot_start", "take_place"]


def slot_start(ship_by: datetime | None, document: Mapping[str, Any]) -> datetime | None:
    """The start of the slot the order is delivered in, or ``None``: its delivery is a slot
    that starts when the order is to leave the store."""
    slot = next(filter(None, map(slot_of, document.get("fulfillments") or [])), None)
    return slot.start if slot is not None and slot.start == ship_by else None


async def _counted(
    connection: AsyncConnection, seller_code: str, starts: Sequence[datetime]
) -> dict[datetime, int]:
    query = select(orders.c.ship_by, orders.c.document).where(
        orders.c.seller_code == seller_code,
        orders.c.stage == "confirmed",
        orders.c.state != "Cancelled",
        orders.c.ship_by.in_(list(starts)),
    )
    booked: dict[datetime, int] = {}
    for ship_by, document in await connection.execute(query):
        start = slot_start(ship_by, document)
        if start is not None:
            booked[start] = booked.get(start, 0) + 1
    return booked


async def slot_bookings(
    database: Database, seller_code: str, starts: Sequence[datetime]
) -> dict[datetime, int]:
    """The number of live orders of ``seller_code`` in each slot starting at ``starts``
    (slots without orders left out)."""
    if not starts:
        return {}
    async with database.engine.connect() as connection:
        return await _counted(connection, seller_code, starts)


async def take_place(
    database: Database,
    connection: AsyncConnection,
    seller_code: str,
    place: SlotPlace,
    now: datetime,
) -> None:
    """Take a place in the slot for an order being confirmed in ``connection``'s
    transaction; raises :class:`SlotFull` (the transaction is to be rolled back) when the
    store's limit is reached. A slot without a limit counts its orders all the same, should
    the store set one later."""
    row = slot_places.c
    conditions = [row.seller_code == seller_code, row.starts_at == place.start]
    if place.capacity > 0:
        conditions.append(row.taken < place.capacity)
    take = update(slot_places).where(*conditions).values(taken=row.taken + 1, updated_at=now)
    if (await connection.execute(take)).rowcount == 1:
        return
    # No place left, or the slot's first confirm: make its row (a confirm making it at the
    # same time waits for this one's commit on PostgreSQL, then finds it made) and try again.
    counted = await _counted(connection, seller_code, [place.start])
    await connection.execute(
        database.insert(slot_places)
        .values(
            seller_code=seller_code,
            starts_at=place.start,
            taken=counted.get(place.start, 0),
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[row.seller_code, row.starts_at])
    )
    if (await connection.execute(take)).rowcount != 1:
        raise SlotFull(place.capacity)


async def give_back_place(
    connection: AsyncConnection,
    seller_code: str,
    ship_by: datetime | None,
    document: Mapping[str, Any],
    now: datetime,
) -> None:
    """Give back the place a cancelled order held in its slot (none for an order without
    one), in ``connection``'s transaction."""
    start = slot_start(ship_by, document)
    if start is None:
        return
    row = slot_places.c
    await connection.execute(
        update(slot_places)
        .where(row.seller_code == seller_code, row.starts_at == start, row.taken > 0)
        .values(taken=row.taken - 1, updated_at=now)
    )
