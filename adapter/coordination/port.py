"""The shared-state port."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

__all__ = ["Admission", "SharedState"]


class Admission(StrEnum):
    """What :meth:`SharedState.admit` decided about one inbound message."""

    FIRST = "first"  # within the sender's rate and not seen before: do the work
    DUPLICATE = "duplicate"  # within the rate, already seen: ACK, no work
    LIMITED = "limited"  # over the sender's rate: refused, and not remembered as seen


class SharedState(Protocol):
    """Short-lived values shared by every adapter process of one deployment."""

    async def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, or ``None`` when absent or expired."""
        ...

    async def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        """Store ``value`` under ``key`` for ``ttl_seconds`` (must be positive)."""
        ...

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        ...

    async def first_seen(self, key: str, ttl_seconds: float) -> bool:
        """True the first time ``key`` is seen within ``ttl_seconds``; False after that."""
        ...

    async def hit(self, key: str, window_seconds: int) -> int:
        """Count one event in the current fixed window of ``key``; return the count so far.

        A plain counter; rate limits use :meth:`take`."""
        ...

    async def add(self, key: str, amount: int, ttl_seconds: float) -> int:
        """Add ``amount`` (may be negative) to the integer under ``key`` (absent is 0),
        keep it ``ttl_seconds`` from now; the new value. Atomic across processes."""
        ...

    async def counts(self, keys: list[str]) -> list[int]:
        """The integers under ``keys``, in order (absent or expired: 0); one round trip."""
        ...

    async def take(self, key: str, rate: int) -> bool:
        """One event against the rate ``key`` allows: True, and counted, while the sender
        is within ``rate`` events a second; False, and not counted, past it.

        A leaky bucket that holds ``rate`` events and drains ``rate`` a second: a sender
        steady at ``rate`` a second is never refused, whatever its jitter, while one
        sending faster is refused as soon as a second's worth has piled up (a fixed
        one-second window refused a steady sender whenever two of its requests fell on
        either side of a window's edge, and let a sender have twice its rate across it).
        """
        ...

    async def admit(
        self, rate_key: str, limit: int, seen_key: str, seen_ttl_seconds: float
    ) -> Admission:
        """:meth:`take` on ``rate_key`` at ``limit`` a second and, when it allows the
        event, :meth:`first_seen` on ``seen_key``; one atomic step.

        The inbound edge's rate limit and dedupe in one call (on Redis, one script). An
        event over the limit leaves its ``seen_key`` alone, so the sender's retry after the
        limit eases is still new work.
        """
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
