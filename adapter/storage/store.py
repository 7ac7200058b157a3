"""The store's operations on the audit log and the outbox.

Every method is one transaction. :meth:`Store.accept_inbound` writes the inbound message
and the outbox job that will answer it together, so an ACKed request always has its
callback queued; a duplicate (peer, action, message_id) writes nothing and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final

import orjson
from sqlalchemy import Connection, delete, insert, select

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
        if not batch:
            return []
        rows = [_message_row(message) for message, _ in batch]
        return await self._db.write(partial(_accept, self._db.dialect, batch, rows))

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


# A batch is written by driver SQL whose text never changes with the batch's size, so
# the driver parses and prepares each statement once: on PostgreSQL every column goes as
# one array (in binary, ``%(name)b``: no per-element escaping) unnested by the server; on
# SQLite one statement runs for every row. SQLAlchemy's multi-row VALUES list would be a
# new statement for every batch size, parsed again each time, and its per-row parameter
# processing cost more than the database's own work. The columns are (name, PostgreSQL
# type); JSON goes as text, and SQLite instants as SQLAlchemy stores them.
_MESSAGE_COLUMNS: Final = (
    ("direction", "text"), ("action", "text"), ("peer_id", "text"),
    ("transaction_id", "text"), ("message_id", "text"), ("received_at", "timestamptz"),
    ("headers", "json"), ("body", "bytea"), ("verification", "text"),
    ("http_status", "integer"), ("duration_ms", "float8"), ("error", "text"),
)  # fmt: skip
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


def _names(columns: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(name for name, _ in columns)


def _pg_insert(table: str, columns: tuple[tuple[str, str], ...], tail: str = "") -> str:
    arrays = ", ".join(f"CAST(%({name})b AS {kind}[])" for name, kind in columns)
    return f"INSERT INTO {table} ({_names(columns)}) SELECT * FROM unnest({arrays}) {tail}"


def _sqlite_insert(table: str, columns: tuple[tuple[str, str], ...], tail: str = "") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({_names(columns)}) VALUES ({marks}) {tail}"


_PG_MESSAGES_UNLESS_DUPLICATE: Final = _pg_insert(
    "messages", _MESSAGE_COLUMNS, f"{_UNLESS_DUPLICATE} RETURNING id, peer_id, action, message_id"
)
_PG_OUTBOX_JOBS: Final = _pg_insert("outbox", _JOB_COLUMNS)
_SQLITE_MESSAGES_UNLESS_DUPLICATE: Final = _sqlite_insert(
    "messages", _MESSAGE_COLUMNS, _UNLESS_DUPLICATE
)
_SQLITE_LAST_MESSAGE: Final = "SELECT coalesce(max(id), 0) FROM messages"
_SQLITE_MESSAGES_AFTER: Final = "SELECT id, peer_id, action, message_id FROM messages WHERE id > ?"
_SQLITE_OUTBOX_JOBS: Final = _sqlite_insert("outbox", _JOB_COLUMNS)


def _accept(
    dialect: str,
    batch: Sequence[tuple[InboundRecord, OutboxJob | None]],
    rows: list[tuple[Any, ...]],
    connection: Connection,
) -> list[int | None]:
    if dialect == "postgresql":
        inserted = connection.exec_driver_sql(
            _PG_MESSAGES_UNLESS_DUPLICATE, _arrays(_MESSAGE_COLUMNS, rows)
        )
    else:
        # The transaction holds SQLite's only write lock, so the rows this batch adds are
        # exactly those past the highest id before it.
        before = connection.exec_driver_sql(_SQLITE_LAST_MESSAGE).scalar_one()
        connection.exec_driver_sql(
            _SQLITE_MESSAGES_UNLESS_DUPLICATE, [_sqlite_row(row) for row in rows]
        )
        inserted = connection.exec_driver_sql(_SQLITE_MESSAGES_AFTER, (before,))
    outcomes, jobs = _outcomes(batch, inserted)
    if jobs and dialect == "postgresql":
        connection.exec_driver_sql(_PG_OUTBOX_JOBS, _arrays(_JOB_COLUMNS, jobs))
    elif jobs:
        connection.exec_driver_sql(_SQLITE_OUTBOX_JOBS, [_sqlite_row(job) for job in jobs])
    return outcomes


def _outcomes(
    batch: Sequence[tuple[InboundRecord, OutboxJob | None]], inserted: Iterable[Any]
) -> tuple[list[int | None], list[tuple[Any, ...]]]:
    """Each request's message id (``None`` for a duplicate) and the job rows to queue."""
    ids = {(peer, action, message_id): int(id_) for id_, peer, action, message_id in inserted}
    outcomes: list[int | None] = []
    jobs: list[tuple[Any, ...]] = []
    for message, job in batch:
        # A key inserted twice in one batch belongs to its first request only.
        row_id = ids.pop((message.peer_id, message.action, message.message_id), None)
        outcomes.append(row_id)
        if row_id is not None and job is not None:
            jobs.append(_job_row(row_id, job))
    return outcomes, jobs


def _message_row(message: InboundRecord) -> tuple[Any, ...]:
    values = _message_values(message)
    values["received_at"] = _instant(message.received_at)
    values["headers"] = orjson.dumps(message.headers).decode()
    return tuple(values[name] for name, _ in _MESSAGE_COLUMNS)


def _job_row(inbound_id: int, job: OutboxJob) -> tuple[Any, ...]:
    return (
        inbound_id, "reply", job.action, job.target_url, job.transaction_id,
        orjson.dumps(job.payload).decode(), "pending", 0, _instant(job.created_at),
        _instant(job.next_attempt_at or job.created_at), _instant(job.deadline_at),
    )  # fmt: skip


def _arrays(
    columns: tuple[tuple[str, str], ...], rows: Sequence[tuple[Any, ...]]
) -> dict[str, Any]:
    """Rows as one list per column, for an unnest."""
    return {
        name: list(values)
        for (name, _), values in zip(columns, zip(*rows, strict=True), strict=True)
    }


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(_sqlite_instant(value) if isinstance(value, datetime) else value for value in row)


def _instant(value: datetime) -> datetime:
    # As :class:`~adapter.storage.tables.UtcDateTime` does for SQLAlchemy's own statements.
    if value.tzinfo is None:
        raise ValueError("naive datetime: store instants with a time zone")
    return value


def _sqlite_instant(value: datetime) -> str:
    """An instant as :class:`~adapter.storage.tables.UtcDateTime` stores it in SQLite."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


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
