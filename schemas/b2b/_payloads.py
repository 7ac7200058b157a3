"""Whole B2B 2.0.2 bodies, and the action table of the B2B family.

Every body is ``{"context": <B2BContext>, "message": ...}``; a callback may carry an
``error`` beside (or instead of) its message, as retail's do: ``/on_select`` with 40002
(quantity unavailable) or 30009 (not serviceable), ``/on_init`` with 50005 (terms the
seller will not meet), ``/on_confirm`` with 30019 (purchase order rejected).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Generic, NamedTuple, TypeVar

from schemas._ack import Error
from schemas._base import WireModel
from schemas._fulfillment import Tracking
from schemas._messages import OnRatingMessage, RatingMessage
from schemas._payloads import Envelope
from schemas.b2b._catalog import B2BCatalog
from schemas.b2b._context import B2BContext
from schemas.b2b._order import B2BOrder
from schemas.b2b._tags import B2BDescriptor, B2BTagGroup

MessageT = TypeVar("MessageT", bound=WireModel)


class B2BEnvelope(Envelope):
    """Any B2B body: its context is a :class:`B2BContext`."""

    context: B2BContext


class B2BRequest(B2BEnvelope, Generic[MessageT]):
    """A call from a B2B buyer app: context and a required message."""

    message: MessageT


class B2BCallback(B2BEnvelope, Generic[MessageT]):
    """A B2B callback: context, and message and/or error."""

    message: MessageT | None = None
    error: Error | None = None


class B2BIntent(WireModel):
    """``/search`` ``message.intent``: by item, category or delivery location; ``tags``
    carry the buyer's ``bap_terms``."""

    tags: list[B2BTagGroup] | None = None


class B2BSearchMessage(WireModel):
    """``{"intent": ...}``."""

    intent: B2BIntent | None = None


class B2BOnSearchMessage(WireModel):
    """``{"catalog": ...}``."""

    catalog: B2BCatalog | None = None


class B2BOrderMessage(WireModel):
    """``{"order": ...}`` of select, init, confirm and their callbacks, on_status,
    on_cancel."""

    order: B2BOrder | None = None


class B2BOrderIdMessage(WireModel):
    """``{"order_id": ...}`` of ``/status`` (and ``/track``)."""

    order_id: str | None = None


class B2BCancelMessage(WireModel):
    """``/cancel``: the order, the reason code and an optional descriptor."""

    order_id: str | None = None
    cancellation_reason_id: str | None = None
    descriptor: B2BDescriptor | None = None


class B2BUpdateMessage(WireModel):
    """``/update`` and ``/on_update``: ``update_target`` ``payments`` (a buyer-app-collected
    payment made) or ``fulfillments`` (split deliveries), and the order."""

    update_target: str | None = None
    order: B2BOrder | None = None


class B2BSupport(WireModel):
    """``Support`` (ONDC B2B 2.0.2, ``/support`` and ``/on_support`` ``message.support``):
    ``ref_id`` the order or transaction asked about; the seller answers with its ``phone``,
    ``email`` (and ``url``)."""

    ref_id: str | None = None
    callback_phone: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None


class B2BSupportMessage(WireModel):
    """``{"support": ...}`` of ``/support`` and ``/on_support``."""

    support: B2BSupport | None = None


class B2BOnTrackMessage(WireModel):
    """``{"tracking": ...}`` of ``/on_track``: an ``id``, a ``url`` and its ``status``."""

    tracking: Tracking | None = None


class B2BSearchRequest(B2BRequest[B2BSearchMessage]):
    """``/search`` (ONDC B2B 2.0.2)."""


class B2BSelectRequest(B2BRequest[B2BOrderMessage]):
    """``/select`` (ONDC B2B 2.0.2): the RFQ, with ``BUYER_TERMS`` and a provider ttl."""


class B2BInitRequest(B2BRequest[B2BOrderMessage]):
    """``/init`` (ONDC B2B 2.0.2): billing (buyer GSTIN), delivery, payment type."""


class B2BConfirmRequest(B2BRequest[B2BOrderMessage]):
    """``/confirm`` (ONDC B2B 2.0.2): the purchase order, with ``accept_bpp_terms``."""


class B2BStatusRequest(B2BRequest[B2BOrderIdMessage]):
    """``/status`` (ONDC B2B 2.0.2)."""


class B2BTrackRequest(B2BRequest[B2BOrderIdMessage]):
    """``/track`` (ONDC B2B 2.0.2)."""


class B2BCancelRequest(B2BRequest[B2BCancelMessage]):
    """``/cancel`` (ONDC B2B 2.0.2): buyer cancellation."""


class B2BUpdateRequest(B2BRequest[B2BUpdateMessage]):
    """``/update`` (ONDC B2B 2.0.2): payment made through the buyer app."""


class B2BRatingRequest(B2BRequest[RatingMessage]):
    """``/rating`` (ONDC B2B 2.0.2): ``ratings[]`` as retail's (``Rating``)."""


class B2BSupportRequest(B2BRequest[B2BSupportMessage]):
    """``/support`` (ONDC B2B 2.0.2)."""


class B2BOnSearchCallback(B2BCallback[B2BOnSearchMessage]):
    """``/on_search`` (ONDC B2B 2.0.2)."""


class B2BOnSelectCallback(B2BCallback[B2BOrderMessage]):
    """``/on_select`` (ONDC B2B 2.0.2): the quotation, with ``quote.ttl``."""


class B2BOnInitCallback(B2BCallback[B2BOrderMessage]):
    """``/on_init`` (ONDC B2B 2.0.2): terms (``bpp_terms``), payments, quote."""


class B2BOnConfirmCallback(B2BCallback[B2BOrderMessage]):
    """``/on_confirm`` (ONDC B2B 2.0.2): PO accepted, or rejected with 30019."""


class B2BOnStatusCallback(B2BCallback[B2BOrderMessage]):
    """``/on_status`` (ONDC B2B 2.0.2): the order's state, proforma and tax invoices."""


class B2BOnTrackCallback(B2BCallback[B2BOnTrackMessage]):
    """``/on_track`` (ONDC B2B 2.0.2)."""


class B2BOnCancelCallback(B2BCallback[B2BOrderMessage]):
    """``/on_cancel`` (ONDC B2B 2.0.2): by buyer or seller."""


class B2BOnUpdateCallback(B2BCallback[B2BOrderMessage]):
    """``/on_update`` (ONDC B2B 2.0.2): payment status, split fulfilments."""


class B2BOnRatingCallback(B2BCallback[OnRatingMessage]):
    """``/on_rating`` (ONDC B2B 2.0.2): the rating taken; a ``feedback_form`` is kept as an
    extra."""


class B2BOnSupportCallback(B2BCallback[B2BSupportMessage]):
    """``/on_support`` (ONDC B2B 2.0.2)."""


class B2BActionSpec(NamedTuple):
    """A B2B inbound action: its model, and its callback's action and model."""

    request: type[B2BEnvelope]
    callback_action: str
    callback: type[B2BEnvelope]


B2B_ACTIONS: Final[Mapping[str, B2BActionSpec]] = MappingProxyType(
    {
        "search": B2BActionSpec(B2BSearchRequest, "on_search", B2BOnSearchCallback),
        "select": B2BActionSpec(B2BSelectRequest, "on_select", B2BOnSelectCallback),
        "init": B2BActionSpec(B2BInitRequest, "on_init", B2BOnInitCallback),
        "confirm": B2BActionSpec(B2BConfirmRequest, "on_confirm", B2BOnConfirmCallback),
        "status": B2BActionSpec(B2BStatusRequest, "on_status", B2BOnStatusCallback),
        "track": B2BActionSpec(B2BTrackRequest, "on_track", B2BOnTrackCallback),
        "cancel": B2BActionSpec(B2BCancelRequest, "on_cancel", B2BOnCancelCallback),
        "update": B2BActionSpec(B2BUpdateRequest, "on_update", B2BOnUpdateCallback),
        "rating": B2BActionSpec(B2BRatingRequest, "on_rating", B2BOnRatingCallback),
        "support": B2BActionSpec(B2BSupportRequest, "on_support", B2BOnSupportCallback),
    }
)
"""B2B inbound action -> (request model, callback action, callback model)."""

B2B_PAYLOAD_MODELS: Final[Mapping[str, type[B2BEnvelope]]] = MappingProxyType(
    {
        **{action: spec.request for action, spec in B2B_ACTIONS.items()},
        **{spec.callback_action: spec.callback for spec in B2B_ACTIONS.values()},
    }
)
"""``context.action`` -> the B2B model of a body with that action."""
