"""The outbox's settlement in driver SQL (``adapter/storage/settlements.py``): on every
store it settles only the jobs the worker still holds, records their attempts and day
sums, and audits every message sent; on PostgreSQL, run again after a lost reply, it
records nothing twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapter.core.clock import FixedClock
from adapter.storage import Database
from adapter.storage.outbox import Attempt, Outbox, Settlement
from adapter.storage.settlements import PG_SETTLE, pg_settle_values
from adapter.storage.tables import attempt_days, callback_days, delivery_attempts, messages


def _sent(job_id: int, at: Any) -> dict[str, Any]:
    return {
        "direction": "out", "action": "on_status", "peer_id": "buyer.example",
        "transaction_id": f"t-{job_id}", "message_id": f"m-{job_id}", "received_at": at,
        "headers": {"Authorization": "Signature …"}, "body": '{"₹":"मसाला"}'.encode(),
        "verification": "signed", "http_status": 200, "duration_ms": 4.5, "error": None,
    }  # fmt: skip


def _acked(job_id: int, at: Any, latency_ms: float) -> Settlement:
    """The settlement of a job whose callback was ACKed, with its audit row."""
    return Settlement(job_id, Attempt(at, 200, latency_ms, "ACK"), "delivered",
                      sent=_sent(job_id, at))  # fmt: skip


async def _rows(database: Database, table: sa.Table) -> list[Any]:
    async with database.engine.connect() as connection:
        return list(await connection.execute(sa.select(table)))


async def _three_jobs(outbox: Outbox, clock: FixedClock) -> list[int]:
    for number in range(3):
        await outbox.enqueue_unsolicited(
            action="on_status", target_url="https://buyer.example/ondc/on_status",
            transaction_id=f"t-{number}", payload={"n": number}, now=clock.now(),
            deadline_at=clock.now() + timedelta(seconds=30),
        )  # fmt: skip
    lease = clock.now() + timedelta(seconds=30)
    mine = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=2)
    [theirs] = await outbox.claim("other", now=clock.now(), lease_until=lease, limit=1)
    return [*(job.id for job in mine), theirs.id]


async def test_settles_held_jobs_only_and_audits_every_message_sent(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    outbox = Outbox(database)
    delivered, retried, lost = await _three_jobs(outbox, clock)
    clock.advance(2)
    now = clock.now()
    kept = await outbox.settle_many(
        "w",
        [
            Settlement(delivered, Attempt(now, 200, 12.5, "ACK"), "delivered",
                       sent=_sent(delivered, now)),
            Settlement(retried, Attempt(now, 503, None, "error", "HTTP 503"), "pending",
                       next_attempt_at=now + timedelta(seconds=4)),
            _acked(lost, now, 3.0),
        ],
    )  # fmt: skip
    assert kept == [True, True, False]
    jobs = {row["id"]: row for row in await outbox.jobs()}
    assert (jobs[delivered]["status"], jobs[delivered]["attempts"]) == ("delivered", 1)
    assert jobs[delivered]["delivered_at"] == now
    assert jobs[delivered]["claimed_by"] is None
    assert (jobs[retried]["status"], jobs[retried]["last_error"]) == ("pending", "HTTP 503")
    assert jobs[retried]["next_attempt_at"] == now + timedelta(seconds=4)
    assert jobs[retried]["delivered_at"] is None
    # The job another worker holds is not touched, and its attempt not recorded...
    assert (jobs[lost]["status"], jobs[lost]["claimed_by"], jobs[lost]["attempts"]) == (
        "pending", "other", 0,
    )  # fmt: skip
    attempts = await _rows(database, delivery_attempts)
    assert sorted((a.outbox_id, a.outcome, a.latency_ms) for a in attempts) == [
        (delivered, "ACK", 12.5), (retried, "error", None),
    ]  # fmt: skip
    # ... but the message it sent is audited, bytes and headers as sent.
    audited = [m for m in await _rows(database, messages) if m.direction == "out"]
    assert sorted(m.message_id for m in audited) == [f"m-{delivered}", f"m-{lost}"]
    assert {bytes(m.body) for m in audited} == {'{"₹":"मसाला"}'.encode()}
    assert audited[0].headers == {"Authorization": "Signature …"}
    assert audited[0].received_at == now
    [day] = await _rows(database, callback_days)
    assert (day.action, day.channel, day.delivered, day.on_time, day.failed) == (
        "on_status", "b2c", 1, 1, 0,
    )  # fmt: skip
    summed = {(row.outcome, row.attempts, row.timed, row.latency_ms)
              for row in await _rows(database, attempt_days)}  # fmt: skip
    assert summed == {("ACK", 1, 1, 12.5), ("error", 1, 0, 0.0)}
    await database.dispose()


async def test_a_settlement_keeps_the_bytes_not_saved_before_and_reads_their_channel(
    database_url: str, clock: FixedClock
) -> None:
    """An on_search's bytes travel with its settlement: kept with the job whatever the
    outcome (a retry and a replay send them again), its day sums' channel read from them;
    a settlement without bytes leaves those saved before."""
    database = Database.connect(database_url)
    outbox = Outbox(database)
    retried, parked, other = await _three_jobs(outbox, clock)
    await outbox.settle(other, "other", Attempt(clock.now(), None, None, "error", "x"),
                        status="pending", next_attempt_at=clock.now())  # fmt: skip
    lease = clock.now() + timedelta(seconds=30)
    [again] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=1)
    saved = again.id
    await outbox.save_callbacks([(saved, b'{"saved":"\xe2\x82\xb9"}', "m-saved")])
    now = clock.now()
    b2b = b'{"context":{"version":"2.0.2","message_id":"m-b2b"},"\xe0\xa4\xae":1}'
    # The parked job's answer reached its peer: its audit row carries the same bytes.
    b2c = _sent(parked, now)["body"]
    kept = await outbox.settle_many(
        "w",
        [
            Settlement(retried, Attempt(now, None, None, "error", "timeout"), "pending",
                       next_attempt_at=now + timedelta(seconds=2), callback=(b2b, "m-b2b")),
            Settlement(parked, Attempt(now, 400, 5.0, "NACK", "no"), "failed",
                       sent=_sent(parked, now), callback=(b2c, None)),
            _acked(saved, now, 2.0),
        ],
    )  # fmt: skip
    assert kept == [True, True, True]
    jobs = {row["id"]: row for row in await outbox.jobs()}
    assert (bytes(jobs[retried]["callback_body"]), jobs[retried]["callback_message_id"]) == (
        b2b, "m-b2b",
    )  # fmt: skip
    assert (bytes(jobs[parked]["callback_body"]), jobs[parked]["callback_message_id"]) == (
        b2c, None,
    )  # fmt: skip
    assert (bytes(jobs[saved]["callback_body"]), jobs[saved]["callback_message_id"]) == (
        b'{"saved":"\xe2\x82\xb9"}', "m-saved",
    )  # fmt: skip
    # The retry is claimed with the bytes of its first attempt.
    clock.advance(3)
    lease = clock.now() + timedelta(seconds=30)
    [retry] = await outbox.claim("w", now=clock.now(), lease_until=lease, limit=5)
    assert (retry.id, retry.callback_body, retry.callback_message_id) == (retried, b2b, "m-b2b")
    # Channels from the bytes each settlement kept: the retried attempt's is B2B.
    summed = {(row.outcome, row.channel, row.attempts)
              for row in await _rows(database, attempt_days)}  # fmt: skip
    assert summed == {("error", "b2b", 1), ("error", "b2c", 1), ("NACK", "b2c", 1),
                      ("ACK", "b2c", 1)}  # fmt: skip
    days = {(row.channel, row.delivered, row.failed)
            for row in await _rows(database, callback_days)}  # fmt: skip
    assert days == {("b2c", 1, 1)}
    await database.dispose()


@pytest.mark.postgres
async def test_postgres_settlement_run_again_records_nothing_twice(
    migrated_postgres_url: str, clock: FixedClock
) -> None:
    database = Database.connect(migrated_postgres_url)
    outbox = Outbox(database)
    delivered, parked, _ = await _three_jobs(outbox, clock)
    now = clock.now()
    values = pg_settle_values(
        "w",
        [
            _acked(delivered, now, 7.0),
            Settlement(parked, Attempt(now, 200, 2.0, "NACK", "bad"), "failed",
                       sent=_sent(parked, now)),
        ],
    )  # fmt: skip
    first = await database.statement(PG_SETTLE, values, lane="settle")
    # As after a reply lost with its connection: the statement is sent once more.
    again = await database.statement(PG_SETTLE, values, lane="settle")
    assert sorted(job_id for (job_id,) in first) == [delivered, parked]
    assert again == []
    assert len(await _rows(database, delivery_attempts)) == 2
    assert len([m for m in await _rows(database, messages) if m.direction == "out"]) == 2
    [day] = await _rows(database, callback_days)
    assert (day.delivered, day.on_time, day.failed) == (1, 1, 1)
    await database.dispose()


# An audit log of a busy hour (each request and its callback), never analysed: a fresh
# database, or a server whose autovacuum is off, has no planner statistics for it.
_GROWN_LOG = """
INSERT INTO messages (direction, action, peer_id, transaction_id, message_id, received_at,
                      headers, body, verification)
SELECT CASE WHEN mod(g, 2) = 0 THEN 'in' ELSE 'out' END, 'search', 'buyer.example', 't' || g / 2,
       'm' || g / 2, TIMESTAMPTZ '2026-11-23 09:00:00+00' + g * INTERVAL '10 ms', '{}',
       convert_to(repeat('x', 900), 'UTF8'), 'signed'
FROM generate_series(1, 60000) AS g
"""


@pytest.mark.postgres
async def test_postgres_settlement_never_reads_the_whole_audit_log(
    migrated_postgres_url: str, clock: FixedClock
) -> None:
    """A settlement audits what it sent without hashing every outbound message of the
    log: the messages of the jobs it settled go in unchecked, and the others (a lease lost,
    the statement run again) are looked up by the index on ``received_at``, one row each."""
    database = Database.connect(migrated_postgres_url)
    outbox = Outbox(database)
    delivered, _, lost = await _three_jobs(outbox, clock)
    now = clock.now()
    values = pg_settle_values(
        "w",
        [
            _acked(delivered, now, 7.0),
            _acked(lost, now, 3.0),
        ],
    )  # fmt: skip
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql(_GROWN_LOG)
    [(plan,)] = await database.statement(
        "EXPLAIN (ANALYZE, FORMAT JSON) " + PG_SETTLE, values, lane="settle"
    )
    reads = _reads(plan)
    assert ("Seq Scan", "messages", None) not in reads
    # The message of the job whose lease was lost, one index probe; none for the other.
    assert ("Bitmap Index Scan", None, "ix_messages_received_at") in reads
    sent = {f"m-{delivered}", f"m-{lost}"}
    audited = [m.message_id for m in await _rows(database, messages) if m.message_id in sent]
    assert sorted(audited) == sorted(sent)
    await database.statement(PG_SETTLE, values, lane="settle")  # run again: nothing new
    audited = [m.message_id for m in await _rows(database, messages) if m.message_id in sent]
    assert sorted(audited) == sorted(sent)
    await database.dispose()


def _reads(plan: Any) -> set[tuple[str, str | None, str | None]]:
    """Every scan an ``EXPLAIN (FORMAT JSON)`` plan ran: (node type, table, index)."""
    found = set()
    nodes = [node["Plan"] for node in plan]
    while nodes:
        node = nodes.pop()
        if node.get("Actual Loops", 1) and "Scan" in node["Node Type"]:
            found.add((node["Node Type"], node.get("Relation Name"), node.get("Index Name")))
        nodes.extend(node.get("Plans", []))
    return found
