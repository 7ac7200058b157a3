"""Outbound answers against real hostile servers on loopback: a gzip bomb is refused at
the cap without being inflated, a dribbling peer is cut off at the overall deadline, and a
seller's webhook URL on an internal address is never called."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from adapter.catalog.feeds import HttpFeedSource
from adapter.core.clock import FixedClock
from adapter.core.seller_events import SellerEvent
from adapter.outbound.answer import AnswerTooLarge, AnswerTooSlow, exchange
from adapter.outbound.destination import Destinations
from adapter.outbound.notifier import SellerNotifier
from adapter.storage import Database
from adapter.storage.notifications import SellerNotifications
from tests.outbound.hostile import HostilePeer

LOOPBACK = Destinations(allow_http=True, allow_private=True)
PHASES = httpx.Timeout(10.0)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An engine on each backend."""
    database = Database.connect(database_url)
    yield database
    await database.dispose()


async def test_a_gzip_bomb_feed_is_refused_at_the_cap_without_being_inflated() -> None:
    # 256 MB of zeros in about 250 kB of gzip: read whole, it would take 256 MB at least.
    bomb = HostilePeer("bomb", inflated_bytes=256 << 20)
    async with bomb.running() as peer, httpx.AsyncClient() as http:
        source = HttpFeedSource(http, max_bytes=5_000_000, destinations=LOOPBACK)
        tracemalloc.start()
        try:
            with pytest.raises(AnswerTooLarge, match="5000000 bytes when inflated"):
                await source.fetch(f"{peer.url}/stock.csv")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 24 << 20, f"peak {peak >> 20} MB while reading a bomb"


async def test_an_answer_within_the_cap_is_read_and_inflated() -> None:
    small = HostilePeer("bomb", inflated_bytes=2 << 20)
    async with small.running() as peer, httpx.AsyncClient() as http:
        answer = await exchange(
            http, "GET", peer.url, max_bytes=3 << 20, deadline_seconds=5.0, phases=PHASES
        )
    assert answer.status_code == 200
    assert answer.content == bytes(2 << 20)


async def test_a_peer_sending_a_byte_a_second_is_cut_off_at_the_overall_deadline() -> None:
    async with HostilePeer("dribble").running() as peer, httpx.AsyncClient() as http:
        started = time.monotonic()
        with pytest.raises(AnswerTooSlow):
            # httpx's 10 s read timeout alone never trips: a byte comes every second.
            await exchange(
                http, "POST", peer.url, content=b"{}", max_bytes=65536,
                deadline_seconds=2.0, phases=PHASES,
            )  # fmt: skip
        assert time.monotonic() - started < 3.0


async def _notifier_for(
    database: Database, clock: FixedClock, url: str, destinations: Destinations
) -> tuple[SellerNotifications, SellerNotifier, httpx.AsyncClient]:
    store = SellerNotifications(database, retry_window=timedelta(hours=1))
    await store.set_endpoint("odop-kullu", url, enabled=True, rotate_secret=False, now=clock.now())
    await store.enqueue(
        None,
        seller_code="odop-kullu",
        event=SellerEvent.ORDER_CREATED,
        order_id="O-1",
        payload={"items": []},
        now=clock.now(),
    )
    http = httpx.AsyncClient()
    notifier = SellerNotifier(
        notifications=store,
        http=http,
        clock=clock,
        max_attempts=3,
        destinations=destinations,
        deadline_seconds=2.0,
    )
    return store, notifier, http


async def test_a_dribbling_seller_webhook_ends_at_the_deadline_and_is_retried(
    database: Database, clock: FixedClock
) -> None:
    async with HostilePeer("dribble").running() as peer:
        store, notifier, http = await _notifier_for(database, clock, peer.url, LOOPBACK)
        async with http:
            async with asyncio.timeout(6.0):
                assert await notifier.run_once() == 1
    [row] = await store.log("odop-kullu")
    assert row["status"] == "pending"
    [attempt] = row["attempts_log"]
    assert attempt["outcome"] == "error"
    assert "AnswerTooSlow" in attempt["error"]


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_a_seller_webhook_on_an_internal_address_is_never_called(
    database: Database, clock: FixedClock, scheme: str
) -> None:
    async with HostilePeer("ack").running() as peer:
        url = f"{scheme}://127.0.0.1:{peer.port}/internal/admin"
        store, notifier, http = await _notifier_for(database, clock, url, Destinations())
        async with http:
            assert await notifier.run_once() == 1
        assert peer.paths == []
    [row] = await store.log("odop-kullu")
    assert row["status"] == "failed"
    expected = "not allowed" if scheme == "http" else "not a public address"
    assert expected in row["last_error"]
