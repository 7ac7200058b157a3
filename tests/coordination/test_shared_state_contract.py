"""The shared-state contract, in process and on a real Redis server."""

from __future__ import annotations

import asyncio
import random
import secrets
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapter.coordination import Admission, MemoryState, RedisState, SharedState
from adapter.core.clock import FixedClock
from adapter.core.errors import SharedStateUnavailable
from tests.fixtures import REDIS_URL, connect_redis


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def state(request: pytest.FixtureRequest, clock: FixedClock) -> AsyncIterator[SharedState]:
    if request.param == "memory":
        yield MemoryState(clock)
        return
    client = await connect_redis()
    prefix = f"test-{secrets.token_hex(4)}:"
    yield RedisState(client, clock, prefix=prefix)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_put_then_get_returns_the_bytes(state: SharedState) -> None:
    await state.put("k", "शॉल".encode(), 30)
    assert await state.get("k") == "शॉल".encode()


async def test_absent_key_is_none(state: SharedState) -> None:
    assert await state.get("missing") is None


async def test_delete_forgets(state: SharedState) -> None:
    await state.put("k", b"v", 30)
    await state.delete("k")
    assert await state.get("k") is None


async def test_value_expires_after_its_ttl(state: SharedState, clock: FixedClock) -> None:
    await state.put("short", b"v", 0.2)
    clock.advance(0.3)
    await asyncio.sleep(0.3)  # Redis expires on its own clock
    assert await state.get("short") is None


async def test_non_positive_ttl_is_refused(state: SharedState) -> None:
    with pytest.raises(ValueError, match="positive"):
        await state.put("k", b"v", 0)


async def test_first_seen_is_true_once(state: SharedState) -> None:
    assert await state.first_seen("buyer|search|m-1", 60) is True
    assert await state.first_seen("buyer|search|m-1", 60) is False
    assert await state.first_seen("buyer|search|m-2", 60) is True


async def test_first_seen_under_concurrency_admits_exactly_one(state: SharedState) -> None:
    results = await asyncio.gather(*(state.first_seen("race", 60) for _ in range(50)))
    assert results.count(True) == 1


async def test_hit_counts_within_a_window(state: SharedState) -> None:
    counts = [await state.hit("rate:buyer", 60) for _ in range(5)]
    assert counts == [1, 2, 3, 4, 5]


async def test_hit_starts_again_in_the_next_window(state: SharedState, clock: FixedClock) -> None:
    await state.hit("rate:b", 60)
    await state.hit("rate:b", 60)
    clock.advance(60)
    assert await state.hit("rate:b", 60) == 1


async def test_admit_says_first_then_duplicate(state: SharedState) -> None:
    assert await state.admit("rate:buyer", 10, "dedupe:m-1", 60) is Admission.FIRST
    assert await state.admit("rate:buyer", 10, "dedupe:m-1", 60) is Admission.DUPLICATE
    assert await state.admit("rate:buyer", 10, "dedupe:m-2", 60) is Admission.FIRST


async def test_admit_over_the_limit_does_not_remember_the_key(
    state: SharedState, clock: FixedClock
) -> None:
    assert await state.admit("rate:buyer", 1, "dedupe:m-1", 60) is Admission.FIRST
    assert await state.admit("rate:buyer", 1, "dedupe:m-2", 60) is Admission.LIMITED
    assert await state.admit("rate:buyer", 1, "dedupe:m-2", 60) is Admission.LIMITED
    clock.advance(1)  # the next one-second window
    assert await state.admit("rate:buyer", 1, "dedupe:m-2", 60) is Admission.FIRST


async def test_admit_shares_its_rate_with_take(state: SharedState) -> None:
    assert await state.take("rate:buyer", 1) is True
    assert await state.admit("rate:buyer", 1, "dedupe:m-1", 60) is Admission.LIMITED


async def _steady(state: SharedState, clock: FixedClock, per_second: int, limit: int) -> int:
    """Requests at ``per_second`` for 3 s, each up to 10 ms early or late (seeded); how
    many were refused. Every one goes through ``take`` or ``admit``, alternately."""
    jitter = random.Random(7)
    step = 1 / per_second
    now = 0.0
    refused = 0
    for n in range(3 * per_second):
        at = max(now, n * step + jitter.uniform(-0.01, 0.01))  # arrivals in order
        clock.advance(at - now)
        now = at
        if n % 2:
            refused += not await state.take("rate:steady", limit)
        else:
            admitted = await state.admit("rate:steady", limit, f"dedupe:{n}", 60)
            refused += admitted is Admission.LIMITED
    return refused


async def test_a_sender_steady_at_its_rate_is_never_refused(
    state: SharedState, clock: FixedClock
) -> None:
    # A fixed one-second window refused some of these: two requests a few ms apart on
    # either side of a window's edge made 201 in one window.
    assert await _steady(state, clock, 200, 200) == 0


async def test_a_sender_at_twice_its_rate_is_refused_about_half_the_time(
    state: SharedState, clock: FixedClock
) -> None:
    refused = await _steady(state, clock, 400, 200)
    # 1,200 sent in 3 s; the bucket lets through its 200 and then 200 a second.
    assert 350 <= refused <= 450


async def test_admit_under_concurrency_admits_exactly_one(state: SharedState) -> None:
    outcomes = await asyncio.gather(
        *(state.admit("rate:buyer", 1000, "dedupe:race", 60) for _ in range(50))
    )
    assert outcomes.count(Admission.FIRST) == 1
    assert outcomes.count(Admission.DUPLICATE) == 49


async def test_concurrent_admissions_each_get_their_own_answer(state: SharedState) -> None:
    # Callers at once: each sender's limit and each key's first sight are kept apart, in
    # the order asked, however the calls are grouped on the way to the shared state.
    outcomes = await asyncio.gather(
        state.admit("rate:a", 2, "dedupe:a-1", 60),
        state.admit("rate:b", 5, "dedupe:b-1", 60),
        state.admit("rate:a", 2, "dedupe:a-1", 60),
        state.admit("rate:a", 2, "dedupe:a-2", 60),
        state.admit("rate:b", 5, "dedupe:a-2", 60),
        *(state.admit("rate:c", 300, f"dedupe:c-{n}", 60) for n in range(300)),
    )
    assert outcomes[:5] == [
        Admission.FIRST,
        Admission.FIRST,
        Admission.DUPLICATE,
        Admission.LIMITED,
        Admission.FIRST,
    ]
    assert outcomes[5:] == [Admission.FIRST] * 300
    assert await state.admit("rate:a", 10, "dedupe:a-2", 60) is Admission.DUPLICATE


async def test_admitted_key_expires_after_its_ttl(state: SharedState, clock: FixedClock) -> None:
    assert await state.admit("rate:buyer", 10, "dedupe:m-1", 0.2) is Admission.FIRST
    clock.advance(0.3)
    await asyncio.sleep(0.3)  # Redis expires on its own clock
    assert await state.admit("rate:buyer", 10, "dedupe:m-1", 0.2) is Admission.FIRST


async def test_memory_state_evicts_when_full(clock: FixedClock) -> None:
    state = MemoryState(clock, max_entries=3)
    for name in "abcd":
        await state.put(name, b"v", 10 + ord(name))
    assert await state.get("a") is None
    assert await state.get("d") == b"v"


async def test_memory_state_stays_within_its_size_keeping_the_newest_admissions(
    clock: FixedClock,
) -> None:
    state = MemoryState(clock, max_entries=1000)
    for n in range(5000):
        clock.advance(0.001)
        assert await state.admit("rate:buyer", 10**6, f"dedupe:{n}", 3600) is Admission.FIRST
    assert len(state._values) <= 1000
    # The soonest to expire were dropped to make room: the oldest admissions.
    assert await state.admit("rate:buyer", 10**6, "dedupe:4990", 3600) is Admission.DUPLICATE
    assert await state.admit("rate:buyer", 10**6, "dedupe:10", 3600) is Admission.FIRST


async def test_memory_state_drops_expired_entries_before_live_ones(clock: FixedClock) -> None:
    state = MemoryState(clock, max_entries=2)
    await state.put("short", b"v", 1)
    await state.put("long", b"v", 100)
    clock.advance(2)
    await state.put("new", b"v", 100)
    assert await state.get("long") == b"v"
    assert await state.get("new") == b"v"


async def test_memory_state_a_key_stored_again_keeps_its_new_expiry(clock: FixedClock) -> None:
    state = MemoryState(clock, max_entries=2)
    await state.put("a", b"1", 5)
    await state.put("a", b"2", 50)
    clock.advance(10)
    await state.put("b", b"v", 100)  # evicts what has expired: not "a", stored again
    assert await state.get("a") == b"2"
    await state.delete("a")
    await state.put("c", b"v", 100)  # room was made by the delete, not by "b"
    assert await state.get("b") == b"v"
    assert await state.get("a") is None


async def test_two_redis_views_share_one_state(redis_client: Redis, clock: FixedClock) -> None:
    prefix = f"test-{secrets.token_hex(4)}:"
    one = RedisState(redis_client, clock, prefix=prefix)
    other = RedisState.from_url(REDIS_URL, clock, prefix=prefix)
    try:
        assert await one.first_seen("m", 60)
        assert not await other.first_seen("m", 60)
    finally:
        await other.close()
        await redis_client.delete(f"{prefix}m")


@pytest.mark.redis
async def test_a_failed_redis_call_reaches_every_admission_waiting_on_it(
    clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await connect_redis()
    state = RedisState(client, clock, prefix=f"test-{secrets.token_hex(4)}:")

    async def broken(**_: object) -> list[int]:
        await asyncio.sleep(0.01)
        raise RuntimeError("the script call broke")

    async def short(**_: object) -> list[int]:
        return [1]  # one answer for a whole group: out of step

    try:
        for script, error in ((broken, RuntimeError), (short, SharedStateUnavailable)):
            monkeypatch.setattr(state, "_admit", script)
            outcomes = await asyncio.wait_for(
                asyncio.gather(
                    *(state.admit("rate:b", 10, f"dedupe:{n}", 60) for n in range(5)),
                    return_exceptions=True,
                ),
                timeout=5,
            )
            assert all(isinstance(outcome, error) for outcome in outcomes), outcomes
    finally:
        await client.aclose()


async def test_add_sums_and_counts_reads_absent_as_zero(state: SharedState) -> None:
    assert await state.add("backlog", 5, 60) == 5
    assert await state.add("backlog", -2, 60) == 3
    await state.put("set", b"40", 60)
    assert await state.add("set", 2, 60) == 42
    assert await state.counts(["backlog", "missing", "set"]) == [3, 0, 42]
    assert await state.counts([]) == []


async def test_add_under_concurrency_loses_no_update(state: SharedState) -> None:
    await asyncio.gather(*(state.add("n", 1, 60) for _ in range(50)))
    await asyncio.gather(*(state.add("n", -1, 60) for _ in range(20)))
    assert await state.counts(["n"]) == [30]


@pytest.mark.redis
async def test_admit_goes_on_after_redis_forgets_its_script_and_drops_its_connection(
    redis_client: Redis, clock: FixedClock
) -> None:
    prefix = f"test-{secrets.token_hex(4)}:"
    # Named, so that only its connections are closed below: closing every client's, as a
    # restart does, also cut the tests running beside this one on the same server.
    name = f"test-{secrets.token_hex(4)}"
    state = RedisState(
        Redis.from_url(REDIS_URL, socket_timeout=2.0, client_name=name), clock, prefix=prefix
    )
    try:
        assert await state.admit("rate:b", 10, "dedupe:1", 60) is Admission.FIRST
        await redis_client.script_flush()  # as after a restart: EVALSHA finds nothing
        assert await state.admit("rate:b", 10, "dedupe:2", 60) is Admission.FIRST
        # Its connections closed, as by a restart (the admissions' kept one too).
        closed = [c["id"] for c in await redis_client.client_list() if c["name"] == name]
        assert closed
        for client_id in closed:
            await redis_client.client_kill_filter(_id=client_id)
        assert await state.admit("rate:b", 10, "dedupe:3", 60) is Admission.FIRST
        assert await state.admit("rate:b", 10, "dedupe:3", 60) is Admission.DUPLICATE
    finally:
        await state.close()
        keys = [key async for key in redis_client.scan_iter(match=f"{prefix}*")]
        await redis_client.delete(*keys)
