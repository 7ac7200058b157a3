"""``/seller/v1``: what a seller offers today, without re-sending its catalogue.

An item can be taken off sale and put back (``POST /seller/v1/items/{sku}/off_sale`` and
``.../on_sale``): off sale, it stays in the store, buyer apps subscribed to incremental
refresh are told to drop it (``time.label`` "disable"), new carts cannot take it and the
full catalogue leaves it out; back on sale, it is pushed as "enable" again. The store can be
shut for some days (``PUT /seller/v1/store/closure``: the first and last day shut) and
opened again (``DELETE``): buyer apps see the location "disable" while it is shut (pushed at
once if the change is today's, on the day otherwise) and orders are refused meanwhile.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from adapter.catalog.closures import closure_claim
from adapter.catalog.rows import IsoDay
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller, item_json
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.seller_api.stores import catalogue
from catalog_sync.records import LocationRecord
from catalog_sync.transform import closed_on, store_day

__all__ = ["seller_availability_router"]


class Closure(BaseModel):
    """Days the store is shut, first and last included (``YYYY-MM-DD``, the store's own
    calendar)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first_day: IsoDay = Field(alias="from")
    last_day: IsoDay = Field(alias="until")

    @model_validator(mode="after")
    def _a_real_range(self) -> Closure:
        for name, day in (("from", self.first_day), ("until", self.last_day)):
            try:
                date.fromisoformat(day)
            except ValueError:
                raise ValueError(f"{name}: {day} is not a day of the calendar") from None
        if self.first_day > self.last_day:
            raise ValueError(f"until: {self.last_day} is before from {self.first_day}")
        return self


def _closure_json(location: LocationRecord, today: date) -> dict[str, Any]:
    return {
        "from": location.closed_from,
        "until": location.closed_until,
        "closed_today": closed_on(location, today),
    }


def seller_availability_router() -> APIRouter:
    """Items off sale and back on sale; the store shut for some days and opened again."""
    router = APIRouter(prefix="/seller/v1", tags=["sellers"], route_class=FieldNamingRoute)

    async def _set_on_sale(
        request: Request, seller: str, sku: str, on_sale: bool
    ) -> dict[str, Any]:
        store = catalogue(request)
        found = await store.listings(seller_code=seller, skus=[sku], published_only=False)
        if not found:
            raise HTTPException(status_code=404, detail=f"sku: {sku} is not one of your items")
        owner, location, record = found[0]
        runtime: Runtime = request.app.state.runtime
        if record.on_sale != on_sale:
            record = dataclasses.replace(record, on_sale=on_sale)
            await store.upsert(owner, location, [record], now=runtime.clock.now())
            await runtime.push.changed(seller, [sku])
        return item_json(record)

    @router.post("/items/{sku}/off_sale")
    async def take_off_sale(request: Request, seller: Seller, sku: str) -> dict[str, Any]:
        """Take an item off sale: kept with its stock, dropped by buyer apps, refused in new
        carts (orders already taken go on). Repeating it changes nothing."""
        return await _set_on_sale(request, seller, sku, False)

    @router.post("/items/{sku}/on_sale")
    async def put_on_sale(request: Request, seller: Seller, sku: str) -> dict[str, Any]:
        """Put an item back on sale (shown again if pre-flight passes)."""
        return await _set_on_sale(request, seller, sku, True)

    async def _set_closure(
        request: Request, seller: str, first: str | None, last: str | None
    ) -> dict[str, Any]:
        store = catalogue(request)
        entry = await store.seller(seller)
        if entry is None:
            raise HTTPException(status_code=409, detail="location: register a location first")
        runtime: Runtime = request.app.state.runtime
        now = runtime.clock.now()
        today = store_day(now)
        before = entry[1]
        after = dataclasses.replace(before, closed_from=first, closed_until=last)
        if after != before:
            await store.upsert(entry[0], after, [], now=now)
            if closed_on(after, today) != closed_on(before, today):
                # Shut or opened today: buyer apps hear it now (a closure starting later is
                # pushed on its first day by the closure watcher).
                skus = [item.sku for item, _ in await store.items_of(seller)]
                if skus:
                    await runtime.push.changed(seller, skus, store=True)
                await runtime.state.first_seen(
                    closure_claim(seller, after.code, today), ttl_seconds=2 * 86_400
                )
        return _closure_json(after, today)

    @router.get("/store/closure")
    async def closure(request: Request, seller: Seller) -> dict[str, Any]:
        """The store's closure, if any, and whether it is shut today."""
        entry = await catalogue(request).seller(seller)
        if entry is None:
            raise HTTPException(status_code=404, detail=f"seller {seller} has no location yet")
        runtime: Runtime = request.app.state.runtime
        return _closure_json(entry[1], store_day(runtime.clock.now()))

    @router.put("/store/closure")
    async def shut(request: Request, seller: Seller, days: Closure) -> dict[str, Any]:
        """Shut the store from one day to another (both included); replaces any closure."""
        return await _set_closure(request, seller, days.first_day, days.last_day)

    @router.delete("/store/closure")
    async def reopen(request: Request, seller: Seller) -> dict[str, Any]:
        """Open the store again (no closure left)."""
        return await _set_closure(request, seller, None, None)

    return router
