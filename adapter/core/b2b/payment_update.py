"""``/update`` -> ``/on_update`` for B2B payments (ONDC B2B 2.0.2): a buyer app that
collected a payment itself tells the seller (``update_target`` "payments", the payment
``PAID`` with its amount and transaction id). The payment must be of the order's type and
settle what the order still owes (its total less what was received), to the paisa, else
the ``/on_update`` carries 40004 or 30000 naming the field. The payment is recorded as
the seller's own would be (``adapter.core.b2b.fulfilment.pay``): the order's payment is
``PAID`` once payments cover its total, and the letters it realises move to paid. The
answer carries the order as the contract's ``on_update_prepaid_BAP`` does.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import schemas
import schemas.b2b
from adapter.core.b2b.fulfilment import pay
from adapter.core.b2b.loi import MovementKind
from adapter.core.b2b.ports import B2BDesk
from adapter.core.b2b.replies import answers_b2b_refusals, b2b_reply
from adapter.core.b2b.rfq import b2b_order
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook, Refusal
from adapter.core.orders import INTERNAL, Change

__all__ = ["on_update"]


@answers_b2b_refusals
async def on_update(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    b2b: B2BDesk,
    **_: Any,
) -> schemas.Envelope:
    """A payment the buyer app collected, recorded against the order."""
    assert isinstance(request, schemas.b2b.B2BUpdateRequest)
    message = request.message
    if message.update_target != "payments":
        raise Refusal(
            "50002", f"message.update_target {message.update_target!r}: only payments here"
        )
    asked = message.order
    if asked is None or not asked.id or not asked.payments:
        raise Refusal("30000", "message.order.id and message.order.payments are required")
    order = await orders.by_order_id(asked.id, bap_id=request.context.bap_id or "")
    wire = b2b_order(order.document) if order is not None else {}
    if order is None or not wire:
        raise Refusal("30018", f"message.order.id {asked.id!r}: no such B2B order of yours")
    payment = asked.payments[0]
    reference = payment.params.transaction_id if payment.params else None
    if payment.status != "PAID" or not reference:
        raise Refusal(
            "50002",
            "message.order.payments[0]: status PAID with params.transaction_id and amount",
        )
    try:
        amount = Decimal(str(payment.params.amount if payment.params else ""))
    except InvalidOperation:
        raise Refusal("30000", "message.order.payments[0].params.amount: a number") from None

    async def record() -> None:
        # Keyed by the payment's reference: a retried update records nothing twice, and
        # one retried after a crash between the order's change and this records it then.
        await b2b.record(
            buyer_gstin=order.document[INTERNAL].get("buyer_gstin"), buyer_app_id=order.bap_id,
            lines=[(order.seller_code, item["id"]) for item in wire["items"]],
            transaction_id=order.transaction_id, order_id=order.order_id,
            kind=MovementKind.PAID, amount_paise=int(amount * 100),
            event_key=f"{order.transaction_id}:paid:{reference}", at=now,
        )  # fmt: skip

    if reference in (order.document[INTERNAL].get("payment_references") or []):
        # A retried update changes nothing and hears the same answer.
        await record()
        return b2b_reply(request, identity=identity, now=now,
                         message={"update_target": "payments", "order": _paid(wire)})  # fmt: skip
    _check_due(wire, order.document[INTERNAL], payment.type, amount)
    step = pay(wire, order.document[INTERNAL], amount, reference, now=now)
    document = dict(order.document)
    document[INTERNAL] = {**step.internal, "b2b": step.wire}
    await orders.transition(
        order, actor="buyer", event="b2b_paid",
        change=Change(order.state or "Accepted", order.fulfillment_state or "Pending", document),
        now=now,
    )  # fmt: skip
    await record()
    return b2b_reply(request, identity=identity, now=now,
                     message={"update_target": "payments", "order": _paid(step.wire)})  # fmt: skip


def _paid(wire: dict[str, Any]) -> dict[str, Any]:
    """The order as the contract's ``on_update_prepaid_BAP`` answers a payment: its id,
    state, provider, items and payments (no fulfilments: the delivery is told in
    ``on_status``, and ONDC's verifier holds an ``on_update``'s fulfilments to the rules of a
    split delivery)."""
    return {key: wire[key] for key in ("id", "state", "provider", "items", "payments")
            if key in wire}  # fmt: skip


def _check_due(
    wire: dict[str, Any], internal: dict[str, Any], kind: str | None, amount: Decimal
) -> None:
    """A payment the buyer app collected settles what the order still owes, at once: its
    type is the order's (ONDC B2B 2.0.2: PRE-FULFILLMENT, the advance, or POST-FULFILLMENT,
    the credit) and its amount the order's total less what was received before."""
    ordered = (wire.get("payments") or [{}])[0].get("type")
    if kind != ordered:
        raise Refusal(
            "40004", f"message.order.payments[0].type {kind!r}: this order's payment is {ordered}"
        )
    total = Decimal(str(wire["quote"]["price"]["value"]))
    due = total - Decimal(str(internal.get("paid", "0")))
    if amount != due:
        raise Refusal(
            "30000",
            f"message.order.payments[0].params.amount {amount}: the order's amount due is "
            f"{due:.2f}",
        )
