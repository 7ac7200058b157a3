"""Per-peer isolation: at most ``per_peer`` attempts at once to a peer, a bounded wait for
a slot, the breaker, and no slot lost or doubled whichever way an attempt ends."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapter.outbound.peers import PeerBusy, PeerGate


async def test_a_peer_gets_its_slots_at_once_and_no_more_while_they_are_held() -> None:
    gate = PeerGate(per_peer=2, slot_wait_seconds=0.05)
    first = await gate.enter("https://a.example", 0.0, can_wait=60.0)
    second = await gate.enter("https://a.example", 0.0, can_wait=60.0)
    began = time.monotonic()
    with pytest.raises(PeerBusy, match="2 attempts in flight") as busy:
        await gate.enter("https://a.example", 0.0, can_wait=60.0)
    assert time.monotonic() - began >= 0.05  # it waited its turn first
    assert busy.value.retry_in == 0.25
    # Other peers are not held back by this one.
    other = await gate.enter("https://b.example", 0.0, can_wait=60.0)
    other()
    first()
    second()


async def test_a_slot_given_back_goes_to_the_attempt_waiting_for_it() -> None:
    gate = PeerGate(per_peer=1, slot_wait_seconds=5.0)
    leave = await gate.enter("https://a.example", 0.0, can_wait=60.0)
    waiting = asyncio.create_task(gate.enter("https://a.example", 0.0, can_wait=60.0))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    leave()
    (await asyncio.wait_for(waiting, 1.0))()


async def test_a_wait_that_timed_out_holds_no_slot() -> None:
    gate = PeerGate(per_peer=2, slot_wait_seconds=0.02)
    held = [await gate.enter("https://a.example", 0.0, can_wait=60.0) for _ in range(2)]
    for _ in range(3):
        with pytest.raises(PeerBusy):
            await gate.enter("https://a.example", 0.0, can_wait=60.0)
    for leave in held:
        leave()
    # Exactly per_peer again: the timed-out waits neither kept a slot nor added one.
    again = [await gate.enter("https://a.example", 0.0, can_wait=60.0) for _ in range(2)]
    with pytest.raises(PeerBusy):
        await gate.enter("https://a.example", 0.0, can_wait=60.0)
    for leave in again:
        leave()


async def test_the_slot_context_gives_its_slot_back_when_the_attempt_fails() -> None:
    gate = PeerGate(per_peer=1, slot_wait_seconds=0.02)
    with pytest.raises(RuntimeError):
        async with gate.slot("https://a.example", 0.0, can_wait=60.0):
            raise RuntimeError("the attempt failed")
    async with gate.slot("https://a.example", 0.0, can_wait=60.0):
        pass


async def test_an_open_breaker_holds_jobs_back_unless_they_cannot_outwait_it() -> None:
    gate = PeerGate(per_peer=4, failures_to_open=2, first_open_seconds=5.0)
    gate.failed("https://a.example", 100.0)
    gate.failed("https://a.example", 100.0)
    assert gate.open_for("https://a.example", 101.0) == 4.0
    with pytest.raises(PeerBusy, match="is failing") as busy:
        await gate.enter("https://a.example", 101.0, can_wait=60.0)
    assert busy.value.retry_in == 4.0
    # Its deadline comes before the breaker closes: this is its last chance.
    (await gate.enter("https://a.example", 101.0, can_wait=3.0))()
    gate.succeeded("https://a.example")
    assert gate.open_for("https://a.example", 101.0) == 0.0


async def test_forgetting_idle_peers_keeps_those_with_attempts_in_flight() -> None:
    gate = PeerGate(per_peer=2, slot_wait_seconds=0.02)
    held = await gate.enter("https://a.example", 0.0, can_wait=60.0)  # one of its two slots
    for number in range(10_001):  # past the number of peers remembered: idle ones go
        (await gate.enter(f"https://peer-{number}.example", 0.0, can_wait=60.0))()
    # Still the same record: one more slot, not two fresh ones beside the one held.
    also = await gate.enter("https://a.example", 0.0, can_wait=60.0)
    with pytest.raises(PeerBusy):
        await gate.enter("https://a.example", 0.0, can_wait=60.0)
    held()
    also()
