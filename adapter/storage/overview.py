"""The overview's figures: orders and their value, sellers live, callbacks on time, and the
same by district for the map.

"Live" means what a buyer can find: a seller is live with at least one item published and
not held back by the pre-flight checks. A district counts as live when it has a live
seller at home.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import case, func, select

from adapter.core.odop import districts
from adapter.storage.callback_days import callback_figures
from adapter.storage.database import Database
from adapter.storage.day_sums import period_days
from adapter.storage.scope import Scope, days_in, facts_in
from adapter.storage.tables import items, order_days, order_facts, sellers

__all__ = ["DistrictFigures", "Overview", "OverviewFigures"]

_SUMMED: Final = ("orders", "cancelled", "value_paise", "b2b_orders", "b2b_value_paise")


@dataclass(slots=True)
class DistrictFigures:
    """One district's measures for the map."""

    district: str
    orders: int = 0
    cancelled: int = 0
    value_paise: int = 0
    # Of the orders and value, those placed through ONDC B2B (the rest are retail, B2C).
    b2b_orders: int = 0
    b2b_value_paise: int = 0
    sellers_onboarded: int = 0
    sellers_live: int = 0
    letters_signed_paise: int = 0
    letters_ordered_paise: int = 0


@dataclass(slots=True)
class OverviewFigures:
    """The header row's figures (letters and complaints come from their own sources)."""

    orders: int
    cancelled: int
    value_paise: int
    b2b_orders: int
    b2b_value_paise: int
    sellers_onboarded: int
    sellers_live: int
    districts_live: int
    districts: int
    callbacks_delivered: int
    callbacks_on_time: int
    by_district: dict[str, DistrictFigures] = field(default_factory=dict)


class Overview:
    """Read-only queries for the overview and the map."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def _rows(self, query: Any) -> list[dict[str, Any]]:
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def _orders_by_district(self, scope: Scope) -> list[dict[str, Any]]:
        """Orders, cancellations and value (cancelled orders excluded), all and B2B, by
        district: the IST days wholly inside the period from their sums (``order_days``),
        its first and last days, which it may cover only in part, from the facts."""
        days = period_days(scope.since, scope.until)
        d = order_days.c
        d_b2b = d.channel == "b2b"
        whole = days_in(
            select(
                d.district,
                func.sum(d.orders).label("orders"),
                func.sum(d.cancelled).label("cancelled"),
                func.sum(d.live_value_paise).label("value_paise"),
                func.sum(case((d_b2b, d.orders), else_=0)).label("b2b_orders"),
                func.sum(case((d_b2b, d.live_value_paise), else_=0)).label("b2b_value_paise"),
            ).where(days.whole(d.day)),
            scope,
        ).group_by(d.district)
        f = order_facts.c
        live = f.state.is_distinct_from("Cancelled")
        b2b = f.channel == "b2b"
        edges = facts_in(
            select(
                f.district,
                func.count().filter(f.line_no == 0).label("orders"),
                func.count().filter(f.line_no == 0, f.state == "Cancelled").label("cancelled"),
                func.coalesce(func.sum(case((live, f.amount_paise), else_=0)), 0).label(
                    "value_paise"
                ),
                func.count().filter(f.line_no == 0, b2b).label("b2b_orders"),
                func.coalesce(func.sum(case((live & b2b, f.amount_paise), else_=0)), 0).label(
                    "b2b_value_paise"
                ),
            ).where(f.day.in_(days.edge_days)),
            scope,
        ).group_by(f.district)
        summed: dict[str, dict[str, Any]] = {}
        for query in (whole, edges):
            for row in await self._rows(query):
                entry = summed.setdefault(row["district"], {"district": row["district"]})
                for name in _SUMMED:
                    entry[name] = entry.get(name, 0) + int(row[name] or 0)
        return list(summed.values())

    async def _sellers(self, scope: Scope) -> list[dict[str, Any]]:
        """Each seller's home district and whether any item of theirs is live."""
        query = select(
            sellers.c.code, sellers.c.record, items.c.published, items.c.held
        ).select_from(sellers.outerjoin(items, items.c.seller_id == sellers.c.id))
        if scope.seller_code is not None:
            query = query.where(sellers.c.code == scope.seller_code)
        homes: dict[str, str | None] = {}
        live: set[str] = set()
        for row in await self._rows(query):
            homes[row["code"]] = (row["record"] or {}).get("district")
            if row["published"] and not row["held"]:
                live.add(row["code"])
        return [
            {"code": code, "district": home, "live": code in live} for code, home in homes.items()
        ]

    async def _callbacks(self, scope: Scope) -> tuple[int, int]:
        """Callbacks of the period delivered, and delivered on time (day sums, see
        :mod:`.callback_days`)."""
        every = (await callback_figures(self._db, scope)).values()
        return sum(c["delivered"] for c in every), sum(c["on_time"] for c in every)

    async def figures(self, scope: Scope) -> OverviewFigures:
        """The overview for ``scope``. Sellers and districts are counted as they are now;
        orders and callbacks within the period. A seller's login sees its own figures and
        the network's callbacks not at all (both zero)."""
        names = [d.name for d in districts()]
        if scope.district is not None:
            names = [n for n in names if n == scope.district]
        by_district = {name: DistrictFigures(name) for name in names}
        for row in await self._orders_by_district(scope):
            entry = by_district.get(row["district"])
            if entry is None:
                continue
            entry.orders = int(row["orders"])
            entry.cancelled = int(row["cancelled"])
            entry.value_paise = int(row["value_paise"])
            entry.b2b_orders = int(row["b2b_orders"])
            entry.b2b_value_paise = int(row["b2b_value_paise"])
        for seller in await self._sellers(scope):
            entry = by_district.get(seller["district"] or "")
            if entry is None:
                continue
            entry.sellers_onboarded += 1
            entry.sellers_live += seller["live"]
        delivered, on_time = (0, 0) if scope.seller_code else await self._callbacks(scope)
        every = by_district.values()
        return OverviewFigures(
            orders=sum(e.orders for e in every),
            cancelled=sum(e.cancelled for e in every),
            value_paise=sum(e.value_paise for e in every),
            b2b_orders=sum(e.b2b_orders for e in every),
            b2b_value_paise=sum(e.b2b_value_paise for e in every),
            sellers_onboarded=sum(e.sellers_onboarded for e in every),
            sellers_live=sum(e.sellers_live for e in every),
            districts_live=sum(1 for e in every if e.sellers_live),
            districts=len(by_district),
            callbacks_delivered=delivered,
            callbacks_on_time=on_time,
            by_district=by_district,
        )
