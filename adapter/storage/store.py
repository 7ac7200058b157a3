"""The store's operations on the audit log and the outbox.

Every method is one transaction. :meth:`Store.accept_inbound` writes the inbound message
and the outbox job that will answer it together, so an ACKed request always has its
callback queued; a duplicate (peer, action, message_id) writes nothing and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, text

from adapter.storage.database import Database
from adapter.storage.tables import messages, outbox

__all__ = ["InboundRecord", "OutboxJob", "Store"]


@dataclass(frozen=True, slots=True)
class InboundRecord:
    """A signed message as it arrived (or left), for the audit log."""

    direction: str
    action: str
    peer_id: str
    transaction_id: str | None
    message_id: str | None
    received_at: datetime
    headers: dict[str, str]
    body: bytes
    verification: str
    http_status: int | None = None
    duration_ms: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxJob:
    """A callback to deliver: where, what, and until when it is worth trying."""

    action: str
    target_url: str
    transaction_id: str | None
    payload: dict[str, Any]
    created_at: datetime
    deadline_at: datetime
    next_attempt_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Store:
    """Async access to the SQL system of record."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def database(self) -> Database:
        """The engine this store uses."""
        return self._db

    async def record(self, message: InboundRecord) -> int:
        """Append one message to the audit log; returns its id."""
        async with self._db.transaction() as connection:
            result = await connection.execute(
                insert(messages).values(**_message_values(message)).returning(messages.c.id)
            )
            return int(result.scalar_one())

    async def accept_inbound(self, message: InboundRecord, job: OutboxJob | None) -> int | None:
        """Record an inbound message and queue its callback in one transaction.

        Returns the message's id, or ``None`` when the same (peer, action, message_id) was
        already accepted: then nothing is written.
        """
        [row] = await self.accept_inbound_batch([(message, job)])
        return row

    async def accept_inbound_batch(
        self, batch: Sequence[tuple[InboundRecord, OutboxJob | None]]
    ) -> list[int | None]:
        """:meth:`accept_inbound` for many requests in one transaction (group commit).

        Each request keeps its own outcome: its message id, or ``None`` for a duplicate.
        """
        async with self._db.transaction() as connection:
            inserted = await connection.execute(
                self._insert_unless_duplicate().returning(
                    messages.c.id, messages.c.peer_id, messages.c.action, messages.c.message_id
                ),
                [_message_values(message) for message, _ in batch],
            )
            ids = {(row.peer_id, row.action, row.message_id): int(row.id) for row in inserted}
            outcomes: list[int | None] = []
            jobs: list[dict[str, Any]] = []
            for message, job in batch:
                # A key inserted twice in one batch belongs to its first request only.
                row_id = ids.pop((message.peer_id, message.action, message.message_id), None)
                outcomes.append(row_id)
                if row_id is not None and job is not None:
                    jobs.append(_job_values(row_id, job))
            if jobs:
                # RETURNING makes this one multi-row INSERT per batch (SQLAlchemy's
                # "insertmanyvalues") instead of one statement per row.
                await connection.execute(insert(outbox).returning(outbox.c.id), jobs)
            return outcomes

    def _insert_unless_duplicate(self) -> Any:
        # ON CONFLICT on the partial unique index of inbound messages: a duplicate is
        # skipped by the database itself, while every other constraint still raises.
        return self._db.insert(messages).on_conflict_do_nothing(
            index_elements=[messages.c.peer_id, messages.c.action, messages.c.message_id],
            index_where=text("direction = 'in'"),
        )

    async def messages_for_transaction(self, transaction_id: str) -> list[dict[str, Any]]:
        """Every audited message of one transaction, oldest first."""
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(
                select(messages)
                .where(messages.c.transaction_id == transaction_id)
                .order_by(messages.c.received_at, messages.c.id)
            )
            return [dict(row._mapping) for row in rows]

    async def purge_messages(self, older_than: datetime) -> int:
        """Delete audit rows older than the retention cut-off that no job still needs."""
        async with self._db.transaction() as connection:
            referenced = select(outbox.c.inbound_id).where(outbox.c.inbound_id.is_not(None))
            result = await connection.execute(
                delete(messages).where(
                    messages.c.received_at < older_than, messages.c.id.not_in(referenced)
                )
            )
            return int(result.rowcount or 0)


def _job_values(inbound_id: int, job: OutboxJob) -> dict[str, Any]:
    return {
        "inbound_id": inbound_id,
        "kind": "reply",
        "action": job.action,
        "target_url": job.target_url,
        "transaction_id": job.transaction_id,
        "payload": job.payload,
        "status": "pending",
        "attempts": 0,
        "created_at": job.created_at,
        "next_attempt_at": job.next_attempt_at or job.created_at,
        "deadline_at": job.deadline_at,
    }


def _message_values(message: InboundRecord) -> dict[str, Any]:
    return {
        "direction": message.direction,
        "action": message.action,
        "peer_id": message.peer_id,
        "transaction_id": message.transaction_id,
        "message_id": message.message_id,
        "received_at": message.received_at,
        "headers": message.headers,
        "body": message.body,
        "verification": message.verification,
        "http_status": message.http_status,
        "duration_ms": message.duration_ms,
        "error": message.error,
    }
