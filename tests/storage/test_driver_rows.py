"""The rows the driver-SQL writes bind are tuples built field by field: each holds its
statement's columns in their order, so a column added to one and not the other fails here,
not as a value written into the wrong column. On SQLite their bytes are bound as BLOBs
without ``sqlite3``'s adapter lookup, and stored as the same bytes."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from adapter.storage import Database, claims, store
from adapter.storage.driver_rows import MESSAGE_COLUMNS, sqlite_instant, sqlite_message_row
from adapter.storage.outbox import Attempt, ClaimedJob, Outbox, Settlement
from tests.fixtures import migrated_sqlite

AT = datetime(2026, 12, 7, 10, 0, 0, 123000, tzinfo=UTC)
HEADERS = {"Authorization": 'Signature keyId="buyer|k1|ed25519"', "X-Note": "₹ मसाला"}


def _named(columns: tuple[tuple[str, str], ...], row: tuple[object, ...]) -> dict[str, object]:
    return dict(zip((name for name, _ in columns), row, strict=True))


def test_an_inbound_message_row_holds_each_column_in_its_place() -> None:
    message = store.InboundRecord(
        direction="in", action="search", peer_id="buyer.example", transaction_id="t-1",
        message_id="m-1", received_at=AT, headers=HEADERS, body="{\"₹\":1}".encode(),
        verification="valid via gateway", http_status=202, duration_ms=1.5, error="none",
    )  # fmt: skip
    row = store._message_row(message)
    assert type(row[MESSAGE_COLUMNS.index(("body", "bytea"))]) is bytearray
    assert _named(MESSAGE_COLUMNS, row) == {
        "direction": "in", "action": "search", "peer_id": "buyer.example",
        "transaction_id": "t-1", "message_id": "m-1", "received_at": sqlite_instant(AT),
        "headers": orjson.dumps(HEADERS).decode(), "body": "{\"₹\":1}".encode(),
        "verification": "valid via gateway", "http_status": 202, "duration_ms": 1.5,
        "error": "none",
    }  # fmt: skip


def test_a_queued_job_row_holds_each_column_in_its_place() -> None:
    job = store.OutboxJob(
        action="on_search", target_url="https://buyer.example/on_search", transaction_id="t-1",
        payload={"₹": [1, None]}, created_at=AT, deadline_at=AT + timedelta(seconds=30),
    )  # fmt: skip
    first = {
        "inbound_id": 7, "kind": "reply", "action": "on_search",
        "target_url": "https://buyer.example/on_search", "transaction_id": "t-1",
        "payload": orjson.dumps({"₹": [1, None]}).decode(), "status": "pending",
        "attempts": 0, "created_at": sqlite_instant(AT), "next_attempt_at": sqlite_instant(AT),
        "deadline_at": sqlite_instant(AT + timedelta(seconds=30)),
    }  # fmt: skip
    assert _named(store._JOB_COLUMNS, store._job_row(7, job)) == first
    later = dataclasses.replace(job, next_attempt_at=AT + timedelta(seconds=5))
    assert _named(store._JOB_COLUMNS, store._job_row(7, later)) == first | {
        "next_attempt_at": sqlite_instant(AT + timedelta(seconds=5))
    }


def test_an_audit_row_of_a_message_sent_holds_each_column_in_its_place() -> None:
    sent = {
        "direction": "out", "action": "on_search", "peer_id": "buyer.example",
        "transaction_id": "t-1", "message_id": "m-1", "received_at": AT, "headers": HEADERS,
        "body": b"{}", "verification": "signed", "http_status": 200, "duration_ms": 3.5,
        "error": None,
    }  # fmt: skip
    row = sqlite_message_row(sent, sqlite_instant(AT))
    assert _named(MESSAGE_COLUMNS, row) == sent | {
        "received_at": sqlite_instant(AT), "headers": orjson.dumps(HEADERS).decode(),
    }  # fmt: skip


def test_a_claimed_row_is_read_in_the_order_of_a_claimed_jobs_fields() -> None:
    assert (*claims._COLUMNS, "inbound_body") == ClaimedJob._fields


def test_an_instant_in_any_zone_is_stored_as_its_utc_time() -> None:
    """SQLite keeps instants as naive UTC text, to the microsecond, whatever zone the
    instant was made in."""
    ist = timezone(timedelta(hours=5, minutes=30))
    assert sqlite_instant(datetime(2026, 12, 7, 23, 59, 59, 999_999, tzinfo=ist)) == (
        "2026-12-07 18:29:59.999999"
    )
    west = timezone(timedelta(hours=-8))
    assert sqlite_instant(datetime(1999, 3, 1, 0, 0, 0, 1, tzinfo=west)) == (
        "1999-03-01 08:00:00.000001"
    )
    assert sqlite_instant(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01 00:00:00.000000"


async def test_sqlite_binds_the_bytes_it_writes_without_an_adapter_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request's bytes (the group commit), a callback's (saved before its attempt, or
    kept by its settlement) and those of its audit row reach SQLite without a look in
    ``sqlite3``'s adapters (an adapter for ``bytes`` registered here sees none of them),
    and are read back as the bytes written."""
    looked_up: list[bytes] = []

    def adapt(value: bytes) -> bytes:
        looked_up.append(value)
        return value

    url = migrated_sqlite(tmp_path / "store.db")
    database = Database.connect(url)
    request, saved, kept = '{"₹":"मसाला"}'.encode(), b'{"saved":1}', b'{"kept":2}'
    monkeypatch.setitem(sqlite3.adapters, (bytes, sqlite3.PrepareProtocol), adapt)
    accepted = [
        (
            store.InboundRecord("in", "search", "buyer.example", f"t-{n}", f"m-{n}", AT, HEADERS,
                                request, "valid", 200, 1.5),
            store.OutboxJob("on_search", "https://buyer.example/on_search", f"t-{n}", {}, AT,
                            AT + timedelta(seconds=30)),
        )
        for n in range(2)
    ]  # fmt: skip
    await store.Store(database).accept_inbound_batch(accepted)
    outbox = Outbox(database)
    first, second = await outbox.claim("w", now=AT, lease_until=AT + timedelta(seconds=30), limit=2)
    await outbox.save_callbacks([(first.id, saved, "cb-1")])
    sent = {
        "direction": "out", "action": "on_search", "peer_id": "buyer.example",
        "transaction_id": "t-1", "message_id": "cb-2", "received_at": AT, "headers": HEADERS,
        "body": kept, "verification": "signed", "http_status": 200, "duration_ms": 3.5,
        "error": None,
    }  # fmt: skip
    settled = Settlement(second.id, Attempt(AT, 200, 3.5, "ACK"), "delivered", sent=sent,
                         callback=(kept, "cb-2"))  # fmt: skip
    assert await outbox.settle_many("w", [settled]) == [True]
    await database.dispose()
    assert looked_up == []
    with sqlite3.connect(tmp_path / "store.db") as connection:
        logged = connection.execute(
            "SELECT direction, typeof(body), body FROM messages ORDER BY id"
        ).fetchall()
        callbacks = connection.execute(
            "SELECT typeof(callback_body), callback_body FROM outbox ORDER BY id"
        ).fetchall()
    connection.close()
    assert logged == [("in", "blob", request), ("in", "blob", request), ("out", "blob", kept)]
    assert callbacks == [("blob", saved), ("blob", kept)]
