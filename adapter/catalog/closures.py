"""Tell subscribed buyer apps when a store opens or shuts by the calendar.

A holiday or a seasonal closure starts and ends on a date, with nobody changing anything;
buyer apps subscribed to incremental refresh must still hear that the store is now
disabled (or enabled again). Once a day per store that changes, one process (whichever
claims it first in the shared state) pushes the store's location with its new label and
its items.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, timedelta

from adapter.catalog.push import CatalogPush
from adapter.coordination.port import SharedState
from adapter.core.clock import Clock
from adapter.storage.catalog import CatalogStore
from catalog_sync.transform import closed_on, store_day

__all__ = ["ClosureWatcher", "closure_claim"]


def closure_claim(seller_code: str, location_code: str, day: date) -> str:
    """The shared-state key of "this store's open or shut state was pushed on ``day``": the
    watcher pushes a store once a day, and not at all if its seller already did."""
    return f"store-label:{seller_code}:{location_code}:{day.isoformat()}"


log = logging.getLogger(__name__)


class ClosureWatcher:
    """Pushes each store whose open or shut state today differs from yesterday's."""

    def __init__(
        self, store: CatalogStore, push: CatalogPush, state: SharedState, clock: Clock
    ) -> None:
        self._store = store
        self._push = push
        self._state = state
        self._clock = clock

    async def run_once(self) -> int:
        """Push the stores that opened or shut today (once a day each); how many."""
        today = store_day(self._clock.now())
        yesterday = today - timedelta(days=1)
        pushed = 0
        for seller, location in await self._store.stores():
            if closed_on(location, today) == closed_on(location, yesterday):
                continue
            claim = closure_claim(seller.code, location.code, today)
            if not await self._state.first_seen(claim, ttl_seconds=2 * 86_400):
                continue  # pushed today already, by this process or another
            skus = [item.sku for item, _ in await self._store.items_of(seller.code)]
            if skus:
                await self._push.changed(seller.code, skus, store=True)
                pushed += 1
        return pushed

    async def run(self, stop: asyncio.Event, every_seconds: float = 300.0) -> None:
        """Check until ``stop`` is set; a round is finished before stopping."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # must outlive a database or Redis hiccup; logged, retried
                log.exception("store closure round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
