"""Decisions on purchase orders held for their seller (``adapter.core.b2b.po_review``):
the seller's accept or reject through the seller API, or the default its terms set once
the window closes (the order timers' round).

A decision moves the held order (``Created``) to ``Accepted``, or to ``Cancelled`` with its
stock back, in one transaction with what tells the buyer app:

- while the solicited ``/on_confirm`` still waits for it (the window fits the ttl), that
  answer is made due at once and carries the decision;
- otherwise an unsolicited ``/on_confirm`` (fresh message id) is queued with the change:
  ``Accepted``, or ``Cancelled`` with error 30019 and the reason.

A solicited answer that could not be delivered at all (the buyer app down until the
``/confirm``'s ttl ran out, or refusing it) is not the end: the dispatcher tells
:meth:`PoDecisions.unheard` of every parked job, and a held PO's decision is then queued
again as an unsolicited ``/on_confirm`` (once; or, when the decision is still to come, it
goes out unsolicited when it is taken, since its solicited answer is no longer pending).
A process killed between a park and that resend loses nothing: at start,
:meth:`PoDecisions.recover` queues the decisions of parked answers not yet queued again.

An accepted PO is then recorded on the LOI desk as ordered (once per key, as every PO).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.coordination.wakeup import Wakeup
from adapter.core.b2b.fulfilment import b2b_unsolicited
from adapter.core.b2b.loi import MovementKind
from adapter.core.b2b.po_review import Decision, decided, review_of
from adapter.core.b2b.rfq import b2b_order
from adapter.core.callbacks import Identity
from adapter.core.clock import Clock
from adapter.core.order_book import Refusal
from adapter.core.orders import INTERNAL, Change, IllegalTransition, OrderRow
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.orders import OrderStore
from adapter.storage.outbox import ClaimedJob, Outbox

__all__ = ["PoDecisions"]

# An unsolicited decision is retried for longer than a reply's ttl: the buyer must hear it.
_DELIVERY_WINDOW: Final = timedelta(hours=6)


class PoDecisions:
    """Applies decisions to held purchase orders and tells the buyer app."""

    def __init__(
        self,
        store: OrderStore,
        outbox: Outbox,
        loi: LoiDesk,
        wakeup: Wakeup,
        identity: Identity,
        clock: Clock,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._loi = loi
        self._wakeup = wakeup
        self._identity = identity
        self._clock = clock

    async def decide(
        self, order: OrderRow, decision: Decision, *, reason: str | None, actor: str
    ) -> OrderRow:
        """Accept or reject a held PO. Raises ``Refusal`` when it is not held (any more),
        ``IllegalTransition`` when another decision moved it first."""
        review = review_of(order.document[INTERNAL].get("po_review"))
        if review is None:
            raise Refusal("30019", "this purchase order was not held for a decision")
        if order.state != "Created":
            raise Refusal("30019", f"this purchase order was decided already: {order.state}")
        now = self._clock.now()
        state, fulfilment_state, wire = decided(b2b_order(order.document), decision, now=now)
        document = dict(order.document)
        internal = {**order.document[INTERNAL], "b2b": wire, "po_decided_by": actor}
        if decision is Decision.REJECT:
            internal["po_decision_reason"] = reason or review.reason
        document[INTERNAL] = internal
        change = Change(state, fulfilment_state, document, restock=decision is Decision.REJECT)
        waits = (
            review.solicited
            and now < review.answer_by
            and await self._outbox.awaits_answer(order.transaction_id, "on_confirm")
        )
        if not waits:
            change = dataclasses.replace(change, callback=self._callback(order, wire, internal))

        async def ordered(connection: AsyncConnection) -> None:
            if decision is not Decision.ACCEPT:
                return
            await self._loi.record(
                buyer_gstin=internal.get("buyer_gstin"), buyer_app_id=order.bap_id,
                lines=[(order.seller_code, item["id"]) for item in wire["items"]],
                transaction_id=order.transaction_id, order_id=order.order_id,
                kind=MovementKind.ORDERED, amount_paise=int(order.total * 100),
                event_key=f"{order.transaction_id}:ordered", at=now, connection=connection,
            )  # fmt: skip

        # The decision and the letter's movement are one transaction.
        moved = await self._store.transition(
            order, actor=actor, event=f"b2b_po_{decision}", change=change, now=now, also=ordered
        )
        if waits:
            await self._outbox.hurry(order.transaction_id, "on_confirm", now=now)
        await self._wakeup.notify()
        return moved

    async def apply_default(self, order: OrderRow) -> bool:
        """The order timers' hook: give a held PO past its window its seller's default;
        whether ``order`` was a held B2B PO (then the timers leave it alone)."""
        review = review_of(order.document[INTERNAL].get("po_review"))
        if review is None or not b2b_order(order.document):
            return False
        reason = f"no decision within the seller's window ({review.reason})"
        await self.decide(order, review.default, reason=reason, actor="system")
        return True

    async def unheard(self, jobs: list[ClaimedJob]) -> None:
        """The dispatcher's hook for jobs parked unsent or undelivered: a held PO's
        solicited ``/on_confirm`` that carried (or was to carry) the seller's decision is
        followed by the decision as an unsolicited ``/on_confirm``, once."""
        for job in jobs:
            if job.kind == "unsolicited" or job.action != "on_confirm" or not job.transaction_id:
                continue
            await self._resend(job.transaction_id)

    async def recover(self) -> int:
        """At start: the decisions of held POs whose solicited ``/on_confirm`` is parked
        but were never queued again (the process died between the park's commit and
        :meth:`unheard`), queued now; how many. The order's ``po_decision_resent`` mark,
        written with the resend, keeps it to once."""
        queued = 0
        for transaction_id in await self._outbox.parked_answers("on_confirm"):
            try:
                queued += await self._resend(transaction_id)
            except IllegalTransition:  # another process queued it (or moved the order) first
                continue
        return queued

    async def _resend(self, transaction_id: str) -> bool:
        """Queue a held PO's decision again, unsolicited, with the order's mark that it
        was (one transaction); whether it was queued."""
        order = await self._store.by_transaction(transaction_id)
        if order is None or order.stage != "confirmed" or order.order_id is None:
            return False
        internal = order.document[INTERNAL]
        review = review_of(internal.get("po_review"))
        if review is None or not review.solicited or order.state == "Created":
            # Not held, answered "Created" at once (its decision is sent unsolicited
            # anyway), or undecided: the decision will be sent unsolicited when taken.
            return False
        if internal.get("po_decision_resent") or order.state not in ("Accepted", "Cancelled"):
            return False
        wire = b2b_order(order.document)
        document = dict(order.document)
        document[INTERNAL] = {**internal, "po_decision_resent": True}
        change = Change(
            order.state,
            order.fulfillment_state or "Pending",
            document,
            callback=self._callback(order, wire, internal),
        )
        await self._store.transition(
            order, actor="system", event="b2b_po_decision_resent", change=change,
            now=self._clock.now(),
        )  # fmt: skip
        await self._wakeup.notify()
        return True

    def _callback(
        self, order: OrderRow, wire: dict[str, object], internal: dict[str, object]
    ) -> dict[str, object]:
        now = self._clock.now()
        body = b2b_unsolicited(
            domain=order.domain, city_code=order.city, bap_id=order.bap_id,
            bap_uri=order.bap_uri, transaction_id=order.transaction_id, wire=wire,
            action="on_confirm", identity=self._identity, message_id=str(uuid.uuid4()),
            now=now,
        )  # fmt: skip
        if wire.get("state") == "Cancelled":
            body["error"] = {
                "type": "DOMAIN-ERROR",
                "code": "30019",
                "message": f"purchase order rejected: {internal['po_decision_reason']}",
            }
        return Outbox.unsolicited_row(
            action="on_confirm",
            target_url=f"{order.bap_uri.rstrip('/')}/on_confirm",
            transaction_id=order.transaction_id,
            payload=body,
            now=now,
            deadline_at=now + _DELIVERY_WINDOW,
        )
