"""What the edge reads of a transaction before taking a request in it: the requests it has
accepted (from the audit log) and how far its order got (from the orders)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from adapter.storage.database import Database
from adapter.storage.tables import messages, orders

__all__ = ["SqlTransactionHistory"]


class SqlTransactionHistory:
    """``adapter.core.retail125.sequence.TransactionHistory`` over the SQL store."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def requests(self, transaction_id: str) -> Sequence[tuple[str, str]]:
        """(action, message id) of each request accepted in the transaction, oldest first."""
        query = (
            select(messages.c.action, messages.c.message_id)
            .where(messages.c.transaction_id == transaction_id, messages.c.direction == "in")
            .order_by(messages.c.id)
        )
        async with self._db.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [(str(row.action), str(row.message_id)) for row in rows]

    async def last_request(self, transaction_id: str, action: str, peer_id: str) -> bytes | None:
        """The body of the last ``action`` request ``peer_id`` sent in the transaction that
        was accepted (kept by the audit log), or ``None``."""
        query = (
            select(messages.c.body)
            .where(
                messages.c.transaction_id == transaction_id,
                messages.c.direction == "in",
                messages.c.action == action,
                messages.c.peer_id == peer_id,
            )
            .order_by(messages.c.id.desc())
            .limit(1)
        )
        async with self._db.engine.connect() as connection:
            body = (await connection.execute(query)).scalar_one_or_none()
        return None if body is None else bytes(body)

    async def stage(self, transaction_id: str) -> str | None:
        """The stage of the transaction's order (or draft), if it has one."""
        query = select(orders.c.stage).where(orders.c.transaction_id == transaction_id)
        async with self._db.engine.connect() as connection:
            stage = (await connection.execute(query)).scalar_one_or_none()
        return None if stage is None else str(stage)
