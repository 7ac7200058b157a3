"""The store of the seller's own complaints against buyer apps: a complaint is stored with
its ``/issue`` to the buyer app in one transaction, and a step written over a stale read
is refused as ``RaisedMoved`` and queues nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from adapter.core.clock import FixedClock
from adapter.storage import Database
from adapter.storage.raised_issues import RaisedIssueStore, RaisedMoved
from adapter.storage.tables import outbox


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    try:
        yield database
    finally:
        await database.dispose()


def _values(status: str = "OPEN") -> dict[str, Any]:
    return {
        "issue_id": "C-1",
        "seller_code": "kullu-coop",
        "order_id": "O-1",
        "bap_id": "buyer.example",
        "bap_uri": "https://buyer.example/ondc/",
        "transaction_id": "T-1",
        "domain": "ONDC:RET12",
        "city": "std:01902",
        "core_version": "1.2.5",
        "status": status,
        "level": "ISSUE",
        "document": {"id": "C-1", "status": status, "level": "ISSUE", "descriptor": {}},
    }


def _issue(status: str) -> dict[str, Any]:
    document = {"id": "C-1", "status": status, "level": "ISSUE", "descriptor": {}}
    return {"context": {"action": "issue", "transaction_id": "T-1"}, "message": document}


async def _queued(database: Database) -> list[dict[str, Any]]:
    query = select(outbox).order_by(outbox.c.id)
    async with database.engine.connect() as connection:
        return [dict(row._mapping) for row in await connection.execute(query)]


async def test_a_complaint_is_stored_with_its_issue_queued_for_the_buyer_app(
    database: Database, clock: FixedClock
) -> None:
    store = RaisedIssueStore(database)
    stored = await store.create(_values(), _issue("OPEN"), now=clock.now())
    assert stored.pk > 0
    assert stored.issue_id == "C-1"
    assert stored.created_at == stored.updated_at == clock.now()
    assert await store.find("C-1") == stored
    assert await store.get(stored.pk, seller_code="kullu-coop") == stored
    assert await store.get(stored.pk, seller_code="chamba-rumal") is None
    [queued] = await _queued(database)
    assert queued["action"] == "issue"
    assert queued["kind"] == "unsolicited"
    assert queued["target_url"] == "https://buyer.example/ondc/issue"
    assert queued["transaction_id"] == "T-1"
    assert queued["payload"] == _issue("OPEN")
    assert queued["deadline_at"] == clock.now() + timedelta(hours=6)


async def test_a_step_over_a_stale_read_is_refused_and_queues_nothing(
    database: Database, clock: FixedClock
) -> None:
    store = RaisedIssueStore(database)
    first = await store.create(_values(), _issue("OPEN"), now=clock.now())
    clock.advance(1)
    document = {**first.document, "status": "PROCESSING"}
    moved = await store.save(first, document, now=clock.now(), request=_issue("PROCESSING"))
    assert (moved.status, moved.updated_at) == ("PROCESSING", clock.now())
    clock.advance(1)
    closed = {**first.document, "status": "CLOSED"}
    with pytest.raises(RaisedMoved):
        await store.save(first, closed, now=clock.now(), request=_issue("CLOSED"))
    stored = await store.find("C-1")
    assert stored == moved
    assert [q["payload"]["message"]["status"] for q in await _queued(database)] == [
        "OPEN",
        "PROCESSING",
    ]
