"""Group commit: concurrent requests share a transaction, each keeps its own outcome."""

from __future__ import annotations

import asyncio

from adapter.core.clock import FixedClock
from adapter.storage import Store
from adapter.storage.group_commit import InboundWriter
from tests.storage.test_store_contract import _inbound, _job


async def test_a_batch_with_queued_callbacks_wakes_the_dispatchers_once(
    store: Store, clock: FixedClock
) -> None:
    wakeups: list[int] = []

    async def wake() -> None:
        wakeups.append(1)

    writer = InboundWriter(store, after_commit=wake)
    outcomes = await asyncio.gather(
        *(writer.accept(_inbound(clock, f"m-{i}"), _job(clock)) for i in range(10))
    )
    assert all(outcome is not None for outcome in outcomes)
    # All ten queued before the writer's first turn: one transaction, one wake-up.
    assert len(wakeups) == 1


async def test_duplicates_and_callback_less_requests_wake_nobody(
    store: Store, clock: FixedClock
) -> None:
    wakeups: list[int] = []

    async def wake() -> None:
        wakeups.append(1)

    writer = InboundWriter(store, after_commit=wake)
    assert await writer.accept(_inbound(clock, "m-1"), None) is not None
    assert wakeups == []
    assert await writer.accept(_inbound(clock, "m-2"), _job(clock)) is not None
    assert await writer.accept(_inbound(clock, "m-2"), _job(clock)) is None  # a duplicate
    assert len(wakeups) == 1
