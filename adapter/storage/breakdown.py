"""Orders by district, ODOP product, GI product or seller: the dashboard's breakdowns.

By district or seller an order counts once; by product or GI product each line counts (an
order of two products is an order of each). Value is the items' value, cancelled orders
excluded; ``b2b_orders`` and ``b2b_value_paise`` are the part placed through ONDC B2B.

The IST days wholly inside the period are read from their sums (``order_days``, by GI
product ``gi_days``: a few thousand rows for a year) and only the period's first and last
days, which it may cover in part, from ``order_facts``, in one statement.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from sqlalchemy import case, func, literal, select, union_all

from adapter.storage.database import Database
from adapter.storage.day_sums import period_days
from adapter.storage.scope import Scope, days_in, facts_in
from adapter.storage.tables import gi_days, order_days, order_facts

__all__ = ["COLUMN", "Dimension", "breakdown"]

Dimension = Literal["district", "product", "gi", "seller"]

COLUMN: Final = {
    "district": order_facts.c.district,
    "product": order_facts.c.product,
    "gi": order_facts.c.gi_tag,
    "seller": order_facts.c.seller_code,
}
_DAY_COLUMN: Final = {
    "district": order_days.c.district,
    "product": order_days.c.product,
    "seller": order_days.c.seller_code,
}
_FIGURES: Final = (
    "orders",
    "value_paise",
    "b2b_orders",
    "b2b_value_paise",
    "cancelled",
    "returned",
    "rto",
)


def _from_facts(scope: Scope, by: Dimension) -> Any:
    f = order_facts.c
    key = COLUMN[by].label("key")
    counted = f.line_no == 0 if by in ("district", "seller") else literal(True)
    live = f.state.is_distinct_from("Cancelled")
    b2b = f.channel == "b2b"
    query = facts_in(
        select(
            key,
            func.count().filter(counted).label("orders"),
            func.coalesce(func.sum(case((live, f.amount_paise), else_=0)), 0).label("value_paise"),
            func.count().filter(counted, b2b).label("b2b_orders"),
            func.coalesce(func.sum(case((live & b2b, f.amount_paise), else_=0)), 0).label(
                "b2b_value_paise"
            ),
            func.count().filter(counted, f.state == "Cancelled").label("cancelled"),
            func.count().filter(counted, f.returned.is_(True)).label("returned"),
            func.count().filter(counted, f.fulfillment_state.like("RTO%")).label("rto"),
        ),
        scope,
    )
    if by == "gi":
        query = query.where(f.gi_tag.is_not(None))
    return query.group_by(key)


def _from_days(scope: Scope, by: Dimension) -> Any:
    """The whole IST days' sums and the edge days' facts, added up by key."""
    days = period_days(scope.since, scope.until)
    if by == "gi":
        table, key = gi_days, gi_days.c.gi_tag
    else:
        table, key = order_days, _DAY_COLUMN[by]
    d = table.c
    by_order = by in ("district", "seller")
    orders = d.orders if by_order else d.lines
    counts = {
        "cancelled": d.cancelled if by_order else d.cancelled_lines,
        "returned": d.returned if by_order else d.returned_lines,
        "rto": d.rto if by_order else d.rto_lines,
    }
    b2b = d.channel == "b2b"
    whole = days_in(
        select(
            key.label("key"),
            func.sum(orders).label("orders"),
            func.sum(d.live_value_paise).label("value_paise"),
            func.sum(case((b2b, orders), else_=0)).label("b2b_orders"),
            func.sum(case((b2b, d.live_value_paise), else_=0)).label("b2b_value_paise"),
            *(func.sum(column).label(name) for name, column in counts.items()),
        ).where(days.whole(d.day)),
        scope,
        table,
    ).group_by(key)
    edges = _from_facts(scope, by).where(order_facts.c.day.in_(days.edge_days))
    both = union_all(whole, edges).subquery()
    return (
        select(both.c.key, *(func.sum(both.c[name]).label(name) for name in _FIGURES))
        .group_by(both.c.key)
        .order_by(both.c.key)
    )


async def breakdown(database: Database, scope: Scope, by: Dimension) -> list[dict[str, Any]]:
    """Orders, value, cancellations, returns and returns to origin by ``by`` (see the
    module's docstring), in order of the key."""
    query = _from_days(scope, by)
    async with database.engine.connect() as connection:
        rows = await connection.execute(query)
        return [
            {"key": row.key, **{name: int(row._mapping[name] or 0) for name in _FIGURES}}
            for row in rows
        ]
