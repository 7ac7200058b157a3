"""``order_facts``: the dashboard's narrow copy of confirmed orders, one row per line.

The department's views aggregate a million orders by district, ODOP product, GI product and
seller; doing that over ``orders`` would mean reading every order's JSON document (which
also holds the buyer's name, phone and address). Instead each confirmed order's lines are
copied here with only what the figures need, and kept in step by :meth:`OrderFacts.refresh`:
the orders whose ``updated_at`` is at or after the last mark (less a margin, for
transactions that committed late) are copied again. Nothing of the buyer is kept but the
buyer app's subscriber id.

Each fact carries its channel: ``b2b`` for an order placed through ONDC B2B 2.0.2 (its
stored document holds the B2B order, ``adapter.core.b2b.rfq.b2b_order``), ``b2c`` for a
retail one.

Each refresh also recomputes ``order_days``, and the day sums of :mod:`.fact_days` (GI
products' lines, cancellation reasons) (the facts summed by IST day, seller, district,
ODOP product, buyer app and channel: orders and lines, cancelled, returned, returned to
origin, value) for the days whose facts it copied, in the same transaction, so the
timeline and the breakdowns over a year read a few thousand rows, not a million.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from sqlalchemy import case, func, literal, select, tuple_

from adapter.core.b2b.rfq import b2b_order
from adapter.core.odop import odop_product
from adapter.core.order_updates import RETURN_EVENTS
from adapter.storage import fact_days
from adapter.storage.database import Database
from adapter.storage.tables import (
    items,
    order_days,
    order_events,
    order_facts,
    orders,
    report_marks,
    sellers,
)

__all__ = ["IST", "OrderFacts", "ist_day"]

_MARK: Final = "order_facts"
_BATCH: Final = 2000

IST: Final = timezone(timedelta(hours=5, minutes=30), "IST")
"""India Standard Time: the department's days (no daylight saving)."""


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# India's wall clock at the epoch, without a zone: an instant's time in India is this plus
# the time since the epoch.
_IST_AT_EPOCH: Final = _EPOCH.astimezone(IST).replace(tzinfo=None)


def ist_day(instant: datetime) -> date:
    """The calendar day ``instant`` falls on in India."""
    if instant.tzinfo is None:
        return instant.astimezone(IST).date()  # a naive instant read as the local time
    # By arithmetic, not ``astimezone`` (an aware subtraction measures from the epoch in
    # any zone): callgrind, a call: 1.3 thousand instructions, 4.0 thousand with
    # ``astimezone``; a settlement takes two days for each job it settles.
    return (_IST_AT_EPOCH + (instant - _EPOCH)).date()


def _paise(value: Any) -> int:
    try:
        return int(Decimal(str(value)) * 100)
    except (InvalidOperation, ValueError):
        return 0


# The delivery, and the fulfilments that take pieces off it: a cancel (whole or part) and
# a return to origin (adapter.core.order_replies / order_updates name them so).
_ORDERED_ON = frozenset({"1", "C1", "C2", "R1"})


def _lines(document: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(SKU, quantity, amount in paise) of each item line of an order document."""
    amounts: dict[str, int] = {}
    for line in document.get("quote", {}).get("breakup", []):
        if line.get("@ondc/org/title_type") == "item":
            sku = str(line.get("@ondc/org/item_id", ""))
            amounts[sku] = amounts.get(sku, 0) + _paise(line.get("price", {}).get("value", 0))
    # One line per SKU, as ordered: what is still on the delivery plus what a cancellation
    # or a return to origin moved off it (a cancelled order shows its lines twice: at 0 on
    # the delivery and with their count on the Cancel fulfilment). Lines on a buyer's
    # Return fulfilment are a copy of delivered pieces and are not counted again.
    counts: dict[str, int] = {}
    for item in document.get("items", []):
        if str(item.get("fulfillment_id", "1")) not in _ORDERED_ON:
            continue
        sku = str(item.get("id", ""))
        counts[sku] = counts.get(sku, 0) + int(item.get("quantity", {}).get("count", 0))
    return [(sku, count, amounts.pop(sku, 0)) for sku, count in counts.items()]


# An order counts as returned once goods of it came back or were written off against a
# refund: a return picked up (its refund is due then), delivered back or liquidated. A
# return asked for and still waiting, or rejected, is not one.
_RETURNED_BY = frozenset(
    f"return_{action}"
    for action, (_sources, target) in RETURN_EVENTS.items()
    if target in {"Return_Picked", "Return_Delivered", "Liquidated"}
)


class OrderFacts:
    """Keeps ``order_facts`` in step with ``orders``."""

    def __init__(self, database: Database, *, margin: timedelta = timedelta(minutes=2)) -> None:
        self._db = database
        self._margin = margin

    async def refresh(self) -> int:
        """Copy the orders changed since the last refresh; the number of orders copied."""
        async with self._db.engine.connect() as connection:
            mark = (
                await connection.execute(
                    select(report_marks.c.mark).where(report_marks.c.name == _MARK)
                )
            ).scalar_one_or_none()
        copied = 0
        since = None if mark is None else mark - self._margin
        last_id = 0
        while True:
            query = (
                select(
                    orders.c.id,
                    orders.c.bap_id,
                    orders.c.seller_code,
                    orders.c.domain,
                    orders.c.document,
                    orders.c.state,
                    orders.c.fulfillment_state,
                    orders.c.confirmed_at,
                    orders.c.updated_at,
                )
                .where(orders.c.confirmed_at.is_not(None), orders.c.id > last_id)
                .order_by(orders.c.id)
                .limit(_BATCH)
            )
            if since is not None:
                query = query.where(orders.c.updated_at >= since)
            async with self._db.engine.connect() as connection:
                rows = list(await connection.execute(query))
            if not rows:
                break
            await self._copy(rows)
            copied += len(rows)
            last_id = rows[-1].id
            newest = max(row.updated_at for row in rows)
            mark = newest if mark is None else max(mark, newest)
        if copied and mark is not None:
            async with self._db.transaction() as connection:
                statement = self._db.insert(report_marks).values(name=_MARK, mark=mark)
                await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[report_marks.c.name], set_={"mark": mark}
                    )
                )
        return copied

    async def _copy(self, rows: list[Any]) -> None:
        lines = {row.id: _lines(row.document) for row in rows}
        wanted = {(row.seller_code, sku) for row in rows for sku, _, _ in lines[row.id]}
        async with self._db.engine.connect() as connection:
            found = await connection.execute(
                select(
                    sellers.c.code,
                    items.c.sku,
                    items.c.domain,
                    items.c.category_id,
                    items.c.record,
                )
                .join(sellers, items.c.seller_id == sellers.c.id)
                .where(tuple_(sellers.c.code, items.c.sku).in_(list(wanted)))
            )
            catalogue = {(r.code, r.sku): r for r in found}
            homes = await connection.execute(
                select(sellers.c.code, sellers.c.record).where(
                    sellers.c.code.in_({row.seller_code for row in rows})
                )
            )
            seller_district = {r.code: r.record.get("district") for r in homes}
            events = await connection.execute(
                select(
                    order_events.c.order_pk,
                    order_events.c.actor,
                    order_events.c.event,
                    order_events.c.state,
                    order_events.c.detail,
                )
                .where(order_events.c.order_pk.in_(list(lines)))
                .order_by(order_events.c.order_pk, order_events.c.id)
            )
            cancelled: dict[int, tuple[str | None, str]] = {}
            returned: set[int] = set()
            for event in events:
                if event.state == "Cancelled" and event.order_pk not in cancelled:
                    reason = (event.detail or {}).get("reason")
                    cancelled[event.order_pk] = (
                        None if reason is None else str(reason),
                        event.actor,
                    )
                if event.event in _RETURNED_BY:
                    returned.add(event.order_pk)
        values = []
        for row in rows:
            reason, actor = (
                cancelled.get(row.id, (None, None)) if row.state == "Cancelled" else (None, None)
            )
            for number, (sku, quantity, amount) in enumerate(lines[row.id]):
                item = catalogue.get((row.seller_code, sku))
                record = item.record if item is not None else {}
                district = record.get("odop_district") or seller_district.get(row.seller_code)
                product = (
                    odop_product(district, item.domain, item.category_id)
                    if item is not None
                    else None
                )
                values.append(
                    {
                        "order_pk": row.id,
                        "line_no": number,
                        "seller_code": row.seller_code,
                        "district": district or "-",
                        "product": product.name if product else record.get("name", sku)[:120],
                        "gi_tag": record.get("gi_tag"),
                        "sku": sku[:64],
                        "bap_id": row.bap_id,
                        "quantity": quantity,
                        "amount_paise": amount,
                        "confirmed_at": row.confirmed_at,
                        "day": ist_day(row.confirmed_at),
                        "state": row.state,
                        "fulfillment_state": row.fulfillment_state,
                        "cancel_reason": reason,
                        "cancelled_by": actor,
                        "returned": row.id in returned,
                        "order_updated_at": row.updated_at,
                        "channel": "b2b" if b2b_order(row.document) else "b2c",
                    }
                )
        if not values:
            return
        changing = (
            "state",
            "fulfillment_state",
            "cancel_reason",
            "cancelled_by",
            "returned",
            "order_updated_at",
            "channel",
        )
        async with self._db.transaction() as connection:
            statement = self._db.insert(order_facts).values(values)
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[order_facts.c.order_pk, order_facts.c.line_no],
                    set_={name: statement.excluded[name] for name in changing},
                )
            )
            days = {v["day"] for v in values}
            await connection.execute(self._sum_days(days))
            for statement in fact_days.made_again(days):
                await connection.execute(statement)

    def _sum_days(self, days: set[date]) -> Any:
        """Recompute ``order_days`` for ``days`` from the facts (an upsert: a group never
        disappears, since facts are never deleted)."""
        f = order_facts.c
        live = f.state.is_(None) | (f.state != "Cancelled")
        first = f.line_no == 0
        keys = [f.day, f.seller_code, f.district, f.product, f.bap_id, f.channel]
        cancelled = f.state == "Cancelled"
        returned = f.returned.is_(True)
        rto = f.fulfillment_state.like("RTO%")
        summed = (
            select(
                *keys,
                func.count(case((first, literal(1)))),
                func.count(case((first & cancelled, literal(1)))),
                func.coalesce(func.sum(f.amount_paise), 0),
                func.count(func.distinct(case((live, f.order_pk)))),
                func.coalesce(func.sum(case((live, f.amount_paise))), 0),
                func.count(case((first & returned, literal(1)))),
                func.count(case((first & rto, literal(1)))),
                func.count(),
                func.count(case((cancelled, literal(1)))),
                func.count(case((returned, literal(1)))),
                func.count(case((rto, literal(1)))),
            )
            .where(f.day.in_(sorted(days)))
            .group_by(*keys)
        )
        d = order_days.c
        columns = ["day", "seller_code", "district", "product", "bap_id", "channel"]
        figures = [
            "orders",
            "cancelled",
            "value_paise",
            "live_orders",
            "live_value_paise",
            "returned",
            "rto",
            "lines",
            "cancelled_lines",
            "returned_lines",
            "rto_lines",
        ]
        statement = self._db.insert(order_days).from_select(columns + figures, summed)
        return statement.on_conflict_do_update(
            index_elements=[d[name] for name in columns],
            set_={name: statement.excluded[name] for name in figures},
        )

    async def mark(self) -> datetime | None:
        """How far the copy has caught up (orders' ``updated_at``)."""
        async with self._db.engine.connect() as connection:
            result = await connection.execute(
                select(report_marks.c.mark).where(report_marks.c.name == _MARK)
            )
            mark: datetime | None = result.scalar_one_or_none()
            return mark
