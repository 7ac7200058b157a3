"""Seller notifications in the store, on SQLite and PostgreSQL: queued in the caller's
transaction, claimed by one process at a time, logged per seller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from adapter.core.clock import FixedClock
from adapter.core.seller_events import SellerEvent
from adapter.storage import Database
from adapter.storage.notifications import (
    DeliveryAttempt,
    NotificationSettlement,
    SellerNotifications,
)
from adapter.storage.tables import seller_notifications

WINDOW = timedelta(hours=24)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An engine on each backend."""
    database = Database.connect(database_url)
    yield database
    await database.dispose()


async def _with_endpoint(store: SellerNotifications, clock: FixedClock, code: str) -> str:
    secret = await store.set_endpoint(
        code, "https://shop.example/hooks", enabled=True, rotate_secret=False, now=clock.now()
    )
    assert secret is not None
    return secret


async def test_enqueue_inside_the_callers_transaction_rolls_back_with_it(
    database: Database, clock: FixedClock
) -> None:
    store = SellerNotifications(database, retry_window=WINDOW)
    await _with_endpoint(store, clock, "odop-kullu")

    class OrderRefused(Exception):
        pass

    async def change_order_then_fail() -> None:
        async with database.transaction() as connection:
            await store.enqueue(
                connection,
                seller_code="odop-kullu",
                event=SellerEvent.ORDER_CREATED,
                order_id="O-1",
                payload={"items": 1},
                now=clock.now(),
            )
            raise OrderRefused

    with pytest.raises(OrderRefused):
        await change_order_then_fail()
    assert await store.log("odop-kullu") == []
    async with database.transaction() as connection:
        kept = await store.enqueue(
            connection,
            seller_code="odop-kullu",
            event=SellerEvent.ORDER_CREATED,
            order_id="O-2",
            payload={"items": 1},
            now=clock.now(),
        )
    [row] = await store.log("odop-kullu")
    assert (row["id"], row["status"], row["event"]) == (kept, "pending", "order.created")
    assert row["deadline_at"] == clock.now() + WINDOW


async def test_a_seller_without_an_endpoint_gets_a_skipped_row_that_is_never_claimed(
    database: Database, clock: FixedClock
) -> None:
    store = SellerNotifications(database, retry_window=WINDOW)
    await store.enqueue(
        None,
        seller_code="odop-una",
        event=SellerEvent.ORDER_CANCELLED,
        order_id="O-9",
        payload={},
        now=clock.now(),
    )
    [row] = await store.log("odop-una")
    assert row["status"] == "skipped"
    assert "no enabled notification endpoint" in row["last_error"]
    lease = clock.now() + timedelta(seconds=60)
    assert await store.claim("w", now=clock.now(), lease_until=lease, limit=10) == []
    # Once the seller sets an endpoint, the skipped event can be sent after all.
    await _with_endpoint(store, clock, "odop-una")
    assert await store.redeliver("odop-una", row["id"], now=clock.now()) == "queued"
    [claimed] = await store.claim("w", now=clock.now(), lease_until=lease, limit=10)
    assert (claimed.id, claimed.url) == (row["id"], "https://shop.example/hooks")


async def test_concurrent_claimers_on_separate_engines_never_share_a_notification(
    database_url: str, clock: FixedClock
) -> None:
    # Separate engines, as separate adapter processes would have.
    databases = [Database.connect(database_url, pool_size=2) for _ in range(4)]
    stores = [SellerNotifications(database, retry_window=WINDOW) for database in databases]
    await _with_endpoint(stores[0], clock, "odop-kangra")
    for number in range(60):
        await stores[0].enqueue(
            None,
            seller_code="odop-kangra",
            event=SellerEvent.ORDER_CREATED,
            order_id=f"O-{number}",
            payload={"n": number},
            now=clock.now(),
        )
    lease = clock.now() + timedelta(seconds=60)

    async def claim_all(store: SellerNotifications, worker: str) -> list[int]:
        taken: list[int] = []
        while batch := await store.claim(worker, now=clock.now(), lease_until=lease, limit=5):
            taken.extend(one.id for one in batch)
        return taken

    results = await asyncio.gather(*(claim_all(s, f"w{i}") for i, s in enumerate(stores)))
    for database in databases:
        await database.dispose()
    claimed = [one for taken in results for one in taken]
    assert len(claimed) == 60
    assert len(set(claimed)) == 60


async def test_a_lapsed_lease_is_claimed_again_and_the_old_workers_settlement_refused(
    database: Database, clock: FixedClock
) -> None:
    store = SellerNotifications(database, retry_window=WINDOW)
    await _with_endpoint(store, clock, "odop-chamba")
    await store.enqueue(
        None,
        seller_code="odop-chamba",
        event=SellerEvent.ORDER_RETURN_REQUESTED,
        order_id="O-3",
        payload={},
        now=clock.now(),
    )
    lease = clock.now() + timedelta(seconds=60)
    [first] = await store.claim("dead", now=clock.now(), lease_until=lease, limit=5)
    assert await store.claim("live", now=clock.now(), lease_until=lease, limit=5) == []
    clock.advance(61)
    [again] = await store.claim(
        "live", now=clock.now(), lease_until=clock.now() + timedelta(seconds=60), limit=5
    )
    assert again.id == first.id
    attempt = DeliveryAttempt(clock.now(), 204, 3.0, "delivered")
    done = NotificationSettlement(first.id, "delivered", attempt)
    assert await store.settle("dead", [done]) == [False]
    assert await store.settle("live", [done]) == [True]
    [row] = await store.log("odop-chamba")
    assert (row["status"], row["attempts"], row["delivered_at"]) == (
        "delivered",
        1,
        clock.now(),
    )
    assert [a["outcome"] for a in row["attempts_log"]] == ["delivered"]


async def test_the_log_shows_only_the_sellers_own_notifications_with_every_attempt(
    database: Database, clock: FixedClock
) -> None:
    store = SellerNotifications(database, retry_window=WINDOW)
    for code in ("odop-kullu", "odop-chamba"):
        await _with_endpoint(store, clock, code)
        await store.enqueue(
            None,
            seller_code=code,
            event=SellerEvent.ORDER_CREATED,
            order_id=f"{code}-1",
            payload={"buyer_city": "शिमला"},
            now=clock.now(),
        )
    lease = clock.now() + timedelta(seconds=60)
    claimed = await store.claim("w", now=clock.now(), lease_until=lease, limit=10)
    retry = clock.now() + timedelta(seconds=5)
    failed = DeliveryAttempt(clock.now(), 503, 12.5, "error", "HTTP 503")
    await store.settle(
        "w", [NotificationSettlement(one.id, "pending", failed, retry) for one in claimed]
    )
    [kullu] = await store.log("odop-kullu")
    [chamba] = await store.log("odop-chamba")
    assert (kullu["order_id"], chamba["order_id"]) == ("odop-kullu-1", "odop-chamba-1")
    assert kullu["payload"] == {"buyer_city": "शिमला"}
    assert kullu["next_attempt_at"] == retry
    assert [(a["http_status"], a["outcome"]) for a in kullu["attempts_log"]] == [(503, "error")]
    assert await store.redeliver("odop-chamba", kullu["id"], now=clock.now()) == "unknown"
    assert await store.redeliver("odop-kullu", kullu["id"], now=clock.now()) == "already_pending"
    assert await store.log("odop-kullu", status="delivered") == []
    async with database.engine.connect() as connection:
        total = (await connection.execute(select(func.count(seller_notifications.c.id)))).scalar()
    assert total == 2


async def test_setting_an_endpoint_again_keeps_the_secret_unless_rotated(
    database: Database, clock: FixedClock
) -> None:
    store = SellerNotifications(database, retry_window=WINDOW)
    first = await _with_endpoint(store, clock, "odop-mandi")
    again = await store.set_endpoint(
        "odop-mandi", "https://new.example/h", enabled=False, rotate_secret=False, now=clock.now()
    )
    assert again is None
    endpoint = await store.endpoint("odop-mandi")
    assert endpoint is not None
    assert (endpoint.url, endpoint.enabled) == ("https://new.example/h", False)
    rotated = await store.set_endpoint(
        "odop-mandi", "https://new.example/h", enabled=True, rotate_secret=True, now=clock.now()
    )
    assert rotated is not None
    assert rotated != first
    assert await store.endpoint("odop-nobody") is None
