"""``attempt_days``: the callbacks' delivery attempts summed by IST day, outcome and
channel.

A year of delivery attempts is a million rows or more; the dashboard's delivery table
(attempts by outcome, mean latency) would read them all for a one-year view. Instead,
each attempt is added to its day's sum in the transaction that records it
(:func:`attempt_sums`, added by the outbox's settling transaction,
``adapter/storage/settlements.py``), so the sums always
equal a count of ``delivery_attempts`` (migration 0025 made them from the rows that were
there; migration 0026 made them again by channel). A row holds, for one IST day of the
attempt, one outcome (ACK, NACK, error) and one channel (its job's, as
:mod:`.callback_days` tells it), the attempts, those with a latency, and the sum of those
latencies in ms.

Concurrent settlements add to the same few rows in one order (sorted keys), so two never
wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import func, select

from adapter.storage.callback_days import channel_of
from adapter.storage.database import Database
from adapter.storage.day_sums import period_days
from adapter.storage.order_facts import ist_day
from adapter.storage.scope import Scope
from adapter.storage.tables import attempt_days, delivery_attempts, outbox

__all__ = [
    "ATTEMPT_FIGURES",
    "ATTEMPT_KEYS",
    "attempt_days",
    "attempt_sums",
    "delivery_figures",
]

ATTEMPT_KEYS: Final = ("day", "outcome", "channel")
"""The keys of an ``attempt_days`` row."""
ATTEMPT_FIGURES: Final = ("attempts", "timed", "latency_ms")
"""The figures of an ``attempt_days`` row."""
_CHANNELS = ("b2c", "b2b")


def attempt_sums(
    attempts: Iterable[tuple[datetime, str, str, float | None]],
) -> list[dict[str, Any]]:
    """The day-sum rows of ``attempts`` (rows of ``delivery_attempts`` being recorded in a
    settling transaction), each given as (attempted at, outcome, its job's channel,
    latency in ms or None)."""
    summed: dict[tuple[date, str, str], dict[str, Any]] = {}
    for attempted_at, outcome, channel, latency_ms in attempts:
        key = (ist_day(attempted_at), outcome, channel)
        row = summed.get(key)
        if row is None:  # made once a key, not for every attempt (as a setdefault's default)
            row = summed[key] = {"day": key[0], "outcome": outcome, "channel": channel,
                                 "attempts": 0, "timed": 0, "latency_ms": 0.0}  # fmt: skip
        row["attempts"] += 1
        if latency_ms is not None:
            row["timed"] += 1
            row["latency_ms"] += float(latency_ms)
    return list(summed.values())


async def delivery_figures(database: Database, scope: Scope) -> list[dict[str, Any]]:
    """Delivery attempts in the scope's period (of its channel) by outcome: how many, of
    each channel (``b2c_attempts``, ``b2b_attempts``), and their mean latency in ms (to
    the tenth).

    The IST days wholly inside the period come from ``attempt_days``; its first and last
    days, which it may cover only in part, are counted from ``delivery_attempts`` (its
    index on ``attempted_at`` finds them) with their jobs' channel.
    """
    days = period_days(scope.since, scope.until)
    a, d = delivery_attempts.c, attempt_days.c
    channel = channel_of(database.dialect, outbox.c.callback_body)
    queries = []
    for since, until in days.edges:
        edge = (
            select(
                a.outcome,
                channel.label("channel"),
                func.count().label("attempts"),
                func.count(a.latency_ms).label("timed"),
                func.coalesce(func.sum(a.latency_ms), 0.0).label("latency_ms"),
            )
            .select_from(delivery_attempts.join(outbox, outbox.c.id == a.outbox_id))
            .where(a.attempted_at >= since, a.attempted_at < until)
            .group_by(a.outcome, channel)
        )
        if scope.channel is not None:
            edge = edge.where(channel == scope.channel)
        queries.append(edge)
    if days.has_whole:
        whole = (
            select(
                d.outcome,
                d.channel,
                func.sum(d.attempts).label("attempts"),
                func.sum(d.timed).label("timed"),
                func.sum(d.latency_ms).label("latency_ms"),
            )
            .where(days.whole(d.day))
            .group_by(d.outcome, d.channel)
        )
        if scope.channel is not None:
            whole = whole.where(d.channel == scope.channel)
        queries.append(whole)
    totals: dict[str, dict[str, Any]] = {}
    async with database.engine.connect() as connection:
        for query in queries:
            for row in await connection.execute(query):
                entry = totals.setdefault(
                    row.outcome, dict.fromkeys((*ATTEMPT_FIGURES, *_CHANNELS), 0)
                )
                entry["attempts"] += int(row.attempts or 0)
                entry[row.channel] += int(row.attempts or 0)
                entry["timed"] += int(row.timed or 0)
                entry["latency_ms"] += float(row.latency_ms or 0)
    return [
        {
            "outcome": outcome,
            "attempts": entry["attempts"],
            "b2c_attempts": entry["b2c"],
            "b2b_attempts": entry["b2b"],
            "mean_latency_ms": (
                round(entry["latency_ms"] / entry["timed"], 1) if entry["timed"] else None
            ),
        }
        for outcome, entry in sorted(totals.items())
        if entry["attempts"]
    ]
