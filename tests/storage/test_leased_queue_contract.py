"""The leased queue both the outbox and seller notifications use: a renewed lease keeps a
job its worker's, a lapsed one frees it, a released job comes back without an attempt
counted. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapter.core.clock import FixedClock
from adapter.core.seller_events import SellerEvent
from adapter.storage import Database
from adapter.storage.notifications import SellerNotifications
from adapter.storage.outbox import Outbox

LEASE = timedelta(seconds=10)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An engine on each backend."""
    database = Database.connect(database_url)
    yield database
    await database.dispose()


async def _one_job(outbox: Outbox, clock: FixedClock) -> None:
    await outbox.enqueue_unsolicited(
        action="on_status",
        target_url="https://buyer.example/ondc/on_status",
        transaction_id="t-1",
        payload={},
        now=clock.now(),
        deadline_at=clock.now() + timedelta(seconds=30),
    )


async def test_a_renewed_lease_outlives_its_first_term_and_a_lapsed_one_frees_the_job(
    database: Database, clock: FixedClock
) -> None:
    outbox = Outbox(database)
    await _one_job(outbox, clock)
    [job] = await outbox.claim("a", now=clock.now(), lease_until=clock.now() + LEASE, limit=5)
    for _ in range(4):  # 20 s of sending, renewed every 5 s
        clock.advance(5)
        assert await outbox.renew("a", [job.id], lease_until=clock.now() + LEASE) == {job.id}
        assert await outbox.claim("b", now=clock.now(), lease_until=clock.now(), limit=5) == []
    # The worker dies: no more renewals. One lease later the job is free for another.
    clock.advance(LEASE.total_seconds() + 1)
    [again] = await outbox.claim("b", now=clock.now(), lease_until=clock.now() + LEASE, limit=5)
    assert again.id == job.id
    # The dead worker cannot renew (nor settle) what it no longer holds.
    assert await outbox.renew("a", [job.id], lease_until=clock.now() + LEASE) == set()


async def test_a_released_job_is_due_again_at_its_time_with_no_attempt_counted(
    database: Database, clock: FixedClock
) -> None:
    outbox = Outbox(database)
    await _one_job(outbox, clock)
    [job] = await outbox.claim("a", now=clock.now(), lease_until=clock.now() + LEASE, limit=5)
    await outbox.queue.release("a", [(job.id, clock.now() + timedelta(seconds=2))])
    assert await outbox.claim("b", now=clock.now(), lease_until=clock.now() + LEASE, limit=5) == []
    clock.advance(2)
    [again] = await outbox.claim("b", now=clock.now(), lease_until=clock.now() + LEASE, limit=5)
    assert (again.id, again.attempts) == (job.id, 0)


async def test_seller_notifications_lease_through_the_same_queue(
    database: Database, clock: FixedClock
) -> None:
    store = SellerNotifications(database, retry_window=timedelta(hours=1))
    await store.set_endpoint(
        "odop-kullu", "https://shop.example/hook", enabled=True, rotate_secret=False,
        now=clock.now(),
    )  # fmt: skip
    await store.enqueue(
        None, seller_code="odop-kullu", event=SellerEvent.ORDER_CREATED, order_id="O-1",
        payload={}, now=clock.now(),
    )  # fmt: skip
    [one] = await store.claim("a", now=clock.now(), lease_until=clock.now() + LEASE, limit=5)
    clock.advance(8)
    assert await store.renew("a", [one.id], lease_until=clock.now() + LEASE) == {one.id}
    clock.advance(8)  # 16 s after the claim, still held thanks to the renewal
    assert await store.claim("b", now=clock.now(), lease_until=clock.now() + LEASE, limit=5) == []
    clock.advance(3)
    [again] = await store.claim("b", now=clock.now(), lease_until=clock.now() + LEASE, limit=5)
    assert again.id == one.id
