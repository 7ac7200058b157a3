"""Which delivery slots a store offers and still has room in, read through the order book
(ONDC retail 1.2.5 slotted delivery; the slot arithmetic is
:mod:`adapter.core.retail125.delivery_slots`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapter.core.order_book import OrderBook
from adapter.core.retail125.delivery_slots import (
    Slot,
    SlotPlan,
    candidates_for,
    full_refusal,
    next_slots,
    plan_of,
    with_room,
)
from catalog_sync.records import LocationRecord
from catalog_sync.transform import closed_on

__all__ = ["open_slots", "refuse_full"]


async def open_slots(
    book: OrderBook, seller_code: str, location: LocationRecord, *, now: datetime, ready: timedelta
) -> list[Slot]:
    """The slots on_select offers at ``location`` for goods ready in ``ready``: the next
    ones open (not started, on days the store is not shut) with room for another order;
    none for a store that does not deliver in slots."""
    plan = plan_of(location)
    if plan is None:
        return []
    upcoming = next_slots(
        plan,
        now=now,
        ready=ready,
        closed=lambda day: closed_on(location, day),
        limit=candidates_for(plan),
    )
    booked = (
        await book.slot_bookings(seller_code, [slot.start for slot in upcoming])
        if plan.capacity
        else {}
    )
    return with_room(upcoming, booked, plan)


async def refuse_full(
    book: OrderBook, seller_code: str, slot: Slot | None, plan: SlotPlan | None
) -> None:
    """40003 if ``slot`` already has as many orders as the store's ``plan`` lets a slot
    take."""
    if slot is None or plan is None or not plan.capacity:
        return
    booked = await book.slot_bookings(seller_code, [slot.start])
    refused = full_refusal(slot, booked.get(slot.start, 0), plan)
    if refused is not None:
        raise refused
