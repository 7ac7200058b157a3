"""The outbox's claim in driver SQL (``adapter/storage/claims.py``): on every store a
claimed job reads back as SQLAlchemy's column types would give it, its request's bytes
with it, earliest deadline first."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapter.core.clock import FixedClock
from adapter.storage import Database
from adapter.storage.claims import PG_CLAIM, claim_sqlite, pg_claim_values
from adapter.storage.outbox import Outbox
from adapter.storage.store import InboundRecord, OutboxJob, Store
from tests.fixtures import migrated_sqlite

REQUEST = '{"context":{"action":"search"},"message":{"intent":{"descriptor":{"name":"चाय ₹"}}}}'


async def test_a_claimed_job_reads_back_whole_earliest_deadline_first(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    store, outbox = Store(database), Outbox(database)
    message = InboundRecord(
        direction="in", action="search", peer_id="buyer.example", transaction_id="t-1",
        message_id="m-1", received_at=clock.now(), headers={"Authorization": "x"},
        body=REQUEST.encode(), verification="valid",
    )  # fmt: skip
    job = OutboxJob(
        action="on_search", target_url="https://buyer.example/on_search", transaction_id="t-1",
        payload={"note": "कांगड़ा ₹", "n": [1, 2.5, None]}, created_at=clock.now(),
        deadline_at=clock.now() + timedelta(seconds=30),
    )  # fmt: skip
    await store.accept_inbound(message, job)
    # Queued later but due sooner: claimed first.
    await outbox.enqueue_unsolicited(
        action="on_status", target_url="https://buyer.example/on_status", transaction_id=None,
        payload={}, now=clock.now(), deadline_at=clock.now() + timedelta(seconds=5),
    )  # fmt: skip
    lease = clock.now() + timedelta(seconds=10)
    [first] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1)
    [second] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=5)
    assert await outbox.claim("w", now=clock.now(), lease_until=lease, limit=5) == []
    assert (first.action, first.inbound_body, first.kind) == ("on_status", None, "unsolicited")
    assert second.action == "on_search"
    assert second.inbound_body == REQUEST.encode()
    assert second.payload == {"note": "कांगड़ा ₹", "n": [1, 2.5, None]}
    assert second.created_at == clock.now()
    assert second.created_at.tzinfo == UTC
    assert second.deadline_at == clock.now() + timedelta(seconds=30)
    assert (second.attempts, second.callback_body, second.transaction_id) == (0, None, "t-1")
    # The bytes built for a job are saved with it: a retry sends exactly them.
    built = '{"message":{"catalog":"कांगड़ा ₹"}}'.encode()
    await outbox.save_callbacks([(second.id, built, "cb-1")])
    # The claimed jobs are this worker's until the lease ends, then anyone's.
    clock.advance(11)
    again = await outbox.claim("v", now=clock.now(), lease_until=clock.now(), limit=5)
    assert [j.id for j in again] == sorted([first.id, second.id])
    retry = next(j for j in again if j.id == second.id)
    assert (retry.callback_body, retry.callback_message_id) == (built, "cb-1")
    await database.dispose()


# A backlog of pending jobs, deadlines in the order they were queued, none claimed: what a
# burst leaves queued behind the dispatcher.
_BACKLOG = """
INSERT INTO outbox (kind, action, target_url, payload, status, attempts, created_at,
                    next_attempt_at, deadline_at)
SELECT 'reply', 'on_search', 'https://buyer.example/on_search', '{{}}', 'pending', 0,
       {start}, {start}, {deadline}
FROM {numbers}
"""
_SQLITE_NUMBERS = (
    "(WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {count})"
    " SELECT g FROM n)"
)


def _sqlite_backlog(connection: sqlite3.Connection, count: int) -> None:
    connection.execute(
        _BACKLOG.format(
            start="'2026-11-23 09:00:00.000000'",
            deadline=(
                "strftime('%Y-%m-%d %H:%M:%f000', '2026-11-23 09:00:30', '+' || g || ' seconds')"
            ),
            numbers=_SQLITE_NUMBERS.format(count=count),
        )
    )
    connection.commit()


def _sqlite_claim_steps(path: Path, backlog: int) -> int:
    """The SQLite virtual machine's steps for one claim of 32 jobs out of ``backlog``."""
    connection = sqlite3.connect(path)
    _sqlite_backlog(connection, backlog)
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0

    connection.set_progress_handler(step, 1)
    now = datetime(2026, 11, 23, 9, 0, 1, tzinfo=UTC)
    claimed = claim_sqlite("w", now, now + timedelta(seconds=10), 32, connection)
    connection.set_progress_handler(None, 1)
    connection.close()
    assert len(claimed) == 32
    return steps


def _migrated(path: Path) -> Path:
    migrated_sqlite(path)
    return path


def test_a_sqlite_claim_reads_the_jobs_it_takes_not_the_backlog(tmp_path: Path) -> None:
    """A claim walks the pending jobs in deadline order and stops once it has enough: its
    work is the same behind 200 queued jobs as behind 20,000 (sorting the whole backlog to
    take a few, it grew a hundredfold and cost 2 ms a claim at the largest backlog)."""
    small = _sqlite_claim_steps(_migrated(tmp_path / "small.db"), 200)
    large = _sqlite_claim_steps(_migrated(tmp_path / "large.db"), 20_000)
    assert large < small * 1.5, (small, large)


@pytest.mark.postgres
async def test_a_postgres_claim_reads_the_jobs_it_takes_not_the_backlog(
    migrated_postgres_url: str,
) -> None:
    """On PostgreSQL the claim reads the pending jobs by the partial index in its own
    order: no more rows read than the jobs it takes, and none of the backlog sorted.

    With statistics, as autovacuum gathers them once a table has grown (docs/operations.md:
    autovacuum must be on). A table never analysed is taken for a few rows, which the
    planner then prefers to read all and sort: 20,000 sorted in 4.6 ms."""
    database = Database.connect(migrated_postgres_url)
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql(
            _BACKLOG.format(
                start="TIMESTAMPTZ '2026-11-23 09:00:00+00'",
                deadline="TIMESTAMPTZ '2026-11-23 09:00:30+00' + g * INTERVAL '1 second'",
                numbers="generate_series(1, 20000) AS g",
            )
        )
        await connection.exec_driver_sql("ANALYZE outbox")
    now = datetime(2026, 11, 23, 9, 0, 1, tzinfo=UTC)
    values = pg_claim_values("w", now=now, lease_until=now + timedelta(seconds=10), limit=32)
    [(plan,)] = await database.statement("EXPLAIN (ANALYZE, FORMAT JSON) " + PG_CLAIM, values)
    nodes = _nodes(plan)
    # The only sort is of the claimed jobs (returned in id order).
    sorted_rows = [n["Actual Rows"] for n in nodes if "Sort" in n["Node Type"]]
    assert sorted_rows
    assert max(sorted_rows) == 32, sorted_rows
    [walk] = [n for n in nodes if n.get("Index Name") == "ix_outbox_pending_deadline"]
    assert walk["Actual Rows"] == 32
    await database.dispose()


def _nodes(plan: Any) -> list[dict[str, Any]]:
    """Every node of an ``EXPLAIN (FORMAT JSON)`` plan that ran."""
    found = []
    nodes = [node["Plan"] for node in plan]
    while nodes:
        node = nodes.pop()
        if node.get("Actual Loops", 1):
            found.append(node)
        nodes.extend(node.get("Plans", []))
    return found


async def test_replies_without_a_payload_each_read_back_an_empty_one_of_their_own(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    store, outbox = Store(database), Outbox(database)
    for number in range(2):
        message = InboundRecord(
            direction="in", action="search", peer_id="buyer.example",
            transaction_id=f"t-{number}", message_id=f"m-{number}", received_at=clock.now(),
            headers={}, body=REQUEST.encode(), verification="valid",
        )  # fmt: skip
        job = OutboxJob(
            action="on_search", target_url="https://buyer.example/on_search",
            transaction_id=f"t-{number}", payload={}, created_at=clock.now(),
            deadline_at=clock.now() + timedelta(seconds=30),
        )  # fmt: skip
        await store.accept_inbound(message, job)
    lease = clock.now() + timedelta(seconds=10)
    first, second = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=2)
    assert first.payload == second.payload == {}
    first.payload["changed"] = True  # a job's own: the other's stays empty
    assert second.payload == {}
    await database.dispose()
