"""Orders over time: by IST day for a period of days, by IST hour for a single day.

Each point holds the orders confirmed in it, split into the parts that make the whole
(still live, cancelled; and retail B2C, B2B), and the value of the live ones, so a chart
can stack them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select

from adapter.storage.database import Database
from adapter.storage.day_sums import period_days
from adapter.storage.order_facts import IST
from adapter.storage.scope import Scope, days_in, facts_in
from adapter.storage.tables import order_days, order_facts

__all__ = ["daily", "hourly"]


def _point(at: str, orders: Any, cancelled: Any, value: Any, b2b: Any) -> dict[str, Any]:
    orders, cancelled, b2b = int(orders or 0), int(cancelled or 0), int(b2b or 0)
    return {
        "at": at,
        "orders": orders,
        "live": orders - cancelled,
        "cancelled": cancelled,
        "value_paise": int(value or 0),
        "b2c_orders": orders - b2b,
        "b2b_orders": b2b,
    }


async def _rows(database: Database, query: Any) -> list[dict[str, Any]]:
    async with database.engine.connect() as connection:
        return [dict(row._mapping) for row in await connection.execute(query)]


async def daily(database: Database, scope: Scope) -> list[dict[str, Any]]:
    """One point per IST day of the period with orders in it (``at`` is the ISO date).

    The days wholly inside the period come from ``order_days``; its first and last days,
    which it may cover only in part, from ``order_facts``. Value is every line's value
    (cancelled orders included), as ``order_days`` keeps it.
    """
    days = period_days(scope.since, scope.until)
    d = order_days.c
    whole = days_in(
        select(
            d.day,
            func.sum(d.orders).label("orders"),
            func.sum(d.cancelled).label("cancelled"),
            func.sum(d.value_paise).label("value_paise"),
            func.sum(case((d.channel == "b2b", d.orders), else_=0)).label("b2b_orders"),
        ).where(days.whole(d.day)),
        scope,
    )
    f = order_facts.c
    edges = facts_in(
        select(
            f.day,
            func.count().filter(f.line_no == 0).label("orders"),
            func.count().filter(f.line_no == 0, f.state == "Cancelled").label("cancelled"),
            func.coalesce(func.sum(f.amount_paise), 0).label("value_paise"),
            func.count().filter(f.line_no == 0, f.channel == "b2b").label("b2b_orders"),
        ).where(f.day.in_(days.edge_days)),
        scope,
    )
    by_day: dict[date, dict[str, Any]] = {}
    for query in (whole.group_by(d.day), edges.group_by(f.day)):
        for row in await _rows(database, query):
            day = row["day"]
            by_day[day] = _point(
                day.isoformat(),
                row["orders"],
                row["cancelled"],
                row["value_paise"],
                row["b2b_orders"],
            )
    return [by_day[day] for day in sorted(by_day)]


async def hourly(database: Database, scope: Scope) -> list[dict[str, Any]]:
    """Every IST hour of the period (a day or two), orders or not: ``at`` is the hour's
    start, ``YYYY-MM-DDTHH:00``. Read from ``order_facts`` alone (a day's lines)."""
    f = order_facts.c
    if database.dialect == "postgresql":
        local = func.timezone("Asia/Kolkata", f.confirmed_at)
        hour = func.to_char(local, 'YYYY-MM-DD"T"HH24:00')
    else:
        hour = func.strftime("%Y-%m-%dT%H:00", f.confirmed_at, "+330 minutes")
    query = facts_in(
        select(
            hour.label("hour"),
            func.count().filter(f.line_no == 0).label("orders"),
            func.count().filter(f.line_no == 0, f.state == "Cancelled").label("cancelled"),
            func.coalesce(func.sum(f.amount_paise), 0).label("value_paise"),
            func.count().filter(f.line_no == 0, f.channel == "b2b").label("b2b_orders"),
        ),
        scope,
    ).group_by(hour)
    found = {row["hour"]: row for row in await _rows(database, query)}
    start = scope.since.astimezone(IST).replace(minute=0, second=0, microsecond=0)
    points = []
    at: datetime = start
    while at < scope.until:
        key = at.strftime("%Y-%m-%dT%H:00")
        row = found.get(key, {})
        points.append(
            _point(
                key,
                row.get("orders"),
                row.get("cancelled"),
                row.get("value_paise"),
                row.get("b2b_orders"),
            )
        )
        at += timedelta(hours=1)
    return points
