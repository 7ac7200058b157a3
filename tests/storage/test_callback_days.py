"""Callbacks' day sums (``callback_days``) equal a direct count of the outbox on every
store: kept by the settling and replaying transactions, and made by migration 0022 from
the jobs a deployment already had."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from adapter.storage import Database, upgrade
from adapter.storage.callback_days import callback_figures
from adapter.storage.order_facts import ist_day
from adapter.storage.outbox import Attempt, Outbox, Settlement
from adapter.storage.reports import Reports
from adapter.storage.scope import Scope
from adapter.storage.tables import callback_days, outbox
from tests.conftest import _fresh_schema_url
from tests.fixtures import POSTGRES_ADMIN_URL

# 18:20 UTC is 23:50 in India: jobs made ten minutes apart fall on two IST days.
START = datetime(2026, 11, 20, 18, 20, tzinfo=UTC)
B2B_BODY = (
    b'{"context":{"domain":"ONDC:RET10","action":"on_select","version":"2.0.2"},"message":{}}'
)
# A retail callback whose text mentions the B2B version inside a string is still retail.
B2C_BODY = (
    b'{"context":{"domain":"ONDC:RET12","action":"on_select","core_version":"1.2.0"},'
    b'"message":{"note":"\\"version\\":\\"2.0.2\\""}}'
)


def _direct(rows: list[Any]) -> Counter[tuple[Any, ...]]:
    """The figures counted from outbox rows, as the day sums should hold them."""
    counted: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        channel = "b2b" if row.callback_body == B2B_BODY else "b2c"
        key = (ist_day(row.created_at), row.action, channel)
        if row.status == "delivered":
            counted[(*key, "delivered")] += 1
            if (row.delivered_at - row.created_at).total_seconds() <= 30:
                counted[(*key, "on_time")] += 1
        elif row.status == "failed":
            counted[(*key, "failed")] += 1
    return counted


async def _summed(database: Database) -> Counter[tuple[Any, ...]]:
    async with database.engine.connect() as connection:
        rows = list(await connection.execute(sa.select(callback_days)))
    summed: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        for name in ("delivered", "on_time", "failed"):
            if getattr(row, name):
                summed[(row.day, row.action, row.channel, name)] += getattr(row, name)
    return summed


async def _outbox_rows(database: Database) -> list[Any]:
    async with database.engine.connect() as connection:
        return list(await connection.execute(sa.select(outbox)))


async def test_day_sums_follow_settlements_and_replays(database_url: str) -> None:
    database = Database.connect(database_url)
    jobs = Outbox(database)
    plan = [
        # (minutes after START, action, body, seconds to deliver or None: parked/pending)
        (0, "on_select", B2B_BODY, 3),
        (0, "on_select", B2C_BODY, 45),
        (1, "on_confirm", None, None),
        (9, "on_select", B2B_BODY, None),
        (11, "on_select", B2B_BODY, 10),  # the next IST day
        (12, "on_status", B2C_BODY, 29),
        (13, "on_status", B2C_BODY, "pending"),
        (2 * 24 * 60, "on_status", None, 1),
    ]
    settlements = []
    for minutes, action, body, outcome in plan:
        created = START + timedelta(minutes=minutes)
        await jobs.enqueue_unsolicited(
            action=action,
            target_url="https://buyer.example/ondc",
            transaction_id=f"t-{minutes}",
            payload={},
            now=created,
            deadline_at=created + timedelta(seconds=30),
        )
        [job] = await jobs.claim(
            "w", now=created, lease_until=created + timedelta(days=30), limit=1
        )
        if body is not None:
            await jobs.save_callbacks([(job.id, body, None)])
        if outcome == "pending":
            retry = Attempt(created, 503, 5.0, "NACK")
            settlements.append(Settlement(job.id, retry, "pending", created + timedelta(hours=1)))
        elif outcome is None:
            settlements.append(Settlement(job.id, Attempt(created, None, None, "error"), "failed"))
        else:
            at = created + timedelta(seconds=outcome)
            settlements.append(Settlement(job.id, Attempt(at, 200, 9.0, "ACK"), "delivered"))
    assert all(await jobs.settle_many("w", settlements))
    assert await _summed(database) == _direct(await _outbox_rows(database))

    # A parked job replayed leaves the parked sum, and counts again once delivered.
    parked = next(row for row in await _outbox_rows(database) if row.action == "on_confirm")
    later = START + timedelta(hours=3)
    assert await jobs.replay(parked.id, now=later, deadline_at=later + timedelta(seconds=30))
    assert await _summed(database) == _direct(await _outbox_rows(database))
    claimed = await jobs.claim("w2", now=later, lease_until=later + timedelta(minutes=1), limit=5)
    job = next(job for job in claimed if job.id == parked.id)
    assert await jobs.settle(job.id, "w2", Attempt(later, 200, 5.0, "ACK"), status="delivered")
    assert not await jobs.replay(job.id, now=later, deadline_at=later)  # not parked: no change
    rows = await _outbox_rows(database)
    assert await _summed(database) == _direct(rows)

    # The figures over periods of whole and partial days, by channel, equal a count.
    for since, until, channel in [
        (START - timedelta(days=2), START + timedelta(days=5), None),
        (START - timedelta(days=2), START + timedelta(days=5), "b2b"),
        (START + timedelta(minutes=5), START + timedelta(days=2, hours=1), "b2c"),
        (START + timedelta(minutes=5), START + timedelta(minutes=12), None),
    ]:
        figures = await callback_figures(database, Scope(since, until, channel=channel))
        expected: dict[str, Counter[str]] = {}
        for row in rows:
            row_channel = "b2b" if row.callback_body == B2B_BODY else "b2c"
            if not since <= row.created_at < until or channel not in (None, row_channel):
                continue
            counts = expected.setdefault(row.action, Counter())
            counts["queued"] += 1
            counts[{"failed": "parked"}.get(row.status, row.status)] += 1
            took = (row.delivered_at - row.created_at) if row.delivered_at else None
            if row.status == "delivered" and took <= timedelta(seconds=30):
                counts["on_time"] += 1
        assert {a: +Counter(c) for a, c in figures.items()} == expected, (since, until, channel)
    by_action = await Reports(database).callbacks(
        Scope(START - timedelta(days=2), START + timedelta(days=5))
    )
    assert [r["action"] for r in by_action] == ["on_confirm", "on_select", "on_status"]
    assert by_action[1] == {
        "action": "on_select",
        "queued": 4,
        "delivered": 3,
        "on_time": 2,
        "parked": 1,
        "pending": 0,
    }
    await database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = _fresh_schema_url(request.getfixturevalue("postgres_server_url"))
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


async def test_migration_sums_the_jobs_already_settled(unmigrated_url: str) -> None:
    upgrade(unmigrated_url, "0019")
    database = Database.connect(unmigrated_url)
    rows = []
    for number in range(40):
        created = START + timedelta(minutes=7 * number)
        status = ("delivered", "failed", "pending", "delivered")[number % 4]
        rows.append(
            {
                "kind": "reply",
                "action": ("on_select", "on_init", "on_status")[number % 3],
                "target_url": "https://buyer.example/ondc",
                "payload": {},
                "callback_body": (B2B_BODY, B2C_BODY, None)[number % 3 if number % 5 else 0],
                "status": status,
                "attempts": 1,
                "created_at": created,
                "next_attempt_at": created,
                "deadline_at": created + timedelta(seconds=30),
                "delivered_at": (
                    created + timedelta(seconds=number % 60) if status == "delivered" else None
                ),
            }
        )
    async with database.transaction() as connection:
        await connection.execute(sa.insert(outbox), rows)
    await database.dispose()
    upgrade(unmigrated_url)
    database = Database.connect(unmigrated_url)
    summed, direct = await _summed(database), _direct(await _outbox_rows(database))
    assert summed == direct
    assert sum(n for key, n in direct.items() if key[2] == "b2b") > 0
    await database.dispose()


async def test_migration_sums_the_order_days_again_with_returns_and_lines(
    unmigrated_url: str,
) -> None:
    upgrade(unmigrated_url, "0019")
    database = Database.connect(unmigrated_url)
    facts = []
    for pk in range(1, 30):
        at = START - timedelta(hours=9 * pk)
        for line in range(1 + pk % 2):
            facts.append(
                {
                    "order_pk": pk, "line_no": line, "seller_code": "odop-kullu",
                    "district": "Kullu", "product": ("Kullu Shawl", "Kullu Cap")[line],
                    "gi_tag": None, "sku": f"s{line}", "bap_id": "a", "quantity": 1,
                    "amount_paise": 1000 * pk + line, "confirmed_at": at, "day": ist_day(at),
                    "state": "Cancelled" if pk % 7 == 0 else "Completed",
                    "fulfillment_state": "RTO-Delivered" if pk % 5 == 0 else "Order-delivered",
                    "returned": pk % 3 == 0, "order_updated_at": at, "channel": "b2c",
                }
            )  # fmt: skip
    async with database.transaction() as connection:
        await connection.execute(
            sa.insert(sa.table("order_facts", *map(sa.column, facts[0]))), facts
        )
    await database.dispose()
    upgrade(unmigrated_url)
    database = Database.connect(unmigrated_url)
    scope = Scope(START - timedelta(days=20), START)
    for by, counted in (("district", [f for f in facts if f["line_no"] == 0]), ("product", facts)):
        rows = await Reports(database).breakdown(scope, by)  # type: ignore[arg-type]
        assert sum(r["orders"] for r in rows) == len(counted), by
        assert sum(r["returned"] for r in rows) == sum(f["returned"] for f in counted), by
        assert sum(r["rto"] for r in rows) == sum(
            f["fulfillment_state"].startswith("RTO") for f in counted
        ), by
        assert sum(r["cancelled"] for r in rows) == sum(
            f["state"] == "Cancelled" for f in counted
        ), by
    await database.dispose()
