"""Who we are on the network and how our callbacks' contexts are made (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import schemas

__all__ = ["Identity", "callback_context"]


@dataclass(frozen=True, slots=True)
class Identity:
    """Who we are on the network, as the callbacks say it."""

    subscriber_id: str
    subscriber_url: str
    name: str = "Himachal ODOP Marketplace"


def callback_context(
    request: schemas.Context, *, action: str, identity: Identity, now: datetime
) -> schemas.Context:
    """The context of our answer to ``request`` (same transaction and message ids)."""
    return request.model_copy(
        update={
            "action": action,
            "bpp_id": identity.subscriber_id,
            "bpp_uri": identity.subscriber_url,
            "timestamp": schemas.format_timestamp(now),
        }
    )
