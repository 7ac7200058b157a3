"""``audit_days`` sums the same rows on both stores with SQLite's triggers of migration
0031: a body is scanned for B2B 2.0.2's context key only when it carries ``"2.0.2"``, and
a callback sent (an ``out`` row) skips the trigger before its body runs."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command

from adapter.storage import Database, InboundRecord, Store, upgrade
from adapter.storage.migrate import alembic_config
from adapter.storage.tables import audit_days, messages
from tests.fixtures import migrated_sqlite
from tests.storage.test_audit_and_funnel_days import _direct_requests, _rows, _summed_requests

AT = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
# "2.0.2" where the B2B key is not (retail's core_version, a value), and the key itself
# after such a mention: only the key marks a B2B request.
BODIES = (
    b'{"context":{"core_version":"2.0.2","action":"search"}}',
    b'{"context":{"core_version":"1.2.0"},"message":{"tag":"2.0.2"}}',
    b'{"message":{"tag":"2.0.2"},"context":{"version":"2.0.2"}}',
    b'{"message":{"tag": "2.0.2"}, "context": {"version": "2.0.2"}}',
    b'{"context":{"core_version":"1.2.0","action":"search"}}',
    b"",
)


def _message(number: int, direction: str) -> InboundRecord:
    return InboundRecord(
        direction=direction,
        action="search" if direction != "out" else "on_search",
        peer_id="buyer.example",
        transaction_id=f"t-{number}",
        message_id=f"m-{number}",
        received_at=AT + timedelta(hours=number),
        headers={},
        body=BODIES[number // 3 % len(BODIES)],
        verification="valid",
        http_status=200,
        duration_ms=None if number % 4 == 0 else 2.5 + number,
    )


async def _write_log(store: Store) -> None:
    """Requests accepted and NACKed, and callbacks sent, each of every body."""
    for number in range(len(BODIES) * 3):
        await store.record(_message(number, ("in", "rejected", "out")[number % 3]))


async def test_requests_are_summed_by_the_b2b_key_alone_and_callbacks_not_at_all(
    database_url: str,
) -> None:
    database = Database.connect(database_url)
    await _write_log(Store(database))
    direct = _direct_requests(await _rows(database, messages))
    assert await _summed_requests(database) == direct
    channels: Counter[str] = Counter()
    for key, requests in direct.items():
        channels[key[3]] += requests
    assert channels == {"b2c": 8, "b2b": 4}
    await database.dispose()


async def test_rows_moved_into_and_out_of_the_requests_move_their_sums(
    database_url: str,
) -> None:
    database = Database.connect(database_url)
    await _write_log(Store(database))
    m = messages.c
    async with database.transaction() as connection:
        # Callbacks become requests and requests callbacks; a body turns B2B; a row moves
        # to another day; callbacks change without becoming requests.
        swapped = sa.case((m.direction == "out", "in"), else_="out")
        await connection.execute(sa.update(messages).where(m.id % 4 == 1).values(direction=swapped))
        await connection.execute(
            sa.update(messages).where(m.id % 5 == 2).values(body=b'{"version":"2.0.2"}')
        )
        await connection.execute(
            sa.update(messages)
            .where(m.id % 7 == 3)
            .values(received_at=AT - timedelta(days=2), duration_ms=1.0)
        )
        await connection.execute(
            sa.update(messages).where(m.direction == "out").values(body=b"{}", action="on_select")
        )
        await connection.execute(sa.delete(messages).where(m.id % 6 == 5))
    rows = await _rows(database, messages)
    assert {row.direction for row in rows} == {"in", "rejected", "out"}
    assert await _summed_requests(database) == _direct_requests(rows)
    await database.dispose()


def _statements_traced(path: Path, direction: str) -> int:
    """How many statements SQLite starts (its trace: the statement, and each trigger
    program and statement it runs) to write one audit row of ``direction``."""
    started: list[str] = []
    connection = sqlite3.connect(path, isolation_level=None)
    connection.set_trace_callback(started.append)
    connection.execute(
        "INSERT INTO messages (direction, action, peer_id, received_at, headers, body,"
        " verification) VALUES (?, 'search', 'buyer.example', '2026-11-20 18:00:00.000000',"
        " '{}', X'7B7D', 'valid')",
        (direction,),
    )
    connection.close()
    return len(started)


def test_sqlite_skips_the_sums_statement_for_a_callback_sent(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    migrated_sqlite(path)
    assert _statements_traced(path, "out") == _statements_traced(path, "in") - 1
    with sqlite3.connect(path) as connection:
        summed = connection.execute("SELECT direction, requests FROM audit_days").fetchall()
    connection.close()
    assert summed == [("in", 1)]


async def test_the_migration_goes_down_and_up_with_the_sums_counting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    config = alembic_config(url)
    for revision, numbers in (("0030", range(0, 18)), ("head", range(18, 36))):
        command.downgrade(config, revision) if revision == "0030" else upgrade(url, revision)
        database = Database.connect(url)
        store = Store(database)
        for number in numbers:
            await store.record(_message(number, ("in", "rejected", "out")[number % 3]))
        rows: list[Any] = await _rows(database, messages)
        assert await _summed_requests(database) == _direct_requests(rows)
        assert len(await _rows(database, audit_days)) > 4
        await database.dispose()
