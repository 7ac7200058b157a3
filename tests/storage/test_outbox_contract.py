"""Outbox claiming: several claimers on one database never take the same job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapter.core.clock import FixedClock
from adapter.storage import Database
from adapter.storage.outbox import Attempt, Outbox


async def _enqueue(outbox: Outbox, clock: FixedClock, count: int) -> None:
    for number in range(count):
        await outbox.enqueue_unsolicited(
            action="on_status",
            target_url="https://buyer.example/ondc/on_status",
            transaction_id=f"t-{number}",
            payload={"n": number},
            now=clock.now(),
            deadline_at=clock.now() + timedelta(seconds=30),
        )


async def test_concurrent_claimers_on_separate_connections_share_jobs_without_overlap(
    database_url: str, clock: FixedClock
) -> None:
    # Separate engines, as separate adapter processes would have.
    databases = [Database.connect(database_url, pool_size=2) for _ in range(4)]
    outboxes = [Outbox(database) for database in databases]
    await _enqueue(outboxes[0], clock, 60)
    lease = clock.now() + timedelta(seconds=30)

    async def claim_all(outbox: Outbox, worker: str) -> list[int]:
        taken: list[int] = []
        while batch := await outbox.claim(worker, now=clock.now(), lease_until=lease, limit=5):
            taken.extend(job.id for job in batch)
        return taken

    results = await asyncio.gather(*(claim_all(o, f"w{i}") for i, o in enumerate(outboxes)))
    for database in databases:
        await database.dispose()
    claimed = [job for taken in results for job in taken]
    assert len(claimed) == 60
    assert len(set(claimed)) == 60


async def test_expired_lease_makes_a_job_claimable_again(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    outbox = Outbox(database)
    await _enqueue(outbox, clock, 1)
    [job] = await outbox.claim(
        "dead", now=clock.now(), lease_until=clock.now() + timedelta(seconds=30), limit=5
    )
    assert await outbox.claim("live", now=clock.now(), lease_until=clock.now(), limit=5) == []
    clock.advance(31)
    [again] = await outbox.claim(
        "live", now=clock.now(), lease_until=clock.now() + timedelta(seconds=30), limit=5
    )
    assert again.id == job.id
    # The dead worker's late settle is refused: the lease is no longer its own.
    attempt = Attempt(clock.now(), 200, 1.0, "ACK")
    assert await outbox.settle(job.id, "dead", attempt, status="delivered") is False
    assert await outbox.settle(job.id, "live", attempt, status="delivered") is True
    [row] = await outbox.jobs()
    assert row["status"] == "delivered"
    assert row["delivered_at"] == clock.now()
    await database.dispose()


async def test_retry_is_not_claimed_before_its_time(database_url: str, clock: FixedClock) -> None:
    database = Database.connect(database_url)
    outbox = Outbox(database)
    await _enqueue(outbox, clock, 1)
    lease = clock.now() + timedelta(seconds=30)
    assert await outbox.any_due(clock.now()) is True
    [job] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1)
    assert await outbox.any_due(clock.now()) is False  # claimed: not due for anyone else
    attempt = Attempt(clock.now(), 503, 2.0, "error", "HTTP 503")
    later = clock.now() + timedelta(seconds=2)
    assert await outbox.settle(job.id, "w", attempt, status="pending", next_attempt_at=later)
    assert await outbox.any_due(clock.now()) is False
    assert await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1) == []
    clock.advance(2)
    assert await outbox.any_due(clock.now()) is True
    [retry] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1)
    assert retry.attempts == 1
    await database.dispose()
