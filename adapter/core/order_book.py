"""The order book: what the order answers read and write, the marketplace's order terms,
and how a refusal becomes the callback's ``error`` block (ONDC retail 1.2.0). Pure.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import orjson

import schemas
from adapter.core.callbacks import Identity, callback_context
from adapter.core.orders import (
    INTERNAL,
    Change,
    OrderRow,
    Shortfall,
    Stock,
)
from adapter.core.ratings import BuyerRating, RatingTally
from catalog_sync.records import LocationRecord, SellerRecord

if TYPE_CHECKING:  # the slot arithmetic imports this module
    from adapter.core.retail125.delivery_slots import SlotPlace

__all__ = [
    "OrderBook",
    "OrderPolicy",
    "Refusal",
    "answers_refusals",
    "iso_duration",
    "reply_envelope",
    "wire",
]


_Builder = Callable[..., Awaitable[schemas.Envelope]]


def iso_duration(span: timedelta) -> str:
    """A timedelta as ONDC writes TATs: ``P7D``, ``P2DT4H``, ``PT45M``."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if not days and not time:
        return "PT0M"
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


@dataclass(frozen=True, slots=True)
class OrderPolicy:
    """The marketplace's order terms (from the settings)."""

    hold: timedelta = timedelta(minutes=15)
    # How long the outbox keeps a request's answer (ONDC_MAX_TTL_SECONDS): a B2B RFQ held
    # for its seller is decided within it.
    answer_window: timedelta = timedelta(days=2)
    finder_fee_type: str = "percent"
    finder_fee_amount: str = "3"
    # The most a B2B buyer app's finder fee may be, percent (ONDC_B2B_MAX_FINDER_FEE_PERCENT).
    finder_fee_ceiling: str | None = None
    settlement_window: str = "PT24H"  # the log validator refuses day forms such as P1D
    settlement_basis: str = "delivery"
    withholding_amount: str = "0.00"
    return_window: str = "P7D"
    max_liability_percent: str = "2"
    # The marketplace's own GSTIN and settlement account, for sellers without theirs.
    gstin: str | None = None
    bank_account: str | None = None
    ifsc: str | None = None
    beneficiary: str | None = None
    bank_name: str | None = None
    branch: str | None = None
    upi: str | None = None
    # The seller app's payment gateway (ONDC_PAYMENT_GATEWAY_URL): where buyers pay the
    # orders of sellers whose payments the seller app collects (retail 1.2.5).
    payment_gateway: str | None = None


class OrderBook(Protocol):
    """What the order answers read and write (the SQL order store)."""

    async def seller(self, code: str) -> tuple[SellerRecord, LocationRecord] | None: ...

    async def hold(
        self,
        *,
        transaction_id: str,
        seller_code: str,
        wants: Mapping[str, int],
        now: datetime,
        until: datetime,
        caps: Mapping[str, int | None] | None = None,
    ) -> list[Stock]: ...

    async def save_draft(
        self,
        *,
        transaction_id: str,
        bap_id: str,
        bap_uri: str,
        domain: str,
        city: str,
        seller_code: str,
        stage: str,
        document: dict[str, Any],
        total: Decimal,
        now: datetime,
    ) -> None: ...

    async def by_transaction(self, transaction_id: str) -> OrderRow | None: ...

    async def by_order_id(
        self, order_id: str, *, bap_id: str | None = None, seller_code: str | None = None
    ) -> OrderRow | None: ...

    async def confirm(
        self,
        transaction_id: str,
        *,
        order_id: str,
        now: datetime,
        finish: Callable[[OrderRow], Change],
        accept_by: datetime | None,
        ship_by: datetime | None,
        slot: SlotPlace | None = None,
    ) -> OrderRow | Shortfall:
        """Turn the transaction's draft into an order, taking its stock and, for a slotted
        delivery, its ``slot`` place, all or nothing (raises
        :class:`~adapter.core.retail125.delivery_slots.SlotFull` when the slot has none
        left)."""

    async def transition(
        self, order: OrderRow, *, actor: str, event: str, change: Change, now: datetime
    ) -> OrderRow: ...

    async def returnable(self, seller_code: str, sku: str) -> tuple[bool, str] | None: ...

    async def gi_tags(self, seller_code: str, skus: Sequence[str]) -> list[str]: ...

    async def rate(self, order: OrderRow, ratings: Sequence[BuyerRating], *, now: datetime) -> None:
        """Keep a buyer app's ratings of ``order`` (``adapter.core.ratings``)."""

    async def rating_tallies(
        self, seller_codes: Sequence[str]
    ) -> Mapping[tuple[str, str, str], RatingTally]:
        """The sellers' provider and item ratings so far, by (seller code, category, id)."""

    async def cash_items(self, seller_code: str, skus: Sequence[str]) -> set[str]: ...

    async def slot_bookings(
        self, seller_code: str, starts: Sequence[datetime]
    ) -> Mapping[datetime, int]:
        """How many live orders of the seller are to be delivered in the delivery slots
        starting at ``starts`` (retail 1.2.5 slotted delivery), by start."""


class Refusal(Exception):
    """A request the seller side cannot serve: answered with an error in the callback."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def answers_refusals(builder: _Builder) -> _Builder:
    """The builder, with a :class:`Refusal` it raises answered as the callback's error."""

    @functools.wraps(builder)
    async def answer(
        request: schemas.Envelope, *, identity: Identity, now: datetime, **ports: Any
    ) -> schemas.Envelope:
        try:
            return await builder(request, identity=identity, now=now, **ports)
        except Refusal as refusal:
            return reply_envelope(
                request,
                identity=identity,
                now=now,
                message=None,
                error=(refusal.code, refusal.message),
            )

    return answer


def wire(document: Mapping[str, Any]) -> dict[str, Any]:
    """The order as buyer apps see it: without what only the adapter keeps; a cancelled
    order's fulfilments without the delivery's routing tag, which the order keeps (for the
    states its goods may still take) but no callback names once it is cancelled (retail
    1.2.5: Pramaan's on_cancel examples name none; the log-validation-utility's on_cancel
    schema allows only ``cancel_request``, ``igm_request``, ``precancel_state`` and
    ``quote_trail``, and it holds every later callback's delivery to on_cancel's)."""
    order = {key: value for key, value in document.items() if key != INTERNAL}
    # A buyer's texts on items (retail 1.2.5 customisation input text) follow the items.
    written = document.get(INTERNAL, {}).get("customisations")
    if written:
        order["items"] = [*order.get("items", []), *written]
    if order.get("state") == "Cancelled" and isinstance(order.get("fulfillments"), list):
        order["fulfillments"] = [
            {**f, "tags": [t for t in f["tags"] if t.get("code") != "routing"]}
            if f.get("tags")
            else f
            for f in order["fulfillments"]
        ]
    return order


def reply_envelope(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    message: dict[str, Any] | None,
    error: tuple[str, str] | None = None,
) -> schemas.Envelope:
    """The callback answering ``request``: its context, and a message or an error."""
    action = "on_" + request.context.action
    model = schemas.PAYLOAD_MODELS[action]
    context = callback_context(request.context, action=action, identity=identity, now=now)
    body: dict[str, Any] = {
        "context": context.model_dump(mode="json", by_alias=True, exclude_none=True)
    }
    if message is not None:
        body["message"] = message
    if error is not None:
        body["error"] = {"type": "DOMAIN-ERROR", "code": error[0], "message": error[1]}
    return schemas.parse(model, orjson.dumps(body))
