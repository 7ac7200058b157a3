"""Group commit: concurrent requests share a transaction, each keeps its own outcome."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy.exc import DBAPIError

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


async def test_a_row_the_database_refuses_fails_its_request_only(
    store: Store, clock: FixedClock
) -> None:
    # PostgreSQL refuses NUL in text (one buyer app's "\u0000" failed every request
    # batched with it: 82 of 200 honest requests got 503); both stores refuse a missing
    # sender. The rest of the batch is written without the bad rows.
    bad = [replace(_inbound(clock, "bad-peer"), peer_id=None)]  # type: ignore[arg-type]
    if store.database.dialect == "postgresql":
        bad.append(replace(_inbound(clock, "bad-nul"), transaction_id="t-\x00"))
    writer = InboundWriter(store)
    honest = [_inbound(clock, f"m-{i}") for i in range(20)]
    requests = honest[:7] + bad[:1] + honest[7:14] + bad[1:] + honest[14:]
    outcomes = await asyncio.gather(
        *(writer.accept(message, _job(clock)) for message in requests), return_exceptions=True
    )
    refused = [o for o, m in zip(outcomes, requests, strict=True) if m in bad]
    accepted = [o for o, m in zip(outcomes, requests, strict=True) if m not in bad]
    assert all(isinstance(o, DBAPIError) for o in refused), refused
    assert all(isinstance(o, int) for o in accepted), accepted
    assert len(set(accepted)) == 20
    stored = await store.messages_for_transaction("t-1")
    assert sorted(m["message_id"] for m in stored) == sorted(f"m-{i}" for i in range(20))
