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


async def test_the_newest_letters_only_are_read_by_page_and_counted_by_district(
    database: Database,
) -> None:
    desk = LoiDesk(database)
    for n, (district, day) in enumerate(
        [("Kinnaur", 10), ("Kangra", 12), ("Kinnaur", 14), ("Kinnaur", 11)]
    ):
        await desk.save(
            _letter(f"HIM-{n}", district=district, signed_on=date(2026, 11, day)), now=NOW
        )
    everything = await desk.letters()
    assert [letter["reference"] for letter in everything] == ["HIM-2", "HIM-1", "HIM-3", "HIM-0"]
    assert await desk.letters(limit=2) == everything[:2]
    kinnaur = await desk.letters(district="Kinnaur", limit=2)
    assert [letter["reference"] for letter in kinnaur] == ["HIM-2", "HIM-3"]
    # Pages: the letters after the newest ``offset``, newest first.
    assert await desk.letters(limit=2, offset=2) == everything[2:]
    later = await desk.letters(district="Kinnaur", limit=2, offset=1)
    assert [letter["reference"] for letter in later] == ["HIM-3", "HIM-0"]
    assert await desk.letters(limit=2, offset=4) == []
    assert (await desk.count(), await desk.count(district="Kinnaur")) == (4, 3)
    assert await desk.count(district="Una") == 0


async def test_a_letter_without_items_is_kept_and_realised_by_nothing(
    database: Database,
) -> None:
    # As the dashboard enters one: a buyer, a product and a district, no GSTIN or items.
    desk = LoiDesk(database)
    letter_id, _ = await desk.save(_letter(buyer_gstin=None, items=()), now=NOW)
    linked = await desk.record(
        buyer_gstin=GSTIN, buyer_app_id="buyer.example", lines=[SHAWL], transaction_id="t1",
        order_id="o1", kind=MovementKind.ORDERED, amount_paise=100, event_key="t1:po", at=NOW,
    )  # fmt: skip
    assert linked == []
    shown = await desk.letter(letter_id)
    assert shown is not None
    assert (shown["items"], shown["orders"], shown["stage"]) == ([], 0, "signed")


async def test_sums_by_district_in_the_database_are_the_letters_figures_added_up(
    database: Database,
) -> None:
    desk = LoiDesk(database)
    kangra_gstin = "02ZZZZZ9999Z1Z5"
    await desk.save(_letter("K-1"), now=NOW)
    await desk.save(_letter("K-2", value_paise=5_000_000), now=NOW)
    await desk.save(
        _letter("G-1", district="Kangra", buyer_gstin=kangra_gstin, buyer_app_id=None), now=NOW
    )
    await desk.save(_letter("G-2", district="Kangra", buyer_gstin=None, items=()), now=NOW)

    async def move(gstin: str, txn: str, kind: MovementKind, paise: int, key: str, hours: int):
        await desk.record(
            buyer_gstin=gstin, buyer_app_id="buyer.example", lines=[SHAWL], transaction_id=txn,
            order_id=f"PO-{txn}", kind=kind, amount_paise=paise, event_key=f"{txn}:{key}",
            at=NOW + timedelta(hours=hours),
        )  # fmt: skip

    # Kinnaur's two letters (same buyer) move together: a PO replaced by a later one in its
    # transaction, split deliveries, a payment; a second transaction cancelled after its PO.
    await move(GSTIN, "t1", MovementKind.ORDERED, 700_000, "po1", 1)
    await move(GSTIN, "t1", MovementKind.ORDERED, 900_000, "po2", 2)
    await move(GSTIN, "t1", MovementKind.DELIVERED, 300_000, "d1", 3)
    await move(GSTIN, "t1", MovementKind.DELIVERED, 600_000, "d2", 4)
    await move(GSTIN, "t1", MovementKind.PAID, 500_000, "p1", 5)
    await move(GSTIN, "t2", MovementKind.ORDERED, 400_000, "po", 1)
    await move(GSTIN, "t2", MovementKind.CANCELLED, 0, "cancelled", 2)
    # Kangra: a quote only (no PO), for the letter with a GSTIN.
    await move(kangra_gstin, "t3", MovementKind.QUOTED, 250_000, "quoted", 1)

    expected: dict[str, dict[str, int]] = {}
    for letter in await desk.letters():
        sums = expected.setdefault(
            letter["district"],
            {"letters": 0, "signed_paise": 0, "ordered_paise": 0, "delivered_paise": 0,
             "paid_paise": 0, "realising": 0},
        )  # fmt: skip
        sums["letters"] += 1
        sums["signed_paise"] += letter["value_paise"]
        for figure in ("ordered_paise", "delivered_paise", "paid_paise"):
            sums[figure] += letter[figure]
        sums["realising"] += letter["ordered_paise"] > 0
    summed = {row.pop("district"): row for row in await desk.by_district()}
    assert summed == expected
    assert summed["Kinnaur"]["ordered_paise"] == 2 * 900_000  # the later PO, not cancelled
    assert summed["Kinnaur"]["realising"] == 2
    assert summed["Kangra"] == {
        "letters": 2, "signed_paise": 2 * 90_000_000, "ordered_paise": 0,
        "delivered_paise": 0, "paid_paise": 0, "realising": 0,
    }  # fmt: skip


async def test_sums_by_district_count_demo_letters_only_while_the_desk_has_no_other(
    database: Database,
) -> None:
    desk = LoiDesk(database)
    await desk.save(_letter("DEMO-1", demo=True), now=NOW)
    await desk.save(_letter("DEMO-2", district="Chamba", demo=True), now=NOW)
    # A fresh demo: its letters are all there is, so the overview and the map show them.
    assert {row["district"]: row["letters"] for row in await desk.by_district()} == {
        "Chamba": 1, "Kinnaur": 1,
    }  # fmt: skip
    # Once a real letter is on the desk, the demo's are left out, as the LOI view does.
    await desk.save(_letter("HIM-2026-101", district="Kangra"), now=NOW)
    assert [(row["district"], row["letters"]) for row in await desk.by_district()] == [
        ("Kangra", 1)
    ]
