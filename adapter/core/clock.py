"""The clock port: the one place the adapter reads the wall clock.

Everything else takes a :class:`Clock` (or a ``now`` value) as a parameter, so tests can
run at any instant and signatures made in the past verify as they did then.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock"]


class Clock(Protocol):
    """Tells the time: wall-clock for protocol timestamps, monotonic for durations."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def timestamp(self) -> int:
        """Whole seconds since 1970, as signature headers carry them."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back, for measuring latency."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)

    def timestamp(self) -> int:
        """Whole seconds since 1970."""
        return int(time.time())

    def monotonic(self) -> float:
        """Seconds on the monotonic clock."""
        return time.monotonic()


class FixedClock:
    """A clock that stands still until moved: for tests, replays and the sandbox."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._ticks = 0.0

    def now(self) -> datetime:
        """The instant the clock stands at."""
        return self._now

    def timestamp(self) -> int:
        """Whole seconds since 1970 at the instant the clock stands at."""
        return int(self._now.timestamp())

    def monotonic(self) -> float:
        """Seconds moved since the clock was made."""
        return self._ticks

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self._now += timedelta(seconds=seconds)
        self._ticks += seconds
