"""The audit log's and the orders' day sums (``audit_days``, ``funnel_days``) equal a direct
count of the rows on every store: kept by triggers whoever writes (the audit log's writers,
its retention purge, every order change), made by migration 0026 from the rows a
deployment already had, and read for a period's whole IST days while its edge days are
counted from the rows; and GI products' and cancellation reasons' day sums (``gi_days``,
``reason_days``) made by the same migration from the facts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import command

from adapter.storage import Database, InboundRecord, Store, upgrade
from adapter.storage.audit_days import request_counts
from adapter.storage.funnel_days import funnel_counts
from adapter.storage.migrate import alembic_config
from adapter.storage.order_facts import ist_day
from adapter.storage.orders import OrderStore
from adapter.storage.reports import Reports, searches_of
from adapter.storage.scope import Scope
from adapter.storage.tables import (
    audit_days,
    funnel_days,
    gi_days,
    messages,
    order_facts,
    orders,
    reason_days,
)
from tests.storage.test_callback_days import unmigrated_url  # noqa: F401 (a fixture)

# 18:30 UTC is midnight in India: rows around it fall on two IST days.
MIDNIGHT = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
B2B_BODY = b'{"context":{"domain":"ONDC:RET10","version":"2.0.2","action":"search"}}'
B2B_SPACED = b'{"context": {"domain": "ONDC:RET10", "version": "2.0.2"}}'
B2C_BODY = b'{"context":{"domain":"ONDC:RET10","core_version":"1.2.0","action":"search"}}'
# Instants around the IST midnights of three days, and well inside them.
OFFSETS = (-26, -24.01, -23.99, -12, -0.5, -0.001, 0, 0.001, 3, 11.9, 23.99, 24, 30)
# Periods with whole days and partial edge days; one day; within an hour; on IST midnights.
PERIODS = [
    (MIDNIGHT - timedelta(hours=25), MIDNIGHT + timedelta(hours=29)),
    (MIDNIGHT - timedelta(hours=20), MIDNIGHT + timedelta(hours=2)),
    (MIDNIGHT - timedelta(minutes=40), MIDNIGHT + timedelta(minutes=1)),
    (MIDNIGHT - timedelta(days=1), MIDNIGHT + timedelta(days=1)),
    (MIDNIGHT - timedelta(days=3), MIDNIGHT + timedelta(days=3)),
]


def _message(number: int, at: datetime) -> InboundRecord:
    direction = ("in", "rejected", "in", "out", "in")[number % 5]
    return InboundRecord(
        direction=direction,
        action=("search", "select", "search", "on_search", "init")[number % 5],
        peer_id="buyer.example",
        transaction_id=f"t-{number}",
        message_id=f"m-{number}",
        received_at=at,
        headers={},
        body=(B2B_BODY, B2C_BODY, B2B_SPACED, B2C_BODY)[number % 4],
        verification="valid",
        http_status=200,
        # Times to answer that round to the tenth on every backend alike (no halves).
        duration_ms=None if number % 7 == 0 else 1.23 + (number % 9) * 0.7,
    )


def _channel(body: bytes) -> str:
    return "b2b" if b'"version":"2.0.2"' in body or b'"version": "2.0.2"' in body else "b2c"


def _tenths(duration: float | None) -> int | None:
    return None if duration is None else round(duration * 10)


async def _rows(database: Database, table: sa.Table) -> list[Any]:
    async with database.engine.connect() as connection:
        return list(await connection.execute(sa.select(table)))


async def _summed_requests(database: Database) -> Counter[tuple[Any, ...]]:
    summed: Counter[tuple[Any, ...]] = Counter()
    for row in await _rows(database, audit_days):
        tenths = None if row.tenths < 0 else row.tenths
        summed[(row.day, row.action, row.direction, row.channel, tenths)] += row.requests
    return +summed


def _direct_requests(rows: list[Any], since: datetime | None = None) -> Counter[tuple[Any, ...]]:
    counted: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        if row.direction in ("in", "rejected") and (since is None or row.received_at >= since):
            key = (row.action, row.direction, _channel(row.body), _tenths(row.duration_ms))
            counted[(ist_day(row.received_at), *key)] += 1
    return counted


async def _record_plan(store: Store) -> None:
    """Audit rows written one by one, and accepted in batches as the edge writes them (on
    PostgreSQL one statement with the jobs; a repeated message id is refused)."""
    messages_ = [
        _message(number, MIDNIGHT + timedelta(hours=hours, seconds=number))
        for number, hours in enumerate(OFFSETS * 3)
    ]
    for message in messages_[::2]:
        await store.record(message)
    accepted = [m for m in messages_[1::2] if m.direction in ("in", "rejected")]
    for start in range(0, len(accepted), 5):
        batch = accepted[start : start + 5]
        await store.accept_inbound_batch([(m, None) for m in [*batch, batch[0]]])
    for message in messages_[1::2]:
        if message.direction not in ("in", "rejected"):
            await store.record(message)


async def test_audit_sums_equal_a_count_of_the_kept_rows_through_the_retention_purge(
    database_url: str,
) -> None:
    database = Database.connect(database_url)
    store = Store(database)
    await _record_plan(store)
    kept = await _rows(database, messages)
    direct = _direct_requests(kept)
    assert await _summed_requests(database) == direct
    assert {key[3] for key in direct} == {"b2b", "b2c"}
    assert len({key[0] for key in direct}) == 4  # four IST days
    # The retention purge takes the rows it deletes off the sums, in its transaction.
    cut = MIDNIGHT - timedelta(hours=12)
    assert await store.purge_messages(older_than=cut) > 0
    kept = await _rows(database, messages)
    assert await _summed_requests(database) == _direct_requests(kept)
    assert all(row.received_at >= cut for row in kept)
    await database.dispose()


async def test_request_counts_of_any_period_equal_a_count_of_the_rows(database_url: str) -> None:
    database = Database.connect(database_url)
    await _record_plan(Store(database))
    rows = await _rows(database, messages)
    for since, until in PERIODS:
        for channel in (None, "b2c", "b2b"):
            scope = Scope(since, until, channel=channel)
            counted: Counter[tuple[Any, ...]] = Counter()
            for row in await request_counts(database, scope):
                key = (row["action"], row["direction"], row["channel"], row["tenths"])
                counted[key] += row["requests"]
            direct: Counter[tuple[Any, ...]] = Counter()
            for row in rows:
                chosen = channel in (None, _channel(row.body))
                request = row.direction in ("in", "rejected")
                if since <= row.received_at < until and chosen and request:
                    key = (row.action, row.direction, _channel(row.body))
                    direct[(*key, _tenths(row.duration_ms))] += 1
            assert +counted == direct, (since, until, channel)
    # ACK latency and the funnel's searches, by channel, from the same figures.
    scope = Scope(*PERIODS[0])
    ack = await Reports(database).ack_latency(scope)
    searched = Counter(
        _channel(row.body)
        for row in rows
        if row.action == "search" and row.direction == "in" and scope.since <= row.received_at
        if row.received_at < scope.until
    )
    assert searches_of(ack, "b2b") == searched["b2b"] > 0
    assert searches_of(ack, "b2c") == searched["b2c"] > 0
    assert searches_of(ack) == searched.total()
    await database.dispose()


def _order(number: int, created: datetime) -> dict[str, Any]:
    b2b = number % 3 == 0
    document: dict[str, Any] = {"items": []}
    if b2b:
        document["_internal"] = {"contract": "B2B 2.0.2", "b2b": {"id": f"PO-{number}"}}
    elif number % 5 == 0:
        document["_internal"] = {"b2b": {}}  # no B2B order in it: retail
    return {
        "transaction_id": f"tx-{number}",
        "bap_id": "buyer.example",
        "bap_uri": "https://buyer.example/ondc",
        "domain": "ONDC:RET10",
        "city": "std:0177",
        "seller_code": ("odop-Kullu", "odop-Mandi")[number % 2],
        "stage": ("select", "initialized", "confirmed")[number % 3],
        "state": None,
        "fulfillment_state": "Order-delivered" if number % 4 == 0 else None,
        "document": document,
        "total": "100",
        "created_at": created,
        "updated_at": created,
    }


def _order_channel(document: dict[str, Any]) -> str:
    return "b2b" if (document.get("_internal") or {}).get("b2b") else "b2c"


def _funnel_of(row: Any) -> dict[str, int]:
    return {
        "select": 1,
        "init": int(row.stage in ("initialized", "confirmed")),
        "confirm": int(row.stage == "confirmed"),
        "delivered": int(row.fulfillment_state == "Order-delivered"),
    }


async def _summed_funnel(database: Database) -> Counter[tuple[Any, ...]]:
    summed: Counter[tuple[Any, ...]] = Counter()
    for row in await _rows(database, funnel_days):
        key = (row.day, row.seller_code, row.channel)
        for stage, column in zip(
            ("select", "init", "confirm", "delivered"),
            (row.drafts, row.initialized, row.confirmed, row.delivered),
            strict=True,
        ):
            summed[(*key, stage)] += column
    return +summed


def _direct_funnel(rows: list[Any]) -> Counter[tuple[Any, ...]]:
    counted: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        key = (ist_day(row.created_at), row.seller_code, _order_channel(row.document))
        for stage, count in _funnel_of(row).items():
            counted[(*key, stage)] += count
    return +counted


async def _orders_plan(database: Database) -> None:
    rows = [
        _order(number, MIDNIGHT + timedelta(hours=hours, seconds=number))
        for number, hours in enumerate(OFFSETS * 2)
    ]
    async with database.transaction() as connection:
        await connection.execute(sa.insert(orders), rows)


async def test_funnel_sums_follow_every_order_change(database_url: str) -> None:
    database = Database.connect(database_url)
    await _orders_plan(database)
    assert await _summed_funnel(database) == _direct_funnel(await _rows(database, orders))
    o = orders.c
    async with database.transaction() as connection:
        # Drafts go further, orders are delivered, a draft turns out to be B2B, one order
        # moves to another day and seller, one goes; an update of nothing counted.
        await connection.execute(
            sa.update(orders).where(o.stage == "select").values(stage="initialized")
        )
        await connection.execute(
            sa.update(orders)
            .where(o.fulfillment_state.is_(None), o.id % 2 == 0)
            .values(fulfillment_state="Order-delivered")
        )
        await connection.execute(
            sa.update(orders)
            .where(o.transaction_id == "tx-1")
            .values(document={"_internal": {"b2b": {"id": "PO-1"}}})
        )
        await connection.execute(
            sa.update(orders)
            .where(o.transaction_id == "tx-2")
            .values(created_at=MIDNIGHT - timedelta(days=2), seller_code="odop-Una")
        )
        await connection.execute(sa.delete(orders).where(o.transaction_id == "tx-3"))
        # A buyer's text with a NUL in it (PostgreSQL's json paths refuse its escape).
        nul = [_order(number, MIDNIGHT + timedelta(hours=number)) for number in (90, 91)]
        for row in nul:
            row["document"]["billing"] = {"name": "Asha\x00 Devi"}
        await connection.execute(sa.insert(orders), nul)
        await connection.execute(sa.update(orders).values(total="200"))
    changed = await _rows(database, orders)
    assert await _summed_funnel(database) == _direct_funnel(changed)
    assert {_order_channel(row.document) for row in changed if "billing" in row.document} == {
        "b2b",
        "b2c",
    }
    await database.dispose()


async def test_funnel_sums_follow_the_order_store(database_url: str) -> None:
    database = Database.connect(database_url)
    store = OrderStore(database)
    draft = {
        "bap_id": "buyer.example",
        "bap_uri": "https://buyer.example/ondc",
        "domain": "ONDC:RET10",
        "city": "std:0177",
        "seller_code": "odop-Kullu",
        "document": {"items": []},
        "total": Decimal("100"),
    }
    await store.save_draft(transaction_id="a", stage="select", now=MIDNIGHT, **draft)
    await store.save_draft(transaction_id="a", stage="initialized", now=MIDNIGHT, **draft)
    await store.save_draft(
        transaction_id="b", stage="select", now=MIDNIGHT - timedelta(hours=1), **draft
    )
    summed = await _summed_funnel(database)
    assert summed == _direct_funnel(await _rows(database, orders))
    today, yesterday = ist_day(MIDNIGHT), ist_day(MIDNIGHT - timedelta(hours=1))
    assert summed[(today, "odop-Kullu", "b2c", "init")] == 1
    assert summed[(yesterday, "odop-Kullu", "b2c", "select")] == 1
    await database.dispose()


async def test_funnel_counts_of_any_period_equal_a_count_of_the_rows(database_url: str) -> None:
    database = Database.connect(database_url)
    await _orders_plan(database)
    rows = await _rows(database, orders)
    for since, until in PERIODS:
        for seller in (None, "odop-Mandi"):
            for channel in (None, "b2c", "b2b"):
                scope = Scope(since, until, seller_code=seller, channel=channel)
                direct = {stage: {"b2c": 0, "b2b": 0} for stage in _funnel_of(rows[0])}
                for row in rows:
                    wanted = seller in (None, row.seller_code) and since <= row.created_at < until
                    ours = _order_channel(row.document)
                    if wanted and channel in (None, ours):
                        for stage, count in _funnel_of(row).items():
                            direct[stage][ours] += count
                assert await funnel_counts(database, scope) == direct, (since, until, scope)
    whole = await funnel_counts(database, Scope(*PERIODS[-1]))
    assert whole["select"]["b2b"] > 0
    assert whole["delivered"]["b2c"] > 0
    await database.dispose()


async def test_migration_sums_the_audit_log_and_orders_already_there(
    unmigrated_url: str,  # noqa: F811
) -> None:
    upgrade(unmigrated_url, "0025")
    database = Database.connect(unmigrated_url)
    await _record_plan(Store(database))
    await _orders_plan(database)
    facts = [
        {
            "order_pk": pk, "line_no": 0, "seller_code": "odop-Kullu", "district": "Kullu",
            "product": "Kullu Shawl", "gi_tag": "Kullu Shawl" if pk % 3 else None, "sku": "s",
            "bap_id": "a", "quantity": 1, "amount_paise": 100 * pk, "confirmed_at": at,
            "day": ist_day(at), "state": "Cancelled" if pk % 4 == 0 else "Accepted",
            "fulfillment_state": "RTO-Delivered" if pk % 5 == 0 else "Pending",
            "returned": pk % 7 == 0, "order_updated_at": at, "channel": "b2b" if pk % 2 else "b2c",
        }
        for pk, at in ((pk, MIDNIGHT + timedelta(hours=5 * pk - 40)) for pk in range(1, 30))
    ]  # fmt: skip
    async with database.transaction() as connection:
        await connection.execute(sa.insert(order_facts), facts)
    await database.dispose()
    upgrade(unmigrated_url)
    database = Database.connect(unmigrated_url)
    gi: Counter[tuple[Any, ...]] = Counter()
    for fact in facts:
        if fact["gi_tag"] is not None:
            key = (fact["day"], fact["channel"])
            gi[(*key, "lines")] += 1
            gi[(*key, "value")] += 0 if fact["state"] == "Cancelled" else fact["amount_paise"]
            gi[(*key, "cancelled")] += fact["state"] == "Cancelled"
            gi[(*key, "returned")] += fact["returned"]
            gi[(*key, "rto")] += fact["fulfillment_state"].startswith("RTO")
    summed: Counter[tuple[Any, ...]] = Counter()
    for row in await _rows(database, gi_days):
        key = (row.day, row.channel)
        summed[(*key, "lines")] += row.lines
        summed[(*key, "value")] += row.live_value_paise
        summed[(*key, "cancelled")] += row.cancelled_lines
        summed[(*key, "returned")] += row.returned_lines
        summed[(*key, "rto")] += row.rto_lines
    assert +summed == +gi
    assert len({key[0] for key in gi}) > 3
    reasons: Counter[tuple[Any, ...]] = Counter()
    for fact in facts:
        if fact["state"] == "Cancelled":
            key = (fact["day"], fact["gi_tag"] or "", fact["channel"])
            reasons[(*key, "orders")] += 1
            reasons[(*key, "lines")] += 1
    summed_reasons: Counter[tuple[Any, ...]] = Counter()
    for row in await _rows(database, reason_days):
        key = (row.day, row.gi_tag, row.channel)
        summed_reasons[(*key, "orders")] += row.orders
        summed_reasons[(*key, "lines")] += row.lines
    assert summed_reasons == reasons
    assert len(reasons) > 4
    direct = _direct_requests(await _rows(database, messages))
    assert await _summed_requests(database) == direct
    assert len(direct) > 10
    direct_funnel = _direct_funnel(await _rows(database, orders))
    assert await _summed_funnel(database) == direct_funnel
    assert len(direct_funnel) > 10
    await database.dispose()


async def test_the_migration_goes_down_and_up_again_with_the_sums_kept(
    unmigrated_url: str,  # noqa: F811
) -> None:
    upgrade(unmigrated_url)
    command.downgrade(alembic_config(unmigrated_url), "0025")
    database = Database.connect(unmigrated_url)
    await _record_plan(Store(database))  # no triggers: nothing summed, nothing refused
    await _orders_plan(database)
    await database.dispose()
    upgrade(unmigrated_url)
    database = Database.connect(unmigrated_url)
    assert await _summed_requests(database) == _direct_requests(await _rows(database, messages))
    assert await _summed_funnel(database) == _direct_funnel(await _rows(database, orders))
    await database.dispose()
