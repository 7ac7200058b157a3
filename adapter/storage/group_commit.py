"""Group commit for inbound requests: concurrent requests share one transaction.

Each request still waits until its own row is committed before it is ACKed: nothing is
acknowledged that is not durable. While one batch commits, the requests that arrive queue
up and form the next batch, so under load the cost of a commit (and, on SQLite, of the
single writer's turn) is paid once per batch instead of once per request. A lone request is
written at once: there is no added delay. After a batch that queued callbacks commits,
``after_commit`` runs once for the whole batch, after its requests are released (the
adapter wakes the outbox dispatchers there: one wake-up per batch, not one per request).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Final

from adapter.storage.store import InboundRecord, OutboxJob, Store

__all__ = ["InboundWriter"]

_MAX_BATCH: Final = 256


class InboundWriter:
    """Writes inbound messages and their outbox jobs, batching concurrent callers."""

    def __init__(
        self, store: Store, *, after_commit: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._store = store
        self._after_commit = after_commit
        self._queue: list[tuple[InboundRecord, OutboxJob | None, asyncio.Future[int | None]]] = []
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
            try:
                outcomes = await self._store.accept_inbound_batch([(m, j) for m, j, _ in batch])
            except Exception as exc:  # noqa: BLE001 - re-raised in every waiter, none hangs
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, _, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
            queued = any(
                outcome is not None and job is not None
                for (_, job, _), outcome in zip(batch, outcomes, strict=True)
            )
            if queued and self._after_commit is not None:
                await self._after_commit()
