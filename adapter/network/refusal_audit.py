"""A Beckn request refused for its size or encoding leaves a bounded summary in the audit
log, as every other NACK does.

The body limit (``adapter.network.body_limit``) answers these before the endpoint runs and
before a signature can be checked, so nothing of the body is kept: the row says which
action, the claimed signer, the size declared or received, the reason, and each kept
header's first 512 characters. The rows count against the source address's unverified
rate (``ONDC_UNVERIFIED_RATE_PER_SECOND``), so a flood of oversized requests writes at
most that many rows a second; past it they are refused unrecorded.
"""

from __future__ import annotations

import logging
import re
from typing import Final

from sqlalchemy.exc import SQLAlchemyError
from starlette.types import Scope

from adapter.core.errors import SharedStateUnavailable
from adapter.runtime import Runtime
from adapter.storage.store import InboundRecord

__all__ = ["record_refusal"]

log = logging.getLogger(__name__)

_KEPT_HEADERS: Final = frozenset(
    {b"authorization", b"x-gateway-authorization", b"content-type", b"content-encoding",
     b"content-length", b"user-agent"}
)  # fmt: skip
_KEPT_CHARACTERS: Final = 512
_CLAIMED_SIGNER: Final = re.compile(r'keyId="([^|"]{1,255})\|')


async def record_refusal(runtime: Runtime, scope: Scope, status: int, reason: str) -> None:
    """Write the summary of one refused Beckn request (unless its address is over its
    unverified rate, or the store cannot take it: then it is only logged)."""
    client = scope.get("client")
    address = client[0] if client else "unknown"
    try:
        allowed = await runtime.state.take(
            f"unverified:{address}", runtime.settings.unverified_rate_per_second
        )
    except SharedStateUnavailable:
        allowed = True
    if not allowed:
        return
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name in _KEPT_HEADERS:
            headers.setdefault(name.decode("latin-1"), value.decode("latin-1")[:_KEPT_CHARACTERS])
    claimed = _CLAIMED_SIGNER.search(headers.get("authorization", ""))
    record = InboundRecord(
        direction="rejected",
        action=str(scope["path"]).rsplit("/", 1)[-1][:40],
        peer_id="unverified",
        transaction_id=None,
        message_id=None,
        received_at=runtime.clock.now(),
        headers=headers,
        body=b"",
        verification=f"refused: HTTP {status}",
        http_status=status,
        error=(
            f"{reason} [unverified: claimed signer {claimed[1] if claimed else 'none'}; "
            "body not read past the limit, nothing of it kept]"
        ),
    )
    try:
        await runtime.store.record(record)
    except SQLAlchemyError:
        log.exception("could not audit a refused %s", record.action)
