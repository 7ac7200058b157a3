"""The shared-state port."""

from __future__ import annotations

from typing import Protocol

__all__ = ["SharedState"]


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
        """Count one event in the current fixed window of ``key``; return the count so far."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
