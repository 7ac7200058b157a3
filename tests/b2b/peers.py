"""B2B 2.0.2 request bodies from the test buyer app (``tests.network.peers``) to us."""

from __future__ import annotations

import uuid
from typing import Any

import orjson

import schemas
from adapter.core.clock import FixedClock
from tests.network.peers import BUYER_ID, BUYER_URI


def b2b_context(action: str, clock: FixedClock, **overrides: Any) -> dict[str, Any]:
    """A valid B2B 2.0.2 context from the test buyer app to us (Shimla, RET10)."""
    values: dict[str, Any] = {
        "domain": "ONDC:RET10",
        "location": {"city": {"code": "std:0177"}, "country": {"code": "IND"}},
        "action": action,
        "version": "2.0.2",
        "bap_id": BUYER_ID,
        "bap_uri": BUYER_URI,
        "bpp_id": "seller.odop.example",
        "bpp_uri": "http://seller.odop.example/ondc",
        "transaction_id": str(uuid.uuid4()),
        "message_id": str(uuid.uuid4()),
        "timestamp": schemas.format_timestamp(clock.now()),
        "ttl": "PT30S",
    }
    if action == "search":
        del values["bpp_id"], values["bpp_uri"]
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def b2b_body(action: str, clock: FixedClock, message: dict[str, Any], **context: Any) -> bytes:
    """A B2B body with ``message``."""
    return orjson.dumps({"context": b2b_context(action, clock, **context), "message": message})
