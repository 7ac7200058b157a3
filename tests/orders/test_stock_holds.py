"""Stock holds and confirms on each store: never an oversell, never a negative count, even
with many confirms at once from several engines (as several adapter processes would)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from decimal import Decimal
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from adapter.core.orders import Change, OrderRow, Shortfall
from adapter.storage import Database
from adapter.storage.catalog import CatalogStore
from adapter.storage.orders import OrderStore
from catalog_sync.preflight import PACKAGED_COMMODITIES
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from tests.fixtures import REPO_ROOT

DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
ENTRY = next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Kinnaur")
CODE = ENTRY["seller"]["code"]


async def _seed(database: Database, clock: FixedClock, *, stock: int, maximum: int) -> str:
    raw = ENTRY["items"][1]  # the Kinnauri shawl
    item = ItemRecord(
        **{
            k: v
            for k, v in raw.items()
            if k in {f.name for f in dataclasses.fields(ItemRecord)} and k != "statutory"
        }
        | {
            "price": Decimal(raw["price"]),
            "mrp": Decimal(raw["mrp"]),
            "images": tuple(raw["images"]),
            "available": stock,
            "maximum": maximum,
            # The Legal Metrology block ONDC wants of a fashion item: without it the item
            # would be held back from buyers by pre-flight.
            "statutory": {PACKAGED_COMMODITIES: raw["packaged_commodities"]},
        }
    )
    await CatalogStore(database).upsert(
        SellerRecord(**ENTRY["seller"]),
        LocationRecord(**ENTRY["location"]),
        [item],
        now=clock.now(),
    )
    return item.sku


async def _draft(store: OrderStore, clock: FixedClock, tx: str, sku: str, count: int) -> None:
    await store.save_draft(
        transaction_id=tx,
        bap_id="buyer.example",
        bap_uri="https://buyer.example/ondc",
        domain="ONDC:RET12",
        city="std:0177",
        seller_code=CODE,
        stage="initialized",
        document={"items": [{"id": sku, "quantity": {"count": count}}]},
        total=Decimal(100),
        now=clock.now(),
    )


def _finish(row: OrderRow) -> Change:
    return Change("Accepted", "Pending", {**row.document, "state": "Accepted"})


async def _available(database: Database, sku: str) -> int:
    items = await CatalogStore(database).items_of(CODE)
    return next(item.available for item, _ in items if item.sku == sku)


async def test_holds_never_promise_more_than_the_stock_and_expire(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    try:
        sku = await _seed(database, clock, stock=20, maximum=5)
        store = OrderStore(database)
        until = clock.now() + timedelta(minutes=15)

        async def hold(n: int) -> int:
            stocks = await store.hold(
                transaction_id=f"tx-{n}",
                seller_code=CODE,
                wants={sku: 3},
                now=clock.now(),
                until=until,
            )
            return stocks[0].held

        held = await asyncio.gather(*(hold(n) for n in range(10)))
        assert sum(held) == 20, held
        assert sorted(held)[-1] == 3
        assert await store.held_quantity(CODE, sku, now=clock.now()) == 20

        # Asking again in the same transaction replaces its hold, it does not add to it.
        again = await store.hold(
            transaction_id="tx-0", seller_code=CODE, wants={sku: 1}, now=clock.now(), until=until
        )
        assert again[0].held == 1

        clock.advance(15 * 60 + 1)
        later = await store.hold(
            transaction_id="late",
            seller_code=CODE,
            wants={sku: 5},
            now=clock.now(),
            until=clock.now() + timedelta(minutes=1),
        )
        assert later[0].held == 5, "expired holds stop counting"
        assert later[0].free == 20
    finally:
        await database.dispose()


async def test_many_confirms_at_once_from_three_engines_take_exactly_the_stock(
    database_url: str, clock: FixedClock
) -> None:
    engines = [Database.connect(database_url) for _ in range(3)]
    try:
        sku = await _seed(engines[0], clock, stock=20, maximum=1)
        stores = [OrderStore(engine) for engine in engines]
        for n in range(60):
            await _draft(stores[0], clock, f"tx-{n}", sku, 1)

        async def confirm(n: int) -> Any:
            return await stores[n % 3].confirm(
                f"tx-{n}",
                order_id=f"O-{n}",
                now=clock.now(),
                finish=_finish,
                accept_by=None,
                ship_by=None,
            )

        results = await asyncio.gather(*(confirm(n) for n in range(60)))
        orders = [r for r in results if isinstance(r, OrderRow)]
        refused = [r for r in results if isinstance(r, Shortfall)]
        assert len(orders) == 20
        assert len(refused) == 40
        assert all(r.free == {sku: 0} for r in refused)
        assert await _available(engines[0], sku) == 0

        # A retried confirm of a confirmed order returns it and takes nothing more.
        first = orders[0]
        retried = await stores[1].confirm(
            first.transaction_id,
            order_id=first.order_id or "",
            now=clock.now(),
            finish=_finish,
            accept_by=None,
            ship_by=None,
        )
        assert isinstance(retried, OrderRow)
        assert retried.pk == first.pk
        assert await _available(engines[0], sku) == 0
    finally:
        for engine in engines:
            await engine.dispose()


async def test_stock_sold_offline_meanwhile_makes_the_confirm_fail_cleanly(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    try:
        sku = await _seed(database, clock, stock=3, maximum=3)
        store = OrderStore(database)
        until = clock.now() + timedelta(minutes=15)
        await store.hold(
            transaction_id="tx", seller_code=CODE, wants={sku: 2}, now=clock.now(), until=until
        )
        await _draft(store, clock, "tx", sku, 2)
        # The artisan sells two at the fair; only one is left.
        await CatalogStore(database).set_stock(CODE, [(sku, 1)], now=clock.now())
        result = await store.confirm(
            "tx", order_id="O-1", now=clock.now(), finish=_finish, accept_by=None, ship_by=None
        )
        assert result == Shortfall({sku: 1})
        assert await _available(database, sku) == 1
        assert (await store.by_transaction("tx")) is not None
        assert (await store.by_order_id("O-1")) is None
        assert await store.held_quantity(CODE, sku, now=clock.now()) == 0, "holds released"
    finally:
        await database.dispose()


async def test_a_confirm_of_a_cart_quoted_with_nothing_in_it_makes_no_order(
    database_url: str, clock: FixedClock
) -> None:
    """A buyer app that confirms after being told 40002 (a line of 0) gets no empty order."""
    database = Database.connect(database_url)
    try:
        sku = await _seed(database, clock, stock=0, maximum=3)
        store = OrderStore(database)
        await _draft(store, clock, "tx", sku, 0)
        result = await store.confirm(
            "tx", order_id="O-1", now=clock.now(), finish=_finish, accept_by=None, ship_by=None
        )
        assert result == Shortfall({sku: 0})
        assert (await store.by_order_id("O-1")) is None
    finally:
        await database.dispose()


async def test_a_quote_after_confirm_keeps_the_committed_stock_for_the_cancel(
    database_url: str, clock: FixedClock
) -> None:
    """Whatever reaches the store, a later hold in a confirmed transaction never rewrites
    what the confirm took: the cancel gives back exactly that."""
    database = Database.connect(database_url)
    try:
        sku = await _seed(database, clock, stock=5, maximum=5)
        store = OrderStore(database)
        until = clock.now() + timedelta(minutes=15)
        await store.hold(
            transaction_id="tx", seller_code=CODE, wants={sku: 2}, now=clock.now(), until=until
        )
        await _draft(store, clock, "tx", sku, 2)
        order = await store.confirm(
            "tx", order_id="O-1", now=clock.now(), finish=_finish, accept_by=None, ship_by=None
        )
        assert isinstance(order, OrderRow)
        assert await _available(database, sku) == 3
        await store.hold(
            transaction_id="tx", seller_code=CODE, wants={sku: 1}, now=clock.now(), until=until
        )
        change = Change("Cancelled", "Cancelled", order.document, restock=True)
        await store.transition(order, actor="buyer", event="cancel", change=change, now=clock.now())
        assert await _available(database, sku) == 5
    finally:
        await database.dispose()


async def test_a_draft_is_never_rewritten_by_another_buyer_app(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    try:
        sku = await _seed(database, clock, stock=5, maximum=5)
        store = OrderStore(database)
        await _draft(store, clock, "tx", sku, 2)
        await store.save_draft(
            transaction_id="tx",
            bap_id="other-buyer.example",
            bap_uri="https://other-buyer.example/ondc",
            domain="ONDC:RET12",
            city="std:0177",
            seller_code=CODE,
            stage="selected",
            document={"items": [{"id": sku, "quantity": {"count": 5}}]},
            total=Decimal(1),
            now=clock.now(),
        )
        draft = await store.by_transaction("tx")
        assert draft is not None
        assert (draft.bap_id, draft.stage, draft.total) == ("buyer.example", "initialized", 100)
        assert draft.document["items"][0]["quantity"]["count"] == 2
    finally:
        await database.dispose()
