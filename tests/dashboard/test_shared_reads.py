"""The page reads a period's audit log once for the funnel's searches and ACK latency, and
its orders by district once for that table and coverage: the figures it shows equal each
table's own, on every store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from adapter.dashboard.views import Viewer, build
from adapter.storage import Database, InboundRecord, Store
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.order_facts import ist_day
from adapter.storage.reports import Reports, Scope, searches_of

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def _message(number: int, action: str, direction: str, at: datetime) -> InboundRecord:
    return InboundRecord(
        direction=direction,
        action=action,
        peer_id="buyer.example",
        transaction_id=f"t-{number}",
        message_id=f"m-{number}",
        received_at=at,
        headers={},
        body=b"{}",
        verification="valid" if direction == "in" else "invalid",
        http_status=200 if direction == "in" else 401,
        duration_ms=None if number % 4 == 0 else 1.5 + number,
    )


async def test_the_page_shows_each_tables_own_figures_reading_them_once(database_url: str) -> None:
    database = Database.connect(database_url)
    store = Store(database)
    plan = [
        # (action, direction, hours after START); the last is outside the period
        ("search", "in", 0),
        ("search", "in", 1),
        ("search", "rejected", 2),
        ("search", "in", 30),
        ("select", "in", 3),
        ("select", "rejected", 4),
        ("search", "in", 24 * 40),
    ]
    for number, (action, direction, hours) in enumerate(plan):
        await store.record(_message(number, action, direction, START + timedelta(hours=hours)))
    scope = Scope(START - timedelta(days=1), START + timedelta(days=30))
    # Three orders in Kullu, one in Mandi, on the period's first day (read from the facts).
    at = scope.since + timedelta(hours=1)
    facts = [
        {
            "order_pk": pk, "line_no": 0, "seller_code": f"odop-{district}",
            "district": district, "product": "p", "gi_tag": None, "sku": "s", "bap_id": "a",
            "quantity": 1, "amount_paise": 1000, "confirmed_at": at, "day": ist_day(at),
            "state": "Completed", "fulfillment_state": "Order-delivered", "returned": False,
            "order_updated_at": at, "channel": "b2c",
        }
        for pk, district in enumerate(["Kullu", "Kullu", "Kullu", "Mandi"], start=1)
    ]  # fmt: skip
    async with database.transaction() as connection:
        await connection.execute(
            sa.insert(sa.table("order_facts", *map(sa.column, facts[0]))), facts
        )
    reports = Reports(database)
    counted = await reports.funnel(scope)
    assert counted["search"] == {"b2c": 3, "b2b": 0}
    assert searches_of(await reports.ack_latency(scope)) == 3

    sections = await build(
        reports, LoiDesk(database), Viewer("viewer"), scope, "en", now=START + timedelta(days=30)
    )
    tables = {t.id: t for section in sections for t in section.tables}
    assert "ack_latency" in tables
    assert tables["funnel"].rows[0][1:] == [3, 3, 0]  # all, B2C, B2B
    [search] = [row for row in tables["ack_latency"].rows if row[0] == "search"]
    assert search[1:3] == [4, 1]  # requests, NACKs

    alone, _ = await reports.coverage(scope)
    assert {d["district"]: d["orders"] for d in alone if d["orders"]} == {"Kullu": 3, "Mandi": 1}
    columns = tables["coverage"].columns
    shown = {
        row[0]: row[columns.index("orders")]
        for row in tables["coverage"].rows
        if row[columns.index("orders")]
    }
    assert shown == {"Kullu": 3, "Mandi": 1}
    assert {row[0]: row[1] for row in tables["by_district"].rows} == shown
    await database.dispose()
