"""Figures read from the day sums and histograms equal the same figures counted row by row,
on each backend, including periods and letters that begin in the middle of an IST day."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from adapter.storage import Database, upgrade
from adapter.storage.order_facts import IST, OrderFacts, ist_day
from adapter.storage.reports import Reports, Scope
from adapter.storage.tables import messages, order_facts
from adapter.storage.timeline import hourly

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _fact(pk: int, line: int, at: datetime, *, cancelled: bool = False, bap: str = "a") -> Any:
    return {
        "channel": "b2b" if pk % 4 == 0 else "b2c",
        "order_pk": pk,
        "line_no": line,
        "seller_code": "odop-kullu",
        "district": "Kullu",
        "product": "Kullu Shawl",
        "gi_tag": None,
        "sku": f"s{line}",
        "bap_id": bap,
        "quantity": 1,
        "amount_paise": 1000 * pk + line,
        "confirmed_at": at,
        "day": ist_day(at),
        "state": "Cancelled" if cancelled else "Accepted",
        "fulfillment_state": "Pending",
        "returned": False,
        "order_updated_at": at,
    }


async def test_timeline_from_day_sums_matches_the_facts(database_url: str) -> None:
    database = Database.connect(database_url)
    # Orders every 7 hours for ten days, some of two lines, some cancelled, two buyer apps.
    facts = []
    for pk in range(1, 35):
        at = NOW - timedelta(hours=7 * pk)
        facts.append(_fact(pk, 0, at, cancelled=pk % 5 == 0, bap="a" if pk % 2 else "b"))
        if pk % 3 == 0:
            facts.append(_fact(pk, 1, at, cancelled=pk % 5 == 0, bap="a" if pk % 2 else "b"))
    async with database.transaction() as connection:
        await connection.execute(insert(order_facts), facts)
        await connection.execute(OrderFacts(database)._sum_days({f["day"] for f in facts}))
    since = NOW - timedelta(days=6, hours=3)  # in the middle of an IST day
    timeline = await Reports(database).timeline(Scope(since, NOW + timedelta(seconds=1)))
    expected: dict[str, dict[str, Any]] = {}
    for f in facts:
        if f["confirmed_at"] < since:
            continue
        day = expected.setdefault(
            f["day"].isoformat(),
            {"at": f["day"].isoformat(), "orders": 0, "live": 0, "cancelled": 0, "value_paise": 0,
             "b2c_orders": 0, "b2b_orders": 0},
        )  # fmt: skip
        day["orders"] += f["line_no"] == 0
        day["value_paise"] += f["amount_paise"]
        day["cancelled"] += f["line_no"] == 0 and f["state"] == "Cancelled"
        day["live"] += f["line_no"] == 0 and f["state"] != "Cancelled"
        day[f"{f['channel']}_orders"] += f["line_no"] == 0
    assert timeline == [expected[d] for d in sorted(expected)]
    assert sum(day["b2b_orders"] for day in timeline) > 0

    await database.dispose()


async def test_ack_latency_percentiles_are_nearest_rank_to_a_tenth_of_a_ms(
    database_url: str,
) -> None:
    database = Database.connect(database_url)
    # Three decimals ending in 1: no value lies halfway between two tenths.
    durations = [round(0.37 * (i * 7 % 101) + 1.01, 3) for i in range(101)]
    rows = [
        {
            "direction": "rejected" if i % 10 == 0 else "in",
            "action": "select",
            "peer_id": "buyer.example",
            "message_id": f"m{i}",
            "received_at": NOW - timedelta(minutes=i),
            "headers": {},
            "body": b"",
            "verification": "ok",
            "duration_ms": duration,
        }
        for i, duration in enumerate(durations)
    ]
    async with database.transaction() as connection:
        await connection.execute(insert(messages), rows)
    [figures] = await Reports(database).ack_latency(Scope(NOW - timedelta(days=1), NOW))
    ranked = sorted(round(d * 10) / 10 for d in durations[1:])  # the first is at NOW: outside
    assert figures["requests"] == 100
    assert figures["nacks"] == 10
    for q in (50, 95, 99):
        assert figures[f"p{q}_ms"] == ranked[min(q * len(ranked) // 100, len(ranked) - 1)]
    await database.dispose()


def test_a_cancelled_order_is_one_line_per_item_with_its_ordered_count() -> None:
    from adapter.storage.order_facts import _lines

    cancelled = {
        "quote": {
            "breakup": [
                {
                    "@ondc/org/title_type": "item",
                    "@ondc/org/item_id": "tea",
                    "price": {"value": "700.00"},
                }
            ]
        },
        "items": [
            {"id": "tea", "fulfillment_id": "1", "quantity": {"count": 0}},
            {"id": "tea", "fulfillment_id": "C1", "quantity": {"count": 2}},
        ],
    }
    assert _lines(cancelled) == [("tea", 2, 70000)]
    returned = {
        "quote": cancelled["quote"],
        "items": [
            {"id": "tea", "fulfillment_id": "1", "quantity": {"count": 2}},
            {"id": "tea", "fulfillment_id": "R-QC-1", "quantity": {"count": 1}},
        ],
    }
    assert _lines(returned) == [("tea", 2, 70000)]


def test_migration_0010_has_every_order_counted_again_at_the_next_refresh(
    tmp_path: Path,
) -> None:
    # Returns were counted from the first return event, a rejected request included; the
    # facts already copied are counted the new way once the refresh forgets its mark.
    url = f"sqlite:///{tmp_path}/facts.db"
    upgrade(url, "0009")
    with closing(sqlite3.connect(tmp_path / "facts.db")) as connection, connection:
        connection.execute(
            "INSERT INTO report_marks (name, mark) VALUES ('order_facts', '2026-12-01 10:00:00')"
        )
        connection.execute(
            "INSERT INTO report_marks (name, mark) VALUES ('other', '2026-12-01 10:00:00')"
        )
    upgrade(url)
    with closing(sqlite3.connect(tmp_path / "facts.db")) as connection:
        left = connection.execute("SELECT name FROM report_marks").fetchall()
    assert left == [("other",)]


async def test_a_single_day_is_read_hour_by_hour_in_india_time(database_url: str) -> None:
    database = Database.connect(database_url)
    # Orders every 50 minutes over the last day, every fourth cancelled, some of two lines.
    facts = []
    for pk in range(1, 29):
        at = NOW - timedelta(minutes=50 * pk)
        facts.append(_fact(pk, 0, at, cancelled=pk % 4 == 0))
        if pk % 3 == 0:
            facts.append(_fact(pk, 1, at, cancelled=pk % 4 == 0))
    async with database.transaction() as connection:
        await connection.execute(insert(order_facts), facts)
    scope = Scope(NOW - timedelta(days=1), NOW + timedelta(seconds=1))
    points = await hourly(database, scope)
    # Every hour of the day is there, empty or not: 25 starts from 10:30 IST to 15:30 IST.
    assert len(points) == 25
    assert points[0]["at"] == "2026-11-22T15:00"
    assert points[-1]["at"] == "2026-11-23T15:00"
    expected: dict[str, list[int]] = {}
    for f in facts:
        if f["confirmed_at"] < scope.since:
            continue
        key = f["confirmed_at"].astimezone(IST).strftime("%Y-%m-%dT%H:00")
        counted = expected.setdefault(key, [0, 0, 0])
        counted[0] += f["line_no"] == 0
        counted[1] += f["line_no"] == 0 and f["state"] == "Cancelled"
        counted[2] += f["amount_paise"]
    got = {p["at"]: [p["orders"], p["cancelled"], p["value_paise"]] for p in points if p["orders"]}
    assert got == expected
    assert all(p["live"] + p["cancelled"] == p["orders"] for p in points)
    # A filter by district that matches nothing empties every hour.
    other = await hourly(database, Scope(scope.since, scope.until, district="Una"))
    assert len(other) == 25
    assert not any(p["orders"] for p in other)
    await database.dispose()
