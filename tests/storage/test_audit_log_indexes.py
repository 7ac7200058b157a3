"""Every reader of the audit log searches one of its indexes on both stores, with the index
on (action, received_at) gone (migration 0030): the transaction's messages and requests by
transaction id, the retention purge and the dashboard's edge days by time. A reader that
lost its index would read the whole log (a million rows a year) again, silently."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, event, inspect

from adapter.storage import Database, Store, sync_url
from adapter.storage.audit_days import request_counts
from adapter.storage.history import SqlTransactionHistory
from adapter.storage.scope import Scope
from tests.fixtures import explained

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LOG_START = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
# Two days and a part: whole days from the day sums, the edges from the log itself.
PERIOD = Scope(NOW - timedelta(days=2, hours=5), NOW)

_READS: dict[str, Callable[[Database], Awaitable[Any]]] = {
    "requests": lambda db: SqlTransactionHistory(db).requests("t-1"),
    "last_request": lambda db: SqlTransactionHistory(db).last_request("t-1", "select", "b"),
    "messages_for_transaction": lambda db: Store(db).messages_for_transaction("t-1"),
    # An hour past retention: the log's first hour goes.
    "purge_messages": lambda db: Store(db).purge_messages(
        older_than=LOG_START + timedelta(hours=1)
    ),
    "request_counts": lambda db: request_counts(db, PERIOD),
}


# A log of 5,000 requests in 1,000 transactions over two days, analysed: what the planner
# weighs its indexes against (an empty table's plans say little).
_LOG = """
INSERT INTO messages (direction, action, peer_id, transaction_id, message_id, received_at,
                      headers, body, verification)
SELECT CASE WHEN g {mod} 2 = 0 THEN 'in' ELSE 'out' END, 'select', 'b', 't-' || (g {mod} 1000),
       'm-' || g, {received_at}, '{{}}', {body}, 'valid'
FROM {numbers}
"""
_SQLITE_LOG = _LOG.format(
    mod="%",
    received_at="datetime('2026-11-21 10:00:00', '+' || (g * 30) || ' seconds')",
    body="CAST('{}' AS BLOB)",
    numbers="(WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 5000)"
    " SELECT g FROM n)",
)
_PG_LOG = _LOG.format(
    mod="%%",  # psycopg's placeholders
    received_at="timestamptz '2026-11-21 10:00:00Z' + g * interval '30 seconds'",
    body="'\\x7b7d'::bytea",
    numbers="generate_series(1, 5000) AS g",
)


async def _plans(database_url: str, read: str) -> str:
    """The plan of each statement the read runs against the log, as one text."""
    postgres = database_url.startswith("postgresql")
    engine = create_engine(sync_url(database_url))
    with engine.begin() as connection:
        connection.exec_driver_sql(_PG_LOG if postgres else _SQLITE_LOG)
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    database = Database.connect(database_url)
    statements: list[tuple[str, Any]] = []

    def seen(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "messages" in statement:
            statements.append((statement, parameters))

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    await _READS[read](database)
    await database.dispose()
    assert statements
    return explained(database_url, statements)


@pytest.mark.parametrize(
    ("read", "index"),
    [
        ("requests", "ix_messages_transaction_id"),
        ("last_request", "ix_messages_transaction_id"),
        ("messages_for_transaction", "ix_messages_transaction_id"),
        ("purge_messages", "ix_messages_received_at"),
        ("request_counts", "ix_messages_received_at"),
    ],
)
async def test_each_reader_of_the_audit_log_searches_its_index(
    database_url: str, read: str, index: str
) -> None:
    plans = await _plans(database_url, read)
    assert index in plans
    assert "SCAN messages" not in plans
    assert "Seq Scan on messages" not in plans


def test_the_log_keeps_no_index_by_action_first(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    try:
        indexes = {index["name"]: index["column_names"]
                   for index in inspect(engine).get_indexes("messages")}  # fmt: skip
    finally:
        engine.dispose()
    assert "ix_messages_action_received_at" not in indexes
    assert indexes["ix_messages_received_at"] == ["received_at"]
    assert indexes["ix_messages_transaction_id"] == ["transaction_id"]
