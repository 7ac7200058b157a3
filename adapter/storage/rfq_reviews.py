"""Sellers' RFQ rules and the RFQs held for their decision (tables in
``adapter.storage.rfq_tables``; the rules of holding in ``adapter.core.b2b.rfq_review``).

Each change that the seller should hear of is queued as its webhook in the same
transaction: ``rfq.received`` when an RFQ is held (what was asked, the quotation the price
list makes, the window and the default), ``rfq.decided`` when its window closed and the
default applied.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

import schemas
from adapter.core.b2b.rfq_review import HeldRfq, RfqRules, RfqState
from adapter.storage.database import Database
from adapter.storage.notifications import SellerNotifications
from adapter.storage.rfq_tables import b2b_rfq_reviews, b2b_rfq_rules

__all__ = ["RfqStore", "shown"]


def _held(row: Any) -> HeldRfq:
    return HeldRfq(
        id=int(row.id),
        seller_code=row.seller_code,
        transaction_id=row.transaction_id,
        message_id=row.message_id,
        state=RfqState(row.state),
        reason=row.reason,
        decide_by=row.decide_by,
        default=row.default,
        proposed=row.proposed,
        decision=row.decision,
    )


def shown(held: HeldRfq) -> dict[str, Any]:
    """A held RFQ as the seller API and its webhooks show it."""
    return {
        "id": held.id,
        "transaction_id": held.transaction_id,
        "state": str(held.state),
        "reason": held.reason,
        "decide_by": schemas.format_timestamp(held.decide_by),
        "default": held.default,
        "proposed": held.proposed["order"],
        "list_prices": {sku: line["list_price"] for sku, line in held.proposed["lines"].items()},
        "decision": held.decision,
    }


class RfqStore:
    """Read and write RFQ rules and held RFQs."""

    def __init__(self, database: Database, notifications: SellerNotifications | None) -> None:
        self._db = database
        self._notifications = notifications

    async def put_rules(self, rules: RfqRules, *, now: datetime) -> None:
        """Create or replace a seller's RFQ rules."""
        values = {"review": rules.review, "decision_seconds": rules.decision_seconds,
                  "default": rules.default, "updated_at": now}  # fmt: skip
        statement = self._db.insert(b2b_rfq_rules).values(seller_code=rules.seller_code, **values)
        async with self._db.transaction() as connection:
            await connection.execute(
                statement.on_conflict_do_update(index_elements=["seller_code"], set_=values)
            )

    async def rules(self, seller_code: str) -> RfqRules | None:
        """The seller's RFQ rules, or ``None`` when it has set none."""
        async with self._db.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(b2b_rfq_rules).where(b2b_rfq_rules.c.seller_code == seller_code)
                )
            ).first()
        if row is None:
            return None
        return RfqRules(row.seller_code, row.review, row.decision_seconds, row.default)

    async def held(self, transaction_id: str, message_id: str) -> HeldRfq | None:
        """The RFQ of this ``/select``, if it was held."""
        return await self._one(
            and_(
                b2b_rfq_reviews.c.transaction_id == transaction_id,
                b2b_rfq_reviews.c.message_id == message_id,
            )
        )

    async def of_seller(self, seller_code: str, rfq_id: int) -> HeldRfq | None:
        """One of the seller's held RFQs."""
        return await self._one(
            and_(b2b_rfq_reviews.c.id == rfq_id, b2b_rfq_reviews.c.seller_code == seller_code)
        )

    async def listed(self, seller_code: str, state: str | None) -> list[HeldRfq]:
        """The seller's held RFQs (of one state), the oldest first."""
        query = select(b2b_rfq_reviews).where(b2b_rfq_reviews.c.seller_code == seller_code)
        if state is not None:
            query = query.where(b2b_rfq_reviews.c.state == state)
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(query.order_by(b2b_rfq_reviews.c.id).limit(500))
            return [_held(row) for row in rows]

    async def _one(self, where: Any) -> HeldRfq | None:
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(select(b2b_rfq_reviews).where(where))).first()
        return None if row is None else _held(row)

    async def hold(
        self,
        *,
        seller_code: str,
        transaction_id: str,
        message_id: str,
        bap_id: str,
        reason: str,
        decide_by: datetime,
        default: str,
        proposed: dict[str, Any],
        now: datetime,
    ) -> HeldRfq:
        """Hold an RFQ (once per ``/select``), supersede the transaction's earlier pending
        RFQs and queue the seller's ``rfq.received``, in one transaction."""
        table = b2b_rfq_reviews
        async with self._db.transaction() as connection:
            await connection.execute(
                update(table)
                .where(table.c.transaction_id == transaction_id,
                       table.c.message_id != message_id, table.c.state == "pending")
                .values(state=str(RfqState.SUPERSEDED), decided_at=now, decided_by="system")
            )  # fmt: skip
            statement = self._db.insert(table).values(
                seller_code=seller_code, transaction_id=transaction_id, message_id=message_id,
                bap_id=bap_id, state=str(RfqState.PENDING), reason=reason, decide_by=decide_by,
                default=default, proposed=proposed, decision=None, decided_by=None,
                created_at=now, decided_at=None,
            )  # fmt: skip
            inserted = await connection.execute(
                statement.on_conflict_do_nothing(index_elements=["transaction_id", "message_id"])
            )
            row = (
                await connection.execute(
                    select(table).where(
                        table.c.transaction_id == transaction_id, table.c.message_id == message_id
                    )
                )
            ).one()
            held = _held(row)
            if inserted.rowcount:
                await self._tell(connection, held, "rfq.received", now)
            return held

    async def decide(
        self,
        rfq_id: int,
        *,
        state: RfqState,
        decision: dict[str, Any],
        actor: str,
        now: datetime,
    ) -> HeldRfq:
        """Record the decision if the RFQ is still pending; the RFQ as it then stands. A
        decision the seller did not take (``actor`` "system") is told to it."""
        table = b2b_rfq_reviews
        async with self._db.transaction() as connection:
            moved = await connection.execute(
                update(table)
                .where(table.c.id == rfq_id, table.c.state == str(RfqState.PENDING))
                .values(state=str(state), decision=decision, decided_by=actor, decided_at=now)
            )
            row = (await connection.execute(select(table).where(table.c.id == rfq_id))).one()
            held = _held(row)
            if moved.rowcount and actor == "system":
                await self._tell(connection, held, "rfq.decided", now)
            return held

    async def _tell(
        self, connection: AsyncConnection, held: HeldRfq, event: str, now: datetime
    ) -> None:
        if self._notifications is None:
            return
        await self._notifications.enqueue(
            connection, seller_code=held.seller_code, event=event, order_id=None,
            payload={"rfq": shown(held)}, now=now,
        )  # fmt: skip
