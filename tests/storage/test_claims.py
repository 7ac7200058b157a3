"""The outbox's claim in driver SQL (``adapter/storage/claims.py``): on every store a
claimed job reads back as SQLAlchemy's column types would give it, its request's bytes
with it, earliest deadline first."""

from __future__ import annotations

from datetime import UTC, timedelta

from adapter.core.clock import FixedClock
from adapter.storage import Database
from adapter.storage.outbox import Outbox
from adapter.storage.store import InboundRecord, OutboxJob, Store

REQUEST = '{"context":{"action":"search"},"message":{"intent":{"descriptor":{"name":"चाय ₹"}}}}'


async def test_a_claimed_job_reads_back_whole_earliest_deadline_first(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    store, outbox = Store(database), Outbox(database)
    message = InboundRecord(
        direction="in", action="search", peer_id="buyer.example", transaction_id="t-1",
        message_id="m-1", received_at=clock.now(), headers={"Authorization": "x"},
        body=REQUEST.encode(), verification="valid",
    )  # fmt: skip
    job = OutboxJob(
        action="on_search", target_url="https://buyer.example/on_search", transaction_id="t-1",
        payload={"note": "कांगड़ा ₹", "n": [1, 2.5, None]}, created_at=clock.now(),
        deadline_at=clock.now() + timedelta(seconds=30),
    )  # fmt: skip
    await store.accept_inbound(message, job)
    # Queued later but due sooner: claimed first.
    await outbox.enqueue_unsolicited(
        action="on_status", target_url="https://buyer.example/on_status", transaction_id=None,
        payload={}, now=clock.now(), deadline_at=clock.now() + timedelta(seconds=5),
    )  # fmt: skip
    lease = clock.now() + timedelta(seconds=10)
    [first] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1)
    [second] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=5)
    assert await outbox.claim("w", now=clock.now(), lease_until=lease, limit=5) == []
    assert (first.action, first.inbound_body, first.kind) == ("on_status", None, "unsolicited")
    assert second.action == "on_search"
    assert second.inbound_body == REQUEST.encode()
    assert second.payload == {"note": "कांगड़ा ₹", "n": [1, 2.5, None]}
    assert second.created_at == clock.now()
    assert second.created_at.tzinfo == UTC
    assert second.deadline_at == clock.now() + timedelta(seconds=30)
    assert (second.attempts, second.callback_body, second.transaction_id) == (0, None, "t-1")
    # The bytes built for a job are saved with it: a retry sends exactly them.
    built = '{"message":{"catalog":"कांगड़ा ₹"}}'.encode()
    await outbox.save_callbacks([(second.id, built, "cb-1")])
    # The claimed jobs are this worker's until the lease ends, then anyone's.
    clock.advance(11)
    again = await outbox.claim("v", now=clock.now(), lease_until=clock.now(), limit=5)
    assert [j.id for j in again] == sorted([first.id, second.id])
    retry = next(j for j in again if j.id == second.id)
    assert (retry.callback_body, retry.callback_message_id) == (built, "cb-1")
    await database.dispose()
