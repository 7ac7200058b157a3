"""The grievance clock: round after round, take up issues nobody answered within their
response time (``PROCESSING``), and flag the ones nearing their resolution time to the
seller (webhook ``issue.due``) and to the operator (a warning in the log), once each."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from adapter.core.clock import Clock
from adapter.igm.book import IssueRow
from adapter.igm.desk import ISSUE_DUE, IssueDesk, IssueStorePort, StepRefused

__all__ = ["IssueTimers"]

log = logging.getLogger(__name__)

Notify = Callable[[IssueRow, str, datetime], Awaitable[None]]


class IssueTimers:
    """Round after round: takes up issues nobody answered within their response time
    (``PROCESSING``), and flags those nearing their resolution time."""

    def __init__(
        self,
        issues: IssueStorePort,
        desk: IssueDesk,
        clock: Clock,
        *,
        warn_before: timedelta,
        notify: Notify | None = None,
        every: float = 5.0,
    ) -> None:
        self._issues = issues
        self._desk = desk
        self._clock = clock
        self._warn = warn_before
        self._notify = notify
        self._every = every

    async def run_once(self) -> tuple[int, int]:
        """One round: how many issues were taken up and how many flagged."""
        now = self._clock.now()
        taken = 0
        for row in await self._issues.unanswered(now):
            try:
                await self._desk.act(row, "process", by="timer")
                taken += 1
            except (StepRefused, RuntimeError):
                continue  # answered or closed meanwhile
        flagged = 0
        for row in await self._issues.due(now, warn_before=self._warn):
            if await self._issues.flag(row, now=now):
                flagged += 1
                log.warning(
                    "issue %s (order %s, seller %s) is due for resolution by %s",
                    row.issue_id,
                    row.order_id,
                    row.seller_code,
                    row.resolve_by,
                )
                if self._notify is not None and row.seller_code:
                    await self._notify(row, ISSUE_DUE, now)
        return taken, flagged

    async def run(self, stop: asyncio.Event) -> None:
        """Check until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # must outlive a database hiccup; logged, retried
                log.exception("grievance timer round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._every)
