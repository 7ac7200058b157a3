"""Day sums made again from ``order_facts`` by each refresh of the facts, beside
``order_days``: ``gi_days`` (GI products' lines) and ``reason_days`` (cancelled orders and
lines by reason and who cancelled).

A refresh copies the orders changed since its last mark and, in the same transaction,
deletes these tables' rows of the IST days it touched and sums those days again from the
facts (a day's groups are few), so they always equal a count of the facts.
``gi_days`` is keyed by day, GI tag, seller, district, ODOP product and channel;
``reason_days`` by day, seller, district, ODOP product, GI tag (``""`` for none), channel,
reason code and who cancelled (``""`` for none): what the breakdown by GI product and the
cancellation reasons group and filter by.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Final

from sqlalchemy import case, delete, func, insert, select

from adapter.storage.tables import gi_days, order_facts, reason_days

__all__ = ["NONE", "made_again"]

NONE: Final = ""
"""What ``reason_days`` keeps for a missing GI tag, reason or canceller (keys cannot be
null)."""


def _gi(days: list[date]) -> Any:
    f = order_facts.c
    keys = [f.day, f.gi_tag, f.seller_code, f.district, f.product, f.channel]
    live = f.state.is_distinct_from("Cancelled")
    summed = (
        select(
            *keys,
            func.count(),
            func.coalesce(func.sum(case((live, f.amount_paise), else_=0)), 0),
            func.count().filter(f.state == "Cancelled"),
            func.count().filter(f.returned.is_(True)),
            func.count().filter(f.fulfillment_state.like("RTO%")),
        )
        .where(f.gi_tag.is_not(None), f.day.in_(days))
        .group_by(*keys)
    )
    columns = ["day", "gi_tag", "seller_code", "district", "product", "channel"]
    figures = ["lines", "live_value_paise", "cancelled_lines", "returned_lines", "rto_lines"]
    return insert(gi_days).from_select(columns + figures, summed)


def _reasons(days: list[date]) -> Any:
    f = order_facts.c
    keys = [
        f.day,
        f.seller_code,
        f.district,
        f.product,
        func.coalesce(f.gi_tag, NONE),
        f.channel,
        func.coalesce(f.cancel_reason, NONE),
        func.coalesce(f.cancelled_by, NONE),
    ]
    summed = (
        select(*keys, func.count().filter(f.line_no == 0), func.count())
        .where(f.state == "Cancelled", f.day.in_(days))
        .group_by(*keys)
    )
    columns = [
        "day",
        "seller_code",
        "district",
        "product",
        "gi_tag",
        "channel",
        "reason",
        "cancelled_by",
        "orders",
        "lines",
    ]
    return insert(reason_days).from_select(columns, summed)


def made_again(days: set[date]) -> Iterator[Any]:
    """The statements that make these tables' rows of ``days`` again from the facts, in
    order (to run in the refresh's transaction)."""
    chosen = sorted(days)
    for table, make in ((gi_days, _gi), (reason_days, _reasons)):
        yield delete(table).where(table.c.day.in_(chosen))
        yield make(chosen)
