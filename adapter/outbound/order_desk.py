"""Seller and timer events on orders: move the order, tell the buyer app.

A seller's accept, pack, ship, deliver or cancel (and the adapter's own cancellation of an
order its seller did not accept in time) changes the order and queues the unsolicited
``on_status`` or ``on_cancel`` with a fresh message id in the same transaction, so the
buyer app hears of every change exactly as it was stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from adapter.coordination.wakeup import Wakeup
from adapter.core.callbacks import Identity
from adapter.core.clock import Clock
from adapter.core.order_changes import delivery_states
from adapter.core.order_replies import after_event, unsolicited
from adapter.core.order_updates import part_cancel, return_event
from adapter.core.orders import Change, IllegalTransition, OrderRow, next_state
from adapter.core.retail125.delivery_auth import authorise
from adapter.core.retail125.replacement import replacement_event
from adapter.storage.orders import OrderStore
from adapter.storage.outbox import Outbox

__all__ = ["OrderDesk", "OrderTimers"]

log = logging.getLogger(__name__)

# Unasked updates are retried for longer than a reply's ttl: the buyer app must hear them.
_UPDATE_DELIVERY_WINDOW = timedelta(hours=6)


class OrderDesk:
    """Applies events to orders and queues the callbacks that announce them."""

    def __init__(self, store: OrderStore, wakeup: Wakeup, identity: Identity, clock: Clock) -> None:
        self._store = store
        self._wakeup = wakeup
        self._identity = identity
        self._clock = clock

    async def apply(
        self,
        order: OrderRow,
        event: str,
        *,
        actor: str,
        reason: str | None = None,
        tracking_url: str | None = None,
        invoice_url: str | None = None,
    ) -> OrderRow:
        """Apply ``event``; raises :class:`IllegalTransition` if the order's state forbids
        it (or another process moved the order first)."""
        now = self._clock.now()
        change = after_event(
            order,
            event,
            by=self._identity.subscriber_id,
            now=now,
            reason=reason,
            tracking_url=tracking_url,
            invoice_url=invoice_url,
        )
        action = next_state(
            event, order.state or "", order.fulfillment_state or "", states=delivery_states(order)
        ).callback
        return await self._record(order, change, action=action, event=event, actor=actor, now=now)

    async def part_cancel(
        self, order: OrderRow, pieces: Mapping[str, int], *, reason: str
    ) -> OrderRow:
        """The seller cannot supply ``pieces``: the order goes on without them, the buyer app
        is told with an unsolicited on_update, the pieces go back to stock."""
        now = self._clock.now()
        change = part_cancel(order, pieces, reason=reason, by=self._identity.subscriber_id, now=now)
        return await self._record(
            order, change, action="on_update", event="part_cancel", actor="seller", now=now
        )

    async def on_return(
        self, order: OrderRow, return_id: str, event: str, *, reason: str | None = None
    ) -> OrderRow:
        """The seller's ``event`` on a return (approve, reject, pick, deliver, liquidate)."""
        now = self._clock.now()
        change = return_event(order, return_id, event, now=now, reason=reason)
        return await self._record(
            order, change, action="on_update", event=f"return_{event}", actor="seller", now=now
        )

    async def on_replacement(
        self, order: OrderRow, return_id: str, event: str, *, tracking_url: str | None = None
    ) -> OrderRow:
        """The seller's ``event`` on the delivery replacing return ``return_id`` (retail
        1.2.5), told with an unsolicited on_status; raises :class:`LookupError` when the
        return has no replacement, :class:`IllegalTransition` when its state forbids it."""
        now = self._clock.now()
        change = replacement_event(
            order,
            return_id,
            event,
            now=now,
            states=delivery_states(order),
            tracking_url=tracking_url,
        )
        return await self._record(
            order, change, action="on_status", event=f"replacement_{event}", actor="seller", now=now
        )

    async def delivery_auth(self, order: OrderRow, code: str, *, valid_for: timedelta) -> OrderRow:
        """The seller sets the code its delivery is authorised by (retail 1.2.5), told to
        the buyer app with an unsolicited on_update; raises :class:`IllegalTransition` when
        the order has no delivery on its way."""
        now = self._clock.now()
        change = authorise(order, code, valid_for=valid_for, now=now)
        return await self._record(
            order,
            change,
            action="on_update",
            event="delivery_auth",
            actor="seller",
            now=now,
            update_target="fulfillment",
        )

    async def _record(
        self,
        order: OrderRow,
        change: Change,
        *,
        action: str,
        event: str,
        actor: str,
        now: datetime,
        update_target: str = "item",
    ) -> OrderRow:
        """Store ``change`` with the unsolicited ``action`` callback that announces it, in
        one transaction, and wake the dispatchers."""
        body = unsolicited(
            order,
            change.document,
            action=action,
            identity=self._identity,
            message_id=str(uuid.uuid4()),
            now=now,
        )
        if action == "on_update":
            body["message"] = {"update_target": update_target, **body["message"]}
        callback = Outbox.unsolicited_row(
            action=action,
            target_url=f"{order.bap_uri.rstrip('/')}/{action}",
            transaction_id=order.transaction_id,
            payload=body,
            now=now,
            deadline_at=now + _UPDATE_DELIVERY_WINDOW,
        )
        moved = await self._store.transition(
            order,
            actor=actor,
            event=event,
            change=dataclasses.replace(change, callback=callback),
            now=now,
        )
        await self._wakeup.notify()
        return moved


class OrderTimers:
    """Round after round: accepts the new orders of sellers who accept automatically, and
    cancels the orders other sellers did not accept in time (reason 998, order
    confirmation failure on the seller's side)."""

    def __init__(
        self,
        store: OrderStore,
        desk: OrderDesk,
        clock: Clock,
        *,
        every: float = 1.0,
        held: Callable[[OrderRow], Awaitable[bool]] | None = None,
    ):
        self._store = store
        self._desk = desk
        self._clock = clock
        self._every = every
        # Gives an order held for its seller's decision (a B2B purchase order) its default,
        # saying whether the order was one; such orders are not accepted or cancelled here.
        self._held = held

    async def run_once(self) -> int:
        """Accept or cancel every order past its time to accept; how many were moved."""
        moved = 0
        for order in await self._store.not_accepted(self._clock.now()):
            found = await self._store.seller(order.seller_code)
            try:
                if self._held is not None and await self._held(order):
                    moved += 1
                    continue
                if found is not None and found[0].auto_accept:
                    await self._desk.apply(order, "accept", actor="system")
                else:
                    await self._desk.apply(order, "reject", actor="system", reason="998")
                moved += 1
            except IllegalTransition:
                continue  # accepted (or cancelled) meanwhile by someone else
        return moved

    async def run(self, stop: asyncio.Event) -> None:
        """Check until ``stop`` is set; a round is finished before stopping."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # must outlive a database hiccup; logged, retried
                log.exception("order timer round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._every)
