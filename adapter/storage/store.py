"""The store's operations on the audit log and the outbox.

Every method is one transaction. :meth:`Store.accept_inbound` writes the inbound message
and the outbox job that will answer it together, so an ACKed request always has its
callback queued; a duplicate (peer, action, message_id) writes nothing and says so.
"""

from __future__ import annotations

import sqlite3
from base64 import b64encode
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from typing import Any, Final

import orjson
from sqlalchemy import delete, func, insert, select, update

from adapter.storage.database import Database
from adapter.storage.driver_rows import (
    MESSAGE_COLUMNS,
    column_definitions,
    column_names,
    instant,
    sqlite_blob,
    sqlite_instant,
)
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
        if not batch:
            return []
        if self._db.dialect == "postgresql":
            inserted = await self._db.statement(_PG_ACCEPT, {"batch": _pg_batch(batch)})
            return _outcomes(batch, inserted)
        rows = [_message_row(message) for message, _ in batch]
        return await self._db.write_driver(partial(_accept_sqlite, batch, rows))

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

    async def audit_bytes(self) -> int:
        """The size of the audit log's message bodies, in bytes."""
        async with self._db.engine.connect() as connection:
            total = await connection.scalar(
                select(func.coalesce(func.sum(func.length(messages.c.body)), 0))
            )
            return int(total or 0)

    async def purge_messages_over(self, max_bytes: int) -> int:
        """Delete the oldest audit rows until the bodies left take at most ``max_bytes``;
        how many rows went.

        Rows a job still needs (pending, or parked for an operator's replay) stay, however
        old: a delivered job lets go of its request first.
        """
        excess = await self.audit_bytes() - max_bytes
        purged = 0
        after = 0
        needed = select(outbox.c.inbound_id).where(
            outbox.c.inbound_id.is_not(None), outbox.c.status != _DONE_WITH_REQUEST
        )
        while excess > 0:
            async with self._db.engine.connect() as connection:
                rows = (
                    await connection.execute(
                        select(messages.c.id, func.length(messages.c.body))
                        .where(messages.c.id > after, messages.c.id.not_in(needed))
                        .order_by(messages.c.id)
                        .limit(_PURGE_ROUND)
                    )
                ).all()
            if not rows:
                break
            chosen: list[int] = []
            for id_, size in rows:
                if excess <= 0:
                    break
                chosen.append(int(id_))
                excess -= int(size or 0)
            after = chosen[-1]
            async with self._db.transaction() as connection:
                await connection.execute(
                    update(outbox)
                    .where(outbox.c.inbound_id.in_(chosen), outbox.c.status == _DONE_WITH_REQUEST)
                    .values(inbound_id=None)
                )
                result = await connection.execute(
                    delete(messages).where(messages.c.id.in_(chosen), messages.c.id.not_in(needed))
                )
                purged += int(result.rowcount or 0)
        return purged


# Jobs in this state no longer need their request: its audit row may go, the job keeps
# its own record of the delivery.
_DONE_WITH_REQUEST: Final = "delivered"
# Rows looked at per round of a purge by size.
_PURGE_ROUND: Final = 2000

# A batch is written by driver SQL whose text never changes with the batch's size, so
# the driver parses and prepares each statement once. On PostgreSQL the whole batch is one
# statement in autocommit (one round trip, no BEGIN or COMMIT of its own): the rows go as
# one JSON document, written by orjson and unpacked by the server, and the same statement
# queues the jobs of the messages it inserted. (One array parameter per column cost
# psycopg's Python array dumper about 30 us per column per batch; a multi-row VALUES list
# is a new statement, parsed again, for every batch size.) On SQLite one statement runs for
# every row. The columns are (name, PostgreSQL type); SQLite instants are written as
# SQLAlchemy stores them.
_JOB_COLUMNS: Final = (
    ("inbound_id", "bigint"), ("kind", "text"), ("action", "text"), ("target_url", "text"),
    ("transaction_id", "text"), ("payload", "json"), ("status", "text"),
    ("attempts", "integer"), ("created_at", "timestamptz"), ("next_attempt_at", "timestamptz"),
    ("deadline_at", "timestamptz"),
)  # fmt: skip
# The partial unique index of inbound messages: a duplicate is skipped by the database
# itself, while every other constraint still raises.
_UNLESS_DUPLICATE: Final = (
    "ON CONFLICT (peer_id, action, message_id) WHERE direction = 'in' DO NOTHING"
)
# The job columns every queued reply starts with; the rest come from its request.
_NEW_REPLY: Final = {"inbound_id": "inserted.id", "kind": "'reply'", "status": "'pending'",
                     "attempts": "0"}  # fmt: skip
_JOB_FIELDS: Final = tuple((name, kind) for name, kind in _JOB_COLUMNS if name not in _NEW_REPLY)


def _pg_accept() -> str:
    """The PostgreSQL statement of a batch: messages inserted unless duplicate, and the
    job of each inserted message queued, as one statement.

    A (peer, action, message_id) twice in one batch is inserted once, for the first of the
    two (rows go in ``ord`` order), and only that request's job is queued. Jobs find
    their message by (peer, action, message_id): accepted requests always carry a message
    id (the context rules require one).
    """
    values = ", ".join(
        f"decode({name}, 'base64')" if kind == "bytea" else name for name, kind in MESSAGE_COLUMNS
    )
    job_values = ", ".join(_NEW_REPLY.get(name, f"j.{name}") for name, _ in _JOB_COLUMNS)
    return f"""
WITH batch AS (
    SELECT * FROM json_to_recordset(CAST(%(batch)s AS json))
        AS r(ord integer, {column_definitions(MESSAGE_COLUMNS)}, job json)
), inserted AS (
    INSERT INTO messages ({column_names(MESSAGE_COLUMNS)})
    SELECT {values} FROM batch ORDER BY ord
    {_UNLESS_DUPLICATE}
    RETURNING id, peer_id, action, message_id
), queued AS (
    INSERT INTO outbox ({column_names(_JOB_COLUMNS)})
    SELECT DISTINCT ON (inserted.id) {job_values}
    FROM inserted
    JOIN batch USING (peer_id, action, message_id)
    CROSS JOIN LATERAL json_to_record(batch.job) AS j({column_definitions(_JOB_FIELDS)})
    WHERE batch.job IS NOT NULL
    ORDER BY inserted.id, batch.ord
)
SELECT id, peer_id, action, message_id FROM inserted
"""


def _sqlite_insert(table: str, columns: tuple[tuple[str, str], ...], tail: str = "") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({column_names(columns)}) VALUES ({marks}) {tail}"


_PG_ACCEPT: Final = _pg_accept()
_SQLITE_MESSAGES_UNLESS_DUPLICATE: Final = _sqlite_insert(
    "messages", MESSAGE_COLUMNS, _UNLESS_DUPLICATE
)
_SQLITE_LAST_MESSAGE: Final = "SELECT coalesce(max(id), 0) FROM messages"
_SQLITE_MESSAGES_AFTER: Final = "SELECT id, peer_id, action, message_id FROM messages WHERE id > ?"
_SQLITE_OUTBOX_JOBS: Final = _sqlite_insert("outbox", _JOB_COLUMNS)


def _accept_sqlite(
    batch: Sequence[tuple[InboundRecord, OutboxJob | None]],
    rows: list[tuple[Any, ...]],
    connection: sqlite3.Connection,
) -> list[int | None]:
    # The transaction holds SQLite's only write lock, so the rows this batch adds are
    # exactly those past the highest id before it. When none was a duplicate they are
    # the ids right after it, in order: a rowid table without AUTOINCREMENT gives each
    # new row the largest rowid plus one.
    [before] = connection.execute(_SQLITE_LAST_MESSAGE).fetchone()
    added = connection.executemany(_SQLITE_MESSAGES_UNLESS_DUPLICATE, rows).rowcount
    if added == len(rows):
        outcomes: list[int | None] = list(range(before + 1, before + 1 + added))
    else:
        inserted = connection.execute(_SQLITE_MESSAGES_AFTER, (before,))
        outcomes = _outcomes(batch, inserted)
    jobs = [
        _job_row(row_id, job)
        for (_, job), row_id in zip(batch, outcomes, strict=True)
        if row_id is not None and job is not None
    ]
    if jobs:
        connection.executemany(_SQLITE_OUTBOX_JOBS, jobs)
    return outcomes


def _outcomes(
    batch: Sequence[tuple[InboundRecord, OutboxJob | None]], inserted: Iterable[Any]
) -> list[int | None]:
    """Each request's message id, from the rows inserted: ``None`` for a duplicate."""
    ids = {(peer, action, message_id): int(id_) for id_, peer, action, message_id in inserted}
    # A key inserted twice in one batch belongs to its first request only.
    return [ids.pop((m.peer_id, m.action, m.message_id), None) for m, _ in batch]


def _pg_batch(batch: Sequence[tuple[InboundRecord, OutboxJob | None]]) -> str:
    """The batch as the JSON document :data:`_PG_ACCEPT` unpacks: a record per request."""
    records = []
    for ord_, (message, job) in enumerate(batch):
        record = _message_values(message)
        record["received_at"] = instant(message.received_at)
        record["body"] = b64encode(message.body).decode("ascii")
        record["ord"] = ord_
        record["job"] = None if job is None else _job_values(job)
        records.append(record)
    return orjson.dumps(records).decode()


# SQLite's rows are built as the tuples the driver binds, at once: no dict of a row's
# columns first (tests/storage/test_driver_rows.py holds them to their statements' order).


def _message_row(message: InboundRecord) -> tuple[Any, ...]:
    """An inbound message as SQLite's statement takes it (:data:`MESSAGE_COLUMNS`)."""
    return (
        message.direction, message.action, message.peer_id, message.transaction_id,
        message.message_id, _sqlite_instant(message.received_at),
        orjson.dumps(message.headers).decode(), sqlite_blob(message.body), message.verification,
        message.http_status, message.duration_ms, message.error,
    )  # fmt: skip


def _job_row(inbound_id: int, job: OutboxJob) -> tuple[Any, ...]:
    """A queued job as SQLite's statement takes it (:data:`_JOB_COLUMNS`)."""
    created = _sqlite_instant(job.created_at)
    first = created if job.next_attempt_at is None else _sqlite_instant(job.next_attempt_at)
    return (
        inbound_id, "reply", job.action, job.target_url, job.transaction_id,
        orjson.dumps(job.payload).decode(), "pending", 0, created, first,
        _sqlite_instant(job.deadline_at),
    )  # fmt: skip


@lru_cache(maxsize=256)
def _sqlite_instant(value: datetime) -> str:
    """An instant as :class:`~adapter.storage.tables.UtcDateTime` stores it in SQLite.

    Cached: a request's arrival is also its job's creation and first attempt.
    """
    return sqlite_instant(value)


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


def _job_values(job: OutboxJob) -> dict[str, Any]:
    return {
        "action": job.action,
        "target_url": job.target_url,
        "transaction_id": job.transaction_id,
        "payload": job.payload,
        "created_at": instant(job.created_at),
        "next_attempt_at": instant(job.next_attempt_at or job.created_at),
        "deadline_at": instant(job.deadline_at),
    }
