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
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Final

from sqlalchemy.exc import DataError, IntegrityError

from adapter.storage.store import InboundRecord, OutboxJob, Store

__all__ = ["InboundWriter"]

_MAX_BATCH: Final = 256

# A request waiting for its commit: its message, its job, and the future that answers it.
_Waiter = tuple[InboundRecord, OutboxJob | None, "asyncio.Future[int | None]"]


class InboundWriter:
    """Writes inbound messages and their outbox jobs, batching concurrent callers."""

    def __init__(
        self, store: Store, *, after_commit: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._store = store
        self._after_commit = after_commit
        self._queue: list[_Waiter] = []
        self._flushing: asyncio.Task[None] | None = None
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Requests waiting for their commit right now: how busy this process's edge is."""
        return self._waiting

    async def accept(self, message: InboundRecord, job: OutboxJob | None) -> int | None:
        """As :meth:`Store.accept_inbound`, committed together with concurrent callers."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._queue.append((message, job, future))
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
            outcomes = await self._write(batch)
            queued = False
            for (_, job, future), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    if not future.done():
                        future.set_exception(outcome)
                    continue
                queued = queued or (outcome is not None and job is not None)
                if not future.done():
                    future.set_result(outcome)
            if queued and self._after_commit is not None:
                await self._after_commit()

    async def _write(self, batch: list[_Waiter]) -> list[int | BaseException | None]:
        """Each request's outcome, or the error that refused it.

        A batch the database refuses for its data (a value it cannot store, a constraint)
        is written again in halves, down to single requests: one request's bad row fails
        that request only, never those batched with it. Any other failure (the database
        unreachable) is every request's.
        """
        try:
            outcomes = await self._store.accept_inbound_batch([(m, j) for m, j, _ in batch])
        except (DataError, IntegrityError) as exc:
            if len(batch) == 1:
                return [exc]
            half = len(batch) // 2
            return [*await self._write(batch[:half]), *await self._write(batch[half:])]
        except Exception as exc:  # noqa: BLE001 - re-raised in every waiter, none hangs
            return [exc] * len(batch)
        return list(outcomes)
