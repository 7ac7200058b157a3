"""``attempt_days``: the callbacks' delivery attempts summed by IST day and outcome.

A year of delivery attempts is a million rows or more; the dashboard's delivery table
(attempts by outcome, mean latency) would read them all for a one-year view. Instead,
each attempt is added to its day's sum in the transaction that records it
(:func:`count_attempts`, called by the outbox's settling transaction), so the sums always
equal a count of ``delivery_attempts`` (migration 0025 made them from the rows that were
there). A row holds, for one IST day of the attempt and one outcome (ACK, NACK, error),
the attempts, those with a latency, and the sum of those latencies in ms.

Concurrent settlements add to the same few rows in one order (sorted keys), so two never
wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from adapter.storage.database import Database
from adapter.storage.day_sums import add_to_day_sums, period_days
from adapter.storage.order_facts import ist_day
from adapter.storage.scope import Scope
from adapter.storage.tables import attempt_days, delivery_attempts

__all__ = ["attempt_days", "count_attempts", "delivery_figures"]

_FIGURES = ("attempts", "timed", "latency_ms")


def count_attempts(connection: Connection, attempts: Iterable[Mapping[str, Any]]) -> None:
    """Add ``attempts`` (rows of ``delivery_attempts`` being recorded in this
    transaction) to their day sums."""
    summed: dict[tuple[date, str], dict[str, Any]] = {}
    for attempt in attempts:
        key = (ist_day(attempt["attempted_at"]), attempt["outcome"])
        row = summed.setdefault(
            key, {"day": key[0], "outcome": key[1], "attempts": 0, "timed": 0, "latency_ms": 0.0}
        )
        row["attempts"] += 1
        if attempt["latency_ms"] is not None:
            row["timed"] += 1
            row["latency_ms"] += float(attempt["latency_ms"])
    if not summed:
        return
    add_to_day_sums(connection, attempt_days, ("day", "outcome"), _FIGURES, list(summed.values()))


async def delivery_figures(database: Database, scope: Scope) -> list[dict[str, Any]]:
    """Delivery attempts in the scope's period by outcome: how many, and their mean
    latency in ms (to the tenth).

    The IST days wholly inside the period come from ``attempt_days``; its first and last
    days, which it may cover only in part, are counted from ``delivery_attempts`` (its
    index on ``attempted_at`` finds them).
    """
    days = period_days(scope.since, scope.until)
    a, d = delivery_attempts.c, attempt_days.c
    direct = select(
        a.outcome,
        func.count().label("attempts"),
        func.count(a.latency_ms).label("timed"),
        func.coalesce(func.sum(a.latency_ms), 0.0).label("latency_ms"),
    ).group_by(a.outcome)
    queries = []
    if days.has_whole:
        queries.append(
            select(
                d.outcome,
                func.sum(d.attempts).label("attempts"),
                func.sum(d.timed).label("timed"),
                func.sum(d.latency_ms).label("latency_ms"),
            )
            .where(days.whole(d.day))
            .group_by(d.outcome)
        )
    queries.extend(
        direct.where(a.attempted_at >= since, a.attempted_at < until) for since, until in days.edges
    )
    totals: dict[str, dict[str, Any]] = {}
    async with database.engine.connect() as connection:
        for query in queries:
            for row in await connection.execute(query):
                entry = totals.setdefault(row.outcome, dict.fromkeys(_FIGURES, 0))
                entry["attempts"] += int(row.attempts or 0)
                entry["timed"] += int(row.timed or 0)
                entry["latency_ms"] += float(row.latency_ms or 0)
    return [
        {
            "outcome": outcome,
            "attempts": entry["attempts"],
            "mean_latency_ms": (
                round(entry["latency_ms"] / entry["timed"], 1) if entry["timed"] else None
            ),
        }
        for outcome, entry in sorted(totals.items())
        if entry["attempts"]
    ]
