"""Who we are on the network and how our callbacks' contexts are made (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import schemas

__all__ = ["Identity", "Storefront", "callback_context"]


@dataclass(frozen=True, slots=True)
class Identity:
    """Who we are on the network, as the callbacks say it."""

    subscriber_id: str
    subscriber_url: str
    name: str = "Himachal ODOP Marketplace"


@dataclass(frozen=True, slots=True)
class Storefront:
    """How the marketplace presents itself at the head of its catalogue: the full
    ``/on_search`` ``bpp/descriptor`` (ONDC retail 1.2.0 wants a symbol, short and long
    descriptions and at least one image) and the catalogue-level ``bpp/fulfillments``."""

    symbol: str = "https://odop.himachal.example/img/marketplace.png"
    short_desc: str = "One District One Product: goods of Himachal Pradesh's 12 districts"
    long_desc: str = (
        "Handloom, handicrafts and foods from producers' cooperatives, artisans and MSMEs of "
        "Himachal Pradesh, chosen district by district under the One District One Product "
        "programme, many with a Geographical Indication."
    )
    images: tuple[str, ...] = ("https://odop.himachal.example/img/marketplace-banner.jpg",)
    fulfillment_types: tuple[str, ...] = ("Delivery",)


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
