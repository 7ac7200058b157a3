"""In-process shared state for a single adapter process (no Redis configured)."""

from __future__ import annotations

import asyncio

from adapter.coordination.port import Admission
from adapter.core.clock import Clock

__all__ = ["MemoryState"]


class MemoryState:
    """A dict with expiry, read against the injected clock."""

    def __init__(self, clock: Clock, *, max_entries: int = 200_000) -> None:
        self._clock = clock
        self._values: dict[str, tuple[bytes, float]] = {}
        self._max_entries = max_entries
        self._lock = asyncio.Lock()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _live(self, key: str, now: float) -> bytes | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        if entry[1] <= now:
            del self._values[key]
            return None
        return entry[0]

    def _evict(self, now: float) -> None:
        # Drop expired entries first; if still full, the soonest to expire go.
        if len(self._values) < self._max_entries:
            return
        for key in [k for k, (_, until) in self._values.items() if until <= now]:
            del self._values[key]
        overflow = len(self._values) - self._max_entries + 1
        if overflow > 0:
            for key, _ in sorted(self._values.items(), key=lambda kv: kv[1][1])[:overflow]:
                del self._values[key]

    async def get(self, key: str) -> bytes | None:
        """The live value under ``key``."""
        return self._live(key, self._now())

    async def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        """Store ``value`` for ``ttl_seconds``."""
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        now = self._now()
        self._evict(now)
        self._values[key] = (value, now + ttl_seconds)

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        self._values.pop(key, None)

    async def first_seen(self, key: str, ttl_seconds: float) -> bool:
        """Set-if-absent with expiry."""
        async with self._lock:
            now = self._now()
            if self._live(key, now) is not None:
                return False
            self._evict(now)
            self._values[key] = (b"1", now + ttl_seconds)
            return True

    async def hit(self, key: str, window_seconds: int) -> int:
        """Fixed-window counter."""
        async with self._lock:
            return self._hit(key, window_seconds, self._now())

    def _hit(self, key: str, window_seconds: int, now: float) -> int:
        window = int(now // window_seconds)
        bucket = f"{key}:{window}"
        current = self._live(bucket, now)
        count = int(current or b"0") + 1
        if current is None:
            self._evict(now)
        self._values[bucket] = (str(count).encode(), (window + 1) * window_seconds)
        return count

    async def admit(
        self, rate_key: str, limit: int, seen_key: str, seen_ttl_seconds: float
    ) -> Admission:
        """Rate limit, then set-if-absent, under one lock."""
        async with self._lock:
            now = self._now()
            if self._hit(rate_key, 1, now) > limit:
                return Admission.LIMITED
            if self._live(seen_key, now) is not None:
                return Admission.DUPLICATE
            self._evict(now)
            self._values[seen_key] = (b"1", now + seen_ttl_seconds)
            return Admission.FIRST

    async def close(self) -> None:
        """Nothing to release."""
