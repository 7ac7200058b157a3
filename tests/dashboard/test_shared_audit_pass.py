"""The page reads a period's audit log once for the funnel's searches and ACK latency:
the searches it shows equal the funnel's own count of accepted searches, on every store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapter.dashboard.views import Viewer, build
from adapter.storage import Database, InboundRecord, Store
from adapter.storage.loi_desk import LoiDesk
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


async def test_the_page_shows_the_funnels_own_count_of_searches(database_url: str) -> None:
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
    reports = Reports(database)
    counted = await reports.funnel(scope)
    assert counted["search"] == 3
    assert searches_of(await reports.ack_latency(scope)) == 3

    sections = await build(
        reports, LoiDesk(database), Viewer("viewer"), scope, "en", now=START + timedelta(days=30)
    )
    tables = {t.id: t for section in sections for t in section.tables}
    assert "ack_latency" in tables
    assert tables["funnel"].rows[0][1] == counted["search"]
    [search] = [row for row in tables["ack_latency"].rows if row[0] == "search"]
    assert search[1:3] == [4, 1]  # requests, NACKs
    await database.dispose()
