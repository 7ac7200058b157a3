"""The seller notifier: signed bodies, retries with backoff, refusals, deadlines, and one
delivery per notification however many processes deliver."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
import respx

from adapter.core.clock import FixedClock
from adapter.core.seller_events import SellerEvent, verify_notification
from adapter.outbound.destination import Destinations
from adapter.outbound.notifier import SellerNotifier
from adapter.storage import Database
from adapter.storage.notifications import SellerNotifications
from tests.fixtures import REPO_ROOT

HOOK = "https://shop.kullu.example/odop/hooks"
SELLER = "odopkullu"
WINDOW = timedelta(hours=24)
ORDER = {"items": [{"sku": "KS-01", "name": "कुल्लू शॉल", "price": "₹4,500.00"}]}

Answer = httpx.Response | Exception


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An engine on each backend."""
    database = Database.connect(database_url)
    yield database
    await database.dispose()


def _seller(*answers: Answer) -> tuple[respx.Router, list[httpx.Request]]:
    """The seller's system answering with ``answers`` in turn (the last one repeats)."""
    seen: list[httpx.Request] = []
    router = respx.Router(assert_all_called=False)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = answers[min(len(seen), len(answers)) - 1]
        if isinstance(reply, Exception):
            raise reply
        return reply

    router.post(HOOK).mock(side_effect=answer)
    return router, seen


async def _setup(
    database: Database, clock: FixedClock, window: timedelta = WINDOW
) -> tuple[SellerNotifications, str]:
    store = SellerNotifications(database, retry_window=window)
    secret = await store.set_endpoint(
        SELLER, HOOK, enabled=True, rotate_secret=False, now=clock.now()
    )
    assert secret is not None
    await store.enqueue(
        None,
        seller_code=SELLER,
        event=SellerEvent.ORDER_CREATED,
        order_id="O-2026-0001",
        payload=ORDER,
        now=clock.now(),
    )
    return store, secret


@asynccontextmanager
async def _notifier(
    store: SellerNotifications, router: respx.Router, clock: FixedClock, **options: int
) -> AsyncIterator[SellerNotifier]:
    """A notifier posting through ``router``, as one adapter process would run it."""
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as http:
        yield SellerNotifier(
            notifications=store,
            http=http,
            clock=clock,
            max_attempts=options.get("max_attempts", 12),
            concurrency=options.get("concurrency", 16),
            # The seller's system is a respx fake: its made-up host resolves nowhere.
            destinations=Destinations(allow_private=True),
        )


async def test_the_signature_covers_the_timestamp_and_the_exact_bytes_sent(
    database: Database, clock: FixedClock
) -> None:
    store, secret = await _setup(database, clock)
    router, seen = _seller(httpx.Response(204))
    async with _notifier(store, router, clock) as notifier:
        assert await notifier.run_once() == 1
    [request] = seen
    body = request.content
    assert orjson.loads(body) == {
        "event": "order.created",
        "order_id": "O-2026-0001",
        "occurred_at": "2026-11-23T10:00:00.123Z",
        "data": ORDER,
    }
    assert "कुल्लू शॉल".encode() in body  # UTF-8 as is, not \\u escapes
    timestamp = request.headers["X-ODOP-Timestamp"]
    assert timestamp == str(clock.timestamp())
    material = timestamp.encode() + b"." + body
    expected = hmac.new(secret.encode(), material, hashlib.sha256).hexdigest()
    assert request.headers["X-ODOP-Signature"] == f"sha256={expected}"
    assert request.headers["X-ODOP-Event"] == "order.created"
    signature = request.headers["X-ODOP-Signature"]
    assert verify_notification(
        secret, body, timestamp=timestamp, signature=signature, now=clock.timestamp()
    )
    assert not verify_notification(
        secret, body + b" ", timestamp=timestamp, signature=signature, now=clock.timestamp()
    )
    # A captured notification replayed later, or under another timestamp, does not verify.
    assert not verify_notification(
        secret, body, timestamp=timestamp, signature=signature, now=clock.timestamp() + 301
    )
    later = str(int(timestamp) + 60)
    assert not verify_notification(
        secret, body, timestamp=later, signature=signature, now=clock.timestamp()
    )


async def test_the_verification_snippet_in_the_sellers_docs_accepts_a_real_notification(
    database: Database, clock: FixedClock
) -> None:
    store, secret = await _setup(database, clock)
    router, seen = _seller(httpx.Response(200))
    async with _notifier(store, router, clock) as notifier:
        await notifier.run_once()
    [request] = seen
    docs = (REPO_ROOT / "docs" / "seller-notifications.md").read_text("utf-8")
    snippet = re.findall(r"```python\n(.*?)```", docs, flags=re.DOTALL)[0]  # the first one
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    verify = namespace["verify_odop_signature"]
    timestamp = request.headers["X-ODOP-Timestamp"]
    signature = request.headers["X-ODOP-Signature"]
    now = clock.timestamp() + 10
    assert verify(secret, request.content, timestamp, signature, now=now)
    assert not verify(secret, request.content + b"\n", timestamp, signature, now=now)
    assert not verify("another secret", request.content, timestamp, signature, now=now)
    assert not verify(secret, request.content, timestamp, signature, now=now + 600)


async def test_failures_are_retried_with_backoff_then_delivered_with_the_same_body(
    database: Database, clock: FixedClock
) -> None:
    store, secret = await _setup(database, clock)
    router, seen = _seller(httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(200))
    async with _notifier(store, router, clock) as notifier:
        assert await notifier.run_once() == 1
        [row] = await store.log(SELLER)
        assert row["status"] == "pending"
        wait = (row["next_attempt_at"] - clock.now()).total_seconds()
        assert 0 <= wait <= 5.0  # full jitter under the first step of the backoff
        if wait > 0:
            assert await notifier.run_once() == 0  # not before its time
        for _ in range(2):
            clock.advance(3600)
            assert await notifier.run_once() == 1
        clock.advance(3600)
        assert await notifier.run_once() == 0
    assert len(seen) == 3
    assert seen[0].content == seen[1].content == seen[2].content
    stamps = [request.headers["X-ODOP-Timestamp"] for request in seen]
    assert len(set(stamps)) == 3  # each try is signed afresh
    for request in seen:
        assert verify_notification(
            secret,
            request.content,
            timestamp=request.headers["X-ODOP-Timestamp"],
            signature=request.headers["X-ODOP-Signature"],
            now=int(request.headers["X-ODOP-Timestamp"]),
        )
    assert {request.headers["X-ODOP-Delivery"] for request in seen} == {str(row["id"])}
    [row] = await store.log(SELLER)
    assert (row["status"], row["attempts"]) == ("delivered", 3)
    assert [(a["outcome"], a["http_status"]) for a in row["attempts_log"]] == [
        ("error", 503),
        ("error", None),
        ("delivered", 200),
    ]
    assert "ConnectError" in row["attempts_log"][1]["error"]
    assert all(a["latency_ms"] is not None for a in row["attempts_log"])


async def test_an_attempt_that_fails_unexpectedly_is_retried_not_the_round_failed(
    database: Database, clock: FixedClock
) -> None:
    # The HTTP client raising what it never should (a library's bug) is an error attempt
    # retried with the backoff, not a failure of the round that would lose the outcomes of
    # the attempts collected with it (or, before, stop the notifier's loop for good).
    store, _ = await _setup(database, clock)
    router, seen = _seller(RuntimeError("a library's bug"), httpx.Response(204))
    async with _notifier(store, router, clock) as notifier:
        assert await notifier.run_once() == 1
        [row] = await store.log(SELLER)
        assert (row["status"], row["attempts"]) == ("pending", 1)
        [tried] = row["attempts_log"]
        assert (tried["outcome"], tried["http_status"]) == ("error", None)
        assert "a library's bug" in tried["error"]
        clock.advance(3600)
        assert await notifier.run_once() == 1
    [row] = await store.log(SELLER)
    assert (row["status"], len(seen)) == ("delivered", 2)


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
async def test_a_4xx_refusal_fails_at_once_without_a_retry(
    database: Database, clock: FixedClock, status: int
) -> None:
    store, _ = await _setup(database, clock)
    router, seen = _seller(httpx.Response(status, text="unknown order schema"))
    async with _notifier(store, router, clock) as notifier:
        assert await notifier.run_once() == 1
        clock.advance(86_400)
        assert await notifier.run_once() == 0
    assert len(seen) == 1
    [row] = await store.log(SELLER)
    assert row["status"] == "failed"
    # The status alone: the answer's body never reaches the seller-visible log.
    assert row["last_error"] == f"HTTP {status}"
    assert [(a["outcome"], a["http_status"]) for a in row["attempts_log"]] == [("refused", status)]


@pytest.mark.parametrize("status", [408, 429, 500, 502, 302])
async def test_timeouts_throttling_and_server_errors_are_retried(
    database: Database, clock: FixedClock, status: int
) -> None:
    store, _ = await _setup(database, clock)
    router, _seen = _seller(httpx.Response(status))
    async with _notifier(store, router, clock) as notifier:
        assert await notifier.run_once() == 1
    [row] = await store.log(SELLER)
    assert (row["status"], row["attempts"]) == ("pending", 1)


async def test_out_of_attempts_fails_with_every_attempt_logged(
    database: Database, clock: FixedClock
) -> None:
    store, _ = await _setup(database, clock)
    router, seen = _seller(httpx.ReadTimeout("slow"))
    async with _notifier(store, router, clock, max_attempts=3) as notifier:
        for _ in range(5):
            await notifier.run_once()
            clock.advance(3600)
    assert len(seen) == 3
    [row] = await store.log(SELLER)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert row["last_error"].startswith("gave up: out of attempts after 3 attempt(s)")
    assert [a["outcome"] for a in row["attempts_log"]] == ["error"] * 3


async def test_past_the_deadline_a_failing_notification_is_failed(
    database: Database, clock: FixedClock
) -> None:
    store, _ = await _setup(database, clock, window=timedelta(hours=1))
    router, seen = _seller(httpx.Response(503))
    async with _notifier(store, router, clock) as notifier:
        assert await notifier.run_once() == 1
        clock.advance(2 * 3600)  # the seller's system was down past the deadline
        assert await notifier.run_once() == 1
        clock.advance(3600)
        assert await notifier.run_once() == 0
    assert len(seen) == 2
    [row] = await store.log(SELLER)
    assert row["status"] == "failed"
    assert "out of time (deadline passed) after 2 attempt(s)" in row["last_error"]
    assert len(row["attempts_log"]) == 2


async def test_a_disabled_endpoint_skips_queued_notifications_without_sending(
    database: Database, clock: FixedClock
) -> None:
    store, _ = await _setup(database, clock)
    await store.set_endpoint(SELLER, HOOK, enabled=False, rotate_secret=False, now=clock.now())
    router, seen = _seller(httpx.Response(200))
    async with _notifier(store, router, clock) as notifier:
        assert await notifier.run_once() == 1
    assert seen == []
    [row] = await store.log(SELLER)
    assert (row["status"], row["attempts"], row["attempts_log"]) == ("skipped", 0, [])


async def test_two_notifiers_on_separate_engines_deliver_each_notification_once(
    database_url: str, clock: FixedClock
) -> None:
    # Two processes' worth: each notifier has its own engine, store and HTTP client.
    databases = [Database.connect(database_url, pool_size=2) for _ in range(2)]
    stores = [SellerNotifications(database, retry_window=WINDOW) for database in databases]
    await stores[0].set_endpoint(SELLER, HOOK, enabled=True, rotate_secret=False, now=clock.now())
    for number in range(40):
        await stores[0].enqueue(
            None,
            seller_code=SELLER,
            event=SellerEvent.ORDER_UPDATED,
            order_id=f"O-{number}",
            payload={"n": number},
            now=clock.now(),
        )
    delivered: list[str] = []
    router = respx.Router(assert_all_called=False)

    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.001)  # let the other notifier run meanwhile
        delivered.append(request.headers["X-ODOP-Delivery"])
        return httpx.Response(200)

    router.post(HOOK).mock(side_effect=answer)

    async def drain(store: SellerNotifications) -> None:
        async with _notifier(store, router, clock, concurrency=4) as notifier:
            while await notifier.run_once():
                pass

    await asyncio.gather(*(drain(store) for store in stores))
    log = await stores[0].log(SELLER, limit=100)
    for database in databases:
        await database.dispose()
    assert len(delivered) == 40
    assert len(set(delivered)) == 40
    assert {row["status"] for row in log} == {"delivered"}
    assert all(len(row["attempts_log"]) == 1 for row in log)
