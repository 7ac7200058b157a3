"""``/seller/v1/delivery-slots``: a seller delivers within its store's city in time slots
the buyer chooses (ONDC retail 1.2.5 slotted delivery; see
:mod:`adapter.core.retail125.delivery_slots`).

``GET`` shows the store's slots (``minutes`` 0: it does not deliver in slots) and the next
ones with the orders each has; ``PUT`` sets the slot length, the hours it delivers in
(``HHMM-HHMM``, Indian Standard Time), how many slots on_select offers and how many orders
a slot takes; ``DELETE`` stops delivering in slots. Orders already placed keep their slots.
The same fields are the location's ``slot_minutes``, ``slot_hours``, ``slots_offered`` and
``slot_orders`` in catalogue files.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

import schemas
from adapter.core.retail125.delivery_slots import next_slots, plan_of, slot_problem
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.seller_api.stores import catalogue
from catalog_sync.records import LocationRecord
from catalog_sync.transform import closed_on

__all__ = ["DeliverySlots", "delivery_slots_router"]


class DeliverySlots(BaseModel):
    """A store's delivery slots: ``minutes`` long, within ``hours`` (IST), the next
    ``offered`` of them offered to a buyer, each taking at most ``orders_per_slot`` orders
    (0: no limit)."""

    model_config = ConfigDict(extra="forbid")

    minutes: Annotated[int, Field(ge=15, le=720)]
    hours: Annotated[str, Field(pattern=r"^([01]\d|2[0-3])[0-5]\d-([01]\d|2[0-3])[0-5]\d$")]
    offered: Annotated[int, Field(ge=1, le=12)] = 4
    orders_per_slot: Annotated[int, Field(ge=0, le=10_000)] = 0

    @model_validator(mode="after")
    def _fits(self) -> DeliverySlots:
        problem = slot_problem(self.minutes, self.hours)
        if problem:
            raise ValueError(
                problem.replace("slot_minutes", "minutes").replace("slot_hours", "hours")
            )
        return self


async def _shown(seller: str, location: LocationRecord, request: Request) -> dict[str, Any]:
    """The store's slots and the next ones that have not started, with the orders each
    has (for goods ready at once: an order's slots also wait for its items' time to ship,
    and a full slot is not offered)."""
    runtime: Runtime = request.app.state.runtime
    plan = plan_of(location)
    if plan is None:
        return {"store": location.code, "minutes": 0, "next": []}
    upcoming = next_slots(
        plan,
        now=runtime.clock.now(),
        ready=timedelta(0),
        closed=lambda day: closed_on(location, day),
    )
    booked = await runtime.orders.slot_bookings(seller, [slot.start for slot in upcoming])
    return {
        "store": location.code,
        "minutes": plan.minutes,
        "hours": location.slot_hours,
        "offered": plan.offered,
        "orders_per_slot": plan.capacity,
        "timezone": "Asia/Kolkata",
        "next": [
            {
                "start": schemas.format_timestamp(slot.start),
                "end": schemas.format_timestamp(slot.end),
                "orders": booked.get(slot.start, 0),
            }
            for slot in upcoming
        ],
    }


async def _store(request: Request, seller: str) -> tuple[Any, LocationRecord]:
    entry = await catalogue(request).seller(seller)
    if entry is None:
        raise HTTPException(status_code=404, detail=f"seller {seller} has no store yet")
    return entry


async def _save(request: Request, seller: str, location: LocationRecord) -> None:
    runtime: Runtime = request.app.state.runtime
    record, _ = await _store(request, seller)
    await catalogue(request).upsert(record, location, [], now=runtime.clock.now())


def delivery_slots_router() -> APIRouter:
    """A seller's delivery slots, with its own key."""
    router = APIRouter(
        prefix="/seller/v1/delivery-slots", tags=["sellers"], route_class=FieldNamingRoute
    )

    @router.get("")
    async def show(request: Request, seller: Seller) -> dict[str, Any]:
        """The store's delivery slots and the next ones open."""
        _, location = await _store(request, seller)
        return await _shown(seller, location, request)

    @router.put("")
    async def put(request: Request, seller: Seller, slots: DeliverySlots) -> dict[str, Any]:
        """Deliver in slots of ``minutes`` within ``hours`` (IST), ``offered`` at a time."""
        _, location = await _store(request, seller)
        if "Delivery" not in location.fulfillment_types:
            raise HTTPException(
                status_code=409,
                detail=f"minutes: store {location.code} does not deliver (its fulfilment "
                f"types are {', '.join(location.fulfillment_types)})",
            )
        location = dataclasses.replace(
            location,
            slot_minutes=slots.minutes,
            slot_hours=slots.hours,
            slots_offered=slots.offered,
            slot_orders=slots.orders_per_slot,
        )
        await _save(request, seller, location)
        return await _shown(seller, location, request)

    @router.delete("")
    async def stop(request: Request, seller: Seller) -> dict[str, Any]:
        """Stop delivering in slots (orders placed keep theirs)."""
        _, location = await _store(request, seller)
        location = dataclasses.replace(location, slot_minutes=0)
        await _save(request, seller, location)
        return await _shown(seller, location, request)

    return router
