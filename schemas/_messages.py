"""The ``message`` of each retail action (Beckn core 1.2.0, ONDC retail 1.2.0).

Every field is optional here: a body must never fail to parse because an optional part is
absent, and which parts an action needs (``/select`` needs ``order.items``, ``/cancel``
needs ``cancellation_reason_id`` ...) is a semantic rule checked by the core.
"""

from __future__ import annotations

from schemas._base import Flag, WireModel
from schemas._catalog import Catalog, Intent
from schemas._descriptor import Descriptor
from schemas._fulfillment import Tracking
from schemas._order import Order


class SearchMessage(WireModel):
    """``/search`` (ONDC retail 1.2.0): ``{"intent": ...}``."""

    intent: Intent | None = None


class OnSearchMessage(WireModel):
    """``/on_search`` (ONDC retail 1.2.0): ``{"catalog": ...}``, full or incremental."""

    catalog: Catalog | None = None


class OrderMessage(WireModel):
    """``{"order": ...}``: the message of ``/select``, ``/init``, ``/confirm`` and of
    ``/on_select``, ``/on_init``, ``/on_confirm``, ``/on_status``, ``/on_cancel``
    (ONDC retail 1.2.0)."""

    order: Order | None = None


class UpdateMessage(WireModel):
    """``/update`` and ``/on_update`` (ONDC retail 1.2.0).

    ``update_target`` is ``"item"`` (return or part cancel), ``"payment"`` (settlement
    after a refund) or ``"fulfillment"``; ``order`` carries the change.
    """

    update_target: str | None = None
    order: Order | None = None


class OrderIdMessage(WireModel):
    """``{"order_id": ...}``: the message of ``/status`` (ONDC retail 1.2.0)."""

    order_id: str | None = None


class TrackMessage(WireModel):
    """``/track`` (ONDC retail 1.2.0): ``order_id``, optionally a ``callback_url``."""

    order_id: str | None = None
    callback_url: str | None = None


class CancelMessage(WireModel):
    """``/cancel`` (ONDC retail 1.2.0).

    ``cancellation_reason_id`` is a cancellation code (``"006"`` TAT breach ...);
    ``descriptor`` names a fulfilment to cancel and carries force-cancel ``tags``.
    """

    order_id: str | None = None
    cancellation_reason_id: str | None = None
    descriptor: Descriptor | None = None


class OnTrackMessage(WireModel):
    """``/on_track`` (ONDC retail 1.2.0): ``{"tracking": ...}``."""

    tracking: Tracking | None = None


class FeedbackAnswer(WireModel):
    """One answered question of a rating's feedback form (ONDC retail 1.2.0 ``/rating``)."""

    question: str | None = None
    answer: str | None = None
    answer_type: str | None = None


class Rating(WireModel):
    """A buyer's rating (ONDC retail 1.2.0 ``/rating`` ``ratings[]``).

    ``rating_category`` ``Order``/``Provider``/``Item``/``Fulfillment``/``Agent``, ``id``
    the rated entity, ``value`` ``"1"``..``"5"``.
    """

    rating_category: str | None = None
    id: str | None = None
    value: str | None = None
    feedback_form: list[FeedbackAnswer] | None = None
    feedback_id: str | None = None


class RatingMessage(WireModel):
    """``/rating`` (ONDC retail 1.2.0): ``{"ratings": [...]}``."""

    ratings: list[Rating] | None = None


class OnRatingMessage(WireModel):
    """``/on_rating`` (ONDC retail 1.2.0): whether the rating and feedback were taken.

    A Beckn core 1.2.0 ``feedback_form``, if a peer sends one, is kept as an extra.
    """

    feedback_ack: Flag | None = None
    rating_ack: Flag | None = None


class SupportMessage(WireModel):
    """``/support`` (ONDC retail 1.2.0): ``ref_id`` is the order (or transaction) id."""

    ref_id: str | None = None


class OnSupportMessage(WireModel):
    """``/on_support`` (ONDC retail 1.2.0): how the buyer reaches the seller's support."""

    phone: str | None = None
    email: str | None = None
    uri: str | None = None
