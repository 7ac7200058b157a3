"""The audit log kept within a size as well as an age, oldest rows first, on both stores."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select, update

from adapter.core.clock import FixedClock
from adapter.storage import Store
from adapter.storage.retention import AuditRetention
from adapter.storage.tables import messages, outbox
from tests.storage.test_store_contract import _inbound, _job

KB = b"x" * 1000


async def _ids_left(store: Store) -> list[str]:
    async with store.database.engine.connect() as connection:
        rows = await connection.execute(select(messages.c.message_id).order_by(messages.c.id))
        return [row[0] for row in rows]


async def test_the_oldest_rows_go_first_until_the_log_fits_its_size(
    store: Store, clock: FixedClock
) -> None:
    # The first two rows have jobs: one still pending (its request must stay), one
    # delivered (its request may go).
    await store.accept_inbound(replace(_inbound(clock, "pending"), body=KB), _job(clock))
    await store.accept_inbound(replace(_inbound(clock, "delivered"), body=KB), _job(clock))
    async with store.database.transaction() as connection:
        await connection.execute(
            update(outbox)
            .where(outbox.c.id == select(func.max(outbox.c.id)).scalar_subquery())
            .values(status="delivered")
        )
    for n in range(10):
        clock.advance(1)
        await store.accept_inbound(replace(_inbound(clock, f"m-{n}"), body=KB), None)
    assert await store.audit_bytes() == 12_000
    purged = await store.purge_messages_over(5_000)
    assert await _ids_left(store) == ["pending", "m-6", "m-7", "m-8", "m-9"]
    assert purged == 7
    assert await store.audit_bytes() == 5_000
    async with store.database.engine.connect() as connection:
        jobs = (await connection.execute(select(outbox.c.status, outbox.c.inbound_id))).all()
    assert sorted((status, id_ is None) for status, id_ in jobs) == [
        ("delivered", True),
        ("pending", False),
    ]
    assert await store.purge_messages_over(5_000) == 0


async def test_retention_purges_by_age_then_by_size(store: Store, clock: FixedClock) -> None:
    for n in range(3):
        await store.accept_inbound(replace(_inbound(clock, f"old-{n}"), body=KB), None)
    clock.advance(86_400 * 100)
    for n in range(4):
        await store.accept_inbound(replace(_inbound(clock, f"new-{n}"), body=KB), None)
    retention = AuditRetention(store, clock, max_age=timedelta(days=90), max_bytes=2_500)
    assert await retention.run_once() == 5
    assert await _ids_left(store) == ["new-2", "new-3"]


async def test_a_pass_that_fails_unexpectedly_leaves_the_next_one_to_run(
    store: Store, clock: FixedClock
) -> None:
    # Any failure of a pass (not only the database's) is logged and the next pass runs:
    # the loop is the only thing that bounds the log, and it must not stop for good.
    class Flaky:
        def __init__(self) -> None:
            self.calls = 0

        async def purge_messages(self, **_: object) -> int:
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("a bug in one pass")
            return 0

        async def purge_messages_over(self, _: int) -> int:
            return 0

    flaky = Flaky()
    retention = AuditRetention(
        flaky,  # type: ignore[arg-type]
        clock,
        max_age=timedelta(days=90),
        max_bytes=2_500,
        every_seconds=0.01,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(retention.run(stop))
    for _ in range(200):
        if flaky.calls >= 2:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, 5)
    assert flaky.calls >= 2
