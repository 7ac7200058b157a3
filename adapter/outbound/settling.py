"""Settling a dispatcher round's attempts: one write for all of them, off the round's path.

The attempts a round found finished are recorded in one transaction (their jobs' new
status, the attempts, the audit rows of what was sent) while the next round claims, so a
job queued meanwhile waits for no settlement (on PostgreSQL a few round trips, 6 to 28 ms
under load) before it is claimed. One settlement runs at a time; the next round awaits it
before starting its own. Those told of the outcome (admission control, metrics, the held
purchase orders' watcher) hear of it here.

The settlement also keeps the bytes of the callbacks not saved before their attempts (an
on_search's: ``adapter/outbound/builder.py``) with their jobs: a job settled with its
attempt's outcome in the same ``UPDATE``, a job handed back unsent in a write before its
release, so its next attempt sends the bytes built for the first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from adapter.metrics import Metrics
from adapter.storage.outbox import ClaimedJob, Outbox, Settlement

__all__ = ["Settler"]

log = logging.getLogger(__name__)


class Settler:
    """One dispatcher's settlements, and the jobs it holds until they are settled."""

    def __init__(
        self,
        outbox: Outbox,
        worker: str,
        *,
        metrics: Metrics | None,
        on_settled: Callable[[int, int], None] | None,
        on_failed: Callable[[list[ClaimedJob]], Coroutine[Any, Any, None]] | None,
    ) -> None:
        self._outbox = outbox
        self._worker = worker
        self._metrics = metrics
        self._on_settled = on_settled
        self._on_failed = on_failed
        # The jobs claimed and not settled yet, by id.
        self.jobs: dict[int, ClaimedJob] = {}
        # Of those, the callbacks' (bytes, message id) to keep with their jobs, by job id.
        self._unsaved: dict[int, tuple[bytes, str | None]] = {}
        self._running: asyncio.Task[None] | None = None

    def keep(self, built: list[tuple[int, bytes, str | None]]) -> None:
        """Keep these callbacks' bytes (job id, body, message id) with their jobs when they
        are settled or released: they were not saved before their attempts."""
        for job_id, body, message_id in built:
            self._unsaved[job_id] = (body, message_id)

    def start(self, releases: list[tuple[int, datetime]], settlements: list[Settlement]) -> None:
        """Settle in the background; :meth:`finished` awaits it."""
        self._running = asyncio.create_task(self.settle(releases, settlements))

    async def finished(self) -> None:
        """Wait for the settlement started last, if one is running.

        A settlement that fails is logged: its jobs' leases lapse and they are claimed
        and sent again, as when a process dies mid-send.
        """
        task, self._running = self._running, None
        if task is None:
            return
        try:
            await task
        except Exception:  # the round goes on; these jobs are claimed again later
            log.exception("settling outbox jobs failed; they are sent again after their lease")

    async def settle(
        self, releases: list[tuple[int, datetime]], settlements: list[Settlement]
    ) -> None:
        """Hand back the released jobs, record the settled ones, tell who listens."""
        unsent = [
            (job_id, *self._unsaved.pop(job_id))
            for job_id, _ in releases
            if job_id in self._unsaved
        ]
        # Saved before the release: the job is claimable again only with its bytes.
        await self._outbox.save_callbacks(unsent)
        await self._outbox.queue.release(self._worker, releases)
        for job_id, _ in releases:
            self.jobs.pop(job_id, None)
        if not settlements:
            return
        settlements = [
            s if (built := self._unsaved.pop(s.job_id, None)) is None
            else dataclasses.replace(s, callback=built)
            for s in settlements
        ]  # fmt: skip
        kept = await self._outbox.settle_many(self._worker, settlements)
        if self._metrics is not None:
            self._metrics.settled(self.jobs.values(), settlements)
        if self._on_settled is not None:
            ended = [s.status for s in settlements if s.status != "pending"]
            self._on_settled(len(ended), ended.count("delivered"))
        failed = [
            self.jobs[s.job_id]
            for s, held in zip(settlements, kept, strict=True)
            if held and s.status == "failed" and s.job_id in self.jobs
        ]
        for settlement, held in zip(settlements, kept, strict=True):
            self.jobs.pop(settlement.job_id, None)
            if not held:
                log.warning("outbox job %d: lease lost before settling", settlement.job_id)
        if failed and self._on_failed is not None:
            await self._on_failed(failed)
