"""Wake idle outbox dispatchers when a job is queued, instead of polling fast.

In process an :class:`asyncio.Event`; with Redis a pub/sub channel, so a job queued by one
adapter process wakes the dispatchers of all of them. Dispatchers still poll slowly, so a
lost wake-up costs latency, never a callback.
"""

from __future__ import annotations

import asyncio
import contextlib
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
    """Wake-ups across processes through a Redis channel (and locally, at once)."""

    def __init__(self, client: Redis, channel: str = "ondc-seller:outbox") -> None:
        self._redis = client
        self._channel = channel
        self._local = LocalWakeup()
        self._listener: asyncio.Task[None] | None = None

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            await self._local.notify()
            except (RedisError, OSError):
                await asyncio.sleep(1.0)  # Redis away: polling carries on meanwhile

    async def notify(self) -> None:
        """Publish to every process; wake this one directly."""
        await self._local.notify()
        with contextlib.suppress(RedisError, OSError):
            await self._redis.publish(self._channel, b"1")

    async def wait(self, seconds: float) -> None:
        """Wait for a local or remote notification."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen())
        await self._local.wait(seconds)

    async def close(self) -> None:
        """Stop listening and close the connection."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._redis.aclose()
