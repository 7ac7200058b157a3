"""Seller notifications on the wire: the events, the body and its HMAC signature.

A seller's own system is told of its orders by a POST of a JSON body::

    {"event": "order.created", "order_id": "...", "occurred_at": "2026-11-23T10:00:00.123Z",
     "data": {...}}

signed with the seller's shared secret. The signed material is the timestamp header's
value, a full stop, then the exact body bytes (``f"{timestamp}.".encode() + body``), so a
captured notification cannot be replayed later under a fresh timestamp::

    X-ODOP-Timestamp: 1795428000
    X-ODOP-Signature: sha256=<hex HMAC-SHA256 of b"1795428000." + body, keyed with the secret>

The body of one notification is the same bytes on every try; the timestamp and signature
are made afresh for each try. ``X-ODOP-Delivery`` carries the notification's id, the same
on every try, so a seller can ignore a notification it has already handled.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

import orjson

import schemas

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "SellerEvent",
    "notification_body",
    "sign_notification",
    "verify_notification",
]

SIGNATURE_HEADER: Final = "X-ODOP-Signature"
"""``sha256=<hex>``: the HMAC-SHA256 of ``{timestamp}.{body}`` with the seller's secret."""
TIMESTAMP_HEADER: Final = "X-ODOP-Timestamp"
"""Whole seconds since 1970 when this try was signed; part of the signed material."""
EVENT_HEADER: Final = "X-ODOP-Event"
"""The body's ``event``, repeated so a seller can route before parsing."""
DELIVERY_HEADER: Final = "X-ODOP-Delivery"
"""The notification's id: the same on every try, for the seller's own de-duplication."""


class SellerEvent(StrEnum):
    """What happened to one of the seller's orders."""

    ORDER_CREATED = "order.created"
    ORDER_UPDATED = "order.updated"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_RETURN_REQUESTED = "order.return_requested"
    ORDER_RETURN_WITHDRAWN = "order.return_withdrawn"
    # Retail 1.2.5 Buyer-Delivery: the buyer app's courier picked the goods up (with the
    # package it measured) or delivered them.
    ORDER_BUYER_APP_DELIVERY = "order.buyer_app_delivery"


def notification_body(
    event: str, order_id: str | None, occurred_at: datetime, data: dict[str, Any]
) -> bytes:
    """The exact bytes POSTed to the seller (UTF-8 JSON; non-ASCII text kept as is)."""
    return orjson.dumps(
        {
            "event": event,
            "order_id": order_id,
            "occurred_at": schemas.format_timestamp(occurred_at),
            "data": data,
        }
    )


def sign_notification(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-ODOP-Signature`` value for ``body`` sent at ``timestamp``."""
    material = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), material, hashlib.sha256).hexdigest()


def verify_notification(
    secret: str,
    body: bytes,
    *,
    timestamp: str,
    signature: str,
    now: int,
    tolerance_seconds: int = 300,
) -> bool:
    """Whether ``signature`` was made with ``secret`` over ``body`` at ``timestamp``, and
    that timestamp is within ``tolerance_seconds`` of ``now`` (what a seller checks)."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance_seconds:
        return False
    expected = sign_notification(secret, int(timestamp), body)
    return hmac.compare_digest(signature.encode(), expected.encode())
