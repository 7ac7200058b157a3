"""Pull sellers' stock from their own systems: the feed connector.

Each seller may publish a CSV or JSON feed of SKU and true available count at a URL; the
poller reads every feed when its interval is due, applies the counts, pushes the changes
to subscribed buyer apps and records what happened. With several adapter processes, a
shared-state claim per feed and interval means one process reads each feed once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

import httpx

from adapter.catalog.push import CatalogPush
from adapter.coordination.port import SharedState
from adapter.core.clock import Clock
from adapter.outbound.answer import OutboundError, exchange
from adapter.outbound.destination import Destinations
from adapter.storage.catalog import CatalogStore
from catalog_sync.stock_feed import parse_stock_feed

__all__ = ["FeedPoller", "HttpFeedSource", "StockSource"]

log = logging.getLogger(__name__)


class StockSource(Protocol):
    """Where a seller's stock feed comes from."""

    async def fetch(self, url: str) -> bytes:
        """The feed's bytes; raises ``httpx.HTTPError`` or
        :class:`~adapter.outbound.answer.OutboundError` when it cannot be read."""
        ...


class HttpFeedSource:
    """Feeds over HTTP(S): the URL checked, the answer streamed with a cap on its decoded
    size (a gzip feed is inflated a step at a time, never whole) and one overall deadline."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        max_bytes: int = 5_000_000,
        deadline_seconds: float = 30.0,
        destinations: Destinations | None = None,
    ) -> None:
        self._http = http
        self._max_bytes = max_bytes
        self._deadline = deadline_seconds
        self._destinations = destinations or Destinations()

    async def fetch(self, url: str) -> bytes:
        """GET the feed; a refused URL, a non-2xx answer or an oversized body is an error."""
        await self._destinations.check(url)
        answer = await exchange(
            self._http,
            "GET",
            url,
            max_bytes=self._max_bytes,
            deadline_seconds=self._deadline,
            phases=httpx.Timeout(10.0),
        )
        if not 200 <= answer.status_code < 300:
            raise OutboundError(f"HTTP {answer.status_code}")
        return answer.content


class FeedPoller:
    """Reads due feeds and applies them."""

    def __init__(
        self,
        store: CatalogStore,
        push: CatalogPush,
        source: StockSource,
        state: SharedState,
        clock: Clock,
    ) -> None:
        self._store = store
        self._push = push
        self._source = source
        self._state = state
        self._clock = clock

    async def run(self, stop: asyncio.Event, every_seconds: float = 10.0) -> None:
        """Poll until ``stop`` is set, finishing a round in progress first."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # must outlive a database or Redis hiccup; logged, retried
                log.exception("stock feed round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every_seconds)

    async def run_once(self) -> int:
        """Read every due feed once; the number read."""
        now = self._clock.now()
        read = 0
        for feed in await self._store.feeds():
            last = feed["last_fetched_at"]
            interval = feed["interval_seconds"]
            if last is not None and (now - last).total_seconds() < interval:
                continue
            slot = int(now.timestamp() // interval)
            if not await self._state.first_seen(f"feed:{feed['seller_code']}:{slot}", interval):
                continue  # another process has this round
            await self._read(feed["seller_code"], feed["url"])
            read += 1
        return read

    async def _read(self, code: str, url: str) -> None:
        now = self._clock.now()
        try:
            content = await self._source.fetch(url)
        except Exception as exc:  # the seller's server, or the client's bug: its feed alone
            if not isinstance(exc, (httpx.HTTPError, OutboundError)):
                log.exception("stock feed of %s: reading %s failed unexpectedly", code, url)
            reason = f"{type(exc).__name__}: {exc}"[:300]
            await self._store.feed_fetched(code, now=now, result=f"could not read {url}: {reason}")
            return
        feed = parse_stock_feed(content)
        unknown = await self._store.set_stock(code, feed.counts, now=now) if feed.counts else []
        changed = [sku for sku, _ in feed.counts if sku not in unknown]
        if changed:
            await self._push.changed(code, changed)
        problems = feed.problems + [f"unknown SKU {sku}" for sku in unknown]
        summary = f"{len(changed)} SKU(s) updated"
        if problems:
            summary += "; " + "; ".join(problems[:20])
        await self._store.feed_fetched(code, now=now, result=summary)
