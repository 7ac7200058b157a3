"""The grievance clock: round after round, take up issues nobody answered within their
response time (``PROCESSING``), flag the ones nearing their resolution time to the seller
(webhook ``issue.due``) and to the operator (a warning in the log), and hand to our
grievance officer the ones still unresolved a grace period past it (webhook
``issue.escalated``, an error in the log), once each.

Each step is a compare-and-set on the issue, so several processes running the clock at once
take up, flag and escalate an issue once between them: the loser of a race is told the
issue moved and leaves it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from adapter.core.clock import Clock
from adapter.igm.book import IssueMoved, IssueRow
from adapter.igm.desk import ISSUE_DUE, IssueDesk, IssueStorePort, StepRefused
from adapter.igm.issue2 import proposal_pending

__all__ = ["IssueTimers", "TimerRound"]

log = logging.getLogger(__name__)

Notify = Callable[[IssueRow, str, datetime], Awaitable[None]]


class TimerRound(NamedTuple):
    """What one round did: issues taken up, flagged as nearly due, and escalated."""

    taken: int
    flagged: int
    escalated: int


class IssueTimers:
    """Round after round: takes up issues nobody answered within their response time
    (``PROCESSING``), flags those nearing their resolution time, and escalates to our
    grievance officer those ``escalate_after`` past it with no resolution made or
    proposed (``None``: never)."""

    def __init__(
        self,
        issues: IssueStorePort,
        desk: IssueDesk,
        clock: Clock,
        *,
        warn_before: timedelta,
        escalate_after: timedelta | None = None,
        notify: Notify | None = None,
        every: float = 5.0,
    ) -> None:
        self._issues = issues
        self._desk = desk
        self._clock = clock
        self._warn = warn_before
        self._grace = escalate_after
        self._notify = notify
        self._every = every

    async def run_once(self) -> TimerRound:
        """One round: how many issues were taken up, flagged and escalated."""
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
        return TimerRound(taken, flagged, await self._escalate(now))

    async def _escalate(self, now: datetime) -> int:
        if self._grace is None:
            return 0
        escalated = 0
        for row in await self._issues.overdue(now, grace=self._grace):
            if proposal_pending(row.document):
                continue  # a resolution awaits the buyer app's answer: its turn, not ours
            try:
                await self._desk.escalate(row)
            except (StepRefused, IssueMoved):
                continue  # resolved, closed or escalated meanwhile (another process won)
            escalated += 1
            log.error(
                "issue %s (order %s, seller %s) was not resolved by %s: taken over by the "
                "grievance officer",
                row.issue_id,
                row.order_id,
                row.seller_code,
                row.resolve_by,
            )
        return escalated

    async def run(self, stop: asyncio.Event) -> None:
        """Check until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # must outlive a database hiccup; logged, retried
                log.exception("grievance timer round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._every)
