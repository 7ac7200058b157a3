"""A payment recorded on a cart before it is an order (retail 1.2.5, the seller app
collecting the payment): the draft's new terms, the event row and the unsolicited
``/on_init`` that announces them, written in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update

from adapter.core.orders import OrderRow
from adapter.storage.database import Database
from adapter.storage.tables import order_events, orders, outbox

__all__ = ["record_draft_payment"]


async def record_draft_payment(
    database: Database,
    draft: OrderRow,
    *,
    document: dict[str, Any],
    event: str,
    detail: Mapping[str, Any],
    callback: dict[str, Any],
    now: datetime,
) -> bool:
    """Store ``document`` on the initialised ``draft`` with its ``event`` and the outbox
    row ``callback``; False (nothing written) when the draft changed since it was read (a
    new init, a confirm, another report)."""
    async with database.transaction() as connection:
        moved = await connection.execute(
            update(orders)
            .where(
                orders.c.id == draft.pk,
                orders.c.stage == "initialized",
                orders.c.updated_at == draft.updated_at,
            )
            .values(document=document, updated_at=now)
        )
        if moved.rowcount != 1:
            return False
        await connection.execute(
            insert(order_events).values(
                order_pk=draft.pk,
                at=now,
                actor="payment-gateway",
                event=event,
                state=None,
                fulfillment_state=None,
                detail=dict(detail),
            )
        )
        await connection.execute(insert(outbox).values(**callback))
    return True
