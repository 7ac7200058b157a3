"""Delivery attempts' day sums (``attempt_days``) equal a direct count of
``delivery_attempts`` on every store: kept by the outbox's settling transactions, and
made by migration 0025 from the attempts a deployment already had."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from adapter.storage import Database, upgrade
from adapter.storage.attempt_days import delivery_figures
from adapter.storage.order_facts import ist_day
from adapter.storage.outbox import Attempt, Outbox, Settlement
from adapter.storage.reports import Reports
from adapter.storage.scope import Scope
from adapter.storage.tables import attempt_days, delivery_attempts, outbox
from tests.storage.test_callback_days import (
    B2B_BODY,
    B2C_BODY,
    unmigrated_url,  # noqa: F401 (a fixture)
)

# 18:20 UTC is 23:50 in India: attempts ten minutes apart fall on two IST days.
START = datetime(2026, 11, 20, 18, 20, tzinfo=UTC)


async def _attempts(database: Database) -> list[Any]:
    """The attempts, each with its job's channel."""
    body = outbox.c.callback_body
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(delivery_attempts, body).join(
                outbox, outbox.c.id == delivery_attempts.c.outbox_id
            )
        )
        return [
            SimpleNamespace(
                **row._mapping, channel="b2b" if row.callback_body == B2B_BODY else "b2c"
            )
            for row in rows
        ]


async def _summed(database: Database) -> Counter[tuple[Any, ...]]:
    async with database.engine.connect() as connection:
        rows = list(await connection.execute(sa.select(attempt_days)))
    summed: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        key = (row.day, row.outcome, row.channel)
        summed[(*key, "attempts")] += row.attempts
        summed[(*key, "timed")] += row.timed
        summed[(*key, "latency_ms")] += row.latency_ms
    return +summed


def _direct(rows: list[Any]) -> Counter[tuple[Any, ...]]:
    counted: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        key = (ist_day(row.attempted_at), row.outcome, row.channel)
        counted[(*key, "attempts")] += 1
        if row.latency_ms is not None:
            counted[(*key, "timed")] += 1
            counted[(*key, "latency_ms")] += row.latency_ms
    return +counted


def _figures(
    rows: list[Any], since: datetime, until: datetime, channel: str | None = None
) -> list[dict[str, Any]]:
    """What the delivery table shows, counted from the attempts themselves."""
    by: dict[str, list[Any]] = {}
    for row in rows:
        if since <= row.attempted_at < until and channel in (None, row.channel):
            by.setdefault(row.outcome, []).append(row)
    result = []
    for outcome, attempts in sorted(by.items()):
        timed = [row.latency_ms for row in attempts if row.latency_ms is not None]
        mean = round(sum(timed) / len(timed), 1) if timed else None
        result.append(
            {
                "outcome": outcome,
                "attempts": len(attempts),
                "b2c_attempts": sum(row.channel == "b2c" for row in attempts),
                "b2b_attempts": sum(row.channel == "b2b" for row in attempts),
                "mean_latency_ms": mean,
            }
        )
    return result


async def test_day_sums_follow_the_recorded_attempts(database_url: str) -> None:
    database = Database.connect(database_url)
    jobs = Outbox(database)
    # (minutes after START, outcome, latency in ms, the job's status after it)
    plan = [
        (0, "ACK", 12.5, "delivered"),
        (1, "NACK", 40.0, "pending"),
        (2, "error", None, "failed"),
        (11, "ACK", 7.0, "delivered"),  # the next IST day
        (12, "NACK", 30.0, "pending"),
        (13, "error", None, "pending"),
        (3 * 24 * 60, "ACK", 20.0, "delivered"),
    ]
    for minutes, outcome, latency, status in plan:
        at = START + timedelta(minutes=minutes)
        await jobs.enqueue_unsolicited(
            action="on_status",
            target_url="https://buyer.example/ondc",
            transaction_id=f"t-{minutes}",
            payload={},
            now=at,
            deadline_at=at + timedelta(seconds=30),
        )
        [job] = await jobs.claim("w", now=at, lease_until=at + timedelta(days=30), limit=1)
        if minutes in (1, 11, 3 * 24 * 60):  # B2B callbacks
            async with database.transaction() as connection:
                await connection.execute(
                    sa.update(outbox).where(outbox.c.id == job.id).values(callback_body=B2B_BODY)
                )
        http = None if outcome == "error" else 200
        retry = at + timedelta(hours=1) if status == "pending" else None
        settled = Settlement(job.id, Attempt(at, http, latency, outcome), status, retry)
        assert await jobs.settle_many("w", [settled]) == [True]
    rows = await _attempts(database)
    assert len(rows) == len(plan)
    assert await _summed(database) == _direct(rows)

    for since, until in [
        (START - timedelta(days=2), START + timedelta(days=5)),  # whole days and edges
        (START + timedelta(minutes=1), START + timedelta(days=3, minutes=1)),
        (START + timedelta(minutes=1), START + timedelta(minutes=12)),  # within two days
        (START + timedelta(days=10), START + timedelta(days=20)),  # nothing
    ]:
        for channel in (None, "b2c", "b2b"):
            scope = Scope(since, until, channel=channel)
            expected = _figures(rows, since, until, channel)
            assert await delivery_figures(database, scope) == expected, (since, until, channel)
            assert await Reports(database).delivery(scope) == expected
    whole = await delivery_figures(
        database, Scope(START - timedelta(days=2), START + timedelta(days=5))
    )
    assert whole == [
        {
            "outcome": "ACK",
            "attempts": 3,
            "b2c_attempts": 1,
            "b2b_attempts": 2,
            "mean_latency_ms": 13.2,
        },
        {
            "outcome": "NACK",
            "attempts": 2,
            "b2c_attempts": 1,
            "b2b_attempts": 1,
            "mean_latency_ms": 35.0,
        },
        {
            "outcome": "error",
            "attempts": 2,
            "b2c_attempts": 2,
            "b2b_attempts": 0,
            "mean_latency_ms": None,
        },
    ]
    await database.dispose()


async def test_migration_sums_the_attempts_already_recorded(unmigrated_url: str) -> None:  # noqa: F811
    upgrade(unmigrated_url, "0024")
    database = Database.connect(unmigrated_url)
    jobs = [
        {
            "id": number + 1,
            "kind": "reply",
            "action": "on_status",
            "target_url": "https://buyer.example/ondc",
            "payload": {},
            "status": "delivered",
            "callback_body": (B2B_BODY, B2C_BODY, None)[number % 3],
            "attempts": 1,
            "created_at": START,
            "next_attempt_at": START,
            "deadline_at": START + timedelta(seconds=30),
        }
        for number in range(5)
    ]
    attempts = [
        {
            "outbox_id": 1 + number % 5,
            "attempted_at": START + timedelta(minutes=7 * number),
            "http_status": 200,
            "latency_ms": None if number % 6 == 0 else float(number),
            "outcome": ("ACK", "NACK", "error")[number % 3],
        }
        for number in range(30)
    ]
    async with database.transaction() as connection:
        await connection.execute(sa.insert(outbox), jobs)
        await connection.execute(sa.insert(delivery_attempts), attempts)
    await database.dispose()
    upgrade(unmigrated_url)
    database = Database.connect(unmigrated_url)
    rows = await _attempts(database)
    direct = _direct(rows)
    assert await _summed(database) == direct
    assert len({key[0] for key in direct}) == 2  # the attempts span two IST days
    assert {key[2] for key in direct} == {"b2b", "b2c"}
    await database.dispose()
