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
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapter.catalog.rows import ItemRow
from adapter.runtime import Runtime
from adapter.seller_api.refusals import FieldNamingRoute, field_errors
from adapter.seller_api.stock_webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    StockWebhookRefused,
    verify_stock_push,
)
from adapter.seller_api.stores import catalogue, held_items
from adapter.storage.bounds import MAX_COUNT
from catalog_sync.item_rules import rule_problems
from catalog_sync.preflight import PACKAGED_COMMODITIES, PREPACKAGED_FOOD, preflight
from catalog_sync.records import ItemRecord
from catalog_sync.rejections import explain

__all__ = ["Seller", "item_json", "seller_router"]


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
    code = await catalogue(request).seller_for_key(key.strip())
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


class StockLine(_Strict):
    """The true available count of one SKU."""

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    available: Annotated[int, Field(ge=0, le=MAX_COUNT)]


class StockUpdate(_Strict):
    """Many stock counts at once."""

    items: Annotated[list[StockLine], Field(min_length=1, max_length=5000)]


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
    if "b2b" in values:  # catalogue files only; not silently dropped here
        raise HTTPException(
            status_code=422,
            detail="b2b: set an item's B2B price list with PUT /seller/v1/b2b/items/{sku}",
        )
    try:
        return ItemRow.model_validate(values)
    except ValidationError as exc:
        raise HTTPException(status_code=422, detail=field_errors(exc.errors())) from None


def item_json(item: ItemRecord) -> dict[str, Any]:
    values = dataclasses.asdict(item)
    values["price"], values["mrp"] = str(item.price), str(item.mrp)
    return values


def seller_router() -> APIRouter:
    """Endpoints a seller calls with its own key."""
    router = APIRouter(prefix="/seller/v1", tags=["sellers"], route_class=FieldNamingRoute)

    @router.get("/me")
    async def me(request: Request, seller: Seller) -> dict[str, Any]:
        """This seller's record and location."""
        entry = await catalogue(request).seller(seller)
        if entry is None:
            raise HTTPException(status_code=404, detail=f"seller {seller} has no location yet")
        record, location = entry
        return {"seller": dataclasses.asdict(record), "location": dataclasses.asdict(location)}

    @router.get("/items")
    async def list_items(request: Request, seller: Seller) -> list[dict[str, Any]]:
        """This seller's items, with their true stock and, for an item buyers cannot see
        yet, the pre-flight reasons it is held back."""
        return [
            {**item_json(item), "held_back": held}
            for item, held in await catalogue(request).items_of(seller)
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
        store = catalogue(request)
        entry = await store.seller(seller)
        if entry is None:
            raise HTTPException(status_code=409, detail="location: register a location first")
        record = item.record()
        # A value ONDC's rules refuse is a 422 naming the field and the rule; what is
        # missing is stored and held back from buyers (held_back says why).
        wrong = [p for p in rule_problems(entry[0], entry[1], record) if p.refuses]
        if wrong:
            raise HTTPException(status_code=422, detail="; ".join(map(str, wrong)))
        runtime: Runtime = request.app.state.runtime
        await store.upsert(entry[0], entry[1], [record], now=runtime.clock.now())
        await runtime.push.changed(seller, [record.sku])
        return {**item_json(record), "held_back": preflight(entry[1], record, entry[0])}

    @router.get("/items/held")
    async def list_held(request: Request, seller: Seller) -> list[dict[str, Any]]:
        """This seller's items that buyers cannot see yet, each with the reasons: the field,
        what is wrong and, for ONDC's rules, the rule. Fixing an item (PUT it again, or
        import it again) publishes it."""
        return [
            {"sku": item.sku, "name": item.name, "reasons": list(item.reasons)}
            for item in await held_items(request).of(seller)
        ]

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
            for rejection, buyer, when in await catalogue(request).rejections_of(seller)
        ]

    @router.post("/webhooks/stock/{code}")
    async def stock_webhook(request: Request, code: str) -> dict[str, Any]:
        """Stock counts pushed by the seller's own system, signed with its webhook secret
        over a timestamp, a fresh delivery id and the body (``stock_webhook.py`` has the
        scheme); a stale or replayed push is refused."""
        body = await request.body()
        store = catalogue(request)
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
        unknown = await catalogue(request).set_stock(
            seller, [(line.sku, line.available) for line in update.items], now=runtime.clock.now()
        )
        if unknown and len(unknown) == len(update.items):
            raise HTTPException(status_code=404, detail=f"items.sku: unknown SKUs {unknown}")
        await runtime.push.changed(
            seller, [line.sku for line in update.items if line.sku not in unknown]
        )
        return {"updated": len(update.items) - len(unknown), "unknown_skus": unknown}

    return router
