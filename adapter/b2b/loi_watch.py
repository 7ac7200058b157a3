"""Letters of intent that must not stay on paper: the periodic sweep that flags them."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from adapter.core.clock import Clock
from adapter.storage.loi_desk import LoiDesk, OnPaper
from adapter.storage.notifications import SellerNotifications

__all__ = ["LoiWatcher"]

log = logging.getLogger(__name__)


class LoiWatcher:
    """Flags letters with no movement for ``quiet_days`` and tells their sellers."""

    def __init__(
        self,
        desk: LoiDesk,
        notifications: SellerNotifications,
        clock: Clock,
        *,
        quiet_days: int,
    ) -> None:
        self._desk = desk
        self._notifications = notifications
        self._clock = clock
        self._quiet_days = quiet_days

    async def run_once(self) -> list[OnPaper]:
        """One sweep; the letters flagged by it."""
        flagged = await self._desk.sweep(
            now=self._clock.now(), quiet_days=self._quiet_days, notifications=self._notifications
        )
        for letter in flagged:
            log.info("letter of intent %s is on paper (idle since %s)", letter.reference,
                     letter.idle_since)  # fmt: skip
        return flagged

    async def run(self, stop: asyncio.Event, every_seconds: float = 3600.0) -> None:
        """Sweep until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # must outlive a database hiccup; logged, retried next round
                log.exception("letters-of-intent sweep failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
