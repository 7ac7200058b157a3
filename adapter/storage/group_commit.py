"""Group commit for inbound requests: concurrent requests share one transaction.

Each request still waits until its own row is committed before it is ACKed: nothing is
acknowledged that is not durable. While one batch commits, the requests that arrive queue
up and form the next batch, so under load the cost of a commit (and, on SQLite, of the
single writer's turn) is paid once per batch instead of once per request. A lone request is
written at once: there is no added delay. After a batch that queued callbacks commits,
``after_commit`` runs once for the whole batch, after its requests are released (the
adapter wakes the outbox dispatchers there: one wake-up per batch, not one per request).
A request whose row the database refuses fails alone: the rest of its batch is written
again without it.

When this process's dispatcher runs beside the edge (``hand_off``), the batch queues its
jobs already leased to that dispatcher and, once committed, hands them over in memory
(``adapter/outbound/handoff.py``) instead of waking the dispatchers to claim them: the
claim's write and read are saved. Each request's ``keep`` (the edge's parsed request, for
the build) runs after its commit, before its job is handed over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Final, Protocol

from sqlalchemy.exc import DataError, IntegrityError

from adapter.storage.outbox import ClaimedJob
from adapter.storage.store import InboundRecord, OutboxJob, Store

__all__ = ["HandOff", "InboundWriter"]

_MAX_BATCH: Final = 256


class HandOff(Protocol):
    """This process's dispatcher, taking jobs leased to it at their commit
    (``adapter.outbound.handoff.Handoff``)."""

    @property
    def worker(self) -> str:
        """The dispatcher's name in the leases."""
        ...

    def lease_until(self) -> datetime:
        """The lease end of jobs committed now."""
        ...

    def hand(self, jobs: list[ClaimedJob], until: datetime) -> None:
        """Take over ``jobs``, committed leased until ``until``."""
        ...


# A request waiting for its commit: its message, its job, what to run once it is
# committed, and the future that answers it.
_Waiter = tuple[
    InboundRecord, OutboxJob | None, Callable[[], None] | None, "asyncio.Future[int | None]"
]
# A request's outcome: its message id (None: a duplicate) and its job's id, or the error.
_Outcome = tuple[int | None, int | None] | BaseException


class InboundWriter:
    """Writes inbound messages and their outbox jobs, batching concurrent callers."""

    def __init__(
        self,
        store: Store,
        *,
        after_commit: Callable[[], Awaitable[None]] | None = None,
        hand_off: HandOff | None = None,
    ) -> None:
        self._store = store
        self._after_commit = after_commit
        self._hand_off = hand_off
        self._queue: list[_Waiter] = []
        self._flushing: asyncio.Task[None] | None = None
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Requests waiting for their commit right now: how busy this process's edge is."""
        return self._waiting

    @property
    def hands_off(self) -> bool:
        """Whether committed jobs go straight to this process's dispatcher."""
        return self._hand_off is not None

    async def accept(
        self,
        message: InboundRecord,
        job: OutboxJob | None,
        keep: Callable[[], None] | None = None,
    ) -> int | None:
        """As :meth:`Store.accept_inbound`, committed together with concurrent callers;
        ``keep`` runs once the request is committed (not for a duplicate)."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._queue.append((message, job, keep, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        self._waiting += 1
        try:
            return await future
        finally:
            self._waiting -= 1

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:_MAX_BATCH], self._queue[_MAX_BATCH:]
            until = self._hand_off.lease_until() if self._hand_off is not None else None
            outcomes = await self._write(batch, until)
            queued = False
            handed: list[ClaimedJob] = []
            for (message, job, keep, future), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    if not future.done():
                        future.set_exception(outcome)
                    continue
                message_row, job_id = outcome
                if message_row is not None and keep is not None:
                    keep()
                if job is not None and job_id is not None:
                    handed.append(_handed(job_id, message, job))
                queued = queued or (message_row is not None and job is not None)
                if not future.done():
                    future.set_result(message_row)
            if handed and self._hand_off is not None and until is not None:
                self._hand_off.hand(handed, until)
            elif queued and self._after_commit is not None:
                await self._after_commit()

    async def _write(self, batch: list[_Waiter], until: datetime | None) -> list[_Outcome]:
        """Each request's outcome, or the error that refused it.

        A batch the database refuses for its data (a value it cannot store, a constraint)
        is written again in halves, down to single requests: one request's bad row fails
        that request only, never those batched with it. Any other failure (the database
        unreachable) is every request's.
        """
        pairs = [(message, job) for message, job, _, _ in batch]
        try:
            if self._hand_off is not None and until is not None:
                outcomes, jobs = await self._store.accept_leased(
                    pairs, self._hand_off.worker, until
                )
            else:
                outcomes, jobs = await self._store.accept_inbound_batch(pairs), {}
        except (DataError, IntegrityError) as exc:
            if len(batch) == 1:
                return [exc]
            half = len(batch) // 2
            return [*await self._write(batch[:half], until),
                    *await self._write(batch[half:], until)]  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - re-raised in every waiter, none hangs
            return [exc] * len(batch)
        return [(row, None if row is None else jobs.get(row)) for row in outcomes]


def _handed(job_id: int, message: InboundRecord, job: OutboxJob) -> ClaimedJob:
    """The job as a claim would have read it back."""
    return ClaimedJob(
        id=job_id, kind="reply", action=job.action, target_url=job.target_url,
        transaction_id=job.transaction_id, payload=job.payload, callback_body=None,
        callback_message_id=None, attempts=0, created_at=job.created_at,
        deadline_at=job.deadline_at, inbound_body=message.body,
    )  # fmt: skip
