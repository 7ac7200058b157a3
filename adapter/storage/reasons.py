"""Cancellations by district, ODOP product, GI product or seller, reason code and who
cancelled: the dashboard's reasons tables.

By district or seller an order counts once (its first line); by product or GI product each
line counts. The IST days wholly inside the period are read from their sums
(``reason_days``, see :mod:`.fact_days`) and only the period's first and last days, which
it may cover in part, from ``order_facts`` (its partial index of cancelled lines), in one
statement.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import func, literal, select, union_all

from adapter.storage.breakdown import COLUMN, Dimension
from adapter.storage.database import Database
from adapter.storage.day_sums import period_days
from adapter.storage.fact_days import NONE
from adapter.storage.scope import Scope, days_in, facts_in
from adapter.storage.tables import order_facts, reason_days

__all__ = ["reasons"]

_DAY_COLUMN: Final = {
    "district": reason_days.c.district,
    "product": reason_days.c.product,
    "gi": reason_days.c.gi_tag,
    "seller": reason_days.c.seller_code,
}


def _from_facts(scope: Scope, by: Dimension) -> Any:
    f = order_facts.c
    key = COLUMN[by]
    counted = f.line_no == 0 if by in ("district", "seller") else literal(True)
    query = facts_in(
        select(
            key.label("key"),
            f.cancel_reason.label("reason"),
            f.cancelled_by.label("cancelled_by"),
            func.count().filter(counted).label("orders"),
        ).where(f.state == "Cancelled"),
        scope,
    )
    if by == "gi":
        query = query.where(f.gi_tag.is_not(None))
    return query.group_by(key, f.cancel_reason, f.cancelled_by)


def _from_days(scope: Scope, by: Dimension) -> Any:
    d = reason_days.c
    key = _DAY_COLUMN[by]
    reason, cancelled_by = func.nullif(d.reason, NONE), func.nullif(d.cancelled_by, NONE)
    counted = d.orders if by in ("district", "seller") else d.lines
    query = select(
        key.label("key"),
        reason.label("reason"),
        cancelled_by.label("cancelled_by"),
        func.sum(counted).label("orders"),
    )
    if by == "gi":
        query = query.where(d.gi_tag != NONE)
    return days_in(query, scope, reason_days), key, reason, cancelled_by


async def reasons(database: Database, scope: Scope, by: Dimension) -> list[dict[str, Any]]:
    """Cancelled orders (lines, by product and GI product) by ``by``, reason code and who
    cancelled, in order of the key and the reason."""
    days = period_days(scope.since, scope.until)
    whole, *grouping = _from_days(scope, by)
    whole = whole.where(days.whole(reason_days.c.day)).group_by(*grouping)
    edges = _from_facts(scope, by).where(order_facts.c.day.in_(days.edge_days))
    both = union_all(whole, edges).subquery()
    keys = (both.c.key, both.c.reason, both.c.cancelled_by)
    query = (
        select(*keys, func.sum(both.c.orders).label("orders"))
        .group_by(*keys)
        .order_by(both.c.key, both.c.reason, both.c.cancelled_by)
    )
    async with database.engine.connect() as connection:
        rows = await connection.execute(query)
        return [
            {
                "key": row.key,
                "reason": row.reason,
                "cancelled_by": row.cancelled_by,
                "orders": int(row.orders or 0),
            }
            for row in rows
        ]
