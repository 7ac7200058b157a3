"""Admission control: the arithmetic, the order of precedence, and the edge refusing
requests it could not answer within their ttl (NACK 31001 with Retry-After)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

import schemas
from adapter.coordination import MemoryState, RedisState, SharedState
from adapter.core.clock import FixedClock
from adapter.core.errors import Overloaded
from adapter.network.admission import (
    AdmissionControl,
    AdmissionPolicy,
    claimed_time_left,
    estimated_wait,
    refusal_delay,
)
from adapter.storage import Database
from adapter.storage.outbox import Attempt, Outbox
from tests.fixtures import connect_redis
from tests.network.peers import context, edge, search_body, signed


def test_estimated_wait_is_the_backlog_and_this_one_over_the_rate() -> None:
    assert estimated_wait(0, 10.0) == 0.1
    assert estimated_wait(99, 10.0) == 10.0
    assert estimated_wait(-5, 10.0) == 0.1  # a backlog counted below zero is empty


def test_a_request_is_admitted_while_its_wait_fits_its_share_of_the_ttl() -> None:
    # 149 queued at 10 a second: the 150th is sent after 15 s, half of a 30 s ttl.
    assert refusal_delay(backlog=149, rate=10.0, time_left=30.0, share=0.5) is None
    assert refusal_delay(backlog=150, rate=10.0, time_left=30.0, share=0.5) == 1


def test_retry_after_is_when_the_backlog_will_have_drained_enough() -> None:
    # 400 queued at 10/s: 40.1 s to wait, 15 s allowed -> retry after 26 s (rounded up).
    assert refusal_delay(backlog=400, rate=10.0, time_left=30.0, share=0.5) == 26
    # Never more than two minutes, however deep the backlog.
    assert refusal_delay(backlog=10**9, rate=1.0, time_left=30.0, share=0.5) == 120


def test_a_request_whose_ttl_is_spent_is_refused_even_with_nothing_queued() -> None:
    assert refusal_delay(backlog=0, rate=1000.0, time_left=0.0, share=0.9) == 1


def test_order_actions_are_admitted_at_a_backlog_where_searches_are_shed() -> None:
    policy = AdmissionPolicy(search_share=0.5, order_share=0.9, min_rate=20.0)
    backlog, rate, left = 300, 20.0, 30.0  # 15.05 s to wait: past 15 s, within 27 s
    search = refusal_delay(backlog=backlog, rate=rate, time_left=left,
                           share=policy.share("search"))  # fmt: skip
    assert search is not None
    for action in ("select", "init", "confirm", "status", "cancel", "update", "issue"):
        share = policy.share(action)
        assert share > policy.share("search")
        assert refusal_delay(backlog=backlog, rate=rate, time_left=left, share=share) is None


def test_the_early_check_reads_the_ttl_left_the_context_claims(clock: FixedClock) -> None:
    now = clock.now()
    stamp = schemas.format_timestamp(now - timedelta(seconds=20))
    assert claimed_time_left(search_body(clock, timestamp=stamp), now) == pytest.approx(10.0)
    long = search_body(clock, ttl="PT2M")
    assert claimed_time_left(long, now) == pytest.approx(120.0)
    # A timestamp before the context (in the message) is not the context's.
    message_first = orjson.dumps(
        {"message": {"timestamp": "2020-01-01T00:00:00Z"}, "context": context("search", clock)}
    )
    assert claimed_time_left(message_first, now) == pytest.approx(30.0)
    # Unreadable or missing: judged as the usual 30 s (the verified check decides).
    for body in (
        b"not json",
        search_body(clock, ttl="thirty seconds"),
        search_body(clock, ttl=None),
        search_body(clock, timestamp="yesterday"),
    ):
        assert claimed_time_left(body, now) == 30.0


def test_requests_between_the_two_checks_count_as_queued(clock: FixedClock) -> None:
    # At 1 callback a second a search with 30 s of ttl may wait 9 s (share 0.3): 8 ahead.
    async def nothing() -> int:
        return 0

    control = AdmissionControl(MemoryState(clock), clock, AdmissionPolicy(min_rate=1.0),
                               pending=nothing)  # fmt: skip
    body = search_body(clock)
    for _ in range(9):
        control.check_early("search", body)
    with pytest.raises(Overloaded):
        control.check_early("search", body)
    control.check("search", 30.0)  # the verified check does not count them
    control.decided()
    control.check_early("search", body)
    # Claimed 10 s left: 3 s of wait, so at most 2 ahead.
    stale = search_body(
        clock, timestamp=schemas.format_timestamp(clock.now() - timedelta(seconds=20))
    )
    for _ in range(9):
        control.decided()
    for _ in range(3):
        control.check_early("search", stale)
    with pytest.raises(Overloaded):
        control.check_early("search", stale)
    # A claimed ttl already spent is not judged early (not an overload: the verified
    # context rules refuse it as stale).
    spent = search_body(
        clock, timestamp=schemas.format_timestamp(clock.now() - timedelta(seconds=31))
    )
    control.check_early("search", spent)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def shared(request: pytest.FixtureRequest, clock: FixedClock) -> AsyncIterator[SharedState]:
    if request.param == "memory":
        yield MemoryState(clock)
        return
    client = await connect_redis()
    prefix = f"test-admission-{secrets.token_hex(4)}:"
    yield RedisState(client, clock, prefix=prefix)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def _control(
    shared: SharedState,
    clock: FixedClock,
    pending: int = 0,
    dispatching: Callable[[], bool] | None = None,
) -> AdmissionControl:
    async def count() -> int:
        return pending

    policy = AdmissionPolicy(search_share=0.5, order_share=0.9, min_rate=2.0)
    return AdmissionControl(shared, clock, policy, pending=count, dispatching=dispatching)


async def test_processes_share_the_backlog_and_the_delivery_rate(
    shared: SharedState, clock: FixedClock
) -> None:
    edge_process, dispatcher_process = _control(shared, clock), _control(shared, clock)
    edge_process.queued(30)
    await edge_process.refresh()
    await dispatcher_process.refresh()
    assert dispatcher_process.snapshot.backlog == 30
    # At the floor of 2 a second, 30 queued is 15.5 s: a search with 30 s left is refused.
    with pytest.raises(Overloaded) as refused:
        dispatcher_process.check("search", 30.0)
    assert refused.value.retry_after == 1
    assert refused.value.code == "31001"
    dispatcher_process.check("confirm", 30.0)  # 15.5 s of 27 s: admitted
    # The dispatcher delivers 25 in one second: the backlog falls, the rate is measured.
    dispatcher_process.settled(25, delivered=25)
    await dispatcher_process.refresh()
    clock.advance(1)
    await edge_process.refresh()
    assert edge_process.snapshot.backlog == 5
    assert edge_process.snapshot.rate == 25  # the one second with deliveries
    edge_process.check("search", 30.0)
    # Two seconds later, 15 more in one second: the mean of the seconds with deliveries.
    dispatcher_process.settled(15, delivered=15)
    clock.advance(1)
    await dispatcher_process.refresh()
    clock.advance(1)
    await edge_process.refresh()
    assert edge_process.snapshot.rate == (25 + 15) / 2


async def test_the_backlog_is_reconciled_with_the_outbox(
    shared: SharedState, clock: FixedClock
) -> None:
    control = _control(shared, clock, pending=7)
    control.queued(100)  # counted, though only 7 jobs are pending in the outbox
    await control.reconcile()
    assert control.snapshot.backlog == 7
    await _control(shared, clock).refresh()
    other = _control(shared, clock)
    await other.refresh()
    assert other.snapshot.backlog == 7


async def test_the_edge_sheds_searches_first_with_nack_and_retry_after(
    tmp_path: Path, clock: FixedClock
) -> None:
    # At most 1 callback a second is assumed and none is sent (manual dispatcher): a search
    # with 30 s of ttl may wait 9 s (the default share 0.3), an order action 18 s (0.6).
    async with edge(tmp_path, clock, ONDC_ADMISSION_MIN_RATE="1") as net:
        statuses = []
        for _ in range(10):
            last = search_body(clock)
            shed = await net.post("search", last, signed(last, clock))
            statuses.append(shed.status_code)
        assert statuses == [200] * 9 + [503]
        assert shed.headers["Retry-After"] == "1"
        error = shed.json()["error"]
        assert (error["code"], error["type"]) == ("31001", "CORE-ERROR")
        assert "ttl" in error["message"]
        # Shed before its signature is checked: a tampered copy hears 503, not 401.
        tampered = await net.post("search", last.replace("शॉल".encode(), b"x"),
                                  signed(last, clock))  # fmt: skip
        assert (tampered.status_code, tampered.headers["Retry-After"]) == (503, "1")
        # An order action still finds room.
        body = orjson.dumps(
            {"context": context("status", clock), "message": {"order_id": "ODOP-1"}}
        )
        assert (await net.post("status", body, signed(body, clock))).status_code == 200
        # A shed request is not remembered as seen: once the backlog is sent, its retry
        # (the same message) is accepted.
        runtime = net.app.state.runtime
        assert await net.dispatch() == 10
        await runtime.admission.reconcile()
        assert runtime.admission.snapshot.backlog == 0
        retried = await net.post("search", last, signed(last, clock))
        assert retried.status_code == 200
        assert net.app.state.runtime.metrics.shed.labels("search")._value.get() == 2


async def test_the_edge_sheds_before_verifying_by_the_ttl_the_request_claims(
    tmp_path: Path, clock: FixedClock
) -> None:
    # 1 callback a second assumed, none sent: a fresh search may wait 9 s, one whose claimed
    # timestamp is 20 s old 3 s (share 0.3 of what its ttl leaves).
    async with edge(tmp_path, clock, ONDC_ADMISSION_MIN_RATE="1") as net:
        # Refused requests (a bad signature) release their place: all nine then fit.
        for _ in range(9):
            body = search_body(clock)
            bad = await net.post("search", body.replace("शॉल".encode(), b"x"), signed(body, clock))
            assert bad.status_code == 401
        for _ in range(3):
            body = search_body(clock)
            assert (await net.post("search", body, signed(body, clock))).status_code == 200
        old = search_body(
            clock, timestamp=schemas.format_timestamp(clock.now() - timedelta(seconds=20))
        )
        # Shed before its signature is checked: a tampered copy hears 503, not 401.
        tampered = await net.post("search", old.replace("शॉल".encode(), b"x"), signed(old, clock))
        assert (tampered.status_code, tampered.headers["Retry-After"]) == (503, "1")
        assert tampered.json()["error"]["code"] == "31001"
        # Fresh searches still find room up to 9 s of wait.
        statuses = []
        for _ in range(7):
            body = search_body(clock)
            statuses.append((await net.post("search", body, signed(body, clock))).status_code)
        assert statuses == [200] * 6 + [503]


async def test_admission_figures_are_refreshed_in_the_background(
    shared: SharedState, clock: FixedClock
) -> None:
    control = _control(shared, clock)
    control.queued(3)
    stop = asyncio.Event()
    running = asyncio.create_task(control.run(stop))
    other = _control(shared, clock)
    for _ in range(50):
        await asyncio.sleep(0.05)
        await other.refresh()
        if other.snapshot.backlog:
            break
    stop.set()
    await running
    assert other.snapshot.backlog == 3


def _watched(shared: SharedState, clock: FixedClock, due: list[int]) -> AdmissionControl:
    """A control whose outbox has ``due[0]`` callbacks due at every reconciliation."""

    async def pending() -> int:
        return due[0]

    async def count_due() -> int:
        return due[0]

    policy = AdmissionPolicy(search_share=0.5, order_share=0.9, min_rate=20.0)
    return AdmissionControl(shared, clock, policy, pending=pending, due=count_due)


async def test_an_edge_whose_dispatchers_send_nothing_stops_acking(
    shared: SharedState, clock: FixedClock
) -> None:
    # Split topology, dispatchers starved: 3 callbacks due, none delivered. At the floor's
    # 20 a second a search would be admitted for ever (the backlog never drains).
    due = [3]
    edge_process = _watched(shared, clock, due)
    for _ in range(4):
        await edge_process.reconcile()
        clock.advance(1)
        edge_process.check("search", 30.0)  # not yet: less than the rate window
    await edge_process.reconcile()
    clock.advance(1)
    await edge_process.reconcile()
    with pytest.raises(Overloaded) as refused:
        edge_process.check("confirm", 30.0)
    assert refused.value.retry_after == 5
    assert "none has been sent" in str(refused.value)
    # One delivery by any process (shared figures) and the edge admits again.
    dispatcher_process = _watched(shared, clock, due)
    dispatcher_process.settled(1, delivered=1)
    await dispatcher_process.refresh()
    clock.advance(1)
    await edge_process.refresh()
    edge_process.check("search", 30.0)


async def test_callbacks_waiting_for_their_time_are_not_a_stall(
    shared: SharedState, clock: FixedClock
) -> None:
    # A held purchase order's answer or a retry's backoff is pending but not due: an idle
    # deployment holding such jobs keeps admitting (nothing to send is not a stall).
    async def pending() -> int:
        return 4

    async def due() -> int:
        return 0

    control = AdmissionControl(
        shared, clock, AdmissionPolicy(min_rate=20.0), pending=pending, due=due
    )
    for _ in range(10):
        await control.reconcile()
        clock.advance(1)
    control.check("search", 30.0)
    assert not control.snapshot.stalled


async def test_the_outbox_counts_the_jobs_a_dispatcher_could_claim_now(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    outbox = Outbox(database)
    try:
        for number in range(3):
            await outbox.enqueue_unsolicited(
                action="on_status", target_url="https://buyer.example/ondc/on_status",
                transaction_id=f"t-{number}", payload={"n": number}, now=clock.now(),
                deadline_at=clock.now() + timedelta(seconds=30),
            )  # fmt: skip
        assert await outbox.due_count(clock.now()) == 3
        lease = clock.now() + timedelta(seconds=30)
        [_sending] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1)
        [waiting] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1)
        later = clock.now() + timedelta(seconds=2)
        attempt = Attempt(clock.now(), 503, 2.0, "error", "HTTP 503")
        await outbox.settle(waiting.id, "w", attempt, status="pending", next_attempt_at=later)
        # One being sent under its lease, one waiting for its retry: one due.
        assert await outbox.due_count(clock.now()) == 1
        clock.advance(2)
        assert await outbox.due_count(clock.now()) == 2
    finally:
        await database.dispose()


def test_no_refusal_advises_a_retry_after_longer_than_the_policy_allows(
    clock: FixedClock,
) -> None:
    # Kept below the HTTP server's keep-alive (ONDC_HTTP_KEEP_ALIVE_SECONDS), so a retry
    # on the kept connection finds it open.
    assert refusal_delay(backlog=10**9, rate=1.0, time_left=30.0, share=0.5, longest=7) == 7

    async def nothing() -> int:
        return 0

    control = AdmissionControl(
        MemoryState(clock), clock, AdmissionPolicy(min_rate=1.0, longest_retry_after=3),
        pending=nothing,
    )  # fmt: skip
    control.queued(1000)  # 1,001 s to wait at one a second
    with pytest.raises(Overloaded) as caught:
        control.check("search", 30.0)
    assert caught.value.retry_after == 3


async def test_a_stalled_deployment_refuses_early_even_with_nothing_queued(
    clock: FixedClock,
) -> None:
    # Callbacks due at every reconciliation and none delivered, while the backlog reads 0:
    # the early check reads the claim and refuses (the claim is left unread only when
    # nothing is queued and nothing is stalled).
    async def nothing() -> int:
        return 0

    async def three() -> int:
        return 3

    policy = AdmissionPolicy(search_share=0.5, order_share=0.9, min_rate=20.0)
    control = AdmissionControl(MemoryState(clock), clock, policy, pending=nothing, due=three)
    body = search_body(clock)
    control.check_early("search", body)  # nothing queued, nothing stalled
    control.decided()
    for _ in range(7):
        await control.reconcile()
        clock.advance(1)
    assert control.snapshot.backlog == 0
    body = search_body(clock)
    with pytest.raises(Overloaded, match="none has been sent"):
        control.check_early("search", body)


async def _saturated(control: AdmissionControl, clock: FixedClock, *, seconds: int,
                     per_second: int) -> None:  # fmt: skip
    """``seconds`` whole seconds in which the dispatchers deliver ``per_second`` callbacks
    from a backlog that never runs short (each second's count queued ahead of it, twice
    over), then the rest of the backlog settled: the figures refreshed at every second's
    start, as the background refresh does."""
    control.queued(2 * per_second)
    await control.refresh()
    for _ in range(seconds):
        control.queued(per_second)
        control.settled(per_second, delivered=per_second)
        await control.refresh()
        clock.advance(1)
        await control.refresh()
    control.settled(2 * per_second, delivered=0)
    await control.refresh()


async def test_a_burst_after_a_quiet_spell_is_judged_by_the_pace_last_kept_under_load(
    shared: SharedState, clock: FixedClock
) -> None:
    edge_process = _control(shared, clock)
    await _saturated(edge_process, clock, seconds=3, per_second=100)
    assert edge_process.snapshot.rate == 100
    clock.advance(60)  # a quiet minute: nothing delivered, nothing queued
    await edge_process.refresh()
    # Nothing delivered in the window: the dispatchers are not known to be working (they
    # may have gone down meanwhile), so the floor of 2 a second applies.
    assert edge_process.snapshot.rate == 2
    edge_process.queued(40)  # 20.5 s at the floor, over half of a search's 30 s
    with pytest.raises(Overloaded):
        edge_process.check("search", 30.0)
    # One of them delivered: the dispatchers work, at the pace they kept when saturated
    # (at once, not at the next refresh).
    edge_process.settled(1, delivered=1)
    edge_process.check("search", 30.0)
    assert edge_process.snapshot.rate == 100
    # Another process of the deployment learns it through the shared figures.
    await edge_process.refresh()
    other = _control(shared, clock)
    await other.refresh()
    assert other.snapshot.rate == 100
    other.check("search", 30.0)


async def test_a_light_load_does_not_lower_the_pace_measured_under_load(
    shared: SharedState, clock: FixedClock
) -> None:
    control = _control(shared, clock)
    await _saturated(control, clock, seconds=3, per_second=100)
    for _ in range(8):
        # Three a second, each sent as it comes: the count is the demand, not the pace.
        control.queued(3)
        control.settled(3, delivered=3)
        await control.refresh()
        clock.advance(1)
        await control.refresh()
    assert control.snapshot.rate == 100
    # 1,400 queued at once: 14 s at 100 a second, within half of 30 s (at the light
    # load's 3 a second, 467 s: refused).
    control.queued(1400)
    control.check("search", 30.0)


async def test_a_burst_that_never_saturates_the_dispatchers_measures_no_pace(
    shared: SharedState, clock: FixedClock
) -> None:
    control = _control(shared, clock)
    await control.refresh()
    # 50 queued and delivered within one second: it began and ended with an empty backlog.
    control.queued(50)
    await control.refresh()
    control.settled(50, delivered=50)
    await control.refresh()
    clock.advance(1)
    await control.refresh()
    assert control.snapshot.rate == 50  # the seconds with deliveries, as before
    clock.advance(60)
    await control.refresh()
    assert control.snapshot.rate == 2
    # The dispatchers work again after a quiet spell: no pace was measured, so the floor.
    control.settled(1, delivered=1)
    assert control.snapshot.rate == 2
    await control.refresh()
    assert control.snapshot.rate == 2


async def test_dispatchers_slowing_under_load_lower_the_pace_not_the_retry_after(
    shared: SharedState, clock: FixedClock
) -> None:
    control = _control(shared, clock)
    await _saturated(control, clock, seconds=3, per_second=100)
    # Still saturated, but at 10 a second (a buyer app answering slowly, or the edge taking
    # the CPU): the window's seconds are all slow ones after five of them.
    await _saturated(control, clock, seconds=6, per_second=10)
    assert control.snapshot.rate == 10
    control.queued(200)  # 20 s at 10 a second: refused
    with pytest.raises(Overloaded):
        control.check("search", 30.0)
    # 400 queued: 251 to go before a search fits, which the 100 a second the dispatchers
    # reached when the edge shed sends in 3 s (at the rate, 26 s).
    control.queued(200)
    with pytest.raises(Overloaded) as refused:
        control.check("search", 30.0)
    assert refused.value.retry_after == 3
    # Another process learns that pace through the shared figures.
    other = _control(shared, clock)
    await other.refresh()
    assert other.snapshot.drain == 100


async def test_running_dispatchers_keep_their_pace_through_a_quiet_spell(
    shared: SharedState, clock: FixedClock
) -> None:
    # Split topology: the dispatcher process's delivery loop is running; the edge learns
    # it through the shared figures and admits a burst at the measured pace before any of
    # it is delivered (at the floor, the burst's first 0.1 s was shed: a second lost to
    # every buyer app told to retry in 1 s).
    loop_running = [True]
    dispatcher_process = _control(shared, clock, dispatching=lambda: loop_running[0])
    edge_process = _control(shared, clock)
    await _saturated(dispatcher_process, clock, seconds=3, per_second=100)
    clock.advance(60)
    await dispatcher_process.reconcile()
    await edge_process.refresh()
    assert edge_process.snapshot.rate == 100
    edge_process.queued(1400)
    edge_process.check("search", 30.0)
    # The loop stops (the process is killed, or stuck in a call): within a few seconds the
    # heartbeat lapses and the edge is back at the floor until a delivery is seen.
    loop_running[0] = False
    clock.advance(4)
    await dispatcher_process.reconcile()
    await edge_process.refresh()
    assert edge_process.snapshot.rate == 2
    with pytest.raises(Overloaded):
        edge_process.check("search", 30.0)


def test_retry_after_is_reckoned_at_the_drain_pace_when_it_is_faster() -> None:
    # 400 queued at 10 a second: 40.1 s against 15 s allowed, so 251 must go first; at 10 a
    # second that is 26 s, at a drain of 100 a second 3 s. The decision itself stays at
    # the rate.
    assert refusal_delay(backlog=400, rate=10.0, time_left=30.0, share=0.5, drain=100.0) == 3
    assert refusal_delay(backlog=149, rate=10.0, time_left=30.0, share=0.5, drain=100.0) is None
    assert refusal_delay(backlog=400, rate=10.0, time_left=30.0, share=0.5, drain=5.0) == 26
