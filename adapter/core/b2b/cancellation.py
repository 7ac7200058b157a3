"""Cancelling a B2B order (pure): by the buyer (``/cancel`` -> ``/on_cancel``) or by the
seller (an unsolicited ``/on_cancel``), ONDC B2B 2.0.2.

An order can be cancelled until its goods leave the seller: while its delivery is
``Pending`` or ``Packed`` and nothing of it was delivered. The order becomes ``Cancelled``,
its fulfilment ``Cancelled``, ``cancellation`` says who and why, and its stock goes back.
Later, the buyer is told 50001 (cancellation not possible). The buyer's reason is one of
the contract's buyer reason codes; the seller's, one of its seller codes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import schemas
import schemas.b2b
from adapter.core.b2b.fulfilment import Step
from adapter.core.b2b.loi import MovementKind
from adapter.core.b2b.ports import B2BDesk
from adapter.core.b2b.replies import answers_b2b_refusals, b2b_reply
from adapter.core.b2b.rfq import b2b_order
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook, Refusal
from adapter.core.orders import (
    BUYER_CANCEL_REASONS,
    INTERNAL,
    SELLER_CANCEL_REASONS,
    TAT_BREACH_REASONS,
    Change,
)

__all__ = [
    "BUYER_REASONS", "SELLER_REASONS", "cancel", "cancellation_terms", "on_cancel", "refunded",
]  # fmt: skip

BUYER_REASONS: Final = frozenset(BUYER_CANCEL_REASONS) - TAT_BREACH_REASONS
"""Buyer cancellation reasons: the retail codes B2B shares (its examples use 003), but for
the TAT-breach ones: a B2B order is cancelled before its goods leave, when no TAT can have
passed."""
SELLER_REASONS: Final = frozenset(SELLER_CANCEL_REASONS)
"""Seller cancellation reasons (002 items not available, 005 merchant rejected...)."""
_CANCELLABLE: Final = frozenset({"Pending", "Packed"})


def cancellation_terms() -> list[dict[str, Any]]:
    """The marketplace's B2B cancellation terms: free while the order is Pending or Packed
    (``adapter.core.b2b.cancellation``), not possible after."""
    return [
        {
            "fulfillment_state": {"descriptor": {"code": code}},
            "reason_required": False,
            "cancellation_fee": {"percentage": "0"},
        }
        for code in ("Pending", "Packed")
    ]


def cancel(
    wire: dict[str, Any], internal: dict[str, Any], *, by: str, reason: str, now: datetime
) -> Step:
    """The order cancelled by ``by`` for ``reason``. Raises ``Refusal`` 50001 once its goods
    have left (or it is complete or cancelled already)."""
    fulfilment = wire["fulfillments"][0]
    code = fulfilment.get("state", {}).get("descriptor", {}).get("code", "Pending")
    if wire.get("state") == "Cancelled":
        raise Refusal("50001", "the order is cancelled already")
    if code not in _CANCELLABLE or internal.get("delivered"):
        raise Refusal("50001", f"the order cannot be cancelled now: its delivery is {code}")
    moved = dict(wire)
    moved["state"] = "Cancelled"
    moved["cancellation"] = {"cancelled_by": by, "reason": {"id": reason}}
    moved["fulfillments"] = [
        {**fulfilment, "state": {"descriptor": {"code": "Cancelled"}}},
        *wire["fulfillments"][1:],
    ]
    if isinstance(wire.get("quote"), dict):
        moved["quote"] = refunded(wire["quote"])
    moved["updated_at"] = schemas.format_timestamp(now)
    return Step(moved, "Cancelled", "Cancelled", 0, dict(internal))


def refunded(quote: dict[str, Any]) -> dict[str, Any]:
    """The quote of a cancelled order: after each charge of the breakup, a ``refund`` line
    reimbursing it, so the total is 0 (ONDC B2B 2.0.2, ``/on_cancel`` examples)."""
    breakup: list[dict[str, Any]] = []
    currency = (quote.get("price") or {}).get("currency", "INR")
    for line in quote.get("breakup") or []:
        breakup.append(line)
        if line.get("@ondc/org/title_type") == "refund":
            continue
        value = Decimal(str((line.get("price") or {}).get("value", "0")))
        breakup.append({
            "@ondc/org/item_id": line.get("@ondc/org/item_id"), "title": "Refund",
            "@ondc/org/title_type": "refund",
            "price": {"currency": currency, "value": f"{-value if value else value:.2f}"},
        })  # fmt: skip
    return {**quote, "price": {"currency": currency, "value": "0.00"}, "breakup": breakup}


@answers_b2b_refusals
async def on_cancel(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    b2b: B2BDesk,
    **_: Any,
) -> schemas.Envelope:
    """The buyer's cancellation of its B2B order."""
    assert isinstance(request, schemas.b2b.B2BCancelRequest)
    message = request.message
    if not message.order_id:
        raise Refusal("30000", "message.order_id is required")
    reason = message.cancellation_reason_id or ""
    if reason not in BUYER_REASONS:
        raise Refusal(
            "30012",
            f"message.cancellation_reason_id {reason!r}: one of {', '.join(sorted(BUYER_REASONS))}",
        )
    order = await orders.by_order_id(message.order_id, bap_id=request.context.bap_id or "")
    wire = b2b_order(order.document) if order is not None else {}
    if order is None or not wire:
        raise Refusal("30018", f"message.order_id {message.order_id!r}: no such B2B order of yours")

    async def record() -> None:
        # Keyed once per transaction: a retried cancel records nothing twice, and one retried
        # after a crash between the order's change and this records it then.
        await b2b.record(
            buyer_gstin=order.document[INTERNAL].get("buyer_gstin"), buyer_app_id=order.bap_id,
            lines=[(order.seller_code, item["id"]) for item in wire["items"]],
            transaction_id=order.transaction_id, order_id=order.order_id,
            kind=MovementKind.CANCELLED, amount_paise=0,
            event_key=f"{order.transaction_id}:cancelled", at=now,
        )  # fmt: skip

    if (
        wire.get("state") == "Cancelled"
        and wire.get("cancellation", {}).get("reason", {}).get("id") == reason
    ):
        # A retried cancel changes nothing and hears the same answer.
        await record()
        return b2b_reply(request, identity=identity, now=now, message={"order": wire})
    step = cancel(wire, order.document[INTERNAL], by=request.context.bap_id or "",
                  reason=reason, now=now)  # fmt: skip
    document = dict(order.document)
    document[INTERNAL] = {**step.internal, "b2b": step.wire}
    await orders.transition(
        order, actor="buyer", event="b2b_cancel",
        change=Change("Cancelled", "Cancelled", document, restock=True), now=now,
    )  # fmt: skip
    await record()
    return b2b_reply(request, identity=identity, now=now, message={"order": step.wire})
