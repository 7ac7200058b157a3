"""``callback_days``: the callbacks to buyer apps summed by IST day, action and channel.

A year of callbacks is a million ``outbox`` rows; the dashboard's service levels and the
overview's "callbacks on time" would count them all for every one-year view. Instead, each
job's outcome is added to its day's sum in the transaction that settles it
(:func:`callback_sums`, added by ``Outbox.settle_many``), and taken off again in the
transaction that puts a parked job back in the queue (:func:`uncount_parked`, called by
``Outbox.replay``), so the sums always equal a count of the outbox's settled rows
(migration 0022 made them from the rows that were there).

A row is keyed by the IST day the job was created (the department's days), its callback
action and its channel, and holds the jobs delivered, delivered within ONDC's window
(:data:`CALLBACK_WINDOW_SECONDS` after the job was created) and parked (failed). Pending
jobs are not summed: they are few (the queue's backlog) and move every second, so they are
counted from ``outbox`` itself.

The channel is ``b2b`` when the callback's bytes carry ONDC B2B 2.0.2's context key
``"version":"2.0.2"`` (retail and IGM contexts name theirs ``core_version``), ``b2c``
otherwise, and for a job parked before its callback was ever built. The bytes are JSON
as serialised by the adapter (no spaces), where an unescaped ``"version":"2.0.2"`` can only
be a key and its value.

Concurrent settlements add to the same few rows: each transaction adds to them in one
order (sorted keys), so two never wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import Connection, LargeBinary, Select, bindparam, case, func, literal, select

from adapter.storage.database import Database
from adapter.storage.day_sums import add_to_day_sums, period_days
from adapter.storage.order_facts import ist_day
from adapter.storage.scope import Scope
from adapter.storage.tables import callback_days, outbox

__all__ = [
    "CALLBACK_FIGURES",
    "CALLBACK_KEYS",
    "CALLBACK_WINDOW_SECONDS",
    "callback_days",
    "callback_figures",
    "callback_sums",
    "channel_of",
    "settled_jobs",
    "uncount_parked",
]

CALLBACK_WINDOW_SECONDS: Final = 30
"""A callback is on time when it reaches the buyer app within the request's ttl; ONDC's
retail 1.2.0 contexts give requests ``PT30S``."""

B2B_CONTEXT: Final = b'"version":"2.0.2"'
"""What marks a callback of ONDC B2B 2.0.2 in its serialised bytes (see the module's
docstring)."""

CALLBACK_KEYS: Final = ("day", "action", "channel")
"""The keys of a ``callback_days`` row."""
CALLBACK_FIGURES: Final = ("delivered", "on_time", "failed")
"""The figures of a ``callback_days`` row."""


def channel_of(dialect: str, callback_body: Any) -> Any:
    """The SQL expression of a job's channel (``b2b``/``b2c``) from its ``callback_body``
    on ``dialect`` (PostgreSQL matches bytes with LIKE; SQLite's LIKE reads text only)."""
    if dialect == "postgresql":
        pattern = literal(b"%" + B2B_CONTEXT + b"%", LargeBinary)
        carried = callback_body.like(pattern)
    else:
        carried = func.instr(callback_body, literal(B2B_CONTEXT, LargeBinary)) > 0
    return case((carried, "b2b"), else_="b2c")


def seconds_between(dialect: str, later: Any, earlier: Any) -> Any:
    """The SQL expression of the seconds from ``earlier`` to ``later`` on ``dialect``."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def callback_sums(jobs: Iterable[Any], sign: int) -> list[dict[str, Any]]:
    """The day-sum rows of ``jobs`` (each with its ``created_at``, ``action``, ``channel``,
    ``status`` and ``delivered_at``), each figure counted ``sign`` times."""
    summed: dict[tuple[date, str, str], dict[str, Any]] = {}
    for job in jobs:
        key = (ist_day(job.created_at), job.action, job.channel)
        row = summed.get(key)
        if row is None:  # made once a key, not for every job (as a setdefault's default)
            keys = {"day": key[0], "action": key[1], "channel": key[2]}
            row = summed[key] = keys | dict.fromkeys(CALLBACK_FIGURES, 0)
        if job.status == "delivered":
            row["delivered"] += sign
            took = (job.delivered_at - job.created_at).total_seconds()
            row["on_time"] += sign * (took <= CALLBACK_WINDOW_SECONDS)
        elif job.status == "failed":
            row["failed"] += sign
    return list(summed.values())


def settled_jobs(connection: Connection, ids: list[int]) -> list[Any]:
    """The jobs ``ids`` as this transaction sees them (id, action, status, times and
    channel): what :func:`callback_sums` sums, and the channel of their attempts."""
    return list(connection.execute(_settled_jobs(connection.dialect.name), {"ids": ids}))


@lru_cache(maxsize=2)
def _settled_jobs(dialect: str) -> Select[Any]:
    """The statement of :func:`settled_jobs`, built once per dialect (every settlement
    runs it) and bound per call."""
    o = outbox.c
    return select(
        o.id,
        o.action,
        o.status,
        o.created_at,
        o.delivered_at,
        channel_of(dialect, o.callback_body).label("channel"),
    ).where(o.id.in_(bindparam("ids", expanding=True)))


def uncount_parked(connection: Connection, job_id: int) -> None:
    """Take the parked job ``job_id`` off its day sum, in the transaction that puts it back
    in the queue (before its status changes; nothing if it is not parked)."""
    parked = (job for job in settled_jobs(connection, [job_id]) if job.status == "failed")
    rows = callback_sums(parked, -1)
    if rows:
        add_to_day_sums(connection, callback_days, CALLBACK_KEYS, CALLBACK_FIGURES, rows)


async def callback_figures(database: Database, scope: Scope) -> dict[str, dict[str, int]]:
    """Per callback action of the jobs created in the scope's period (and channel):
    queued, delivered, on time, parked and pending.

    The IST days wholly inside the period come from ``callback_days`` (and the pending
    jobs of those days from ``outbox``, where the status index finds them); its first and
    last days, which it may cover only in part, are counted from ``outbox``.
    """
    days = period_days(scope.since, scope.until)
    figures: dict[str, dict[str, int]] = {}

    def add(action: str, **counts: Any) -> None:
        entry = figures.setdefault(
            action, dict.fromkeys(("queued", "delivered", "on_time", "parked", "pending"), 0)
        )
        for name, count in counts.items():
            entry[name] += int(count or 0)

    o, d = outbox.c, callback_days.c
    channel = channel_of(database.dialect, o.callback_body)
    on_time = seconds_between(database.dialect, o.delivered_at, o.created_at) <= (
        CALLBACK_WINDOW_SECONDS
    )
    direct = select(
        o.action,
        func.count().label("queued"),
        func.count().filter(o.status == "delivered").label("delivered"),
        func.count().filter(o.status == "delivered", on_time).label("on_time"),
        func.count().filter(o.status == "failed").label("parked"),
        func.count().filter(o.status == "pending").label("pending"),
    ).group_by(o.action)
    if scope.channel is not None:
        direct = direct.where(channel == scope.channel)
    queries = []
    if days.has_whole:
        summed = (
            select(
                d.action,
                func.sum(d.delivered).label("delivered"),
                func.sum(d.on_time).label("on_time"),
                func.sum(d.failed).label("parked"),
            )
            .where(days.whole(d.day))
            .group_by(d.action)
        )
        if scope.channel is not None:
            summed = summed.where(d.channel == scope.channel)
        queries.append(summed)
        queries.append(
            direct.where(
                o.status == "pending",
                o.created_at >= days.whole_span[0],
                o.created_at < days.whole_span[1],
            )
        )
    queries.extend(
        direct.where(o.created_at >= since, o.created_at < until) for since, until in days.edges
    )
    async with database.engine.connect() as connection:
        for query in queries:
            for row in await connection.execute(query):
                counts = dict(row._mapping)
                action = counts.pop("action")
                if "queued" not in counts:
                    # Whole days: every job was delivered, parked or is pending.
                    counts["queued"] = sum(int(counts[n] or 0) for n in ("delivered", "parked"))
                add(action, **counts)
    return dict(sorted(figures.items()))
