"""Wake-ups through Redis: a job queued in one process wakes the dispatchers of the
others, and a burst of notifications costs Redis two publishes, not one each."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from adapter.coordination.wakeup import RedisWakeup
from tests.fixtures import connect_redis

pytestmark = pytest.mark.redis


async def test_a_notification_in_one_process_wakes_a_dispatcher_in_another() -> None:
    channel = f"test-wakeup:{uuid.uuid4()}"
    edge = RedisWakeup(await connect_redis(), channel)
    dispatcher = RedisWakeup(await connect_redis(), channel)
    try:
        await asyncio.wait_for(dispatcher.wait(0.05), 1)  # starts listening; nothing yet
        await asyncio.sleep(0.1)  # the subscription is in place
        waiting = asyncio.create_task(dispatcher.wait(10.0))
        began = time.monotonic()
        await edge.notify()
        await asyncio.wait_for(waiting, 5)
        assert time.monotonic() - began < 2.0  # woken, not timed out
    finally:
        await edge.close()
        await dispatcher.close()


async def test_notifications_made_while_one_is_published_are_published_once_together() -> None:
    channel = f"test-wakeup:{uuid.uuid4()}"
    listener = await connect_redis()
    edge = RedisWakeup(await connect_redis(), channel)
    try:
        async with listener.pubsub() as pubsub:
            await pubsub.subscribe(channel)
            await pubsub.get_message(timeout=1.0)  # the subscription's confirmation
            await edge.notify()
            await asyncio.sleep(0)  # its publish is on its way, waiting for Redis
            for _ in range(50):  # batch after batch meanwhile, faster than Redis answers
                await edge.notify()
            await asyncio.sleep(0.3)
            await edge.notify()  # later, on its own: published on its own
            await asyncio.sleep(0.3)
            received = []
            while (message := await pubsub.get_message(timeout=0.2)) is not None:
                received.append(message["data"])
        assert len(received) == 3
        assert len(set(received)) == 1  # the edge's own token, every time
    finally:
        await edge.close()
        await listener.aclose()


async def test_a_process_is_not_woken_again_by_the_echo_of_its_own_notification() -> None:
    channel = f"test-wakeup:{uuid.uuid4()}"
    own = RedisWakeup(await connect_redis(), channel)
    try:
        await asyncio.wait_for(own.wait(0.05), 1)  # starts listening; nothing yet
        await asyncio.sleep(0.1)  # the subscription is in place
        await own.notify()  # wakes this process at once, and publishes to the others
        began = time.monotonic()
        await own.wait(5.0)
        assert time.monotonic() - began < 0.5  # the direct wake-up
        began = time.monotonic()
        await own.wait(0.6)  # the publish comes back from Redis meanwhile: ignored
        assert time.monotonic() - began >= 0.5
    finally:
        await own.close()
