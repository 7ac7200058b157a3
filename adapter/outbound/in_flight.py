"""Attempts being sent, by the id of their leased job, with the leases renewed while they run.

The outbox dispatcher and the seller notifier both start each attempt as a task, wait a
short round, settle the attempts that finished and leave slow ones running. A job's lease
is short (a process that dies frees its jobs soon), so it must be renewed while its attempt
runs: every third of the lease, for every job still in flight.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from adapter.core.clock import Clock

__all__ = ["InFlight", "LeaseHolder"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class LeaseHolder(Protocol):
    """A leased queue's renewal (``adapter.storage.leases.LeasedQueue.renew``)."""

    async def renew(self, worker: str, ids: Sequence[int], *, lease_until: datetime) -> set[int]:
        """Extend ``worker``'s lease on ``ids``; the ids it still held."""
        ...


class InFlight(Generic[T]):
    """One worker's running attempts, keyed by job id; ``what`` names the jobs in logs."""

    def __init__(
        self, queue: LeaseHolder, *, worker: str, lease: timedelta, clock: Clock, what: str
    ) -> None:
        self._queue = queue
        self._worker = worker
        self._lease = lease
        self._clock = clock
        self._what = what
        self._renew_every = lease.total_seconds() / 3
        self._renewed_at = 0.0
        self._tasks: dict[int, asyncio.Task[T]] = {}

    def __len__(self) -> int:
        return len(self._tasks)

    def start(self, job_id: int, attempt: Coroutine[Any, Any, T]) -> None:
        """Run ``attempt`` for the job ``job_id`` as a task of its own."""
        self._tasks[job_id] = asyncio.create_task(attempt)

    def finished(self) -> list[tuple[int, T]]:
        """The attempts that are done, with their outcomes; they are no longer in flight."""
        done = [job_id for job_id, task in self._tasks.items() if task.done()]
        return [(job_id, self._tasks.pop(job_id).result()) for job_id in done]

    async def wait(self, seconds: float | None) -> None:
        """Wait up to ``seconds`` (``None``: until every attempt is done), renewing the
        leases while attempts run."""
        # Real waiting time (the event loop's clock), not the injected business clock.
        loop = asyncio.get_running_loop()
        started = loop.time()
        pending = set(self._tasks.values())
        while pending:
            step = self._renew_every
            if seconds is not None:
                left = seconds - (loop.time() - started)
                if left <= 0:
                    return
                step = min(step, left)
            _, pending = await asyncio.wait(pending, timeout=step)
            await self.renew()

    async def renew(self) -> None:
        """Extend the leases of the jobs still being sent, at most every third of a lease."""
        if not self._tasks or self._clock.monotonic() - self._renewed_at < self._renew_every:
            return
        self._renewed_at = self._clock.monotonic()
        held = await self._queue.renew(
            self._worker, list(self._tasks), lease_until=self._clock.now() + self._lease
        )
        lost = set(self._tasks) - held
        if lost:
            log.warning("%s %s: leases lost while sending", self._what, sorted(lost))
