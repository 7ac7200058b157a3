"""The outbox's settlement in driver SQL: every dispatcher round ends with one.

A settlement ends the lease of each job a round sent (if this worker still holds it),
moves the job to its status, records the attempt, adds both to their day sums
(``callback_days``, ``attempt_days``) and writes the audit row of each message sent, in one
transaction. Its statements are plain driver SQL whose text never changes with the
batch's size, so each driver prepares them once; none goes through SQLAlchemy's
execution (which, per statement, cost more than the database's own work):

- SQLite (:func:`settle_sqlite`): on the kept ``sqlite3`` connection of the event loop's
  writes (``Database.write_driver``): one read of the held jobs (their action, creation and
  channel, before the settlement clears the lease), then one statement per table for the
  batch's rows;
- PostgreSQL (:data:`PG_SETTLE`, :func:`pg_settle_values`): the whole settlement as one
  statement in autocommit (``Database.statement``): one round trip, the batch as JSON
  documents unpacked by the server, the lease checked by the ``UPDATE`` itself.

Both keep what the SQLAlchemy version did: a job whose lease the worker lost is left
alone (and its attempt not recorded), every message sent is audited, the day sums'
rows are added in key order, and an instant is stored as ``UtcDateTime`` stores it. A
callback whose bytes were not saved before its attempt (an on_search's) has them kept with
its job by the same ``UPDATE`` that ends its lease, so a retry or a replay sends them
again; its channel is read from those bytes.
"""

from __future__ import annotations

import sqlite3
from base64 import b64encode
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final, NamedTuple, Protocol

import orjson
from sqlalchemy.dialects import sqlite

from adapter.storage.attempt_days import ATTEMPT_FIGURES, ATTEMPT_KEYS, attempt_sums
from adapter.storage.callback_days import (
    B2B_CONTEXT,
    CALLBACK_FIGURES,
    CALLBACK_KEYS,
    CALLBACK_WINDOW_SECONDS,
    callback_sums,
)
from adapter.storage.day_sums import day_sums_upsert
from adapter.storage.driver_rows import (
    MESSAGE_COLUMNS,
    column_definitions,
    column_names,
    instant,
    pg_message_record,
    sqlite_blob,
    sqlite_instant,
    sqlite_message_row,
    sqlite_stored,
)
from adapter.storage.tables import attempt_days, callback_days

__all__ = ["PG_SETTLE", "Settled", "pg_settle_values", "settle_sqlite"]


class _Attempt(Protocol):
    @property
    def attempted_at(self) -> datetime: ...
    @property
    def http_status(self) -> int | None: ...
    @property
    def latency_ms(self) -> float | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def error(self) -> str | None: ...


class Settled(Protocol):
    """What a settlement needs of one job's outcome (``adapter.storage.outbox.Settlement``)."""

    @property
    def job_id(self) -> int: ...
    @property
    def attempt(self) -> _Attempt: ...
    @property
    def status(self) -> str: ...
    @property
    def next_attempt_at(self) -> datetime | None: ...
    @property
    def sent(self) -> dict[str, Any] | None: ...
    @property
    def callback(self) -> tuple[bytes, str | None] | None: ...


class _Job(NamedTuple):
    """A settled job as its day sum counts it."""

    action: str
    created_at: datetime
    channel: str
    status: str
    delivered_at: datetime | None


# SQLite --------------------------------------------------------------------------------

_SQLITE: Final = sqlite.dialect()
_SQLITE_HELD: Final = (
    f"SELECT id, action, created_at, instr(callback_body, X'{B2B_CONTEXT.hex()}') > 0"
    " FROM outbox WHERE claimed_by = ? AND id IN (SELECT value FROM json_each(?))"
)
_SQLITE_SETTLE: Final = (
    "UPDATE outbox SET status = ?, attempts = attempts + 1, claimed_by = NULL,"
    " claimed_until = NULL, last_error = ?, delivered_at = coalesce(?, delivered_at),"
    " next_attempt_at = coalesce(?, next_attempt_at),"
    " callback_body = coalesce(?, callback_body),"
    " callback_message_id = coalesce(?, callback_message_id) WHERE id = ?"
)
_SQLITE_ATTEMPT: Final = (
    "INSERT INTO delivery_attempts"
    " (outbox_id, attempted_at, http_status, latency_ms, outcome, error)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_SQLITE_AUDIT: Final = (
    f"INSERT INTO messages ({column_names(MESSAGE_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in MESSAGE_COLUMNS)})"
)
_CALLBACK_SUMS: Final = day_sums_upsert(callback_days, _SQLITE, CALLBACK_KEYS, CALLBACK_FIGURES)
_ATTEMPT_SUMS: Final = day_sums_upsert(attempt_days, _SQLITE, ATTEMPT_KEYS, ATTEMPT_FIGURES)


def _kept(callback: tuple[bytes, str | None] | None) -> tuple[bytearray | None, str | None]:
    """A settlement's callback bytes and message id as its ``UPDATE`` binds them: ``None``
    for both when the job's were saved before (the saved ones stay)."""
    if callback is None:
        return None, None
    body, message_id = callback
    return sqlite_blob(body), message_id


def settle_sqlite(
    worker: str, settlements: Sequence[Settled], connection: sqlite3.Connection
) -> list[bool]:
    """``Outbox.settle_many``'s transaction on SQLite (``Database.write_driver``): whether
    each job was still ``worker``'s (and so settled).

    Each job's rows for every statement are built in one pass over the batch, as the
    tuples the driver binds (no dict per row)."""
    ids = orjson.dumps([s.job_id for s in settlements]).decode()
    # The bytes kept by this settlement: the saved ones' channel is read by the query.
    fresh = {s.job_id: s.callback[0] for s in settlements if s.callback is not None}
    held = {
        job_id: (action, created, "b2b" if b2b or B2B_CONTEXT in fresh.get(job_id, b"") else "b2c")
        for job_id, action, created, b2b in connection.execute(_SQLITE_HELD, (worker, ids))
    }
    settled: list[tuple[Any, ...]] = []
    tried: list[tuple[Any, ...]] = []
    ended: list[_Job] = []
    timed: list[tuple[datetime, str, str, float | None]] = []
    for s in settlements:
        job = held.get(s.job_id)
        if job is None:
            continue
        action, created, channel = job
        attempt = s.attempt
        at = sqlite_instant(attempt.attempted_at)
        delivered = s.status == "delivered"
        settled.append((
            s.status, attempt.error, at if delivered else None,
            None if s.next_attempt_at is None else sqlite_instant(s.next_attempt_at),
            *_kept(s.callback), s.job_id,
        ))  # fmt: skip
        tried.append((s.job_id, at, attempt.http_status, attempt.latency_ms, attempt.outcome,
                      attempt.error))  # fmt: skip
        if delivered or s.status == "failed":
            ended.append(_Job(action, sqlite_stored(created), channel, s.status,
                              attempt.attempted_at if delivered else None))  # fmt: skip
        timed.append((attempt.attempted_at, attempt.outcome, channel, attempt.latency_ms))
    if settled:
        connection.executemany(_SQLITE_SETTLE, settled)
        rows = callback_sums(ended, +1)
        if rows:
            connection.executemany(_CALLBACK_SUMS.sql, _CALLBACK_SUMS.rows(rows))
        connection.executemany(_SQLITE_ATTEMPT, tried)
        connection.executemany(_ATTEMPT_SUMS.sql, _ATTEMPT_SUMS.rows(attempt_sums(timed)))
    sent = [s.sent for s in settlements if s.sent is not None]
    if sent:
        connection.executemany(
            _SQLITE_AUDIT,
            [sqlite_message_row(row, sqlite_instant(row["received_at"])) for row in sent],
        )
    return [s.job_id in held for s in settlements]


# PostgreSQL ----------------------------------------------------------------------------

_IST_DAY: Final = "(({0} AT TIME ZONE 'UTC') + interval '5 hours 30 minutes')::date"
_PG_AUDIT_VALUES: Final = ", ".join(
    f"decode(a.{name}, 'base64')" if kind == "bytea" else f"a.{name}"
    for name, kind in MESSAGE_COLUMNS
)

PG_SETTLE: Final = f"""
WITH batch AS (
    SELECT * FROM json_to_recordset(CAST(%(settled)s AS json)) AS b(
        job_id bigint, status text, error text, delivered timestamptz, next_at timestamptz,
        attempted_at timestamptz, http_status integer, latency_ms float8, outcome text,
        body text, body_sent boolean, mid text)
), sent AS (
    SELECT * FROM json_to_recordset(CAST(%(sent)s AS json))
        AS a(job_id bigint, {column_definitions(MESSAGE_COLUMNS)})
), settled AS (
    -- The bytes a job keeps come once: in the batch, or (body_sent) as its audit row's.
    UPDATE outbox AS o SET
        status = b.status, attempts = o.attempts + 1, claimed_by = NULL,
        claimed_until = NULL, last_error = b.error,
        delivered_at = coalesce(b.delivered, o.delivered_at),
        next_attempt_at = coalesce(b.next_at, o.next_attempt_at),
        callback_body = CASE
            WHEN b.body IS NOT NULL THEN decode(b.body, 'base64')
            WHEN b.body_sent
            THEN (SELECT decode(a.body, 'base64') FROM sent AS a WHERE a.job_id = b.job_id)
            ELSE o.callback_body END,
        callback_message_id = coalesce(b.mid, o.callback_message_id)
    FROM batch AS b
    WHERE o.id = b.job_id AND o.claimed_by = %(worker)s
    -- RETURNING reads the row as updated: the callback's bytes kept here included.
    RETURNING o.id, o.action, o.status, o.created_at, o.delivered_at,
        CASE WHEN position(%(b2b)s::bytea IN o.callback_body) > 0
             THEN 'b2b' ELSE 'b2c' END AS channel
), attempts AS (
    INSERT INTO delivery_attempts
        (outbox_id, attempted_at, http_status, latency_ms, outcome, error)
    SELECT b.job_id, b.attempted_at, b.http_status, b.latency_ms, b.outcome, b.error
    FROM batch AS b JOIN settled AS s ON s.id = b.job_id
    ORDER BY b.job_id
), callback_sums AS (
    INSERT INTO callback_days (day, action, channel, delivered, on_time, failed)
    SELECT {_IST_DAY.format("s.created_at")}, s.action, s.channel,
        count(*) FILTER (WHERE s.status = 'delivered'),
        count(*) FILTER (WHERE s.status = 'delivered'
            AND s.delivered_at - s.created_at <= interval '{CALLBACK_WINDOW_SECONDS} seconds'),
        count(*) FILTER (WHERE s.status = 'failed')
    FROM settled AS s WHERE s.status IN ('delivered', 'failed')
    GROUP BY 1, 2, 3 ORDER BY 1, s.action COLLATE "C", s.channel COLLATE "C"
    ON CONFLICT (day, action, channel) DO UPDATE SET
        delivered = callback_days.delivered + excluded.delivered,
        on_time = callback_days.on_time + excluded.on_time,
        failed = callback_days.failed + excluded.failed
), attempt_sums AS (
    INSERT INTO attempt_days (day, outcome, channel, attempts, timed, latency_ms)
    SELECT {_IST_DAY.format("b.attempted_at")}, b.outcome, s.channel,
        count(*), count(b.latency_ms), coalesce(sum(b.latency_ms), 0)
    FROM batch AS b JOIN settled AS s ON s.id = b.job_id
    GROUP BY 1, 2, 3 ORDER BY 1, b.outcome COLLATE "C", s.channel COLLATE "C"
    ON CONFLICT (day, outcome, channel) DO UPDATE SET
        attempts = attempt_days.attempts + excluded.attempts,
        timed = attempt_days.timed + excluded.timed,
        latency_ms = attempt_days.latency_ms + excluded.latency_ms
), audited AS (
    INSERT INTO messages ({column_names(MESSAGE_COLUMNS)})
    SELECT {_PG_AUDIT_VALUES}
    FROM sent AS a
    -- A job settled here was still this worker's, so its message is new to the log.
    -- Any other (its lease lost, or the statement run again after a reply lost with its
    -- connection, which finds its jobs settled) is looked up first, so nothing is audited
    -- twice; only those rows probe the log, by the index on received_at, one row each,
    -- and never by reading the whole log (a hash of every outbound message, per round).
    WHERE EXISTS (SELECT 1 FROM settled AS s WHERE s.id = a.job_id)
       OR NOT EXISTS (
        SELECT 1 FROM messages AS m
        WHERE m.transaction_id IS NOT DISTINCT FROM a.transaction_id
          AND m.direction = 'out' AND m.received_at = a.received_at
          AND m.message_id IS NOT DISTINCT FROM a.message_id
    )
)
SELECT id FROM settled
"""
"""``Outbox.settle_many``'s transaction on PostgreSQL, as one statement: bound with
:func:`pg_settle_values`, it returns the ids of the jobs settled (those ``worker`` still
held)."""


def _pg_kept(settled: Settled) -> dict[str, Any]:
    """The bytes and message id a job keeps, as :data:`PG_SETTLE`'s batch carries them: the
    bytes as base64 only when its audit row does not carry the same (an attempt that got
    no answer has none). Each copy is encoded, written into the JSON and sent again: with
    an on_search's bytes in both, the settlement took 0.129 M instructions per answered
    search instead of 0.083 M (``bench/edge --instructions``, three runs each)."""
    if settled.callback is None:
        return {"body": None, "body_sent": False, "mid": None}
    body, message_id = settled.callback
    if settled.sent is not None and settled.sent["body"] == body:
        return {"body": None, "body_sent": True, "mid": message_id}
    return {"body": b64encode(body).decode("ascii"), "body_sent": False, "mid": message_id}


def pg_settle_values(worker: str, settlements: Sequence[Settled]) -> dict[str, Any]:
    """The values :data:`PG_SETTLE` is bound with."""
    settled = [
        {
            "job_id": s.job_id,
            "status": s.status,
            "error": s.attempt.error,
            "delivered": instant(s.attempt.attempted_at) if s.status == "delivered" else None,
            "next_at": None if s.next_attempt_at is None else instant(s.next_attempt_at),
            "attempted_at": instant(s.attempt.attempted_at),
            "http_status": s.attempt.http_status,
            "latency_ms": s.attempt.latency_ms,
            "outcome": s.attempt.outcome,
            **_pg_kept(s),
        }
        for s in settlements
    ]
    sent = [
        {"job_id": s.job_id, **pg_message_record(s.sent)} for s in settlements if s.sent is not None
    ]
    return {
        "settled": orjson.dumps(settled).decode(),
        "sent": orjson.dumps(sent).decode(),
        "worker": worker,
        "b2b": B2B_CONTEXT,
    }
