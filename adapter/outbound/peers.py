"""Per-peer isolation: a few attempts at a time to each peer, and a breaker per peer.

A peer is a buyer app (its scheme, host and port) for callbacks, or a seller for its
webhooks. Each peer gets at most ``per_peer`` attempts in flight at once; a job that
cannot get one of its peer's slots within ``slot_wait_seconds`` is handed back to the
queue for a moment, so jobs to a slow peer never hold the process's capacity that other
peers' jobs need. After ``failures_to_open`` failed attempts in a row (no answer, too slow,
5xx), the peer's breaker opens: its jobs are put back unsent until it closes again, after
a wait that doubles with each opening (up to ``longest_open_seconds``); a job that cannot
wait that long (its deadline comes first) still gets its attempt. One answered attempt
closes it. One slow or hostile peer thus delays only its own work.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

__all__ = ["PeerBusy", "PeerGate"]


class PeerBusy(Exception):
    """The peer's slots stayed taken, or its breaker is open: try the job again in
    ``retry_in`` seconds."""

    def __init__(self, reason: str, retry_in: float) -> None:
        super().__init__(reason)
        self.retry_in = retry_in


@dataclass(slots=True)
class _Peer:
    slots: asyncio.Semaphore
    # Attempts holding one of the slots now: a peer with any is never forgotten, or a new
    # record's fresh slots would let twice ``per_peer`` attempts reach it.
    busy: int = 0
    failures: int = 0
    openings: int = 0
    open_until: float = 0.0

    def leave(self) -> None:
        self.busy -= 1
        self.slots.release()


class PeerGate:
    """Slots and breakers for every peer one process talks to."""

    def __init__(
        self,
        *,
        per_peer: int,
        slot_wait_seconds: float = 1.0,
        failures_to_open: int = 3,
        first_open_seconds: float = 5.0,
        longest_open_seconds: float = 120.0,
    ) -> None:
        self._per_peer = per_peer
        self._slot_wait = slot_wait_seconds
        self._failures_to_open = failures_to_open
        self._first_open = first_open_seconds
        self._longest_open = longest_open_seconds
        self._peers: dict[str, _Peer] = {}

    def _peer(self, key: str) -> _Peer:
        peer = self._peers.get(key)
        if peer is None:
            if len(self._peers) >= 10_000:
                # Forget idle peers rather than grow without bound.
                self._peers = {k: p for k, p in self._peers.items() if p.busy}
            peer = self._peers[key] = _Peer(asyncio.Semaphore(self._per_peer))
        return peer

    def open_for(self, key: str, now: float) -> float:
        """Seconds the peer's breaker stays open from ``now`` (0 when closed)."""
        peer = self._peers.get(key)
        return 0.0 if peer is None else max(0.0, peer.open_until - now)

    async def enter(self, key: str, now: float, *, can_wait: float) -> Callable[[], None]:
        """Take one of the peer's slots for an attempt, or raise :class:`PeerBusy`; the
        function that gives the slot back (call it once, when the attempt is over).

        ``can_wait`` is how long the job may still wait: a job that cannot outwait an open
        breaker gets its attempt anyway (its last chance, still one of the peer's slots).
        """
        peer = self._peer(key)
        shut = peer.open_until - now
        if 0 < shut < can_wait:
            raise PeerBusy(f"{key} is failing; held back for {shut:.0f} s", shut)
        if peer.slots.locked():
            try:
                async with asyncio.timeout(self._slot_wait):
                    await peer.slots.acquire()
            except TimeoutError:
                # Back soon: the job waited its turn already, and keeps its place in the queue.
                raise PeerBusy(f"{key} has {self._per_peer} attempts in flight", 0.25) from None
        else:
            # A free slot is taken without suspending: no timer to arm (and cancel) for a
            # wait that cannot happen.
            await peer.slots.acquire()
        peer.busy += 1
        return peer.leave

    @contextlib.asynccontextmanager
    async def slot(self, key: str, now: float, *, can_wait: float) -> AsyncIterator[None]:
        """:meth:`enter` as a context: the slot is held for the block."""
        leave = await self.enter(key, now, can_wait=can_wait)
        try:
            yield
        finally:
            leave()

    def succeeded(self, key: str) -> None:
        """The peer answered: close its breaker."""
        peer = self._peers.get(key)
        if peer is not None:
            peer.failures = 0
            peer.openings = 0
            peer.open_until = 0.0

    def failed(self, key: str, now: float) -> None:
        """The peer did not answer usefully; open its breaker after enough in a row."""
        peer = self._peer(key)
        peer.failures += 1
        if peer.failures >= self._failures_to_open:
            wait = min(self._longest_open, self._first_open * 2**peer.openings)
            peer.openings += 1
            peer.failures = 0
            peer.open_until = now + wait
