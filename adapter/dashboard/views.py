"""What each dashboard table holds, for whom: the one place the columns are chosen.

Every table the page shows, the JSON API returns and the exports write is built here from
:class:`~adapter.storage.reports.Reports`, so the three can never disagree, and no column
of a buyer's personal data exists to leak (the store's queries read none). Network-wide
service levels and the letters register are for the department and operators; a seller's
login gets its own order figures and coverage only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from adapter.dashboard.i18n import Language, place, text
from adapter.dashboard.reasons import reason_meaning
from adapter.dashboard.table_model import (
    LOI_TABLES,
    ROWS_ON_PAGE,
    Role,
    Section,
    Table,
    Viewer,
    table_ids,
)
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.reports import (
    CALLBACK_WINDOW_SECONDS,
    Dimension,
    Reports,
    Scope,
)
from adapter.storage.timeline import hourly

__all__ = [
    "LOI_TABLES",
    "ROWS_ON_PAGE",
    "Role",
    "Section",
    "Table",
    "Viewer",
    "build",
    "table_ids",
]

_AT_ONCE: Final = 4  # tables built at once for one page (each holds a pooled connection)


def _rupees(paise: Any) -> Decimal:
    return (Decimal(int(paise or 0)) / 100).quantize(Decimal("0.01"))


_DIMENSIONS: Final[tuple[tuple[str, Dimension], ...]] = (
    ("by_district", "district"),
    ("by_product", "product"),
    ("by_gi", "gi"),
    ("by_seller", "seller"),
)


class _Builder:
    def __init__(
        self,
        reports: Reports,
        letters: LoiDesk,
        scope: Scope,
        lang: Language,
        now: datetime,
        by_hour: bool = False,
        rows_limit: int | None = None,
        rows_offset: int = 0,
    ) -> None:
        self.reports, self.letters, self.scope, self.lang, self.now = (
            reports,
            letters,
            scope,
            lang,
            now,
        )
        self.by_hour = by_hour
        self.rows_limit = rows_limit
        self.rows_offset = rows_offset
        # Set by build when the page has both the funnel and ACK latency.
        self.share_ack_rows = False
        self._ack_rows: asyncio.Future[list[dict[str, Any]]] | None = None
        # Set by build when the page has both the breakdown by district and coverage.
        self.share_breakdown = False
        self._breakdowns: dict[Dimension, asyncio.Future[list[dict[str, Any]]]] = {}

    def table(
        self, table_id: str, columns: list[str], rows: list[list[Any]], **extra: Any
    ) -> Table:
        labels = [text(column, self.lang) for column in columns]
        title = text(table_id, self.lang, window=CALLBACK_WINDOW_SECONDS)
        return Table(table_id, title, columns, labels, rows, **extra)

    def ack_rows(self) -> Awaitable[list[dict[str, Any]]]:
        """ACK latency's rows, read once for the page (the funnel's searches and the ACK
        latency table share them: one pass over a year of the audit log, not two)."""
        if self._ack_rows is None:
            self._ack_rows = asyncio.ensure_future(self.reports.ack_latency(self.scope))
        return self._ack_rows

    def breakdown_rows(self, by: Dimension) -> Awaitable[list[dict[str, Any]]]:
        """The breakdown's rows by ``by``, read once for the page (the breakdown by district
        and coverage's orders share them)."""
        if by not in self._breakdowns:
            self._breakdowns[by] = asyncio.ensure_future(self.reports.breakdown(self.scope, by))
        return self._breakdowns[by]

    async def funnel(self) -> Table:
        searches = None
        if self.share_ack_rows and self.scope.seller_code is None:
            searches = self.ack_rows()
        figures = await self.reports.funnel(self.scope, searches=searches)
        names = {"delivered": "delivered_stage"}
        rows = [
            [
                text(names.get(stage, stage), self.lang),
                sum(channels.values()),
                channels["b2c"],
                channels["b2b"],
            ]
            for stage, channels in figures.items()
            if channels is not None
        ]
        return self.table(
            "funnel", ["stage", "count", "b2c", "b2b"], rows, chart="bar", chart_value="count"
        )

    async def timeline(self) -> Table:
        """Orders by IST day (by hour for a single day), in two stacked charts: live and
        cancelled, and B2C and B2B."""
        if self.by_hour:
            points = await hourly(self.reports.database, self.scope)
        else:
            points = await self.reports.timeline(self.scope)
        rows = [
            [
                p["at"],
                p["orders"],
                p["live"],
                p["cancelled"],
                _rupees(p["value_paise"]),
                p["b2c_orders"],
                p["b2b_orders"],
            ]
            for p in points
        ]
        columns = [
            "hour" if self.by_hour else "day",
            "orders",
            "live_orders",
            "cancelled",
            "confirmed_value",
            # The channels last, so that the columns exports had keep their places.
            "b2c_orders",
            "b2b_orders",
        ]
        return self.table(
            "timeline",
            columns,
            rows,
            chart="stacked",
            chart_value="orders",
            parts=["live_orders", "cancelled"],
            more_stacks=[["b2c_orders", "b2b_orders"]],
        )

    async def breakdown(self, table_id: str, by: Dimension) -> Table:
        named = by in ("district", "product", "gi")
        rows = [
            [
                place(r["key"], self.lang) if named else r["key"],
                r["orders"],
                _rupees(r["value_paise"]),
                r["cancelled"],
                r["returned"],
                r["rto"],
                r["orders"] - r["b2b_orders"],
                r["b2b_orders"],
                _rupees(r["value_paise"] - r["b2b_value_paise"]),
                _rupees(r["b2b_value_paise"]),
            ]
            for r in await self.breakdown_rows(by)
        ]
        columns = [
            by,
            "orders",
            "value",
            "cancelled",
            "returned",
            "rto",
            # The channels last, so that the columns exports had keep their places.
            "b2c_orders",
            "b2b_orders",
            "b2c_value",
            "b2b_value",
        ]
        chart = "bar" if by in ("district", "product") else None
        return self.table(
            table_id,
            columns,
            rows,
            chart=chart,
            chart_value="value",
            parts=["b2c_value", "b2b_value"] if chart else [],
        )

    async def reasons(self, table_id: str, by: Dimension) -> Table:
        """Cancellations by reason code, with what the code means and who cancelled."""
        lang = self.lang
        rows = [
            [
                place(r["key"], lang) if by == "district" else r["key"],
                r["reason"],
                reason_meaning(r["reason"], lang),
                text(f"actor_{r['cancelled_by']}", lang) if r["cancelled_by"] else None,
                r["orders"],
            ]
            for r in await self.reports.reasons(self.scope, by)
        ]
        columns = [by, "reason", "meaning", "cancelled_by", "orders"]
        return self.table(table_id, columns, rows)

    async def ack_latency(self) -> Table:
        columns = ["action", "requests", "nacks", "p50_ms", "p95_ms", "p99_ms"]
        rows = [
            [
                *(r[c] for c in columns[:3]),
                r["channels"]["b2c"]["requests"],
                r["channels"]["b2b"]["requests"],
                *(r[c] for c in columns[3:]),
            ]
            for r in await self.ack_rows()
        ]
        columns[3:3] = ["b2c_requests", "b2b_requests"]
        return self.table("ack_latency", columns, rows)

    async def callbacks(self) -> Table:
        keys = ["action", "queued", "delivered", "on_time", "parked", "pending"]
        rows = [[r[c] for c in keys] for r in await self.reports.callbacks(self.scope)]
        columns = ["action", "queued", "delivered", "on_time", "parked_count", "pending"]
        return self.table("callbacks", columns, rows)

    async def delivery(self) -> Table:
        columns = ["outcome", "attempts", "b2c_attempts", "b2b_attempts", "mean_latency_ms"]
        rows = [[r[c] for c in columns] for r in await self.reports.delivery(self.scope)]
        return self.table("delivery", columns, rows, chart="bar", chart_value="attempts")

    async def parked(self) -> Table:
        columns = [
            "job",
            "action",
            "buyer_app",
            "transaction_id",
            "created_at",
            "attempts",
            "last_error",
        ]
        rows = [
            [
                r["id"],
                r["action"],
                r["buyer_app"],
                r["transaction_id"],
                r["created_at"].isoformat(),
                r["attempts"],
                r["last_error"],
            ]
            for r in await self.reports.parked()
        ]
        return self.table("parked", columns, rows)

    async def late_to_ship(self) -> Table:
        rows = [
            [r["seller_code"], r["late_orders"], r["oldest_ship_by"].isoformat()]
            for r in await self.reports.late_to_ship(self.scope, now=self.now)
        ]
        return self.table("late_to_ship", ["seller", "late_orders", "oldest_ship_by"], rows)

    async def coverage(self) -> tuple[Table, Table]:
        shared = self.breakdown_rows("district") if self.share_breakdown else None
        districts, held = await self.reports.coverage(self.scope, by_district=shared)
        lang = self.lang
        if self.scope.district is not None:
            districts = [d for d in districts if d["district"] == self.scope.district]
            held = [h for h in held if h["district"] == self.scope.district]
        rows = [
            [
                place(d["district"], lang),
                text("yes" if d["live"] else "no", lang),
                ", ".join(place(p, lang) for p in d["odop_products"]),
                ", ".join(place(p, lang) for p in d["live_products"]),
                d["sellers"],
                d["items_published"],
                d["items_held"],
                d["orders"],
            ]
            for d in districts
        ]
        columns = [
            "district",
            "live",
            "odop_products",
            "live_products",
            "sellers",
            "items_published",
            "items_held",
            "orders",
        ]
        held_rows = [
            [h["seller"], place(h["district"], lang), h["sku"], h["item"], h["reasons"]]
            for h in held
        ]
        return (
            self.table("coverage", columns, rows),
            self.table("held_items", ["seller", "district", "sku", "item", "reasons"], held_rows),
        )

    async def letters_register(self) -> Table:
        lang = self.lang
        rows = [
            [
                r["buyer_name"],
                place(r["product"], lang),
                place(r["district"], lang),
                _rupees(r["value_paise"]),
                r["signed_on"].isoformat(),
                r["meet"],
                r["orders"],
                _rupees(r["ordered_paise"]),
                text("realising" if r["orders"] else "on_paper", lang),
            ]
            for r in await self.letters.letters(
                district=self.scope.district, limit=self.rows_limit, offset=self.rows_offset
            )
        ]
        columns = [
            "buyer",
            "product",
            "district",
            "intent_value",
            "signed_on",
            "meet",
            "realised_orders",
            "realised_value",
            "status",
        ]
        total = None
        if self.rows_limit is not None and (self.rows_offset or len(rows) >= self.rows_limit):
            total = await self.letters.count(district=self.scope.district)
        return self.table("letters", columns, rows, total=total)


async def build(
    reports: Reports,
    letters: LoiDesk,
    viewer: Viewer,
    scope: Scope,
    lang: Language,
    *,
    now: datetime,
    only: str | None = None,
    by_hour: bool = False,
    rows_limit: int | None = None,
    rows_offset: int = 0,
) -> list[Section]:
    """The page's sections with the tables ``viewer`` may see (just ``only``, if given);
    the timeline hour by hour when ``by_hour``; the letters register's newest
    ``rows_limit`` letters only, if given (the page's), after the newest ``rows_offset``."""
    b = _Builder(reports, letters, scope, lang, now, by_hour, rows_limit, rows_offset)
    allowed = set(table_ids(viewer))
    wanted = allowed if only is None else allowed & {only}
    plan: list[tuple[str, list[tuple[str, Callable[[], Awaitable[Any]]]]]] = [
        (
            "section_orders",
            [
                ("funnel", b.funnel),
                ("timeline", b.timeline),
                *((tid, lambda tid=tid, by=by: b.breakdown(tid, by)) for tid, by in _DIMENSIONS),
                ("reasons_by_district", lambda: b.reasons("reasons_by_district", "district")),
                ("reasons_by_seller", lambda: b.reasons("reasons_by_seller", "seller")),
            ],
        ),
        (
            "section_service",
            [
                ("ack_latency", b.ack_latency),
                ("callbacks", b.callbacks),
                ("delivery", b.delivery),
                ("parked", b.parked),
                ("late_to_ship", b.late_to_ship),
            ],
        ),
        ("section_coverage", [("coverage", b.coverage)]),
        ("section_letters", [("letters", b.letters_register)]),
    ]
    # The tables' queries are independent: they run side by side (a few at a time, each
    # on its own pooled connection), so the page takes about its slowest table's time on
    # a database with cores to spare, not the sum of them all.
    gate = asyncio.Semaphore(_AT_ONCE)
    b.share_ack_rows = {"funnel", "ack_latency"} <= wanted
    b.share_breakdown = "by_district" in wanted and bool(wanted & {"coverage", "held_items"})

    async def made(make: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await make()

    chosen = [
        (title, table_id, make)
        for title, parts in plan
        for table_id, make in parts
        if (table_id == "coverage" and wanted & {"coverage", "held_items"}) or table_id in wanted
    ]
    results = await asyncio.gather(*(made(make) for _, _, make in chosen))
    sections: list[Section] = []
    for title, _ in plan:
        section = Section(text(title, lang))
        for (of, table_id, _), result in zip(chosen, results, strict=True):
            if of != title:
                continue
            if table_id == "coverage":
                section.tables.extend(t for t in result if t.id in wanted)
            else:
                section.tables.append(result)
        if section.tables:
            sections.append(section)
    return sections
