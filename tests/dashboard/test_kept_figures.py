"""Figures the dashboard sums in SQL equal the same figures counted in full, on SQLite and
PostgreSQL: the LOI desk's letters summed by stage, district and product, and orders by
district, ODOP product, GI product and seller and their cancellation reasons read from the
day sums."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from adapter.b2b.loi_report import summarise
from adapter.core.b2b.loi import LetterItem, MovementKind
from adapter.storage import Database
from adapter.storage.fact_days import made_again
from adapter.storage.loi_desk import LetterRecord, LoiDesk
from adapter.storage.loi_figures import LoiFigures
from adapter.storage.order_facts import OrderFacts, ist_day
from adapter.storage.overview import Overview
from adapter.storage.reports import Reports
from adapter.storage.scope import Scope
from adapter.storage.tables import order_facts

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    yield database
    await database.dispose()


def _fact(pk: int, at: datetime, *, line: int = 0, bap: str = "a", product: str = "Kullu Shawl",
          cancelled: bool = False) -> dict[str, Any]:  # fmt: skip
    return {
        "order_pk": pk, "line_no": line, "seller_code": "odop-kullu", "district": "Kullu",
        "product": product, "gi_tag": None, "sku": f"s{line}", "bap_id": bap, "quantity": 1,
        "amount_paise": 1000 * pk + line, "confirmed_at": at, "day": ist_day(at),
        "state": "Cancelled" if cancelled else "Accepted", "fulfillment_state": "Pending",
        "returned": False, "order_updated_at": at, "channel": "b2c", "cancel_reason": None,
        "cancelled_by": None,
    }  # fmt: skip


GSTIN = "02ABCDE1234F1Z5"


def _record(reference: str, district: str, product: str, signed_on: date, *,
            demo: bool = False, sku: str = "x01") -> LetterRecord:  # fmt: skip
    return LetterRecord(
        reference=reference, buyer_name=f"Buyer {reference}", district=district,
        product=product, value_paise=10_000_000, signed_on=signed_on,
        items=(LetterItem("odop-x", sku, 10, 1_000_000),), buyer_gstin=GSTIN,
        buyer_app_id=None, demo=demo,
    )  # fmt: skip


async def test_loi_desk_sums_in_sql_equal_the_desks_own_figures(database: Database) -> None:
    desk = LoiDesk(database)
    plan = [
        ("L1", "Kullu", "Kullu Shawl", "x01"),
        ("L2", "Kullu", "Kullu Shawl", "x02"),
        ("L3", "Mandi", "Mandi Siddu", "x03"),
        ("L4", "Mandi", "Mandi Siddu", "x04"),
        ("L5", "Una", "Una Honey", "x05"),
        ("L6", "Una", "Una Honey", "x06"),
    ]
    for reference, district, product, sku in plan:
        await desk.save(_record(reference, district, product, date(2026, 11, 1), sku=sku), now=NOW)
    await desk.save(_record("D1", "Una", "Una Honey", date(2026, 11, 1), demo=True), now=NOW)

    async def move(sku: str, txn: str, kind: MovementKind, paise: int, minutes: int) -> None:
        await desk.record(
            buyer_gstin=GSTIN, buyer_app_id="buyer.example", lines=[("odop-x", sku)],
            transaction_id=txn, order_id=None, kind=kind, amount_paise=paise,
            event_key=f"{txn}:{kind}:{minutes}", at=NOW + timedelta(minutes=minutes),
        )  # fmt: skip

    await move("x02", "t2", MovementKind.RFQ, 0, 1)  # RFQ received
    await move("x03", "t3", MovementKind.QUOTED, 500, 1)
    await move("x03", "t3", MovementKind.QUOTED, 400, 2)  # re-quoted: 400 counts
    await move("x04", "t4", MovementKind.ORDERED, 900, 1)
    await move("x04", "t4", MovementKind.DELIVERED, 300, 2)  # partly delivered
    await move("x04", "t4b", MovementKind.ORDERED, 700, 3)
    await move("x04", "t4b", MovementKind.CANCELLED, 0, 4)  # a cancelled PO counts not
    await move("x05", "t5", MovementKind.ORDERED, 800, 1)
    await move("x05", "t5", MovementKind.DELIVERED, 800, 2)
    await move("x05", "t5", MovementKind.PAID, 800, 3)
    await move("x06", "t6", MovementKind.ORDERED, 600, 1)
    await move("x06", "t6", MovementKind.DELIVERED, 600, 2)
    await desk.sweep(now=NOW + timedelta(days=60), quiet_days=30)  # flags letters on paper
    await move("x06", "t6", MovementKind.PAID, 100, 60 * 24 * 61)  # moved after the flag

    letters = [letter for letter in await desk.letters() if not letter["demo"]]
    figures = LoiFigures(database)
    grouped = await figures.grouped()
    for by in ("district", "product"):
        expected = summarise(letters, by)  # type: ignore[arg-type]
        got = grouped[by]  # type: ignore[index]
        assert [g["key"] for g in got] == [g["key"] for g in expected["groups"]]
        for mine, theirs in zip(got, expected["groups"], strict=True):
            assert mine["letters"] == theirs["letters"]
            assert mine["on_paper"] == theirs["on_paper"]
            for name in ("signed", "quoted", "ordered", "delivered", "paid"):
                assert mine[f"{name}_paise"] == theirs[f"{name}_paise"], (by, name)
    stages = {g["key"]: g["letters"] for g in grouped["stage"]}
    assert stages == {
        stage: count for stage, count in summarise(letters, "district")["total"]["stages"].items()
        if count
    }  # fmt: skip
    assert set(stages) == {"signed", "rfq_received", "quoted", "partly_delivered", "paid",
                           "delivered"}  # fmt: skip
    paper = await figures.on_paper()
    assert {p["reference"] for p in paper} == {x["reference"] for x in letters if x["on_paper"]}
    only = await figures.grouped(district="Mandi", product="Mandi Siddu")
    assert [g["key"] for g in only["district"]] == ["Mandi"]


async def test_overview_by_district_from_day_sums_matches_the_facts(database: Database) -> None:
    facts = []
    for pk in range(1, 60):
        at = NOW - timedelta(hours=5 * pk)
        fact = _fact(pk, at, cancelled=pk % 7 == 0, bap="a" if pk % 2 else "b")
        fact["district"] = "Kullu" if pk % 3 else "Mandi"
        fact["channel"] = "b2b" if pk % 4 == 0 else "b2c"
        facts.append(fact)
    async with database.transaction() as connection:
        await connection.execute(insert(order_facts), facts)
        await connection.execute(OrderFacts(database)._sum_days({f["day"] for f in facts}))
    since = NOW - timedelta(days=8, hours=3)  # in the middle of an IST day
    for channel in (None, "b2b"):
        scope = Scope(since, NOW + timedelta(seconds=1), channel=channel)
        figures = await Overview(database).figures(scope)
        for district in ("Kullu", "Mandi"):
            mine = [f for f in facts if f["district"] == district and f["confirmed_at"] >= since
                    and channel in (None, f["channel"])]  # fmt: skip
            live = [f for f in mine if f["state"] != "Cancelled"]
            b2b = [f for f in live if f["channel"] == "b2b"]
            entry = figures.by_district[district]
            assert (entry.orders, entry.cancelled, entry.value_paise) == (
                len(mine), len(mine) - len(live), sum(f["amount_paise"] for f in live),
            )  # fmt: skip
            assert (entry.b2b_orders, entry.b2b_value_paise) == (
                sum(f["channel"] == "b2b" for f in mine), sum(f["amount_paise"] for f in b2b),
            )  # fmt: skip


async def test_breakdowns_from_day_sums_match_the_facts(database: Database) -> None:
    facts = []
    for pk in range(1, 80):
        at = NOW - timedelta(hours=5 * pk)
        for line in range(1 + pk % 2):  # every other order has a second line
            fact = _fact(pk, at, line=line, cancelled=pk % 7 == 0, bap="a" if pk % 2 else "b",
                         product=("Kullu Shawl", "Chamba Rumal")[(pk + line) % 2])  # fmt: skip
            fact["district"] = "Kullu" if pk % 3 else "Mandi"
            fact["seller_code"] = f"odop-{pk % 4}"
            fact["channel"] = "b2b" if pk % 5 == 0 else "b2c"
            fact["returned"] = pk % 11 == 0
            fact["fulfillment_state"] = "RTO-Delivered" if pk % 13 == 0 else "Order-delivered"
            fact["gi_tag"] = fact["product"] if pk % 3 else None
            if fact["state"] == "Cancelled":
                fact["cancel_reason"] = ("002", "005", None)[(pk + line) % 3]
                fact["cancelled_by"] = ("seller", "buyer")[pk % 2] if pk % 5 else None
            facts.append(fact)
    async with database.transaction() as connection:
        await connection.execute(insert(order_facts), facts)
        await connection.execute(OrderFacts(database)._sum_days({f["day"] for f in facts}))
        for statement in made_again({f["day"] for f in facts}):
            await connection.execute(statement)
    reports = Reports(database)
    since = NOW - timedelta(days=9, hours=3)  # in the middle of an IST day
    for scope in (
        Scope(since, NOW + timedelta(seconds=1)),
        Scope(since, NOW - timedelta(days=2, hours=7), channel="b2b"),
        Scope(since, NOW + timedelta(seconds=1), seller_code="odop-1"),
        Scope(NOW - timedelta(hours=20), NOW, district="Kullu"),  # within a day or two
    ):
        for by, column in (("district", "district"), ("seller", "seller_code"),
                           ("product", "product"), ("gi", "gi_tag")):  # fmt: skip
            expected: dict[str, dict[str, int]] = {}
            for f in facts:
                if not (scope.since <= f["confirmed_at"] < scope.until) or (
                    scope.channel not in (None, f["channel"])
                    or scope.seller_code not in (None, f["seller_code"])
                    or scope.district not in (None, f["district"])
                ):
                    continue
                if by in ("district", "seller") and f["line_no"] != 0:
                    continue  # by district and seller an order counts once
                if f[column] is None:
                    continue  # not a GI product
                row = expected.setdefault(f[column], dict.fromkeys(
                    ("orders", "value_paise", "b2b_orders", "b2b_value_paise", "cancelled",
                     "returned", "rto"), 0))  # fmt: skip
                live = f["state"] != "Cancelled"
                row["orders"] += 1
                row["b2b_orders"] += f["channel"] == "b2b"
                row["cancelled"] += not live
                row["returned"] += f["returned"]
                row["rto"] += f["fulfillment_state"].startswith("RTO")
            # Value is every live line's, whichever line counts the order.
            for f in facts:
                if f[column] in expected and scope.since <= f["confirmed_at"] < scope.until and (
                    f["state"] != "Cancelled" and scope.channel in (None, f["channel"])
                    and scope.seller_code in (None, f["seller_code"])
                    and scope.district in (None, f["district"])
                ):  # fmt: skip
                    expected[f[column]]["value_paise"] += f["amount_paise"]
                    if f["channel"] == "b2b":
                        expected[f[column]]["b2b_value_paise"] += f["amount_paise"]
            found = {row.pop("key"): row for row in await reports.breakdown(scope, by)}
            assert found == expected, (scope, by)
            # The cancellation reasons by the same key, counted from the facts.
            reasons: dict[tuple[Any, ...], int] = {}
            for f in facts:
                if f["state"] != "Cancelled" or f[column] is None:
                    continue
                if not (scope.since <= f["confirmed_at"] < scope.until) or (
                    scope.channel not in (None, f["channel"])
                    or scope.seller_code not in (None, f["seller_code"])
                    or scope.district not in (None, f["district"])
                ):
                    continue
                key = (f[column], f["cancel_reason"], f["cancelled_by"])
                counted = by in ("product", "gi") or f["line_no"] == 0
                reasons[key] = reasons.get(key, 0) + counted
            got = {
                (r["key"], r["reason"], r["cancelled_by"]): r["orders"]
                for r in await reports.reasons(scope, by)
            }
            assert got == reasons, (scope, by)
