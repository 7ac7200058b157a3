"""The signed stock webhook: how a seller's system proves a stock push is its own and new.

A seller's system POSTs ``{"items": [{"sku", "available"}]}`` to
``/seller/v1/webhooks/stock/{code}`` with three headers::

    X-ODOP-Timestamp: 1795428000                       whole seconds since 1970, now
    X-ODOP-Delivery:  7f3c2a9e-...                     a fresh id for every push
    X-ODOP-Signature: sha256=<hex HMAC-SHA256 of b"1795428000.7f3c2a9e-....", then the body>

The signed material is ``f"{timestamp}.{delivery}.".encode() + body``, keyed with the
seller's webhook secret. A push is refused when the signature does not match (401), when
the timestamp is further than ``ONDC_STOCK_WEBHOOK_WINDOW_SECONDS`` from our clock (401),
or when the delivery id was already used within that window (409): a captured "50 in
stock" cannot be sent again later to undo a sell-out, and a fresh timestamp or id cannot be
put on it without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

__all__ = [
    "DELIVERY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "StockWebhookRefused",
    "sign_stock_push",
    "verify_stock_push",
]

TIMESTAMP_HEADER: Final = "X-ODOP-Timestamp"
DELIVERY_HEADER: Final = "X-ODOP-Delivery"
SIGNATURE_HEADER: Final = "X-ODOP-Signature"
_DELIVERY_ID: Final = re.compile(r"[A-Za-z0-9._:-]{8,100}")
# ASCII digits only: str.isdigit() takes "²" too, which int() then refuses.
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}")


class StockWebhookRefused(Exception):
    """A stock push that is not accepted: ``status`` (401 or 409) and a message naming the
    header at fault."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def sign_stock_push(secret: str, timestamp: int, delivery: str, body: bytes) -> str:
    """The ``X-ODOP-Signature`` value a seller's system sends with ``body``."""
    material = f"{timestamp}.{delivery}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), material, hashlib.sha256).hexdigest()


def verify_stock_push(
    secret: str | None,
    body: bytes,
    *,
    timestamp: str | None,
    delivery: str | None,
    signature: str | None,
    now: int,
    window_seconds: int,
    keyed_with: str = "this seller's webhook secret",
) -> str:
    """Check a push's headers; returns its delivery id (for the replay check), or raises
    :class:`StockWebhookRefused` (naming the key as ``keyed_with``). A seller with no
    secret cannot push at all."""
    if not timestamp or not _TIMESTAMP.fullmatch(timestamp):
        raise StockWebhookRefused(401, f"{TIMESTAMP_HEADER}: expected whole seconds since 1970")
    if not delivery or not _DELIVERY_ID.fullmatch(delivery):
        raise StockWebhookRefused(
            401, f"{DELIVERY_HEADER}: expected a fresh id of 8-100 letters, digits or ._:-"
        )
    expected = sign_stock_push(secret or "", int(timestamp), delivery, body)
    if secret is None or not hmac.compare_digest((signature or "").encode(), expected.encode()):
        raise StockWebhookRefused(
            401,
            f"{SIGNATURE_HEADER}: expected sha256=<hex HMAC-SHA256 of "
            f'"{{{TIMESTAMP_HEADER}}}.{{{DELIVERY_HEADER}}}." + the body> '
            f"made with {keyed_with}",
        )
    if abs(now - int(timestamp)) > window_seconds:
        raise StockWebhookRefused(
            401, f"{TIMESTAMP_HEADER}: more than {window_seconds} s from the adapter's clock"
        )
    return delivery
