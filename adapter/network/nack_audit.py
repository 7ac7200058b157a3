"""The audit log's rows of NACKed Beckn requests, and the rate of unverified ones.

A request refused after its signature held is kept whole, with the reason; one refused
before (no signature, a wrong one, an unknown key) leaves a bounded summary: the claimed
signer, the body's size and digest, its first bytes and each kept header's first bytes.
Unverified requests count against their source address's rate
(``ONDC_UNVERIFIED_RATE_PER_SECOND``); past it they are refused unrecorded, so an unsigned
flood costs no audit writes.
"""

from __future__ import annotations

import hashlib
import logging
import re
from base64 import b64encode
from typing import Final

import orjson
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from adapter.core.errors import NetworkError, SharedStateUnavailable
from adapter.network.authentication import Sender
from adapter.runtime import Runtime
from adapter.storage.store import InboundRecord

__all__ = ["kept_headers", "record_nack", "unverified_over_rate", "unverified_summary"]

log = logging.getLogger(__name__)

# What the audit keeps of an unverified request's body and of each of its headers.
_UNVERIFIED_KEPT_BYTES: Final = 512
# The subscriber id in a signature header's keyId, as claimed (unverified).
_CLAIMED_SIGNER: Final = re.compile(r'keyId="([^|"]{1,255})\|')
# The request headers kept in the audit log, as ASGI spells them (lower-case bytes).
_KEPT_HEADERS: Final = frozenset(
    {b"authorization", b"x-gateway-authorization", b"content-type", b"user-agent"}
)


async def record_nack(
    runtime: Runtime,
    action: str,
    request: Request,
    body: bytes,
    sender: Sender | None,
    error: NetworkError,
    started: float,
) -> None:
    """Keep a NACKed request in the audit log: all of it once its signature held, a
    bounded summary otherwise (who it claims to be, its size and digest, its first bytes)."""
    transaction_id, message_id = _ids(body)
    headers = kept_headers(request)
    problem = error.message
    if sender is None:
        # Nothing of an unverified request is kept beyond a bounded summary: who it
        # claims to be, its size and digest, and its first bytes.
        headers = {name: value[:_UNVERIFIED_KEPT_BYTES] for name, value in headers.items()}
        problem = unverified_summary(error.message, body, headers.get("authorization"))
        body = body[:_UNVERIFIED_KEPT_BYTES]
    record = InboundRecord(
        direction="rejected",
        action=action,
        peer_id=sender.subscriber_id if sender else "unverified",
        transaction_id=transaction_id,
        message_id=message_id,
        received_at=runtime.clock.now(),
        headers=headers,
        body=body,
        verification="valid" if sender else f"refused: {error.code}",
        http_status=error.http_status,
        duration_ms=(runtime.clock.monotonic() - started) * 1000,
        error=problem,
    )
    try:
        await runtime.store.record(record)
    except SQLAlchemyError:
        log.exception("could not audit a NACKed %s", action)


async def unverified_over_rate(runtime: Runtime, request: Request) -> bool:
    """Count one unverified request against its source address; whether it is over the
    address's rate (``ONDC_UNVERIFIED_RATE_PER_SECOND``)."""
    address = request.client.host if request.client else "unknown"
    try:
        allowed = await runtime.state.take(
            f"unverified:{address}", runtime.settings.unverified_rate_per_second
        )
    except SharedStateUnavailable:
        log.warning("unverified request from %s not counted: shared state unreachable", address)
        return False
    return not allowed


def unverified_summary(problem: str, body: bytes, authorization: str | None) -> str:
    """The audit's account of an unverified request: the reason, the signer it claims,
    the body's size and BLAKE2b-512 digest (all of it is not kept)."""
    claimed = _CLAIMED_SIGNER.search(authorization or "")
    digest = b64encode(hashlib.blake2b(body).digest()).decode("ascii")
    return (
        f"{problem} [unverified: claimed signer {claimed[1] if claimed else 'none'}; "
        f"body {len(body)} bytes, BLAKE-512={digest}, first "
        f"{min(len(body), _UNVERIFIED_KEPT_BYTES)} kept]"
    )


def _ids(body: bytes) -> tuple[str | None, str | None]:
    """The transaction and message ids of a refused body, when it is JSON enough to say."""
    try:
        context = orjson.loads(body).get("context", {})
    except (orjson.JSONDecodeError, AttributeError):
        return None, None
    if not isinstance(context, dict):
        return None, None

    def text(name: str) -> str | None:
        value = context.get(name)
        # Kept as the escape: PostgreSQL cannot store NUL.
        return value.replace("\x00", "\\u0000")[:255] if isinstance(value, str) else None

    return text("transaction_id"), text("message_id")


def kept_headers(request: Request) -> dict[str, str]:
    """The request headers the audit log keeps, by lower-case name."""
    # Straight from the ASGI scope: one pass, no header map built for the audit row. A
    # repeated header keeps its first value, as ``request.headers[name]`` would.
    kept: dict[str, str] = {}
    for name, value in request.scope["headers"]:
        if name in _KEPT_HEADERS:
            kept.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return kept
