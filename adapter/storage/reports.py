"""The department dashboard's figures, aggregated in SQL.

Every query takes a :class:`~adapter.storage.scope.Scope`: a period, the viewer's filters
and, for a seller's login, the one seller whose figures may be read (applied in SQL, so no
other seller's rows ever leave the database).
Order figures come from ``order_facts`` (one narrow row per line of a confirmed order, with
no buyer data); the funnel from ``orders`` and the audit log; service levels from the audit
log, the outbox and its delivery attempts. Money is in paise (integers, exact).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

from sqlalchemy import Select, exists, func, select

from adapter.core.odop import districts
from adapter.storage.attempt_days import delivery_figures
from adapter.storage.audit_days import request_counts
from adapter.storage.breakdown import Dimension, breakdown
from adapter.storage.callback_days import CALLBACK_WINDOW_SECONDS, callback_figures
from adapter.storage.database import Database
from adapter.storage.funnel_days import funnel_counts
from adapter.storage.reasons import reasons
from adapter.storage.scope import Scope, facts_in
from adapter.storage.tables import (
    ACTIVE_STATES,
    BEFORE_PICKUP,
    items,
    order_events,
    orders,
    outbox,
    sellers,
)
from adapter.storage.timeline import daily

__all__ = ["CALLBACK_WINDOW_SECONDS", "Dimension", "Reports", "Scope", "searches_of"]

# The same tuples as the partial index late to ship reads (ix_orders_ship_by_not_handed_over).
_BEFORE_PICKUP: Final = BEFORE_PICKUP
_ACTIVE: Final = ACTIVE_STATES
# The seller's event that tells a buyer app its courier may collect the packed goods
# (adapter.core.retail125.buyer_delivery; the fulfilment stays Packed until pick-up).
_READY_FOR_COURIER: Final = "ready_to_ship"


def searches_of(ack_rows: list[dict[str, Any]], channel: str | None = None) -> int:
    """The searches the funnel counts (buyer apps' ``search`` requests accepted, ``in``),
    of ``channel`` (None: both), from :meth:`Reports.ack_latency`'s rows of the same
    period: its ``search`` requests less those NACKed (``rejected``)."""
    return sum(
        counts["requests"] - counts["nacks"]
        for row in ack_rows
        if row["action"] == "search"
        for name, counts in row["channels"].items()
        if channel in (None, name)
    )


def _nearest_rank(histogram: dict[int, int], q: float) -> int | None:
    """The ``int(q * n)``-th smallest (0-based) of the ``n`` values a histogram counts."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = min(int(q * total), total - 1)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen > wanted:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")


class Reports:
    """Read-only aggregate queries over the store."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def database(self) -> Database:
        """The store the figures are read from."""
        return self._db

    # -- helpers -------------------------------------------------------------------------

    def _facts(self, query: Select[Any], scope: Scope) -> Select[Any]:
        return facts_in(query, scope)

    async def _rows(self, query: Any) -> list[dict[str, Any]]:
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    # -- orders ----------------------------------------------------------------------------

    async def funnel(
        self, scope: Scope, *, searches: Awaitable[list[dict[str, Any]]] | None = None
    ) -> dict[str, dict[str, int] | None]:
        """Buyer journeys begun in the period by channel (``{"b2c": n, "b2b": n}``):
        searches (all sellers' only, else None), carts quoted (select), orders initialised,
        confirmed, delivered (see :mod:`.funnel_days`).

        ``searches``, if given, gives :meth:`ack_latency`'s rows of the period (a page
        that reads both reads the audit log's figures once); else they are read here."""

        async def count_searches() -> dict[str, int] | None:
            if scope.seller_code is None:
                rows = await (searches if searches is not None else self.ack_latency(scope))
                return {channel: searches_of(rows, channel) for channel in ("b2c", "b2b")}
            return None

        # The orders and the searches are two tables: read side by side.
        stages, searched = await asyncio.gather(funnel_counts(self._db, scope), count_searches())
        return {"search": searched, **stages}

    async def timeline(self, scope: Scope) -> list[dict[str, Any]]:
        """Orders, their value and cancellations by IST day (see :mod:`.timeline`)."""
        return await daily(self._db, scope)

    async def breakdown(self, scope: Scope, by: Dimension) -> list[dict[str, Any]]:
        """Orders, value, cancellations, returns and returns to origin by ``by`` (see
        :mod:`.breakdown`)."""
        return await breakdown(self._db, scope, by)

    async def reasons(self, scope: Scope, by: Dimension) -> list[dict[str, Any]]:
        """Cancellations (and returns to origin) by ``by``, reason code and who cancelled
        (see :mod:`.reasons`)."""
        return await reasons(self._db, scope, by)

    # -- service levels ----------------------------------------------------------------------

    async def ack_latency(self, scope: Scope) -> list[dict[str, Any]]:
        """Per action of the buyer apps' requests: how many, how many NACKed, of each
        channel (``channels``: ``{"b2c": {"requests": n, "nacks": n}, "b2b": ...}``), and the
        time to answer (p50, p95, p99, in ms).

        The requests are counted by action, outcome, channel and time to answer to the
        tenth of a millisecond (the precision shown; see :mod:`.audit_days`); each
        percentile is then the nearest-rank value of that histogram, the same on every
        backend: the ``int(q * n)``-th smallest time (0-based), to the tenth of a
        millisecond.
        """
        counts: dict[str, dict[str, dict[str, int]]] = {}
        histograms: dict[str, dict[int, int]] = {}
        for row in await request_counts(self._db, scope):
            channels = counts.setdefault(
                row["action"], {name: {"requests": 0, "nacks": 0} for name in ("b2c", "b2b")}
            )
            count = channels[row["channel"]]
            count["requests"] += row["requests"]
            if row["direction"] == "rejected":
                count["nacks"] += row["requests"]
            if row["tenths"] is not None:
                histogram = histograms.setdefault(row["action"], {})
                histogram[row["tenths"]] = histogram.get(row["tenths"], 0) + row["requests"]
        rows = []
        for action in sorted(counts):
            channels = counts[action]
            figures: dict[str, Any] = {
                "action": action,
                "requests": sum(c["requests"] for c in channels.values()),
                "nacks": sum(c["nacks"] for c in channels.values()),
                "channels": channels,
            }
            for q in (0.5, 0.95, 0.99):
                rank = _nearest_rank(histograms.get(action, {}), q)
                figures[f"p{int(q * 100)}_ms"] = None if rank is None else rank / 10
            rows.append(figures)
        return rows

    async def callbacks(self, scope: Scope) -> list[dict[str, Any]]:
        """Per callback action: queued, delivered, delivered within ONDC's window, parked
        (failed after every retry) and still pending, of the scope's channel (see
        :mod:`.callback_days`)."""
        return [
            {"action": action, **counts}
            for action, counts in (await callback_figures(self._db, scope)).items()
        ]

    async def delivery(self, scope: Scope) -> list[dict[str, Any]]:
        """Delivery attempts of callbacks by outcome (ACK, NACK, error) and mean latency
        (see :mod:`.attempt_days`)."""
        return await delivery_figures(self._db, scope)

    async def parked(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Parked callbacks, newest first: what an operator may replay."""
        o = outbox.c
        rows = await self._rows(
            select(
                o.id,
                o.action,
                o.target_url,
                o.transaction_id,
                o.created_at,
                o.attempts,
                o.last_error,
            )
            .where(o.status == "failed")
            .order_by(o.id.desc())
            .limit(limit)
        )
        for row in rows:
            # The buyer app's host is enough to know whom it was for.
            row["buyer_app"] = urlsplit(row.pop("target_url")).netloc
        return rows

    async def late_to_ship(self, scope: Scope, *, now: datetime) -> list[dict[str, Any]]:
        """Sellers with orders past their time to ship (due in the period) and not yet
        handed over, and how late the latest is. Goods packed and said ready for a buyer
        app's own courier (retail 1.2.5 Buyer-Delivery) are handed over as far as the
        seller can: they wait for the courier, not for the seller."""
        o = orders.c
        ready = exists().where(
            order_events.c.order_pk == o.id, order_events.c.event == _READY_FOR_COURIER
        )
        query = (
            select(
                o.seller_code,
                func.count().label("late_orders"),
                func.min(o.ship_by).label("oldest_ship_by"),
            )
            .where(
                o.ship_by >= scope.since,
                o.ship_by < min(now, scope.until),
                o.state.in_(_ACTIVE),
                o.fulfillment_state.in_(_BEFORE_PICKUP),
                ~ready,
            )
            .group_by(o.seller_code)
            .order_by(func.count().desc(), o.seller_code)
        )
        if scope.seller_code is not None:
            query = query.where(o.seller_code == scope.seller_code)
        return await self._rows(query)

    # -- coverage ----------------------------------------------------------------------------

    async def coverage(
        self, scope: Scope, *, by_district: Awaitable[list[dict[str, Any]]] | None = None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Per district: its ODOP products and which are live (a published item), sellers
        onboarded, items published and held back, orders in the period; and the items held
        back by pre-flight checks with the reasons.

        ``by_district``, if given, gives the period's :meth:`breakdown` by district (a page
        that shows that table too reads it once)."""
        query = select(
            sellers.c.code,
            sellers.c.record.label("seller"),
            items.c.sku,
            items.c.domain,
            items.c.category_id,
            items.c.record,
            items.c.published,
            items.c.held,
        ).select_from(sellers.outerjoin(items, items.c.seller_id == sellers.c.id))
        if scope.seller_code is not None:
            query = query.where(sellers.c.code == scope.seller_code)
        # The orders of each district in the period: the breakdown's, from the day sums.
        if by_district is None:
            by_district = breakdown(self._db, scope, "district")
        rows, breakdown_rows = await asyncio.gather(self._rows(query), by_district)
        orders_by = {row["key"]: row["orders"] for row in breakdown_rows}
        table = {
            d.name: {
                "district": d.name,
                "odop_products": [p.name for p in d.products],
                "live_products": set(),
                "sellers": set(),
                "items_published": 0,
                "items_held": 0,
                "orders": orders_by.get(d.name, 0),
            }
            for d in districts()
        }
        held: list[dict[str, Any]] = []
        for row in rows:
            home = row["seller"].get("district")
            record = row["record"] or {}
            district = record.get("odop_district") or home
            if home in table:
                table[home]["sellers"].add(row["code"])
            if row["sku"] is None or district not in table:
                continue
            entry = table[district]
            if row["published"] and not row["held"]:
                entry["items_published"] += 1
                for product in next(d for d in districts() if d.name == district).products:
                    if (product.domain, product.category_id) == (row["domain"], row["category_id"]):
                        entry["live_products"].add(product.name)
            else:
                entry["items_held"] += 1
                held.append(
                    {
                        "seller": row["code"],
                        "district": district,
                        "sku": row["sku"],
                        "item": record.get("name"),
                        "reasons": "; ".join(str(reason) for reason in row["held"] or []),
                    }
                )
        result = []
        for entry in table.values():
            live = sorted(entry["live_products"])
            result.append(
                {
                    "district": entry["district"],
                    "live": bool(live),
                    "odop_products": entry["odop_products"],
                    "live_products": live,
                    "sellers": len(entry["sellers"]),
                    "items_published": entry["items_published"],
                    "items_held": entry["items_held"],
                    "orders": entry["orders"],
                }
            )
        return result, held

    async def orders_by_state(self) -> list[tuple[str, int]]:
        """Confirmed orders by ONDC order state (for /metrics)."""
        o = orders.c
        rows = await self._rows(
            select(o.state, func.count().label("orders"))
            .where(o.state.is_not(None))
            .group_by(o.state)
        )
        return [(row["state"], int(row["orders"])) for row in rows]
