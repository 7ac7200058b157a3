"""The outbox's claim in driver SQL: every dispatcher round begins with one.

A claim takes up to a limit of due jobs (pending, their time come, under no live lease;
earliest deadline first) for one worker until its lease ends, and reads what the round
needs of each (its request's bytes too), as ``LeasedQueue.claim`` and the read after it
did through SQLAlchemy. Here it is one statement whose text never changes, prepared once
by the driver:

- SQLite (:func:`claim_sqlite`): ``UPDATE ... RETURNING`` on the kept ``sqlite3``
  connection of the event loop's writes (``Database.write_driver``), the request's bytes
  read by a subquery of its ``RETURNING``;
- PostgreSQL (:data:`PG_CLAIM`): the same ``UPDATE`` with ``FOR UPDATE SKIP LOCKED`` (so
  processes sharing the database never take the same job) in a data-modifying ``WITH``,
  joined to the requests, in autocommit on the connection of a dispatcher's rounds
  (``Database.statement``).

Instants are compared and read as ``UtcDateTime`` stores them. The callbacks a round
builds are saved the same way (:func:`save_sqlite`, :data:`PG_SAVE`) before their
attempts, so every retry sends exactly those bytes; an unsplit on_search's are kept by its
attempt's settlement instead (``adapter/storage/settlements.py``), or saved here before
its job is handed back unsent.
"""

from __future__ import annotations

import json
import sqlite3
from base64 import b64encode
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from adapter.storage.driver_rows import instant, sqlite_blob, sqlite_instant, sqlite_stored

__all__ = [
    "PG_CLAIM",
    "PG_SAVE",
    "claim_sqlite",
    "claimed_rows",
    "pg_claim_values",
    "pg_save_values",
    "save_sqlite",
]

# What a round reads of a claimed job, in this order, then its request's bytes.
_COLUMNS: Final = (
    "id", "kind", "action", "target_url", "transaction_id", "payload", "callback_body",
    "callback_message_id", "attempts", "created_at", "deadline_at",
)  # fmt: skip
_DUE: Final = (
    "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= {now}"
    " AND (claimed_until IS NULL OR claimed_until < {now})"
    " ORDER BY deadline_at, id LIMIT {limit}"
)

_SQLITE_CLAIM: Final = (
    "UPDATE outbox SET claimed_by = :worker, claimed_until = :lease_until"
    f" WHERE id IN ({_DUE.format(now=':now', limit=':claim_limit')})"
    f" RETURNING {', '.join(_COLUMNS)},"
    " (SELECT body FROM messages WHERE messages.id = outbox.inbound_id)"
)

PG_CLAIM: Final = f"""
WITH claimed AS (
    UPDATE outbox SET claimed_by = %(worker)s, claimed_until = %(lease_until)s
    WHERE id IN ({_DUE.format(now="%(now)s", limit="%(claim_limit)s")} FOR UPDATE SKIP LOCKED)
    RETURNING {", ".join(_COLUMNS)}, inbound_id
)
SELECT {", ".join(f"claimed.{name}" for name in _COLUMNS)}, messages.body
FROM claimed LEFT JOIN messages ON messages.id = claimed.inbound_id
ORDER BY claimed.id
"""
"""The claim on PostgreSQL as one statement, bound with :func:`pg_claim_values`: the
claimed jobs' rows, for :func:`claimed_rows`."""


def pg_claim_values(
    worker: str, *, now: datetime, lease_until: datetime, limit: int
) -> dict[str, Any]:
    """The values :data:`PG_CLAIM` is bound with."""
    return {"worker": worker, "now": instant(now), "lease_until": instant(lease_until),
            "claim_limit": limit}  # fmt: skip


def claim_sqlite(
    worker: str, now: datetime, lease_until: datetime, limit: int, connection: sqlite3.Connection
) -> list[tuple[Any, ...]]:
    """The claim on SQLite (``Database.write_driver``): the claimed jobs' rows, for
    :func:`claimed_rows`, in id order."""
    values = {"worker": worker, "now": sqlite_instant(now),
              "lease_until": sqlite_instant(lease_until), "claim_limit": limit}  # fmt: skip
    # Ids are unique: the rows sort by their first column alone.
    return sorted(connection.execute(_SQLITE_CLAIM, values))


def _pg_stored(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _payload(stored: Any) -> Any:
    """A job's payload as SQLAlchemy's JSON reads it (``json``; PostgreSQL's driver gives it
    decoded). A reply's job carries no payload of its own (the edge writes ``{}``): that one
    is not parsed (``json.loads`` took 10.3 thousand instructions for it, callgrind)."""
    if stored == "{}":
        return {}
    return json.loads(stored) if isinstance(stored, str | bytes) else stored


def claimed_rows(
    rows: Iterable[tuple[Any, ...]], *, dialect: str, job: Callable[..., Any]
) -> list[Any]:
    """``job(*fields)`` for each claimed row, its fields in the order read (the columns of
    :data:`_COLUMNS`, then its request's bytes, as ``ClaimedJob`` has them): its columns
    as ``UtcDateTime`` and ``JSON`` read them (an aware UTC instant; the payload decoded by
    ``json``, as theirs). Each job is made from the row at once, with no dict of it."""
    stored = sqlite_stored if dialect == "sqlite" else _pg_stored
    return [
        job(
            id_, kind, action, target_url, transaction_id, _payload(payload),
            None if callback_body is None else bytes(callback_body),
            callback_message_id, attempts, stored(created_at), stored(deadline_at),
            None if inbound_body is None else bytes(inbound_body),
        )
        for (id_, kind, action, target_url, transaction_id, payload, callback_body,
             callback_message_id, attempts, created_at, deadline_at, inbound_body) in rows
    ]  # fmt: skip


_SQLITE_SAVE: Final = "UPDATE outbox SET callback_body = ?, callback_message_id = ? WHERE id = ?"

PG_SAVE: Final = """
UPDATE outbox AS o SET callback_body = decode(b.body, 'base64'), callback_message_id = b.mid
FROM json_to_recordset(CAST(%(built)s AS json)) AS b(job_id bigint, body text, mid text)
WHERE o.id = b.job_id
"""
"""The built callbacks' bytes saved on PostgreSQL, bound with :func:`pg_save_values`."""


def pg_save_values(built: Sequence[tuple[int, bytes, str | None]]) -> dict[str, Any]:
    """The values :data:`PG_SAVE` is bound with: (job id, body, message id) per callback."""
    rows = [{"job_id": job_id, "body": b64encode(body).decode("ascii"), "mid": mid}
            for job_id, body, mid in built]  # fmt: skip
    return {"built": orjson.dumps(rows).decode()}


def save_sqlite(
    built: Sequence[tuple[int, bytes, str | None]], connection: sqlite3.Connection
) -> None:
    """The built callbacks' bytes saved on SQLite (``Database.write_driver``)."""
    rows = [(sqlite_blob(body), mid, job_id) for job_id, body, mid in built]
    connection.executemany(_SQLITE_SAVE, rows)
