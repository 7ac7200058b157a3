"""The issue store: a new issue stored twice at once, and a stale write, are refused as
``IssueMoved`` (the answer is rebuilt from what is stored), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapter.core.clock import FixedClock
from adapter.igm.book import IssueMoved, IssueRecord
from adapter.igm.issue2 import Respondent
from adapter.storage import Database, upgrade
from adapter.storage.issues import IssueStore
from adapter.storage.orders import OrderStore

US = Respondent(
    "seller.example", "Desk", "9418000000", "d@x.example", "GRO", "9418000001", "g@x.example"
)


@pytest.fixture
async def issues(database_url: str) -> AsyncIterator[IssueStore]:
    upgrade(database_url)
    database = Database.connect(database_url)
    try:
        yield IssueStore(database, US, orders=OrderStore(database))
    finally:
        await database.dispose()


def _record(status: str = "OPEN") -> IssueRecord:
    return IssueRecord(
        version="2.0.0",
        issue_id="I-1",
        bap_id="buyer.example",
        bap_uri="https://buyer.example",
        transaction_id="T-1",
        domain="ONDC:RET12",
        city="std:01902",
        core_version="1.2.0",
        status=status,
        level="ISSUE",
        document={"id": "I-1", "status": status},
    )


async def test_the_same_new_issue_stored_twice_is_refused_the_second_time(
    issues: IssueStore, clock: FixedClock
) -> None:
    await issues.save(_record(), previous=None, now=clock.now())
    with pytest.raises(IssueMoved):
        await issues.save(_record(), previous=None, now=clock.now())


async def test_a_write_over_a_stale_read_is_refused_and_changes_nothing(
    issues: IssueStore, clock: FixedClock
) -> None:
    first = await issues.save(_record(), previous=None, now=clock.now())
    clock.advance(1)
    moved = await issues.save(_record("PROCESSING"), previous=first, now=clock.now())
    clock.advance(1)
    with pytest.raises(IssueMoved):
        await issues.save(_record("RESOLVED"), previous=first, now=clock.now())
    stored = await issues.find("buyer.example", "I-1")
    assert stored is not None
    assert stored.status == "PROCESSING"
    assert stored.updated_at == moved.updated_at


async def test_due_and_unanswered_issues_are_found_by_their_clock(
    issues: IssueStore, clock: FixedClock
) -> None:
    now = clock.now()
    record = dataclasses.replace(
        _record(), respond_by=now + timedelta(hours=1), resolve_by=now + timedelta(days=1)
    )
    row = await issues.save(record, previous=None, now=now)
    assert await issues.unanswered(now) == []
    assert [r.pk for r in await issues.unanswered(now + timedelta(hours=2))] == [row.pk]
    assert await issues.due(now, warn_before=timedelta(hours=2)) == []
    later = now + timedelta(hours=23)
    assert [r.pk for r in await issues.due(later, warn_before=timedelta(hours=2))] == [row.pk]
    assert await issues.flag(row, now=later)
    assert not await issues.flag(row, now=later)
    assert await issues.due(later, warn_before=timedelta(hours=2)) == []
