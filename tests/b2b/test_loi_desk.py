"""The LOI desk's store, on SQLite and PostgreSQL: letters saved whole, movements linked
by buyer GSTIN, buyer app and items, recorded once, and the on-paper sweep."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from adapter.core.b2b.loi import LetterItem, MovementKind
from adapter.storage import Database
from adapter.storage.loi_desk import LetterRecord, LoiDesk
from adapter.storage.notifications import SellerNotifications
from adapter.storage.tables import seller_notifications, sellers

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
GSTIN = "02ABCDE1234F1Z5"
SHAWL = ("odopkinnaur", "odopkinnaur02")


def _letter(reference: str = "HIM-2026-001", **overrides: object) -> LetterRecord:
    values: dict[str, object] = {
        "reference": reference,
        "buyer_name": "Alpine Exports (demo)",
        "buyer_gstin": GSTIN,
        "buyer_app_id": "buyer.example",
        "district": "Kinnaur",
        "product": "Kinnauri Shawl",
        "value_paise": 90_000_000,
        "signed_on": date(2026, 11, 15),
        "meet": "HIM MSME Fest 2026, Shimla",
        "items": (LetterItem(*SHAWL, 200, 450_000, "Kinnauri shawl"),),
    }
    values.update(overrides)
    return LetterRecord(**values)  # type: ignore[arg-type]


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    yield database
    await database.dispose()


async def test_saving_a_reference_again_replaces_terms_and_keeps_movements(
    database: Database,
) -> None:
    desk = LoiDesk(database)
    letter_id, created = await desk.save(_letter(), now=NOW)
    assert created
    await desk.record(
        buyer_gstin=GSTIN, buyer_app_id="buyer.example", lines=[SHAWL], transaction_id="t1",
        order_id=None, kind=MovementKind.RFQ, amount_paise=0, event_key="t1:rfq", at=NOW,
    )  # fmt: skip
    again, created = await desk.save(_letter(value_paise=80_000_000), now=NOW)
    assert (again, created) == (letter_id, False)
    shown = await desk.letter(letter_id)
    assert shown is not None
    assert shown["value_paise"] == 80_000_000
    assert shown["stage"] == "rfq_received"
    assert [item["sku"] for item in shown["items"]] == ["odopkinnaur02"]
    assert await desk.count() == 1


async def test_movements_link_only_by_gstin_app_and_item_and_are_recorded_once(
    database: Database,
) -> None:
    desk = LoiDesk(database)
    letter_id, _ = await desk.save(_letter(), now=NOW)
    # Same district and product, another buyer: not this letter's.
    assert await desk.record(
        buyer_gstin="02ZZZZZ9999Z1Z5", buyer_app_id="buyer.example", lines=[SHAWL],
        transaction_id="t0", order_id="O0", kind=MovementKind.ORDERED, amount_paise=1,
        event_key="t0:ordered", at=NOW,
    ) == []  # fmt: skip
    for _ in range(2):  # a retried callback records nothing twice
        linked = await desk.record(
            buyer_gstin=GSTIN, buyer_app_id="buyer.example", lines=[SHAWL],
            transaction_id="t1", order_id="O1", kind=MovementKind.ORDERED,
            amount_paise=90_000_000, event_key="t1:ordered", at=NOW,
        )  # fmt: skip
        assert linked == [letter_id]
    await desk.record(
        buyer_gstin=GSTIN, buyer_app_id="buyer.example", lines=[SHAWL], transaction_id="t1",
        order_id="O1", kind=MovementKind.DELIVERED, amount_paise=45_000_000,
        event_key="t1:delivered:F1", at=NOW + timedelta(days=3),
    )  # fmt: skip
    shown = await desk.letter(letter_id)
    assert shown is not None
    assert (shown["stage"], shown["ordered_paise"], shown["delivered_paise"]) == (
        "partly_delivered", 90_000_000, 45_000_000,
    )  # fmt: skip
    assert len(shown["movements"]) == 2


async def test_sweep_flags_a_quiet_letter_once_and_queues_a_webhook_per_seller(
    database: Database,
) -> None:
    async with database.transaction() as connection:
        await connection.execute(
            insert(sellers).values(code="odopkinnaur", record={}, updated_at=NOW)
        )
    desk = LoiDesk(database)
    quiet_id, _ = await desk.save(_letter("HIM-QUIET", signed_on=date(2026, 9, 1)), now=NOW)
    await desk.save(_letter("HIM-FRESH"), now=NOW)
    notifications = SellerNotifications(database, retry_window=timedelta(hours=24))
    [flagged] = await desk.sweep(now=NOW, quiet_days=30, notifications=notifications)
    assert (flagged.letter_id, flagged.sellers) == (quiet_id, ("odopkinnaur",))
    assert await desk.sweep(now=NOW + timedelta(days=1), quiet_days=30) == []
    async with database.engine.connect() as connection:
        rows = (await connection.execute(select(seller_notifications))).all()
    assert [(row.seller_code, row.event) for row in rows] == [("odopkinnaur", "loi.on_paper")]
    assert rows[0].payload["reference"] == "HIM-QUIET"
    [quiet] = [letter for letter in await desk.letters() if letter["id"] == quiet_id]
    assert quiet["on_paper"] is True
