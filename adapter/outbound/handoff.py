"""Jobs the edge hands to its own process's dispatcher, already leased: no claim reads them.

When one process both answers requests and delivers callbacks, the edge's group commit
queues each job already leased to this process's dispatcher (``claimed_by`` its worker,
``claimed_until`` one lease on) and, once the batch is committed, hands the jobs over here
with what a claim would have read (the request's bytes; its parsed model goes to
``adapter/outbound/parsed_requests.py``) and wakes the dispatcher. Its rounds take handed
jobs first, earliest deadline first, up to the capacity they have.

A handed job is sent only while its lease is surely this process's: a round takes it
with at least two thirds of its lease left, and its attempt renews the lease like a
claimed job's (every third of a lease). One that waits here for capacity longer than a
third of its lease is let go instead (:meth:`Handoff.stale`): the dispatcher ends its
lease in the store, so a claim (by any process) takes it in its turn; it is never sent
twice. A process killed after the ACK loses nothing: the job is in the store, leased
for one lease at most, then claimed by whichever process claims first.
"""

from __future__ import annotations

import asyncio
import heapq
import socket
import uuid
from datetime import datetime, timedelta

from adapter.core.clock import Clock
from adapter.storage.outbox import ClaimedJob

__all__ = ["Handoff", "worker_name"]


def worker_name() -> str:
    """A dispatcher's name in the outbox's leases: its host and a random suffix."""
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


# A waiting job: (deadline, id) orders the heap, then its lease's end and the job.
_Handed = tuple[datetime, int, datetime, ClaimedJob]


class Handoff:
    """Jobs leased to ``worker`` at their commit, waiting for its dispatcher's rounds."""

    def __init__(self, *, worker: str, lease: timedelta, clock: Clock) -> None:
        self.worker = worker
        self.lease = lease
        self._clock = clock
        self._waiting: list[_Handed] = []
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self._waiting)

    def lease_until(self) -> datetime:
        """The lease end of jobs committed now."""
        return self._clock.now() + self.lease

    def hand(self, jobs: list[ClaimedJob], until: datetime) -> None:
        """Take over ``jobs``, committed leased until ``until``, and wake the dispatcher."""
        for job in jobs:
            heapq.heappush(self._waiting, (job.deadline_at, job.id, until, job))
        if jobs:
            self._ready.set()

    async def wait(self) -> None:
        """Return once jobs have been handed over (at once if some are waiting)."""
        await self._ready.wait()

    def take(self, limit: int) -> list[ClaimedJob]:
        """Up to ``limit`` waiting jobs, earliest deadline first (call :meth:`stale`
        first: those left have two thirds of their lease or more)."""
        taken: list[ClaimedJob] = []
        while self._waiting and len(taken) < limit:
            taken.append(heapq.heappop(self._waiting)[3])
        if not self._waiting:
            self._ready.clear()
        return taken

    def stale(self) -> list[int]:
        """Forget the jobs that have waited a third of their lease; their ids, for the
        dispatcher to end their leases in the store (a claim then takes them)."""
        keep_after = self._clock.now() + self.lease * 2 / 3
        stale = [handed[1] for handed in self._waiting if handed[2] < keep_after]
        if stale:
            self._waiting = [handed for handed in self._waiting if handed[2] >= keep_after]
            heapq.heapify(self._waiting)
            if not self._waiting:
                self._ready.clear()
        return stale

    def drop(self) -> list[int]:
        """Forget every waiting job (the dispatcher stops); their ids."""
        ids = [handed[1] for handed in self._waiting]
        self._waiting = []
        self._ready.clear()
        return ids
