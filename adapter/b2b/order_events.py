"""A seller's steps on its B2B orders: stages of delivery, split deliveries, payments.

Each step changes the stored order, queues the unsolicited B2B ``on_status`` that tells
the buyer app and records what it realised on the LOI desk (delivered, paid, cancelled),
in one transaction (``OrderStore.transition``); the movement's key of its own makes a
retried step record nothing twice.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Final

from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.b2b.documents import KINDS, DocumentLinks, invoice_pdf
from adapter.coordination.wakeup import Wakeup
from adapter.core.b2b.cancellation import SELLER_REASONS, cancel
from adapter.core.b2b.fulfilment import Step, b2b_unsolicited, deliver, pay, ship
from adapter.core.b2b.loi import MovementKind
from adapter.core.b2b.rfq import b2b_order
from adapter.core.callbacks import Identity
from adapter.core.clock import Clock
from adapter.core.order_book import Refusal
from adapter.core.orders import INTERNAL, Change, OrderRow
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.orders import OrderStore
from adapter.storage.outbox import Outbox

__all__ = ["B2BOrderSteps", "NotB2BOrder"]

_DELIVERY_WINDOW: Final = timedelta(hours=6)


class NotB2BOrder(LookupError):
    """No B2B order of this seller has that id."""


class B2BOrderSteps:
    """Applies a seller's step to a B2B order and tells the buyer app."""

    def __init__(
        self,
        store: OrderStore,
        loi: LoiDesk,
        wakeup: Wakeup,
        identity: Identity,
        clock: Clock,
        links: DocumentLinks,
    ) -> None:
        self._links = links
        self._store = store
        self._loi = loi
        self._wakeup = wakeup
        self._identity = identity
        self._clock = clock

    async def document(
        self, seller_code: str, order_id: str, kind: str, signature: str
    ) -> bytes | None:
        """The PDF of an order's document when ``signature`` is its URL's; else ``None``."""
        if kind not in KINDS or not self._links.valid(seller_code, order_id, kind, signature):
            return None
        order = await self._store.by_order_id(order_id, seller_code=seller_code)
        wire = b2b_order(order.document) if order is not None else {}
        labels = {d.get("label") for d in wire.get("documents") or []}
        if order is None or KINDS[kind] not in labels:
            return None
        found = await self._store.seller(seller_code)
        seller = found[0] if found is not None else None
        return invoice_pdf(
            wire, kind="proforma" if kind == "proforma" else "invoice",
            seller_name=seller.name if seller else seller_code,
            seller_gstin=seller.gstin if seller else None, issued=self._clock.now(),
        )  # fmt: skip

    async def order(self, order_id: str, seller_code: str) -> OrderRow:
        """The seller's B2B order with this id. Raises ``NotB2BOrder``."""
        return await self._order(order_id, seller_code)

    async def _order(self, order_id: str, seller_code: str) -> OrderRow:
        order = await self._store.by_order_id(order_id, seller_code=seller_code)
        if order is None or not b2b_order(order.document):
            raise NotB2BOrder(order_id)
        return order

    async def ship(
        self,
        order_id: str,
        seller_code: str,
        stage: str,
        proof: Sequence[str] = (),
        *,
        tracking_url: str | None = None,
    ) -> OrderRow:
        """Move the delivery to ``stage`` (with proof of pick-up images and the courier's
        ``tracking_url``); a self-pickup's ``Order-picked-up`` completes the order. Raises
        ``Refusal`` or ``NotB2BOrder``."""
        order = await self._order(order_id, seller_code)
        step = ship(
            b2b_order(order.document), order.document[INTERNAL], stage,
            now=self._clock.now(), proof=proof, tracking_url=tracking_url,
            proforma_url=self._links.url(seller_code, order_id, "proforma"),
            invoice_url=self._links.url(seller_code, order_id, "invoice"),
        )  # fmt: skip
        # A self-pickup handed over is its one delivery: the letter realises its value.
        kind = (MovementKind.DELIVERED, "delivered:1") if step.realised_paise else None
        return await self._apply(order, step, event=f"b2b_{stage.lower()}", kind=kind)

    async def deliver(
        self,
        order_id: str,
        seller_code: str,
        pieces: Mapping[str, int] | None,
        proof: Sequence[str] = (),
    ) -> OrderRow:
        """Record a delivery (of ``pieces``, or all that is left), with proof images."""
        order = await self._order(order_id, seller_code)
        step = deliver(
            b2b_order(order.document), order.document[INTERNAL], pieces,
            now=self._clock.now(), proof=proof,
        )  # fmt: skip
        key = f"delivered:{step.internal['deliveries']}"
        return await self._apply(
            order, step, event="b2b_delivered", kind=(MovementKind.DELIVERED, key)
        )

    async def paid(
        self, order_id: str, seller_code: str, amount: Decimal, reference: str
    ) -> OrderRow:
        """Record a payment received."""
        order = await self._order(order_id, seller_code)
        step = pay(b2b_order(order.document), order.document[INTERNAL], amount, reference,
                   now=self._clock.now())  # fmt: skip
        return await self._apply(
            order, step, event="b2b_paid", kind=(MovementKind.PAID, f"paid:{reference}")
        )

    async def cancel(self, order_id: str, seller_code: str, reason: str) -> OrderRow:
        """The seller cancels the order (before its goods leave): its stock goes back and
        the buyer app is sent an unsolicited ``on_cancel``."""
        if reason not in SELLER_REASONS:
            raise Refusal("30012", f"reason: one of {', '.join(sorted(SELLER_REASONS))}")
        order = await self._order(order_id, seller_code)
        step = cancel(
            b2b_order(order.document),
            order.document[INTERNAL],
            by=self._identity.subscriber_id,
            reason=reason,
            now=self._clock.now(),
        )
        return await self._apply(
            order, step, event="b2b_seller_cancel", kind=(MovementKind.CANCELLED, "cancelled"),
            action="on_cancel", restock=True,
        )  # fmt: skip

    async def _apply(
        self,
        order: OrderRow,
        step: Step,
        *,
        event: str,
        kind: tuple[MovementKind, str] | None,
        action: str = "on_status",
        restock: bool = False,
    ) -> OrderRow:
        now = self._clock.now()
        document = dict(order.document)
        document[INTERNAL] = {**step.internal, "b2b": step.wire}
        body = b2b_unsolicited(
            domain=order.domain, city_code=order.city, bap_id=order.bap_id,
            bap_uri=order.bap_uri, transaction_id=order.transaction_id, wire=step.wire,
            action=action, identity=self._identity, message_id=str(uuid.uuid4()), now=now,
        )  # fmt: skip
        callback = Outbox.unsolicited_row(
            action=action,
            target_url=f"{order.bap_uri.rstrip('/')}/{action}",
            transaction_id=order.transaction_id,
            payload=body,
            now=now,
            deadline_at=now + _DELIVERY_WINDOW,
        )
        change = Change(step.state, step.fulfillment_state, document, restock=restock)

        async def record(connection: AsyncConnection) -> None:
            if kind is None:
                return
            movement, key = kind
            await self._loi.record(
                buyer_gstin=order.document[INTERNAL].get("buyer_gstin"),
                buyer_app_id=order.bap_id,
                lines=[(order.seller_code, item["id"]) for item in step.wire["items"]],
                transaction_id=order.transaction_id, order_id=order.order_id, kind=movement,
                amount_paise=step.realised_paise, event_key=f"{order.transaction_id}:{key}",
                at=now, connection=connection,
            )  # fmt: skip

        # The step, its callback and the letter's movement are one transaction: a process
        # killed between them loses none of them.
        moved = await self._store.transition(
            order, actor="seller", event=event,
            change=dataclasses.replace(change, callback=callback), now=now, also=record,
        )  # fmt: skip
        await self._wakeup.notify()
        return moved
