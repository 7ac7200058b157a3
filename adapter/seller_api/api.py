"""``/seller/v1``: each seller manages its own catalogue and stock with its own API key.

Operators create sellers and their keys under ``/admin/v1/sellers`` (``ONDC_ADMIN_API_KEY``).
A seller's key reaches only that seller's records: there is no parameter through which it
could name another seller. Bodies are strict (unknown fields refused); a refused body is a
4xx whose ``detail`` names the field and the reason. Changes reach buyer apps with the next
``on_search``.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from adapter.admin.api import require_operator
from adapter.catalog.importer import ItemRow, LocationRow, SellerRow
from adapter.runtime import Runtime
from adapter.seller_api.refusals import FieldNamingRoute, field_errors
from adapter.seller_api.stock_webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    StockWebhookRefused,
    verify_stock_push,
)
from adapter.storage.bounds import MAX_COUNT
from adapter.storage.catalog import CatalogStore
from catalog_sync.preflight import PACKAGED_COMMODITIES, PREPACKAGED_FOOD, preflight
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.rejections import explain

__all__ = ["seller_admin_router", "seller_router"]


def _catalogue(request: Request) -> CatalogStore:
    runtime: Runtime = request.app.state.runtime
    return runtime.catalogue


async def _seller_code(request: Request) -> str:
    # A missing header and a key nobody issued are both 401, told apart: the first is a
    # client that forgot to authenticate, the second a mistyped, revoked or foreign key.
    header = request.headers.get("authorization")
    if header is None:
        raise _unauthorised(
            "missing Authorization header: send Authorization: Bearer <seller API key>"
        )
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise _unauthorised("Authorization: expected Bearer <seller API key>")
    code = await _catalogue(request).seller_for_key(key.strip())
    if code is None:
        raise _unauthorised(
            "Authorization: seller API key not recognised (mistyped, revoked, or issued by "
            "another deployment); an operator issues keys at POST /admin/v1/sellers/{code}/keys"
        )
    return code


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


Seller = Annotated[str, Depends(_seller_code)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SellerSetup(_Strict):
    """A seller and its dispatch location, as an operator registers them."""

    seller: SellerRow
    location: LocationRow


class StockLine(_Strict):
    """The true available count of one SKU."""

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    available: Annotated[int, Field(ge=0, le=MAX_COUNT)]


class StockUpdate(_Strict):
    """Many stock counts at once."""

    items: Annotated[list[StockLine], Field(min_length=1, max_length=5000)]


class FeedSetup(_Strict):
    """Where a seller's stock feed is and how often to read it."""

    url: HttpUrl
    interval_seconds: Annotated[int, Field(ge=60, le=86_400)] = 900


class NewKey(_Strict):
    """What the key is for (shown in listings, never the key itself)."""

    label: Annotated[str, Field(min_length=1, max_length=80)] = "default"


# What GET /seller/v1/items adds to an item and PUT leaves alone: read-only, not refused.
_READ_ONLY: Final = ("held_back",)
# GET shows statutory blocks under their ONDC keys; PUT takes them by these names.
_STATUTORY_FIELDS: Final = {
    PACKAGED_COMMODITIES: "packaged_commodities",
    PREPACKAGED_FOOD: "prepackaged_food",
}


def _item_row(body: Any) -> ItemRow:
    """The item of a PUT body: the import-file shape, or exactly what GET returned."""
    if not isinstance(body, dict):
        raise HTTPException(status_code=422, detail="body: the body must be a JSON object")
    values = {name: value for name, value in body.items() if name not in _READ_ONLY}
    statutory = values.pop("statutory", None) or {}
    if not isinstance(statutory, dict):
        raise HTTPException(status_code=422, detail="statutory: must be a JSON object")
    for key, block in statutory.items():
        if key not in _STATUTORY_FIELDS:
            raise HTTPException(
                status_code=422,
                detail=f"statutory.{key}: unknown block; expected {' or '.join(_STATUTORY_FIELDS)}",
            )
        values.setdefault(_STATUTORY_FIELDS[key], block)
    if values.get("origin_country", "IND") != "IND":
        raise HTTPException(
            status_code=422, detail="origin_country: only IND (made in India) is supported"
        )
    values.pop("origin_country", None)
    try:
        return ItemRow.model_validate(values)
    except ValidationError as exc:
        raise HTTPException(status_code=422, detail=field_errors(exc.errors())) from None


def _item_json(item: ItemRecord) -> dict[str, Any]:
    values = dataclasses.asdict(item)
    values["price"], values["mrp"] = str(item.price), str(item.mrp)
    return values


def _store_hours(location: LocationRecord) -> tuple[object, ...]:
    return (
        location.opening_hours,
        tuple(location.holidays),
        location.closed_from,
        location.closed_until,
    )


def seller_router() -> APIRouter:
    """Endpoints a seller calls with its own key."""
    router = APIRouter(prefix="/seller/v1", tags=["sellers"], route_class=FieldNamingRoute)

    @router.get("/me")
    async def me(request: Request, seller: Seller) -> dict[str, Any]:
        """This seller's record and location."""
        entry = await _catalogue(request).seller(seller)
        if entry is None:
            raise HTTPException(status_code=404, detail=f"seller {seller} has no location yet")
        record, location = entry
        return {"seller": dataclasses.asdict(record), "location": dataclasses.asdict(location)}

    @router.get("/items")
    async def list_items(request: Request, seller: Seller) -> list[dict[str, Any]]:
        """This seller's items, with their true stock and, for an item buyers cannot see
        yet, the pre-flight reasons it is held back."""
        return [
            {**_item_json(item), "held_back": held}
            for item, held in await _catalogue(request).items_of(seller)
        ]

    @router.put("/items/{sku}")
    async def put_item(
        request: Request,
        seller: Seller,
        sku: str,
        body: Annotated[
            dict[str, Any],
            Body(
                description="An item as in an import file, or as GET /seller/v1/items "
                "returned it (held_back is ignored, statutory blocks are accepted)."
            ),
        ],
    ) -> dict[str, Any]:
        """Create or replace one item (the path's SKU must be the body's). What GET returns
        for an item can be sent back as it is."""
        item = _item_row(body)
        if item.sku != sku:
            raise HTTPException(
                status_code=422, detail=f"sku: body says {item.sku!r} but the path says {sku!r}"
            )
        store = _catalogue(request)
        entry = await store.seller(seller)
        if entry is None:
            raise HTTPException(status_code=409, detail="location: register a location first")
        record = item.record()
        runtime: Runtime = request.app.state.runtime
        await store.upsert(entry[0], entry[1], [record], now=runtime.clock.now())
        await runtime.push.changed(seller, [record.sku])
        return {**_item_json(record), "held_back": preflight(entry[1], record)}

    @router.get("/rejections")
    async def rejections(request: Request, seller: Seller) -> list[dict[str, Any]]:
        """Buyer apps' refusals of this seller's listings, newest first, in plain words."""
        return [
            {
                "sku": rejection.sku,
                "buyer_app": buyer,
                "received_at": when.isoformat(),
                "code": rejection.code,
                "message": rejection.message,
                "explanation": explain(rejection, buyer),
            }
            for rejection, buyer, when in await _catalogue(request).rejections_of(seller)
        ]

    @router.post("/webhooks/stock/{code}")
    async def stock_webhook(request: Request, code: str) -> dict[str, Any]:
        """Stock counts pushed by the seller's own system, signed with its webhook secret
        over a timestamp, a fresh delivery id and the body (``stock_webhook.py`` has the
        scheme); a stale or replayed push is refused."""
        body = await request.body()
        store = _catalogue(request)
        runtime: Runtime = request.app.state.runtime
        window = runtime.settings.stock_webhook_window_seconds
        try:
            delivery = verify_stock_push(
                await store.webhook_secret(code),
                body,
                timestamp=request.headers.get(TIMESTAMP_HEADER),
                delivery=request.headers.get(DELIVERY_HEADER),
                signature=request.headers.get(SIGNATURE_HEADER),
                now=runtime.clock.timestamp(),
                window_seconds=window,
            )
        except StockWebhookRefused as refused:
            raise HTTPException(status_code=refused.status, detail=refused.message) from None
        # Remembered past the window's both ends, so an id is never accepted twice while
        # its timestamp could still pass.
        if not await runtime.state.first_seen(f"stock-push:{code}:{delivery}", 2 * window + 60):
            raise HTTPException(
                status_code=409,
                detail=f"{DELIVERY_HEADER}: {delivery} was already received; send a fresh id",
            )
        try:
            update = StockUpdate.model_validate_json(body)
        except ValidationError as exc:
            raise HTTPException(status_code=422, detail=field_errors(exc.errors())) from None
        counts = [(line.sku, line.available) for line in update.items]
        unknown = await store.set_stock(code, counts, now=runtime.clock.now())
        await runtime.push.changed(code, [sku for sku, _ in counts if sku not in unknown])
        return {"updated": len(counts) - len(unknown), "unknown_skus": unknown}

    @router.patch("/stock")
    async def update_stock(request: Request, seller: Seller, update: StockUpdate) -> dict[str, Any]:
        """Set the true available count of many SKUs at once; unknown SKUs are listed."""
        runtime: Runtime = request.app.state.runtime
        unknown = await _catalogue(request).set_stock(
            seller, [(line.sku, line.available) for line in update.items], now=runtime.clock.now()
        )
        if unknown and len(unknown) == len(update.items):
            raise HTTPException(status_code=404, detail=f"items.sku: unknown SKUs {unknown}")
        await runtime.push.changed(
            seller, [line.sku for line in update.items if line.sku not in unknown]
        )
        return {"updated": len(update.items) - len(unknown), "unknown_skus": unknown}

    return router


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
        store = _catalogue(request)
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
        return {"seller": code}

    @router.put("/{code}/feed")
    async def put_feed(request: Request, code: str, feed: FeedSetup) -> dict[str, Any]:
        """Pull the seller's stock from its own CSV or JSON feed on a schedule."""
        store = _catalogue(request)
        if await store.seller(code) is None:
            raise HTTPException(status_code=404, detail=f"seller {code} does not exist")
        await store.set_feed(code, str(feed.url), feed.interval_seconds)
        return {"seller": code, "url": str(feed.url), "interval_seconds": feed.interval_seconds}

    @router.post("/{code}/webhook-secret", status_code=201)
    async def new_webhook_secret(request: Request, code: str) -> dict[str, str]:
        """A new secret for the seller's signed stock webhook; shown here once."""
        store = _catalogue(request)
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
        key = await _catalogue(request).create_key(code, label, now=runtime.clock.now())
        if key is None:
            raise HTTPException(status_code=404, detail=f"seller {code} does not exist")
        return {"seller": code, "api_key": key}

    return router
