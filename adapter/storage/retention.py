"""The audit log kept within its age and its size, by a background task.

The audit log holds every signed message; at 25 requests a second it grew by about 1 GB
an hour, with only an age limit (applied by hand, ``ondc-seller audit purge``). Every few
minutes this task deletes rows older than ``ONDC_AUDIT_RETENTION_DAYS`` and then the oldest
rows until the bodies left take at most ``ONDC_AUDIT_MAX_MB``. Rows a job still needs stay
(:meth:`Store.purge_messages_over`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from adapter.core.clock import Clock
from adapter.storage.store import Store

__all__ = ["AuditRetention"]

log = logging.getLogger(__name__)


class AuditRetention:
    """Purges the audit log by age, then by size, every ``every_seconds``."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        max_age: timedelta,
        max_bytes: int,
        every_seconds: float = 300.0,
    ) -> None:
        self._store = store
        self._clock = clock
        self._max_age = max_age
        self._max_bytes = max_bytes
        self._every = every_seconds

    async def run_once(self) -> int:
        """One pass; how many rows were deleted."""
        old = await self._store.purge_messages(older_than=self._clock.now() - self._max_age)
        over = await self._store.purge_messages_over(self._max_bytes)
        if old or over:
            log.info("audit retention: %d rows past their age, %d over the size bound", old, over)
        return old + over

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until ``stop`` is set; a failed pass is logged and retried."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # must outlive a database hiccup; logged, retried
                log.warning("audit retention pass failed; trying again later", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every)
