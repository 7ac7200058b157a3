"""Redis-backed shared state: one view across every adapter process."""

from __future__ import annotations

import asyncio
import hashlib
import math
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError

from adapter.coordination.port import Admission
from adapter.core.clock import Clock
from adapter.core.errors import SharedStateUnavailable

__all__ = ["RedisState"]

# The leaky bucket of :meth:`SharedState.take`, in Lua: KEYS[k] the bucket (a hash of its
# level and when it was set, in ms); the rate, now (ms). True (1) when the event fits and
# is counted. The bucket expires when it would have drained.
_BUCKET: Final = """
local function take(bucket, rate, now)
  local level = 0
  local stored = redis.call('HMGET', bucket, 'level', 'at')
  if stored[1] then
    level = math.max(0, tonumber(stored[1]) - math.max(0, now - tonumber(stored[2])) * rate / 1000)
  end
  if level + 1 > rate then return false end
  level = level + 1
  redis.call('HSET', bucket, 'level', tostring(level), 'at', tostring(now))
  redis.call('PEXPIRE', bucket, math.ceil(level * 1000 / rate) + 1)
  return true
end
"""
_TAKE: Final = (
    _BUCKET
    + """
if take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])) then return 1 end
return 0
"""
)
# Several admissions in one call, in order. For admission i: KEYS[2i-1] the sender's
# bucket, KEYS[2i] the seen key; ARGV[3i-2] the limit, ARGV[3i-1] the seen ttl (ms),
# ARGV[3i] now (ms). Each answer: -1 over the limit (the seen key untouched), 1 first seen,
# 0 a duplicate.
_ADMIT: Final = (
    _BUCKET
    + """
local answers = {}
for i = 1, #KEYS / 2 do
  local bucket, seen = KEYS[2 * i - 1], KEYS[2 * i]
  if not take(bucket, tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i])) then
    answers[i] = -1
  elseif redis.call('SET', seen, '1', 'NX', 'PX', ARGV[3 * i - 1]) then
    answers[i] = 1
  else
    answers[i] = 0
  end
end
return answers
"""
)
# Admissions asked for while one call is out go together in the next one.
_MAX_ADMISSIONS_PER_CALL: Final = 256
_ADMISSIONS: Final = {-1: Admission.LIMITED, 0: Admission.DUPLICATE, 1: Admission.FIRST}


def _integer(value: bytes | None) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


class _ScriptCalls:
    """One script, called on a connection of the client's pool kept for it.

    For the admissions every request waits on: a call through the client (its pool's
    check-out and the check of the connection, its retry wrapper, the script object's
    fallback) cost about as much CPU again as sending the call and reading its answer.
    One call at a time (the admissions' one task); ``EVALSHA``, and ``EVAL`` (which
    loads the script) when Redis has lost it. A call that breaks off (an error, a
    timeout, a cancellation) may leave an answer unread on the connection, so it is
    closed and the next call takes another; a connection found closed is replaced once
    at once. The client's ``aclose`` closes it too.
    """

    def __init__(self, client: Redis, script: str) -> None:
        self._pool = client.connection_pool
        self._script = script
        self._sha = hashlib.sha1(script.encode(), usedforsecurity=False).hexdigest()
        self._connection: AbstractConnection | None = None

    async def __call__(self, *, keys: Sequence[str], args: Sequence[Any]) -> Any:
        try:
            return await self._call(keys, args)
        except RedisConnectionError:
            # The kept connection was closed while idle (Redis restarted, a proxy's idle
            # limit): once more on a new one, as the client's own retry would.
            return await self._call(keys, args)

    async def _call(self, keys: Sequence[str], args: Sequence[Any]) -> Any:
        if self._connection is None:
            self._connection = await self._pool.get_connection()  # type: ignore[no-untyped-call]
        connection = self._connection
        try:
            await connection.send_command("EVALSHA", self._sha, len(keys), *keys, *args)
            try:
                return await connection.read_response()
            except NoScriptError:
                await connection.send_command("EVAL", self._script, len(keys), *keys, *args)
                return await connection.read_response()
        except BaseException:
            self._connection = None
            await connection.disconnect(nowait=True)
            await self._pool.release(connection)
            raise


class RedisState:
    """Keys live under ``prefix``; expiry is Redis's own, set from relative TTLs."""

    def __init__(self, client: Redis, clock: Clock, *, prefix: str = "ondc-seller:") -> None:
        self._redis = client
        self._clock = clock
        self._prefix = prefix
        # EVALSHA, falling back to EVAL (and loading the script) when Redis lacks it.
        self._admit = _ScriptCalls(client, _ADMIT)
        self._take = client.register_script(_TAKE)
        self._admissions: list[tuple[str, str, int, int, str, asyncio.Future[Admission]]] = []
        self._admitting: asyncio.Task[None] | None = None

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

    async def add(self, key: str, amount: int, ttl_seconds: float) -> int:
        """``INCRBY`` and ``PEXPIRE`` in one transaction."""
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        name = self._key(key)
        async with self._redis_call(), self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(name, amount)
            pipe.pexpire(name, max(1, math.ceil(ttl_seconds * 1000)))
            value, _ = await pipe.execute()
        return int(value)

    async def counts(self, keys: list[str]) -> list[int]:
        """``MGET``; a value that is not an integer counts as 0."""
        if not keys:
            return []
        async with self._redis_call():
            values = await self._redis.mget([self._key(key) for key in keys])
        return [_integer(value) for value in values]

    def _now_ms(self) -> str:
        return f"{self._clock.now().timestamp() * 1000:.3f}"

    async def take(self, key: str, rate: int) -> bool:
        """The leaky bucket, in one server-side script."""
        async with self._redis_call():
            allowed = await self._take(keys=[self._key(key)], args=[rate, self._now_ms()])
        return bool(allowed)

    async def admit(
        self, rate_key: str, limit: int, seen_key: str, seen_ttl_seconds: float
    ) -> Admission:
        """Rate limit and ``SET NX PX`` in one server-side script, atomic.

        Concurrent callers share round trips: while one script call is out, the admissions
        asked for meanwhile queue and go together in the next, each in its order and with
        its own answer. Under load the cost of a call is paid once per group; a lone
        admission goes at once.
        """
        ttl_ms = max(1, math.ceil(seen_ttl_seconds * 1000))
        answer: asyncio.Future[Admission] = asyncio.get_running_loop().create_future()
        self._admissions.append(
            (self._key(rate_key), self._key(seen_key), limit, ttl_ms, self._now_ms(), answer)
        )
        if self._admitting is None or self._admitting.done():
            self._admitting = asyncio.create_task(self._admit_queued())
        return await answer

    async def _admit_queued(self) -> None:
        while self._admissions:
            group = self._admissions[:_MAX_ADMISSIONS_PER_CALL]
            del self._admissions[:_MAX_ADMISSIONS_PER_CALL]
            keys = [key for bucket, seen, *_ in group for key in (bucket, seen)]
            args = [arg for _, _, limit, ttl_ms, now, _ in group for arg in (limit, ttl_ms, now)]
            try:
                async with self._redis_call():
                    outcomes = await self._admit(keys=keys, args=args)
                answers = [_ADMISSIONS[int(outcome)] for outcome in outcomes]
                if len(answers) != len(group):
                    raise SharedStateUnavailable("shared state (Redis) answered out of step")
            except Exception as exc:  # noqa: BLE001 - raised in every waiter, none hangs
                for *_, answer in group:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (*_, answer), admission in zip(group, answers, strict=True):
                if not answer.done():
                    answer.set_result(admission)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
