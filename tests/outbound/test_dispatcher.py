"""Callback delivery: retries until the ttl, parking, replay, the same bytes every time."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

import signing
from adapter.coordination.wakeup import LocalWakeup
from adapter.core.clock import FixedClock
from adapter.core.replies import EmptyCatalog, OrderPolicy
from adapter.outbound import Dispatcher, backoff_delay
from adapter.outbound.answer import Answer
from tests.network.peers import Edge, edge, search_body, signed


async def _search(net: object, clock: FixedClock) -> bytes:
    body = search_body(clock)
    response = await net.post("search", body, signed(body, clock))  # type: ignore[attr-defined]
    assert response.status_code == 200
    return body


def _buyer(net: object, *answers: httpx.Response | Exception) -> list[httpx.Request]:
    """Make the buyer app answer with ``answers`` in turn (the last one repeats)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = answers[min(len(seen), len(answers)) - 1]
        if isinstance(reply, Exception):
            raise reply
        return reply

    router = net.router  # type: ignore[attr-defined]
    router.route(host="buyer.example").mock(side_effect=answer)
    return seen


ACK = httpx.Response(200, json={"message": {"ack": {"status": "ACK"}}})


def _dispatcher(net: object, clock: FixedClock, **options: Any) -> Dispatcher:
    """A dispatcher of its own over the edge's store, answering searches from nothing."""
    runtime = net.app.state.runtime  # type: ignore[attr-defined]
    return Dispatcher(
        settings=net.settings,  # type: ignore[attr-defined]
        outbox=runtime.outbox,
        store=runtime.store,
        http=runtime.http,
        clock=clock,
        wakeup=options.pop("wakeup", runtime.wakeup),
        catalog=options.pop("catalog", EmptyCatalog()),
        orders=runtime.orders,
        policy=OrderPolicy(),
        **options,
    )


async def _drain(net: object, clock: FixedClock, rounds: int = 20) -> None:
    for _ in range(rounds):
        await net.dispatch()  # type: ignore[attr-defined]
        clock.advance(1.0)


async def test_buyer_errors_are_retried_with_the_same_bytes_until_acked(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, httpx.Response(503), httpx.ConnectError("refused"), ACK)
        await _search(net, clock)
        await _drain(net, clock)
        assert len(seen) == 3
        assert seen[0].content == seen[1].content == seen[2].content
        for request in seen:  # each try is signed afresh over the same bytes
            signing.verify(
                request.content,
                request.headers["Authorization"],
                net.settings.signing_key.public_key,
                now=int(signing.parse_header(request.headers["Authorization"]).created),
            )
        [job] = await net.app.state.runtime.outbox.jobs()
        assert job["status"] == "delivered"
        attempts = await net.app.state.runtime.outbox.attempts(job["id"])
        assert [(a["outcome"], a["http_status"]) for a in attempts] == [
            ("error", 503),
            ("error", None),
            ("ACK", 200),
        ]


async def test_buyer_down_past_the_ttl_parks_the_callback_then_replay_delivers_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, httpx.ConnectError("buyer down"))
        await _search(net, clock)
        await _drain(net, clock, rounds=40)  # 40 s: past the 30 s ttl
        outbox = net.app.state.runtime.outbox
        [parked] = await outbox.jobs(status="failed")
        assert "ConnectError" in parked["last_error"]
        tries = len(seen)
        assert tries >= 3
        assert await outbox.replay(parked["id"], now=clock.now(), deadline_at=clock.now()) is True
        _buyer(net, ACK)
        await net.dispatch()
        [job] = await outbox.jobs()
        assert job["status"] == "delivered"
        assert await outbox.replay(job["id"], now=clock.now(), deadline_at=clock.now()) is False


async def test_a_nack_from_the_buyer_parks_the_callback_at_once(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        nack = httpx.Response(
            400,
            json={"message": {"ack": {"status": "NACK"}},
                  "error": {"type": "CONTEXT-ERROR", "code": "20000", "message": "bad catalog"}},
        )  # fmt: skip
        seen = _buyer(net, nack)
        await _search(net, clock)
        await _drain(net, clock, rounds=5)
        assert len(seen) == 1
        [job] = await net.app.state.runtime.outbox.jobs(status="failed")
        assert "NACK 20000: bad catalog" in job["last_error"]


async def test_a_non_beckn_answer_is_an_error_not_an_ack(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, httpx.Response(200, text="OK"), ACK)
        await _search(net, clock)
        await _drain(net, clock, rounds=5)
        assert len(seen) == 1  # 200 with a non-ACK body: refused, not retried
        [job] = await net.app.state.runtime.outbox.jobs(status="failed")
        assert "not a Beckn ACK" in job["last_error"]


COMPACT_ACK = b'{"message":{"ack":{"status":"ACK"}}}'


@pytest.mark.parametrize("body", [COMPACT_ACK, b'{ "message": { "ack": { "status": "ACK" } } }'])
async def test_an_ack_compact_or_spaced_delivers_the_callback(
    tmp_path: Path, clock: FixedClock, body: bytes
) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, httpx.Response(200, content=body))
        await _search(net, clock)
        await _drain(net, clock, rounds=5)
        assert len(seen) == 1
        assert len(await net.app.state.runtime.outbox.jobs(status="delivered")) == 1


async def test_a_compact_ack_under_a_refusal_status_is_not_a_delivery(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, httpx.Response(400, content=COMPACT_ACK))
        await _search(net, clock)
        await _drain(net, clock, rounds=5)
        assert len(seen) == 1
        assert await net.app.state.runtime.outbox.jobs(status="delivered") == []
        [job] = await net.app.state.runtime.outbox.jobs(status="failed")
        assert "HTTP 400" in job["last_error"]


@pytest.mark.parametrize("attempts", [0, 1, 3, 10])
def test_backoff_is_jittered_and_capped(attempts: int) -> None:
    delays = [backoff_delay(attempts) for _ in range(200)]
    assert all(0 <= d <= min(8.0, 0.25 * 2**attempts) for d in delays)
    assert len({round(d, 6) for d in delays}) > 100


async def test_unsolicited_callbacks_are_delivered_as_queued(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, ACK)
        payload = {"context": {"action": "on_status", "message_id": "fresh-1"}, "message": {}}
        await net.app.state.runtime.outbox.enqueue_unsolicited(
            action="on_status",
            target_url="https://buyer.example/ondc/on_status",
            transaction_id="t-9",
            payload=payload,
            now=clock.now(),
            deadline_at=clock.now(),
        )
        await net.dispatch()
        [request] = seen
        assert orjson.loads(request.content) == payload


async def test_a_saturated_edge_makes_the_dispatcher_pause_between_rounds(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        for _ in range(2):
            await _search(net, clock)
        runtime = net.app.state.runtime
        dispatcher = _dispatcher(
            net,
            clock,
            concurrency=1,
            edge_load=lambda: 100,  # requests are queueing for their commit
            busy_pause_seconds=60.0,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop))
        for _ in range(100):
            if net.received:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        assert len(net.received) == 1  # one round, then a pause: the second job waits
        stop.set()  # the pause ends with the shutdown, not after a minute
        await asyncio.wait_for(running, timeout=5.0)
        assert [job["status"] for job in await runtime.outbox.jobs()] == ["pending", "delivered"]


async def test_an_idle_edge_lets_the_dispatcher_run_round_after_round(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        assert await _rounds_in_a_row(net, clock, edge_load=0) == 2


async def _rounds_in_a_row(
    net: Edge, clock: FixedClock, *, edge_load: int, queued_ago: float = 0.0
) -> int:
    """Two searches queued ``queued_ago`` seconds before a dispatcher of one job a round
    starts, with a minute's pause for a busy edge (``edge_load`` requests waiting): how
    many callbacks went out within 5 s."""
    for _ in range(2):
        await _search(net, clock)
    clock.advance(queued_ago)
    dispatcher = _dispatcher(
        net, clock, concurrency=1, edge_load=lambda: edge_load, busy_pause_seconds=60.0
    )
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop))
    received = net.received
    for _ in range(100):
        if len(received) == 2:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, timeout=5.0)
    return len(received)


async def test_a_dispatcher_nobody_wakes_finds_jobs_queued_by_another_process(
    tmp_path: Path, clock: FixedClock
) -> None:
    # A --dispatcher-only process on SQLite: the edge that queues the job is another
    # process, so this dispatcher's own wake-up never fires; it looks, then claims.
    async with edge(tmp_path, clock) as net:
        runtime = net.app.state.runtime
        dispatcher = _dispatcher(
            net,
            clock,
            wakeup=LocalWakeup(),
            idle_poll_seconds=0.05,
            poll_first=True,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop))
        await asyncio.sleep(0.2)  # idle: looking, not claiming
        assert await runtime.outbox.any_due(clock.now()) is False
        await _search(net, clock)
        # (Not "due now": the dispatcher looks every 50 ms, and on a busy machine it has
        # claimed the job before a read here could see it waiting.)
        for _ in range(100):
            if net.received:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(running, timeout=5.0)
        assert len(net.received) == 1
        assert await runtime.outbox.any_due(clock.now()) is False
        assert [job["status"] for job in await runtime.outbox.jobs()] == ["delivered"]


async def test_a_callback_claimed_after_its_ttl_is_parked_unsent(
    tmp_path: Path, clock: FixedClock
) -> None:
    # A backlog outlived the request's ttl: the buyer app no longer waits for the answer,
    # so it is not sent (the ones still awaited go first); an operator may replay it.
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, ACK)
        await _search(net, clock)
        clock.advance(31)  # the search's ttl is 30 s
        await _search(net, clock)
        await net.dispatch()
        outbox = net.app.state.runtime.outbox
        [parked] = await outbox.jobs(status="failed")
        assert parked["last_error"] == "the request's ttl passed before it was sent"
        assert [a["outcome"] for a in await outbox.attempts(parked["id"])] == ["error"]
        [fresh] = await outbox.jobs(status="delivered")
        assert len(seen) == 1
        assert orjson.loads(seen[0].content)["context"]["transaction_id"] == fresh["transaction_id"]
        assert await outbox.replay(parked["id"], now=clock.now(), deadline_at=clock.now()) is True
        await net.dispatch()
        assert len(seen) == 2


async def test_callbacks_to_one_buyer_app_are_limited_at_a_time_not_those_to_others(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_CALLBACKS_PER_PEER="2") as net:
        in_flight: dict[str, int] = {"a.example": 0, "b.example": 0}
        most = {"a.example": 0, "b.example": 0, "both": 0}

        async def answer(request: httpx.Request) -> httpx.Response:
            host = request.url.host
            in_flight[host] += 1
            most[host] = max(most[host], in_flight[host])
            most["both"] = max(most["both"], sum(in_flight.values()))
            await asyncio.sleep(0.02)  # the buyer app takes its time
            in_flight[host] -= 1
            return ACK

        for host in in_flight:
            net.router.route(host=host).mock(side_effect=answer)
        for number in range(12):
            host = "a.example" if number % 2 else "b.example"
            await net.app.state.runtime.outbox.enqueue_unsolicited(
                action="on_status",
                target_url=f"https://{host}/ondc/on_status",
                transaction_id=f"t-{number}",
                payload={"context": {"action": "on_status", "message_id": f"m-{number}"}},
                now=clock.now(),
                deadline_at=clock.now(),
            )
        await net.dispatch()
        statuses = [job["status"] for job in await net.app.state.runtime.outbox.jobs()]
        assert statuses == ["delivered"] * 12
        assert most == {"a.example": 2, "b.example": 2, "both": 4}


async def test_a_round_claims_the_next_job_while_the_last_one_is_being_settled(
    tmp_path: Path, clock: FixedClock
) -> None:
    # A job queued while a settlement is on its way is claimed and sent without waiting
    # for that settlement's transaction.
    async with edge(tmp_path, clock) as net:
        for _ in range(2):
            await _search(net, clock)
        runtime = net.app.state.runtime
        settle_many = runtime.outbox.settle_many
        gate = asyncio.Event()
        settling = []

        async def slow_settle(worker: str, settlements: Any) -> Any:
            settling.append(len(settlements))
            await gate.wait()
            return await settle_many(worker, settlements)

        runtime.outbox.settle_many = slow_settle
        dispatcher = _dispatcher(net, clock, concurrency=1, edge_load=lambda: 0)
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop))
        try:
            for _ in range(100):
                if len(net.received) == 2:
                    break
                await asyncio.sleep(0.05)
            assert len(net.received) == 2  # the second sent while the first was settling
            assert settling == [1]  # the second waits for the first's settlement to end
        finally:
            gate.set()
            stop.set()
            await asyncio.wait_for(running, timeout=5.0)
        assert [job["status"] for job in await runtime.outbox.jobs()] == ["delivered"] * 2


def _recorded_saves(net: object) -> list[tuple[int, bytes, str | None]]:
    """The callbacks' bytes saved by writes of their own (``Outbox.save_callbacks``)."""
    outbox = net.app.state.runtime.outbox  # type: ignore[attr-defined]
    save_callbacks = outbox.save_callbacks
    saved: list[tuple[int, bytes, str | None]] = []

    async def recording(built: Any, more: Any = ()) -> None:
        saved.extend(built)
        await save_callbacks(built, more)

    outbox.save_callbacks = recording
    return saved


async def test_an_on_search_is_kept_by_its_settlement_and_retried_with_its_first_bytes(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, httpx.Response(503), ACK)
        saved = _recorded_saves(net)
        await _search(net, clock)
        await net.dispatch()
        # No write of its own before the POST: the settlement kept the bytes sent.
        assert saved == []
        outbox = net.app.state.runtime.outbox
        [job] = await outbox.jobs()
        first = orjson.loads(seen[0].content)["context"]
        assert (job["status"], job["attempts"]) == ("pending", 1)
        assert (bytes(job["callback_body"]), job["callback_message_id"]) == (
            seen[0].content, first["message_id"],
        )  # fmt: skip
        clock.advance(5.0)  # a rebuild now would carry another timestamp
        await _drain(net, clock)
        assert len(seen) == 2
        assert seen[1].content == seen[0].content
        assert orjson.loads(seen[1].content)["context"]["timestamp"] == first["timestamp"]
        assert saved == []
        [job] = await outbox.jobs()
        assert job["status"] == "delivered"


async def test_an_on_search_handed_back_unsent_keeps_the_bytes_built_for_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, httpx.Response(503))
        for _ in range(3):
            await _search(net, clock)
        await net.dispatch()  # three attempts fail in a row: the buyer app's breaker opens
        assert len(seen) == 3
        saved = _recorded_saves(net)
        body = await _search(net, clock)
        transaction_id = orjson.loads(body)["context"]["transaction_id"]
        await net.dispatch()  # built, then handed back unsent: the breaker is open
        assert len(seen) == 3
        outbox = net.app.state.runtime.outbox
        [job] = [j for j in await outbox.jobs() if j["transaction_id"] == transaction_id]
        assert (job["status"], job["attempts"]) == ("pending", 0)
        # Saved before the release, so the job is claimable again only with its bytes.
        assert saved == [(job["id"], bytes(job["callback_body"]), job["callback_message_id"])]
        built = bytes(job["callback_body"])
        later = _buyer(net, ACK)
        clock.advance(10.0)  # the breaker closes; a rebuild now would carry another timestamp
        await _drain(net, clock, rounds=3)
        [mine] = [
            request.content
            for request in later
            if orjson.loads(request.content)["context"]["transaction_id"] == transaction_id
        ]
        assert mine == built


async def test_any_other_callback_has_its_bytes_saved_before_its_post(
    tmp_path: Path, clock: FixedClock
) -> None:
    # Only an on_search's bytes wait for its settlement: any other answer may depend on
    # state that moves on, so a rebuild after a crash could say something else.
    async with edge(tmp_path, clock) as net:
        events: list[str] = []
        saved = _recorded_saves(net)
        save_callbacks = net.app.state.runtime.outbox.save_callbacks

        async def saving(built: Any, more: Any = ()) -> None:
            events.extend("save" for _ in built)
            await save_callbacks(built, more)

        net.app.state.runtime.outbox.save_callbacks = saving

        def answer(request: httpx.Request) -> httpx.Response:
            events.append("post")
            return ACK

        net.router.route(host="buyer.example").mock(side_effect=answer)
        await net.app.state.runtime.outbox.enqueue_unsolicited(
            action="on_status", target_url="https://buyer.example/ondc/on_status",
            transaction_id="t-1", payload={"context": {"action": "on_status", "message_id": "m"}},
            now=clock.now(), deadline_at=clock.now(),
        )  # fmt: skip
        await net.dispatch()
        assert events == ["save", "post"]
        [(job_id, body, message_id)] = saved
        [job] = await net.app.state.runtime.outbox.jobs()
        assert (job["id"], bytes(job["callback_body"]), job["callback_message_id"]) == (
            job_id, body, message_id,
        )  # fmt: skip
        assert job["status"] == "delivered"


async def test_the_delivery_loop_says_whether_it_is_running(
    tmp_path: Path, clock: FixedClock
) -> None:
    # Admission control trusts the pace the dispatchers were measured at only while their
    # loop comes round (adapter/network/admission.py): idle, it looks every idle poll.
    async with edge(tmp_path, clock) as net:
        dispatcher = _dispatcher(net, clock, idle_poll_seconds=0.05)
        assert not dispatcher.running(within=2.5)  # never started
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop))
        await asyncio.sleep(0.2)
        assert dispatcher.running(within=2.5)
        clock.advance(1.0)
        await asyncio.sleep(0.2)  # idle rounds since: still running
        assert dispatcher.running(within=0.5)
        stop.set()
        await asyncio.wait_for(running, timeout=5.0)
        clock.advance(3.0)
        assert not dispatcher.running(within=2.5)  # stopped: no round since


async def test_a_saturated_edge_does_not_hold_back_callbacks_already_behind(
    tmp_path: Path, clock: FixedClock
) -> None:
    # The same saturated edge, but the callbacks were queued two seconds ago: pausing
    # would let the backlog grow until admission control sheds every buyer app at once.
    async with edge(tmp_path, clock) as net:
        assert await _rounds_in_a_row(net, clock, edge_load=100, queued_ago=2.0) == 2


class _Flaky(EmptyCatalog):
    """A catalogue whose first query in one city fails with an exception nobody expected
    (a bug's, or a hiccup's the store did not name); later queries answer."""

    def __init__(self, city: str) -> None:
        super().__init__()
        self._city = city
        self.failed = 0

    async def providers_for(self, search: Any, *, now: Any) -> list[dict[str, Any]]:
        if search.context.city == self._city and not self.failed:
            self.failed += 1
            raise RuntimeError("the catalogue query failed")
        return []


async def test_a_build_that_fails_unexpectedly_is_tried_again_alone(
    tmp_path: Path, clock: FixedClock
) -> None:
    # One job's build raising what nobody expected must not take its round with it: the
    # other job of the round goes out at once, and the failed one is tried again after a
    # backoff, within its ttl (not parked: the request was ACKed).
    async with edge(tmp_path, clock) as net:
        seen = _buyer(net, ACK)
        await _search(net, clock)  # std:0177
        good = search_body(clock, city="std:080")
        assert (await net.post("search", good, signed(good, clock))).status_code == 200
        catalog = _Flaky("std:0177")
        dispatcher = _dispatcher(net, clock, catalog=catalog)
        assert await dispatcher.run_once() == 2
        assert catalog.failed == 1
        assert [orjson.loads(r.content)["context"]["city"] for r in seen] == ["std:080"]
        jobs = {job["status"]: job for job in await net.app.state.runtime.outbox.jobs()}
        assert set(jobs) == {"delivered", "pending"}
        [attempt] = await net.app.state.runtime.outbox.attempts(jobs["pending"]["id"])
        assert attempt["outcome"] == "error"
        assert "the catalogue query failed" in attempt["error"]
        clock.advance(10)
        assert await dispatcher.run_once() == 1
        assert len(seen) == 2
        assert [job["status"] for job in await net.app.state.runtime.outbox.jobs()] == [
            "delivered",
            "delivered",
        ]


class _FirstPostBreaks:
    """A callback client whose first POST fails with an exception no client should raise
    (a library's bug); later POSTs are ACKed."""

    checks_addresses = True

    def __init__(self) -> None:
        self.posted: list[bytes] = []

    async def post(self, url: str, body: bytes, headers: Any, **_: Any) -> Answer:
        self.posted.append(body)
        if len(self.posted) == 1:
            raise AssertionError("a library's bug")
        return Answer(200, {}, b'{"message":{"ack":{"status":"ACK"}}}')

    async def aclose(self) -> None:
        """Nothing to close."""


async def test_an_attempt_that_fails_unexpectedly_is_retried_and_the_others_settled(
    tmp_path: Path, clock: FixedClock
) -> None:
    # One attempt raising what no client should must not lose the other attempts' outcomes
    # (their jobs would be sent again once their leases lapse): it is an error attempt,
    # retried with the usual backoff, and the round's other callback is settled delivered.
    async with edge(tmp_path, clock) as net:
        await _search(net, clock)
        await _search(net, clock)
        client = _FirstPostBreaks()
        dispatcher = _dispatcher(net, clock, client=client)
        assert await dispatcher.run_once() == 2
        outbox = net.app.state.runtime.outbox
        by_status = {job["status"]: job for job in await outbox.jobs()}
        assert set(by_status) == {"delivered", "pending"}
        [tried] = await outbox.attempts(by_status["pending"]["id"])
        assert (tried["outcome"], tried["http_status"]) == ("error", None)
        assert "a library's bug" in tried["error"]
        clock.advance(10)
        assert await dispatcher.run_once() == 1
        assert [job["status"] for job in await outbox.jobs()] == ["delivered", "delivered"]
        assert len(client.posted) == 3
