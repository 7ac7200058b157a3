"""``/admin/v1/sellers``: operators register sellers and their locations, their stock feeds
and webhook secrets, and issue their seller API keys (``ONDC_ADMIN_API_KEY``). A seller's
record or location changed here checks its items against pre-flight again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from adapter.admin.api import require_operator
from adapter.catalog.rows import LocationRow, SellerRow
from adapter.runtime import Runtime
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.seller_api.stock_webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from adapter.seller_api.stores import catalogue, held_items
from catalog_sync.records import LocationRecord, SellerRecord

__all__ = ["seller_admin_router"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SellerSetup(_Strict):
    """A seller and its dispatch location, as an operator registers them."""

    seller: SellerRow
    location: LocationRow


class FeedSetup(_Strict):
    """Where a seller's stock feed is and how often to read it."""

    url: HttpUrl
    interval_seconds: Annotated[int, Field(ge=60, le=86_400)] = 900


class NewKey(_Strict):
    """What the key is for (shown in listings, never the key itself)."""

    label: Annotated[str, Field(min_length=1, max_length=80)] = "default"


def _store_hours(location: LocationRecord) -> tuple[object, ...]:
    return (
        location.opening_hours,
        tuple(location.holidays),
        location.closed_from,
        location.closed_until,
    )


def seller_admin_router() -> APIRouter:
    """Operators register sellers and issue their keys."""
    router = APIRouter(
        prefix="/admin/v1/sellers",
        tags=["operations"],
        dependencies=[Depends(require_operator)],
        route_class=FieldNamingRoute,
    )

    @router.put("/{code}")
    async def put_seller(request: Request, code: str, setup: SellerSetup) -> dict[str, Any]:
        """Create or update a seller and its location."""
        if setup.seller.code != code:
            raise HTTPException(
                status_code=422,
                detail=f"seller.code: body says {setup.seller.code!r} but the path says {code!r}",
            )
        runtime: Runtime = request.app.state.runtime
        store = catalogue(request)
        before = await store.seller(code)
        location = LocationRecord(**setup.location.model_dump())
        await store.upsert(
            SellerRecord(**setup.seller.model_dump()), location, [], now=runtime.clock.now()
        )
        if before is not None and _store_hours(before[1]) != _store_hours(location):
            # Opening hours, holidays or a closure changed: subscribed buyer apps see the
            # store as it now is (enabled or disabled), with its items.
            skus = [item.sku for item, _ in await store.items_of(code)]
            if skus:
                await runtime.push.changed(code, skus, store=True)
        # The seller's and its location's fields are checked by pre-flight too (the
        # provider's id, descriptor, pincode ...): its items are checked again, and those
        # that pass now are published.
        recheck = await held_items(request).recheck(code, now=runtime.clock.now())
        if recheck.released:
            await runtime.push.changed(code, [sku for _, sku in recheck.released])
        return {"seller": code, "items_held": len(recheck.held)}

    @router.put("/{code}/feed")
    async def put_feed(request: Request, code: str, feed: FeedSetup) -> dict[str, Any]:
        """Pull the seller's stock from its own CSV or JSON feed on a schedule."""
        store = catalogue(request)
        if await store.seller(code) is None:
            raise HTTPException(status_code=404, detail=f"seller {code} does not exist")
        await store.set_feed(code, str(feed.url), feed.interval_seconds)
        return {"seller": code, "url": str(feed.url), "interval_seconds": feed.interval_seconds}

    @router.post("/{code}/webhook-secret", status_code=201)
    async def new_webhook_secret(request: Request, code: str) -> dict[str, str]:
        """A new secret for the seller's signed stock webhook; shown here once."""
        store = catalogue(request)
        if await store.seller(code) is None:
            raise HTTPException(status_code=404, detail=f"seller {code} does not exist")
        runtime: Runtime = request.app.state.runtime
        secret = await store.new_webhook_secret(code, now=runtime.clock.now())
        return {
            "seller": code,
            "secret": secret,
            "url": f"/seller/v1/webhooks/stock/{code}",
            "signature": f"{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "
            f'"{{{TIMESTAMP_HEADER}}}.{{{DELIVERY_HEADER}}}." + the raw body, with the secret>',
        }

    @router.post("/{code}/keys", status_code=201)
    async def new_key(request: Request, code: str, body: NewKey | None = None) -> dict[str, str]:
        """A new API key for the seller; it is shown here once and never again. The body is
        optional: ``{"label": "shop system"}`` names what the key is for (default
        ``default``)."""
        runtime: Runtime = request.app.state.runtime
        label = (body or NewKey()).label
        key = await catalogue(request).create_key(code, label, now=runtime.clock.now())
        if key is None:
            raise HTTPException(status_code=404, detail=f"seller {code} does not exist")
        return {"seller": code, "api_key": key}

    return router
