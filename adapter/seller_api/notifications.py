"""``/seller/v1/notifications``: where a seller's own system hears of its orders.

A seller points its notifications at an HTTPS endpoint of its own and receives the signing
secret once; the adapter then POSTs signed JSON for each new order, cancellation, return
and update (``adapter/core/seller_events.py``). The seller reads its delivery log, every
attempt included, and can ask for any notification to be sent again. As everywhere under
``/seller/v1``, the key decides the seller: no path or parameter can name another one.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

import schemas
from adapter.admin.api import RowId
from adapter.core.seller_events import SIGNATURE_HEADER, TIMESTAMP_HEADER
from adapter.outbound.destination import Destinations, UnsafeDestination
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.storage.notifications import SellerNotifications

__all__ = ["EndpointSetup", "notifications_router"]

_SIGNATURE = (
    f"{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of '<{TIMESTAMP_HEADER}>.' followed by "
    "the raw body, keyed with the secret>"
)


class EndpointSetup(BaseModel):
    """Where to POST the seller's notifications."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[HttpUrl, Field(max_length=2000)]
    enabled: bool = True
    rotate_secret: bool = False

    @field_validator("url")
    @classmethod
    def _not_an_internal_address(cls, url: HttpUrl) -> HttpUrl:
        # The adapter makes these requests from inside the deployment: a literal loopback,
        # private or link-local address would point it at its own neighbours.
        host = (url.host or "").strip("[]")
        if host == "localhost" or host.endswith(".localhost"):
            raise ValueError("must be the seller's own public address, not localhost")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return url
        if not address.is_global:
            raise ValueError(f"must be a public address; {host} is not")
        return url


def _notifications(request: Request) -> SellerNotifications:
    runtime: Runtime = request.app.state.runtime
    return runtime.notifications


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else schemas.format_timestamp(moment)


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "event": row["event"],
        "order_id": row["order_id"],
        "status": row["status"],
        "attempts": row["attempts"],
        "created_at": _time(row["created_at"]),
        "next_attempt_at": _time(row["next_attempt_at"]) if row["status"] == "pending" else None,
        "deadline_at": _time(row["deadline_at"]),
        "delivered_at": _time(row["delivered_at"]),
        "last_error": row["last_error"],
        "data": row["payload"],
        "attempts_log": [
            {
                "attempted_at": _time(attempt["attempted_at"]),
                "http_status": attempt["http_status"],
                "latency_ms": attempt["latency_ms"],
                "outcome": attempt["outcome"],
                "error": attempt["error"],
            }
            for attempt in row["attempts_log"]
        ],
    }


def notifications_router() -> APIRouter:
    """Endpoints a seller calls with its own key to run its notifications."""
    router = APIRouter(
        prefix="/seller/v1/notifications", tags=["sellers"], route_class=FieldNamingRoute
    )

    @router.put("/endpoint")
    async def put_endpoint(
        request: Request, seller: Seller, setup: EndpointSetup
    ) -> dict[str, Any]:
        """Send this seller's notifications to ``url``. The signing secret is returned
        when it is made (the first time, or with ``rotate_secret``) and never again."""
        runtime: Runtime = request.app.state.runtime
        settings = runtime.settings
        policy = Destinations(
            allow_http=settings.outbound_allow_http, allow_private=settings.outbound_allow_private
        )
        try:
            # The form only: the address is checked again, resolved, before every send.
            policy.check_form(str(setup.url))
        except UnsafeDestination as exc:
            raise HTTPException(status_code=422, detail=f"url: {exc}") from None
        secret = await _notifications(request).set_endpoint(
            seller,
            str(setup.url),
            enabled=setup.enabled,
            rotate_secret=setup.rotate_secret,
            now=runtime.clock.now(),
        )
        return {
            "url": str(setup.url),
            "enabled": setup.enabled,
            "secret": secret,
            "signature": _SIGNATURE,
        }

    @router.get("/endpoint")
    async def get_endpoint(request: Request, seller: Seller) -> dict[str, Any]:
        """Where this seller's notifications go (the secret is not shown again)."""
        endpoint = await _notifications(request).endpoint(seller)
        if endpoint is None:
            raise HTTPException(
                status_code=404,
                detail="endpoint: none set; PUT /seller/v1/notifications/endpoint first",
            )
        return {
            "url": endpoint.url,
            "enabled": endpoint.enabled,
            "created_at": _time(endpoint.created_at),
            "updated_at": _time(endpoint.updated_at),
        }

    @router.get("")
    async def delivery_log(
        request: Request,
        seller: Seller,
        status: Literal["pending", "delivered", "failed", "skipped"] | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> list[dict[str, Any]]:
        """This seller's notifications, newest first, each with every delivery attempt."""
        rows = await _notifications(request).log(seller, status=status, limit=limit)
        return [_view(row) for row in rows]

    @router.post("/{notification_id}/redeliver", status_code=202)
    async def redeliver(request: Request, seller: Seller, notification_id: RowId) -> dict[str, Any]:
        """Send one of this seller's notifications again (its attempts start afresh)."""
        runtime: Runtime = request.app.state.runtime
        outcome = await _notifications(request).redeliver(
            seller, notification_id, now=runtime.clock.now()
        )
        if outcome == "unknown":
            raise HTTPException(
                status_code=404,
                detail=f"notification_id: this seller has no notification {notification_id}",
            )
        if outcome == "already_pending":
            raise HTTPException(
                status_code=409,
                detail=f"notification_id: {notification_id} is already queued for delivery",
            )
        if outcome == "no_endpoint":
            raise HTTPException(
                status_code=409,
                detail="endpoint: none enabled; PUT /seller/v1/notifications/endpoint first",
            )
        return {"id": notification_id, "status": "pending"}

    return router
