"""Whole bodies: ``{"context": ..., "message": ...}`` for each retail action.

Requests (buyer app to us) must carry ``context`` and ``message``; callbacks (us to the
buyer app) must carry ``context`` and may carry ``message``, ``error`` or both (Beckn core
1.2.0: an ``on_*`` reports a business error in ``error``, as ``/on_select`` does for out
of stock, error 40002). ``catalog_rejection`` (ONDC retail 1.2.0, flows 7 and 9) carries
``errors`` instead of a message.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from schemas._ack import Error
from schemas._base import WireModel
from schemas._context import Context
from schemas._messages import (
    CancelMessage,
    OnRatingMessage,
    OnSearchMessage,
    OnSupportMessage,
    OnTrackMessage,
    OrderIdMessage,
    OrderMessage,
    RatingMessage,
    SearchMessage,
    SupportMessage,
    TrackMessage,
    UpdateMessage,
)

MessageT = TypeVar("MessageT", bound=WireModel)


class Envelope(WireModel):
    """Any Beckn body: a ``context`` and whatever the action adds (Beckn core 1.2.0).

    The common base of every request and callback model, for code that only needs the
    context (routing, dedupe, audit).
    """

    context: Context


class Request(Envelope, Generic[MessageT]):
    """A call from the buyer app: ``context`` and a required ``message``."""

    message: MessageT


class Callback(Envelope, Generic[MessageT]):
    """A callback to the buyer app (``on_*``): ``context``, and ``message`` and/or
    ``error``."""

    message: MessageT | None = None
    error: Error | None = None


class SearchRequest(Request[SearchMessage]):
    """``/search`` (ONDC retail 1.2.0): full catalogue (``city`` a STD code) or incremental
    refresh (``city`` ``"*"``, ``catalog_inc`` tags), usually via the gateway."""


class SelectRequest(Request[OrderMessage]):
    """``/select`` (ONDC retail 1.2.0): a cart (provider, location, items, fulfilment end)."""


class InitRequest(Request[OrderMessage]):
    """``/init`` (ONDC retail 1.2.0): the cart with billing and delivery details."""


class ConfirmRequest(Request[OrderMessage]):
    """``/confirm`` (ONDC retail 1.2.0): the order to place, with quote and payment."""


class StatusRequest(Request[OrderIdMessage]):
    """``/status`` (ONDC retail 1.2.0): the buyer asks for an order's state."""


class TrackRequest(Request[TrackMessage]):
    """``/track`` (ONDC retail 1.2.0): the buyer asks where an order is."""


class CancelRequest(Request[CancelMessage]):
    """``/cancel`` (ONDC retail 1.2.0): the buyer cancels an order, with a reason code."""


class UpdateRequest(Request[UpdateMessage]):
    """``/update`` (ONDC retail 1.2.0): a return request, or settlement after a refund."""


class RatingRequest(Request[RatingMessage]):
    """``/rating`` (ONDC retail 1.2.0): the buyer rates the order, seller, item or agent."""


class SupportRequest(Request[SupportMessage]):
    """``/support`` (ONDC retail 1.2.0): the buyer asks how to reach support."""


class OnSearchCallback(Callback[OnSearchMessage]):
    """``/on_search`` (ONDC retail 1.2.0): our catalogue, full or incremental."""


class OnSelectCallback(Callback[OrderMessage]):
    """``/on_select`` (ONDC retail 1.2.0): the quote with serviceability; out of stock is
    ``error`` 40002 with the available quantities in the quote."""


class OnInitCallback(Callback[OrderMessage]):
    """``/on_init`` (ONDC retail 1.2.0): the quote again, payment and settlement terms,
    ``bpp_terms`` tags and cancellation terms."""


class OnConfirmCallback(Callback[OrderMessage]):
    """``/on_confirm`` (ONDC retail 1.2.0): the order ``Created`` or ``Accepted``, delivery
    ``Pending``; within 5 s of ``/confirm``."""


class OnStatusCallback(Callback[OrderMessage]):
    """``/on_status`` (ONDC retail 1.2.0): the order's state; also sent unsolicited (fresh
    ``message_id``) as it is packed, picked up, delivered."""


class OnTrackCallback(Callback[OnTrackMessage]):
    """``/on_track`` (ONDC retail 1.2.0): a tracking URL or location."""


class OnCancelCallback(Callback[OrderMessage]):
    """``/on_cancel`` (ONDC retail 1.2.0): the order ``Cancelled``, with a ``Cancel`` (or
    ``RTO``) fulfilment and the reason echoed."""


class OnUpdateCallback(Callback[UpdateMessage]):
    """``/on_update`` (ONDC retail 1.2.0): part cancel, return states and refunds."""


class OnRatingCallback(Callback[OnRatingMessage]):
    """``/on_rating`` (ONDC retail 1.2.0): rating and feedback acknowledged."""


class OnSupportCallback(Callback[OnSupportMessage]):
    """``/on_support`` (ONDC retail 1.2.0): support phone, email or URI."""


class CatalogRejectionRequest(Envelope):
    """``catalog_rejection`` (ONDC retail 1.2.0, flows 7 and 9): the buyer app rejects
    parts of our catalogue.

    The body is ``{"context": ..., "errors": [...]}``, each error naming a catalogue path
    (``message.catalog.bpp/providers[?(@.id=='P1')].items[?(@.id=='I1')]``) and a code.
    It has no callback.
    """

    errors: list[Error] | None = None
