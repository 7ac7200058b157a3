"""One contract, every backend: SQLite always, PostgreSQL over a real connection."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select
from sqlalchemy.exc import IntegrityError

from adapter.core.clock import FixedClock
from adapter.storage import InboundRecord, Store, sync_url, upgrade
from adapter.storage.outbox import Outbox
from adapter.storage.store import OutboxJob
from adapter.storage.tables import include_name, messages, metadata

HINDI_BODY = '{"context":{"action":"search"},"message":{"name":"कुल्लू शॉल ₹4500"}}'.encode()


def _inbound(
    clock: FixedClock, message_id: str = "m-1", peer: str = "buyer.example"
) -> InboundRecord:
    return InboundRecord(
        direction="in",
        action="search",
        peer_id=peer,
        transaction_id="t-1",
        message_id=message_id,
        received_at=clock.now(),
        headers={"authorization": "Signature keyId=..."},
        body=HINDI_BODY,
        verification="valid",
        http_status=200,
        duration_ms=1.25,
    )


def _job(clock: FixedClock) -> OutboxJob:
    return OutboxJob(
        action="on_search",
        target_url="https://buyer.example/ondc/on_search",
        transaction_id="t-1",
        payload={"context": {"action": "search"}, "note": "शॉल"},
        created_at=clock.now(),
        deadline_at=clock.now() + timedelta(seconds=30),
    )


def test_migrations_match_the_table_definitions(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_migrating_twice_is_harmless(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)


async def test_inbound_message_and_its_job_are_written_together(
    store: Store, clock: FixedClock
) -> None:
    row = await store.accept_inbound(_inbound(clock), _job(clock))
    assert row is not None
    [audited] = await store.messages_for_transaction("t-1")
    assert audited["body"] == HINDI_BODY
    assert audited["headers"] == {"authorization": "Signature keyId=..."}
    assert audited["received_at"].replace(tzinfo=None) == clock.now().replace(tzinfo=None)
    [job] = await Outbox(store.database).jobs(status="pending")
    assert job["inbound_id"] == row
    assert job["payload"]["note"] == "शॉल"
    assert job["status"] == "pending"


async def test_duplicate_message_id_writes_nothing_twice(store: Store, clock: FixedClock) -> None:
    first = await store.accept_inbound(_inbound(clock), _job(clock))
    again = await store.accept_inbound(_inbound(clock), _job(clock))
    assert first is not None
    assert again is None
    assert len(await store.messages_for_transaction("t-1")) == 1
    assert len(await Outbox(store.database).jobs(status="pending")) == 1


async def test_a_batch_keeps_each_requests_outcome_and_every_column(
    store: Store, clock: FixedClock
) -> None:
    earlier = await store.accept_inbound(_inbound(clock, "m-0"), None)
    bare = dataclasses.replace(
        _inbound(clock, "m-1"),
        transaction_id=None,
        headers={},
        body=b"\x00\xff{}",
        http_status=None,
        duration_ms=None,
    )
    refused = dataclasses.replace(
        _inbound(clock, "m-2"),
        headers={"authorization": 'Signature keyId="a|b|ed25519"', "user-agent": "ऐप/1.0"},
        error="context.city: std:0000 is not served",
    )
    outcomes = await store.accept_inbound_batch(
        [
            (bare, _job(clock)),
            (_inbound(clock, "m-1"), _job(clock)),  # the same key again in the batch
            (refused, None),
            (_inbound(clock, "m-0"), _job(clock)),  # already accepted before
        ]
    )
    assert earlier is not None
    first, again, refused_id, before = outcomes
    assert first is not None
    assert refused_id is not None
    assert again is None
    assert before is None
    assert len({earlier, first, refused_id}) == 3
    [job] = await Outbox(store.database).jobs(status="pending")
    assert job["inbound_id"] == first
    assert job["payload"] == {"context": {"action": "search"}, "note": "शॉल"}
    assert job["deadline_at"] == clock.now() + timedelta(seconds=30)
    rows = {row["message_id"]: row for row in await store.messages_for_transaction("t-1")}
    assert set(rows) == {"m-0", "m-2"}
    assert rows["m-2"]["headers"] == refused.headers
    assert rows["m-2"]["error"] == refused.error
    assert rows["m-2"]["duration_ms"] == 1.25
    [stored] = await _messages_without_transaction(store)
    assert stored["body"] == b"\x00\xff{}"
    assert stored["headers"] == {}
    assert stored["http_status"] is None
    assert stored["duration_ms"] is None
    assert stored["error"] is None
    assert stored["received_at"] == clock.now()


async def test_a_batch_of_new_requests_gets_the_ids_of_its_rows(
    store: Store, clock: FixedClock
) -> None:
    await store.accept_inbound(_inbound(clock, "m-0"), _job(clock))
    names = [f"n-{n}" for n in range(7)]
    outcomes = await store.accept_inbound_batch(
        [(_inbound(clock, name), _job(clock) if n % 2 else None) for n, name in enumerate(names)]
    )
    ids = {row["message_id"]: row["id"] for row in await store.messages_for_transaction("t-1")}
    assert outcomes == [ids[name] for name in names]
    jobs = await Outbox(store.database).jobs(status="pending")
    assert sorted(job["inbound_id"] for job in jobs) == sorted([ids["m-0"], *outcomes[1::2]])


async def test_a_batch_refuses_naive_instants_and_an_empty_one_writes_nothing(
    store: Store, clock: FixedClock
) -> None:
    naive = dataclasses.replace(_inbound(clock), received_at=clock.now().replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive datetime"):
        await store.accept_inbound_batch([(naive, _job(clock))])
    assert await store.accept_inbound_batch([]) == []
    assert await store.messages_for_transaction("t-1") == []


async def _messages_without_transaction(store: Store) -> list[dict[str, object]]:
    async with store.database.engine.connect() as connection:
        rows = await connection.execute(select(messages).where(messages.c.transaction_id.is_(None)))
        return [dict(row._mapping) for row in rows]


async def test_same_message_id_from_another_peer_is_not_a_duplicate(
    store: Store, clock: FixedClock
) -> None:
    assert await store.accept_inbound(_inbound(clock), None) is not None
    assert await store.accept_inbound(_inbound(clock, peer="other.example"), None) is not None


async def test_outbound_messages_may_repeat_message_ids(store: Store, clock: FixedClock) -> None:
    outbound = dataclasses.replace(_inbound(clock), direction="out", action="on_search")
    await store.record(outbound)
    await store.record(outbound)
    assert len(await store.messages_for_transaction("t-1")) == 2


async def test_failed_job_insert_rolls_back_the_message(store: Store, clock: FixedClock) -> None:
    broken = OutboxJob(
        action="on_search",
        target_url=None,  # type: ignore[arg-type]
        transaction_id="t-1",
        payload={},
        created_at=clock.now(),
        deadline_at=clock.now(),
    )
    with pytest.raises(IntegrityError, match=r"(?i)null"):
        await store.accept_inbound(_inbound(clock), broken)
    assert await store.messages_for_transaction("t-1") == []


async def test_retention_purges_old_messages_but_keeps_those_jobs_need(
    store: Store, clock: FixedClock
) -> None:
    await store.accept_inbound(_inbound(clock, "m-old-with-job"), _job(clock))
    await store.accept_inbound(_inbound(clock, "m-old"), None)
    clock.advance(86_400 * 10)
    await store.accept_inbound(_inbound(clock, "m-new"), None)
    purged = await store.purge_messages(older_than=clock.now() - timedelta(days=7))
    assert purged == 1
    remaining = {m["message_id"] for m in await store.messages_for_transaction("t-1")}
    assert remaining == {"m-old-with-job", "m-new"}
