"""The group commit handing its jobs to this process's dispatcher: on every store each job
is committed already leased to that dispatcher, handed over with what a claim would have
read, and nobody else can take it until its lease lapses; then any claim does."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from adapter.core.clock import FixedClock
from adapter.storage import Store
from adapter.storage.group_commit import InboundWriter
from adapter.storage.outbox import ClaimedJob, Outbox
from tests.storage.test_store_contract import HINDI_BODY, _inbound, _job


class _Taker:
    """This process's dispatcher as the group commit sees it."""

    worker = "edge-and-dispatcher:1"

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock
        self.handed: list[tuple[list[ClaimedJob], datetime]] = []

    def lease_until(self) -> datetime:
        return self._clock.now() + timedelta(seconds=10)

    def hand(self, jobs: list[ClaimedJob], until: datetime) -> None:
        self.handed.append((jobs, until))


async def test_committed_jobs_are_leased_to_this_process_and_handed_over_once(
    store: Store, clock: FixedClock
) -> None:
    taker = _Taker(clock)
    woken: list[int] = []

    async def wake() -> None:
        woken.append(1)

    writer = InboundWriter(store, after_commit=wake, hand_off=taker)
    kept: list[str] = []
    requests = [
        writer.accept(_inbound(clock, f"m-{i}"), _job(clock) if i % 3 else None,
                      lambda i=i: kept.append(f"m-{i}"))  # type: ignore[misc]
        for i in range(9)
    ]  # fmt: skip
    # The same message twice in the batch: one row, one job, kept once.
    requests.append(writer.accept(_inbound(clock, "m-1"), _job(clock), lambda: kept.append("x")))
    outcomes = await asyncio.gather(*requests)
    assert outcomes[-1] is None
    assert all(o is not None for o in outcomes[:-1])
    # One batch, handed over whole; no wake-up for other dispatchers to claim it.
    [(jobs, until)] = taker.handed
    assert woken == []
    assert until == clock.now() + timedelta(seconds=10)
    assert sorted(kept) == sorted(f"m-{i}" for i in range(9))
    outbox = Outbox(store.database)
    rows = {row["id"]: row for row in await outbox.jobs()}
    # Each handed job is the row queued for its own request, as a claim reads it.
    assert sorted(job.id for job in jobs) == sorted(rows)
    assert len(jobs) == 6
    messages = {m["id"]: m for m in await store.messages_for_transaction("t-1")}
    for job in jobs:
        row = rows[job.id]
        assert (row["claimed_by"], row["claimed_until"]) == (taker.worker, until)
        assert messages[row["inbound_id"]]["message_id"] in {f"m-{i}" for i in range(9) if i % 3}
        assert job.inbound_body == HINDI_BODY == bytes(messages[row["inbound_id"]]["body"])
        assert (job.kind, job.attempts, job.callback_body) == ("reply", 0, None)
        assert (job.action, job.target_url, job.payload) == (
            row["action"], row["target_url"], row["payload"],
        )  # fmt: skip
        assert (job.created_at, job.deadline_at) == (row["created_at"], row["deadline_at"])
    assert len({row["inbound_id"] for row in rows.values()}) == 6


async def test_a_handed_job_is_nobody_elses_until_its_lease_lapses(
    store: Store, clock: FixedClock
) -> None:
    # The process that ACKed dies before its dispatcher takes the job: the job is in the
    # store, leased for one lease; then any process's claim takes it, request and all.
    taker = _Taker(clock)
    writer = InboundWriter(store, hand_off=taker)
    assert await writer.accept(_inbound(clock, "m-1"), _job(clock)) is not None
    [([handed], until)] = taker.handed
    outbox = Outbox(store.database)
    lease = clock.now() + timedelta(seconds=10)
    assert await outbox.claim("other", now=clock.now(), lease_until=lease, limit=5) == []
    assert await outbox.due_count(clock.now()) == 0
    clock.advance(10.5)
    assert clock.now() > until
    [claimed] = await outbox.claim(
        "other", now=clock.now(), lease_until=clock.now() + timedelta(seconds=10), limit=5
    )
    assert claimed == handed
