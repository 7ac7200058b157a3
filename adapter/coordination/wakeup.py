"""Wake idle outbox dispatchers when a job is queued, instead of polling fast.

In process an :class:`asyncio.Event`; with Redis a pub/sub channel, so a job queued by one
adapter process wakes the dispatchers of all of them. Dispatchers still poll slowly, so a
lost wake-up costs latency, never a callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["LocalWakeup", "RedisWakeup", "Wakeup"]


class Wakeup(Protocol):
    """Notify and wait for "there is work in the outbox"."""

    async def notify(self) -> None:
        """Wake every waiting dispatcher."""
        ...

    async def wait(self, seconds: float) -> None:
        """Return when notified or after ``seconds``."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class LocalWakeup:
    """Wake-ups within one process."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    async def notify(self) -> None:
        """Set the event."""
        self._event.set()

    async def wait(self, seconds: float) -> None:
        """Wait for the event, then clear it."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)
        self._event.clear()

    async def close(self) -> None:
        """Nothing to release."""


class RedisWakeup:
    """Wake-ups across processes through a Redis channel (and locally, at once).

    A notification does not wait for Redis: it is published in the background, and the
    notifications made while one is on its way are published once after it, together.
    Under load an edge commits a batch every millisecond or two; a publish per batch, and
    a round trip waited for before the next batch, would cost more than the wake-ups are
    worth (any one of them wakes a dispatcher, which then claims everything due).

    Each process publishes its own token and ignores it when it comes back: this process
    was woken directly, and the echo, arriving a moment later, would wake its dispatcher
    again for a claim that finds nothing (on PostgreSQL a write transaction of several
    round trips, which a job queued meanwhile waited behind).
    """

    def __init__(self, client: Redis, channel: str = "ondc-seller:outbox") -> None:
        self._redis = client
        self._channel = channel
        self._local = LocalWakeup()
        self._listener: asyncio.Task[None] | None = None
        self._publisher: asyncio.Task[None] | None = None
        self._again = False
        self._token = uuid.uuid4().hex.encode()

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    async for message in pubsub.listen():
                        ours = message.get("data") == self._token
                        if message.get("type") == "message" and not ours:
                            await self._local.notify()
            except (RedisError, OSError):
                await asyncio.sleep(1.0)  # Redis away: polling carries on meanwhile

    async def notify(self) -> None:
        """Wake this process directly; publish to every process in the background."""
        await self._local.notify()
        if self._publisher is not None and not self._publisher.done():
            self._again = True  # published once more when the one on its way is done
            return
        self._publisher = asyncio.create_task(self._publish())

    async def _publish(self) -> None:
        again = True
        while again:
            self._again = False
            with contextlib.suppress(RedisError, OSError):
                await self._redis.publish(self._channel, self._token)
            again = self._again

    async def wait(self, seconds: float) -> None:
        """Wait for a local or remote notification."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen())
        await self._local.wait(seconds)

    async def close(self) -> None:
        """Stop publishing and listening and close the connection (a wake-up lost here
        costs no callback: dispatchers poll too)."""
        for task in (self._publisher, self._listener):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._redis.aclose()
