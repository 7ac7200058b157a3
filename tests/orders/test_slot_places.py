"""A store's limit of orders per delivery slot (retail 1.2.5 slotted delivery) holds on each
store with many confirms at once from several engines (as several adapter processes
would): exactly the slot's places are taken, the other confirms write nothing, and a
cancelled order's place can be taken again."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest

from adapter.core.clock import FixedClock
from adapter.core.orders import Change, OrderRow
from adapter.core.retail125.delivery_slots import Slot, SlotFull, SlotPlace
from adapter.storage import Database
from adapter.storage.catalog import CatalogStore
from adapter.storage.orders import OrderStore
from catalog_sync.preflight import PACKAGED_COMMODITIES, PREPACKAGED_FOOD
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from tests.fixtures import REPO_ROOT

DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
ENTRY = next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Kangra")
CODE = ENTRY["seller"]["code"]
# 16:00 to 17:00 IST on the 25th, two days after the test clock's morning.
SLOT = Slot(
    "S1",
    datetime(2026, 11, 25, 10, 30, tzinfo=UTC),
    datetime(2026, 11, 25, 11, 30, tzinfo=UTC),
)


async def _seed(database: Database, clock: FixedClock, *, stock: int) -> list[str]:
    """The Kangra store with its tea under 24 SKUs of ``stock`` each: each confirm takes an
    item of its own, so that no item's lock puts the confirms of a slot in a queue."""
    raw = ENTRY["items"][0]  # Kangra tea
    fields = {f.name for f in dataclasses.fields(ItemRecord)}
    items = [
        ItemRecord(
            **{k: v for k, v in raw.items() if k in fields and k != "statutory"}
            | {
                "sku": f"{raw['sku']}-{n}",
                "price": Decimal(raw["price"]),
                "mrp": Decimal(raw["mrp"]),
                "images": tuple(raw["images"]),
                "available": stock,
                "maximum": 5,
                # The Legal Metrology and FSSAI blocks ONDC wants of packed tea: without
                # them the item would be held back from buyers by pre-flight.
                "statutory": {
                    PACKAGED_COMMODITIES: raw["packaged_commodities"],
                    PREPACKAGED_FOOD: raw["prepackaged_food"],
                },
            }
        )
        for n in range(24)
    ]
    await CatalogStore(database).upsert(
        SellerRecord(**ENTRY["seller"]),
        LocationRecord(**ENTRY["location"]),
        items,
        now=clock.now(),
    )
    return [item.sku for item in items]


async def _drafts(store: OrderStore, clock: FixedClock, skus: list[str], count: int) -> None:
    for n in range(count):
        await store.save_draft(
            transaction_id=f"tx-{n}",
            bap_id="buyer.example",
            bap_uri="https://buyer.example/ondc",
            domain="ONDC:RET10",
            city="std:01892",
            seller_code=CODE,
            stage="initialized",
            document={"items": [{"id": skus[n], "quantity": {"count": 1}}]},
            total=Decimal(100),
            now=clock.now(),
        )


def _in_slot(row: OrderRow) -> Change:
    delivery = {"id": SLOT.id, "type": "Delivery", "end": {"time": SLOT.time_range()}}
    return Change("Created", "Pending", {**row.document, "fulfillments": [delivery]})


async def _available(database: Database, skus: list[str]) -> int:
    """The pieces left of all ``skus``."""
    items = await CatalogStore(database).items_of(CODE)
    return sum(item.available for item, _ in items if item.sku in skus)


async def _confirm(store: OrderStore, clock: FixedClock, n: int, capacity: int | None) -> Any:
    """Confirm ``tx-n`` in the slot (``capacity`` None: as before the slot had places)."""
    return await store.confirm(
        f"tx-{n}",
        order_id=f"O-{n}",
        now=clock.now(),
        finish=_in_slot,
        accept_by=None,
        ship_by=SLOT.start,
        slot=None if capacity is None else SlotPlace(SLOT.start, capacity),
    )


async def _cancel(store: OrderStore, clock: FixedClock, order: OrderRow) -> None:
    change = Change("Cancelled", "Cancelled", order.document, restock=True)
    await store.transition(order, actor="buyer", event="cancel", change=change, now=clock.now())


async def test_many_confirms_of_a_slot_at_once_from_three_engines_take_exactly_its_places(
    database_url: str, clock: FixedClock
) -> None:
    engines = [Database.connect(database_url) for _ in range(3)]
    try:
        skus = await _seed(engines[0], clock, stock=2)
        stores = [OrderStore(engine) for engine in engines]
        await _drafts(stores[0], clock, skus, 24)

        results = await asyncio.gather(
            *(_confirm(stores[n % 3], clock, n, 4) for n in range(24)),
            return_exceptions=True,
        )
        orders = [r for r in results if isinstance(r, OrderRow)]
        refused = [r for r in results if isinstance(r, SlotFull)]
        assert len(orders) == 4, results
        assert len(refused) == 20, results
        assert all(r.capacity == 4 for r in refused)
        # The refused confirms wrote nothing: no order, no stock taken.
        assert await _available(engines[0], skus) == 44
        assert await stores[1].slot_bookings(CODE, [SLOT.start]) == {SLOT.start: 4}
        confirmed = {r.transaction_id for r in orders}
        for n in range(24):
            row = await stores[2].by_transaction(f"tx-{n}")
            assert row is not None
            assert (row.stage == "confirmed") == (f"tx-{n}" in confirmed)

        # A cancelled order gives its place back: one more order, then full again.
        await _cancel(stores[0], clock, orders[0])
        assert await _available(engines[0], skus) == 45
        waiting = [n for n in range(24) if f"tx-{n}" not in confirmed]
        again = await asyncio.gather(
            *(_confirm(stores[n % 3], clock, n, 4) for n in waiting[:6]),
            return_exceptions=True,
        )
        assert sum(isinstance(r, OrderRow) for r in again) == 1, again
        assert sum(isinstance(r, SlotFull) for r in again) == 5, again
        assert await stores[0].slot_bookings(CODE, [SLOT.start]) == {SLOT.start: 4}

        # A retried confirm of an order returns it and takes no second place.
        retried = await _confirm(stores[1], clock, int(orders[1].transaction_id[3:]), 4)
        assert isinstance(retried, OrderRow)
        assert retried.pk == orders[1].pk
    finally:
        for engine in engines:
            await engine.dispose()


async def test_orders_in_the_slot_before_it_had_places_count_towards_its_limit(
    database_url: str, clock: FixedClock
) -> None:
    """Orders confirmed before the store set a limit, or before places were kept, fill the
    slot as much as those confirmed since; a cancelled one of them gives its place back."""
    database = Database.connect(database_url)
    try:
        skus = await _seed(database, clock, stock=1)
        store = OrderStore(database)
        await _drafts(store, clock, skus, 6)
        placed_before = [await _confirm(store, clock, n, None) for n in (0, 1)]
        no_limit = await _confirm(store, clock, 2, 0)
        assert isinstance(no_limit, OrderRow)

        assert isinstance(await _confirm(store, clock, 3, 4), OrderRow)
        with pytest.raises(SlotFull):
            await _confirm(store, clock, 4, 4)

        assert isinstance(placed_before[0], OrderRow)
        await _cancel(store, clock, placed_before[0])
        assert isinstance(await _confirm(store, clock, 4, 4), OrderRow)
        with pytest.raises(SlotFull):
            await _confirm(store, clock, 5, 4)
        assert await _available(database, skus) == 20
    finally:
        await database.dispose()


async def test_a_cancelled_order_without_a_slot_gives_back_no_place(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    try:
        skus = await _seed(database, clock, stock=1)
        store = OrderStore(database)
        await _drafts(store, clock, skus, 4)
        in_slot = await _confirm(store, clock, 0, 1)
        assert isinstance(in_slot, OrderRow)
        elsewhere = await store.confirm(
            "tx-1",
            order_id="O-1",
            now=clock.now(),
            finish=lambda row: Change("Created", "Pending", row.document),
            accept_by=None,
            ship_by=SLOT.start,  # leaving the store at the slot's start, but no slot
        )
        assert isinstance(elsewhere, OrderRow)
        await _cancel(store, clock, elsewhere)
        with pytest.raises(SlotFull):
            await _confirm(store, clock, 2, 1)
        clock.advance(timedelta(minutes=1).total_seconds())
        assert await store.slot_bookings(CODE, [SLOT.start]) == {SLOT.start: 1}
    finally:
        await database.dispose()
