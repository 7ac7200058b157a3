"""Redis-backed shared state: one view across every adapter process."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapter.coordination.port import Admission
from adapter.core.clock import Clock
from adapter.core.errors import SharedStateUnavailable

__all__ = ["RedisState"]

# KEYS: the rate window's bucket, the seen key. ARGV: limit, bucket expiry (s), seen ttl
# (ms). -1: over the limit (the seen key untouched); 1: first seen; 0: a duplicate.
_ADMIT: Final = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return -1 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then return 1 end
return 0
"""
_ADMISSIONS: Final = {-1: Admission.LIMITED, 0: Admission.DUPLICATE, 1: Admission.FIRST}


class RedisState:
    """Keys live under ``prefix``; expiry is Redis's own, set from relative TTLs."""

    def __init__(self, client: Redis, clock: Clock, *, prefix: str = "ondc-seller:") -> None:
        self._redis = client
        self._clock = clock
        self._prefix = prefix
        # EVALSHA, falling back to EVAL (and loading the script) when Redis lacks it.
        self._admit = client.register_script(_ADMIT)

    @classmethod
    def from_url(cls, url: str, clock: Clock, *, prefix: str = "ondc-seller:") -> RedisState:
        """Connect lazily to ``url``."""
        return cls(Redis.from_url(url, socket_timeout=2.0), clock, prefix=prefix)

    def _key(self, key: str) -> str:
        return self._prefix + key

    @asynccontextmanager
    async def _redis_call(self) -> AsyncIterator[None]:
        # Redis's own errors become the adapter's typed error, answered as a 503 NACK.
        try:
            yield
        except (RedisError, OSError) as exc:
            raise SharedStateUnavailable("shared state (Redis) is unreachable; retry") from exc

    async def get(self, key: str) -> bytes | None:
        """The live value under ``key``."""
        async with self._redis_call():
            value = await self._redis.get(self._key(key))
        return None if value is None else bytes(value)

    async def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        """Store ``value`` for ``ttl_seconds`` (millisecond precision)."""
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        async with self._redis_call():
            await self._redis.set(self._key(key), value, px=max(1, math.ceil(ttl_seconds * 1000)))

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        async with self._redis_call():
            await self._redis.delete(self._key(key))

    async def first_seen(self, key: str, ttl_seconds: float) -> bool:
        """``SET NX PX``: atomic across processes."""
        async with self._redis_call():
            created = await self._redis.set(
                self._key(key), b"1", nx=True, px=max(1, math.ceil(ttl_seconds * 1000))
            )
        return bool(created)

    async def hit(self, key: str, window_seconds: int) -> int:
        """Fixed-window counter: ``INCR`` and, on the window's first hit, ``EXPIRE``."""
        window = int(self._clock.now().timestamp() // window_seconds)
        bucket = self._key(f"{key}:{window}")
        async with self._redis_call(), self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(bucket)
            pipe.expire(bucket, window_seconds + 1, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def admit(
        self, rate_key: str, limit: int, seen_key: str, seen_ttl_seconds: float
    ) -> Admission:
        """Rate limit and ``SET NX PX`` in one server-side script: one round trip, atomic."""
        window = int(self._clock.now().timestamp())
        keys = [self._key(f"{rate_key}:{window}"), self._key(seen_key)]
        ttl_ms = max(1, math.ceil(seen_ttl_seconds * 1000))
        async with self._redis_call():
            outcome = await self._admit(keys=keys, args=[limit, 2, ttl_ms])
        return _ADMISSIONS[int(outcome)]

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
