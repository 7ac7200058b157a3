"""``funnel_days``: buyer journeys summed by the IST day they began.

The funnel counts the carts quoted (select), orders initialised, confirmed and delivered
of the journeys begun in a period: for a year, a million ``orders`` rows. A row of
``funnel_days`` holds, for one IST day of creation, seller and channel, how many orders
and drafts there are, how many are initialised or confirmed, confirmed, and delivered.
Triggers on ``orders`` (migration 0026) keep it in the transaction of every order change
(a draft saved, an order confirmed or moved, an order deleted): the old row's figures
come off, the new row's go on, so the sums always equal a count of ``orders``.

An order's channel is ``b2b`` when its stored document carries a B2B 2.0.2 order
(``_internal.b2b``, as ``order_facts`` has it), ``b2c`` otherwise.

:func:`funnel_counts` reads the whole days of a period from the sums and its edge days
from ``orders`` (its index on ``created_at`` finds them).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import func, literal_column, select, union_all

from adapter.storage.database import Database
from adapter.storage.day_sums import period_days
from adapter.storage.scope import Scope
from adapter.storage.tables import funnel_days, orders

__all__ = ["STAGES", "funnel_counts", "order_channel"]

STAGES: Final = ("select", "init", "confirm", "delivered")
"""The funnel's stages after the search, in order."""

_SUMS: Final = dict(zip(STAGES, ("drafts", "initialized", "confirmed", "delivered"), strict=True))


# What a B2B order's document holds, as stored (SQLAlchemy's JSON: ", " and ": ").
_TEXT_MARKS = ('"_internal"', '"b2b": {"')


def order_channel(dialect: str) -> Any:
    """The SQL expression of an ``orders`` row's channel (``b2b``/``b2c``) on ``dialect``,
    as the triggers of migration 0026 compute it."""
    if dialect == "postgresql":
        # PostgreSQL cannot take a path in a document holding an escaped NUL (\u0000, in a
        # buyer's text): such a document is searched as text for a B2B order instead.
        text = "orders.document::text"
        wire = "(orders.document #> '{_internal,b2b}')"
        b2b = (
            f"CASE WHEN strpos({text}, '\\u0000') > 0 "
            f"THEN {' AND '.join(f'strpos({text}, {mark!r}) > 0' for mark in _TEXT_MARKS)} "
            f"ELSE json_typeof({wire}) = 'object' AND {wire}::text <> '{{}}' END"
        )
    else:
        path = "'$._internal.b2b'"
        b2b = (
            f"json_type(orders.document, {path}) = 'object' "
            f"AND json_extract(orders.document, {path}) <> '{{}}'"
        )
    return literal_column(f"CASE WHEN {b2b} THEN 'b2b' ELSE 'b2c' END")


async def funnel_counts(database: Database, scope: Scope) -> dict[str, dict[str, int]]:
    """Per stage, the journeys begun in the scope's period (of its seller and channel) by
    channel: ``{"select": {"b2c": n, "b2b": n}, ...}``."""
    days = period_days(scope.since, scope.until)
    o, d = orders.c, funnel_days.c
    channel = order_channel(database.dialect).label("channel")
    counted = {
        "select": func.count(),
        "init": func.count().filter(o.stage.in_(("initialized", "confirmed"))),
        "confirm": func.count().filter(o.stage == "confirmed"),
        "delivered": func.count().filter(o.fulfillment_state == "Order-delivered"),
    }
    edges = []
    for since, until in days.edges:
        edge = select(channel, *(c.label(stage) for stage, c in counted.items())).where(
            o.created_at >= since, o.created_at < until
        )
        if scope.seller_code is not None:
            edge = edge.where(o.seller_code == scope.seller_code)
        edges.append(edge.group_by(channel))
    whole = select(
        d.channel, *(func.sum(d[column]).label(stage) for stage, column in _SUMS.items())
    ).where(days.whole(d.day))
    if scope.seller_code is not None:
        whole = whole.where(d.seller_code == scope.seller_code)
    parts = [whole.group_by(d.channel), *edges] if days.has_whole else edges
    figures = {stage: {"b2c": 0, "b2b": 0} for stage in STAGES}
    if not parts:
        return figures
    both = union_all(*parts).subquery()
    query = select(
        both.c.channel, *(func.sum(both.c[stage]).label(stage) for stage in STAGES)
    ).group_by(both.c.channel)
    async with database.engine.connect() as connection:
        for row in await connection.execute(query):
            if scope.channel is not None and row.channel != scope.channel:
                continue
            for stage in STAGES:
                figures[stage][row.channel] += int(row._mapping[stage] or 0)
    return figures
