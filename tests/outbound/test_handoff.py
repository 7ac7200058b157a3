"""The edge's jobs handed to its own dispatcher: taken earliest deadline first without a
claim, let go (and claimed in their turn, sent once) when they wait a third of their
lease, and every retry sends the bytes built first, saved with the settlement."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from adapter.app import _due_callbacks
from adapter.coordination.wakeup import LocalWakeup
from adapter.core.clock import FixedClock
from adapter.core.replies import EmptyCatalog, OrderPolicy
from adapter.outbound import Dispatcher
from adapter.outbound.handoff import Handoff
from adapter.storage.group_commit import InboundWriter
from adapter.storage.outbox import ClaimedJob
from adapter.storage.store import InboundRecord, OutboxJob
from tests.network.peers import edge, search_body

ACK = httpx.Response(200, json={"message": {"ack": {"status": "ACK"}}})


def _job(job_id: int, clock: FixedClock, deadline_seconds: float) -> ClaimedJob:
    return ClaimedJob(
        id=job_id, kind="reply", action="on_search", target_url="https://b.example/on_search",
        transaction_id="t", payload={}, callback_body=None, callback_message_id=None,
        attempts=0, created_at=clock.now(),
        deadline_at=clock.now() + timedelta(seconds=deadline_seconds), inbound_body=b"{}",
    )  # fmt: skip


async def test_handed_jobs_are_taken_earliest_deadline_first_up_to_the_limit(
    clock: FixedClock,
) -> None:
    handoff = Handoff(worker="w", lease=timedelta(seconds=9), clock=clock)
    handoff.hand([_job(1, clock, 30), _job(2, clock, 5)], handoff.lease_until())
    handoff.hand([_job(3, clock, 10)], handoff.lease_until())
    await asyncio.wait_for(handoff.wait(), 1.0)  # handed: the dispatcher is woken
    assert [job.id for job in handoff.take(2)] == [2, 3]
    assert len(handoff) == 1
    assert [job.id for job in handoff.take(5)] == [1]
    assert len(handoff) == 0


def test_jobs_waiting_a_third_of_their_lease_are_let_go(clock: FixedClock) -> None:
    handoff = Handoff(worker="w", lease=timedelta(seconds=9), clock=clock)
    handoff.hand([_job(1, clock, 30)], handoff.lease_until())
    clock.advance(2)
    handoff.hand([_job(2, clock, 30)], handoff.lease_until())
    assert handoff.stale() == []
    clock.advance(1.5)  # job 1 has waited 3.5 s, more than a third of its 9 s lease
    assert handoff.stale() == [1]
    assert [job.id for job in handoff.take(5)] == [2]
    handoff.hand([_job(3, clock, 30)], handoff.lease_until())
    assert handoff.drop() == [3]
    assert len(handoff) == 0


def _request(clock: FixedClock, number: int) -> tuple[InboundRecord, OutboxJob]:
    body = search_body(clock, message_id=f"m-{number}", transaction_id=f"t-{number}")
    record = InboundRecord(
        direction="in", action="search", peer_id="buyer.example", transaction_id=f"t-{number}",
        message_id=f"m-{number}", received_at=clock.now(), headers={}, body=body,
        verification="valid", http_status=200,
    )  # fmt: skip
    job = OutboxJob(
        action="on_search", target_url="https://buyer.example/on_search",
        transaction_id=f"t-{number}", payload={}, created_at=clock.now(),
        deadline_at=clock.now() + timedelta(seconds=30),
    )  # fmt: skip
    return record, job


def _parts(net: Any, clock: FixedClock, lease: float, **options: Any) -> tuple[
    Handoff, InboundWriter, Dispatcher, list[int]
]:  # fmt: skip
    """A hand-off, the group commit that hands over to it and its dispatcher, over the
    edge's store; and a count of the dispatcher's claims."""
    runtime = net.app.state.runtime
    handoff = Handoff(worker="this-process", lease=timedelta(seconds=lease), clock=clock)
    writer = InboundWriter(runtime.store, hand_off=handoff)
    dispatcher = Dispatcher(
        settings=net.settings, outbox=runtime.outbox, store=runtime.store, http=runtime.http,
        clock=clock, wakeup=options.pop("wakeup", LocalWakeup()), catalog=EmptyCatalog(),
        orders=runtime.orders,
        policy=OrderPolicy(), handoff=handoff, **options,
    )  # fmt: skip
    claims: list[int] = []
    claim = runtime.outbox.claim

    async def counted(*args: Any, **kwargs: Any) -> list[ClaimedJob]:
        jobs: list[ClaimedJob] = await claim(*args, **kwargs)
        claims.append(len(jobs))
        return jobs

    runtime.outbox.claim = counted
    return handoff, writer, dispatcher, claims


async def test_handed_jobs_are_delivered_without_a_claim_and_saved_with_their_bytes(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, writer, dispatcher, claims = _parts(net, clock, 10, idle_poll_seconds=60.0)
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop))
        try:
            for _ in range(100):  # the first round's claim, at start
                if claims:
                    break
                await asyncio.sleep(0.01)
            assert claims == [0]
            for number in range(3):
                await writer.accept(*_request(clock, number))
            for _ in range(500):
                if len(net.received) == 3:
                    break
                await asyncio.sleep(0.01)
            assert len(net.received) == 3
        finally:
            stop.set()
            await running
        # No claim read the handed jobs back: the start's claim was the only one.
        assert claims == [0]
        outbox = net.app.state.runtime.outbox
        jobs = await outbox.jobs()
        assert {job["status"] for job in jobs} == {"delivered"}
        assert {job["claimed_by"] for job in jobs} == {None}
        # The bytes sent were saved with the settlement, for a replay and the dashboard.
        assert sorted(bytes(job["callback_body"]) for job in jobs) == sorted(
            request.content for request in net.received
        )


async def test_handed_jobs_left_waiting_are_let_go_then_claimed_and_sent_once(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        handoff, writer, dispatcher, claims = _parts(net, clock, 3)
        for number in range(4):
            await writer.accept(*_request(clock, number))
        assert len(handoff) == 4
        # The dispatcher was busy for more than a third of the lease: its next round lets
        # the jobs go (their leases end in the store) and claims them in their turn.
        clock.advance(1.5)
        assert await dispatcher.run_once() == 4
        assert len(handoff) == 0
        assert claims == [4]
        assert len(net.received) == 4
        assert {job["status"] for job in await net.app.state.runtime.outbox.jobs()} == {"delivered"}
        clock.advance(5)
        assert await dispatcher.run_once() == 0
        assert len(net.received) == 4


async def test_a_handed_jobs_retry_sends_the_bytes_built_first(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        seen: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(503) if len(seen) == 1 else ACK

        net.router.route(host="buyer.example").mock(side_effect=answer)
        _, writer, dispatcher, claims = _parts(net, clock, 10)
        await writer.accept(*_request(clock, 1))
        assert await dispatcher.run_once() == 1
        assert claims == [0]  # the handed job went out; the round's claim found nothing
        [job] = await net.app.state.runtime.outbox.jobs()
        assert (job["status"], bytes(job["callback_body"])) == ("pending", seen[0].content)
        clock.advance(9)  # past the retry's backoff (at most 0.5 s at the first retry)
        assert await dispatcher.run_once() == 1
        assert len(seen) == 2
        assert seen[1].content == seen[0].content
        [job] = await net.app.state.runtime.outbox.jobs()
        assert job["status"] == "delivered"


async def test_admission_counts_handed_jobs_not_started_as_due(
    tmp_path: Path, clock: FixedClock
) -> None:
    # Leased at their commit, handed jobs are not due in the outbox's own count; a
    # dispatcher that stalls with jobs handed to it must still show as stalled.
    async with edge(tmp_path, clock) as net:
        handoff, writer, dispatcher, _ = _parts(net, clock, 10)
        outbox = net.app.state.runtime.outbox
        for number in range(3):
            await writer.accept(*_request(clock, number))
        assert await outbox.due_count(clock.now()) == 0
        assert await _due_callbacks(outbox, handoff, clock) == 3
        await dispatcher.run_once()
        assert await _due_callbacks(outbox, handoff, clock) == 0


async def test_a_job_queued_otherwise_is_claimed_when_its_wake_up_comes(
    tmp_path: Path, clock: FixedClock
) -> None:
    # A seller's event queues an unsolicited callback and wakes the dispatcher: a claim
    # follows at once, not at the next idle poll (a minute here).
    async with edge(tmp_path, clock) as net:
        wakeup = LocalWakeup()
        _, _, dispatcher, claims = _parts(net, clock, 10, idle_poll_seconds=60.0, wakeup=wakeup)
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop))
        try:
            for _ in range(100):
                if claims:
                    break
                await asyncio.sleep(0.01)
            await net.app.state.runtime.outbox.enqueue_unsolicited(
                action="on_status", target_url="https://buyer.example/on_status",
                transaction_id="t-1", payload={"context": {"message_id": "u-1"}},
                now=clock.now(), deadline_at=clock.now() + timedelta(seconds=30),
            )  # fmt: skip
            await wakeup.notify()
            for _ in range(300):
                if net.received:
                    break
                await asyncio.sleep(0.01)
            assert [request.url.path for request in net.received] == ["/on_status"]
            assert claims == [0, 1]
        finally:
            stop.set()
            await running


async def test_a_wake_up_is_taken_once_without_waiting() -> None:
    wakeup = LocalWakeup()
    assert wakeup.take() is False
    await wakeup.notify()
    assert wakeup.take() is True
    assert wakeup.take() is False
