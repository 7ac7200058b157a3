"""``audit_days``: buyer apps' requests in the audit log summed by IST day.

A year of the audit log is a million rows or more; ACK latency (requests, NACKs and the
time to answer by action) and the funnel's searches would read them all for a one-year
view. Instead, a row of ``audit_days`` holds, for one IST day of arrival, action,
direction (``in`` accepted, ``rejected`` NACKed), channel and time to answer in tenths of
a millisecond (the precision ACK latency shows; -1 for a request with none recorded), how
many requests there were. Triggers on ``messages`` (migration 0026; since 0031 SQLite's
skip the callbacks sent before their body runs) keep it in the transaction that writes or
deletes audit rows, so the sums always equal a count of the rows there are: the retention
purge takes its rows off the sums as it deletes them, and a period's figures are those of
the audit rows kept.

The channel is ``b2b`` when the request's bytes carry ONDC B2B 2.0.2's context key
``"version":"2.0.2"`` (compact, as buyer apps' SDKs write JSON, or with one space after
the colon), ``b2c`` otherwise; a request written with other spacing counts as B2C.

:func:`request_counts` reads the whole days of a period from the sums and its edge days
from the audit log itself (its index on ``received_at`` finds them).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import LargeBinary, case, func, literal, or_, select, union_all

from adapter.storage.database import Database
from adapter.storage.day_sums import period_days
from adapter.storage.scope import Scope
from adapter.storage.tables import audit_days, messages

__all__ = ["B2B_REQUEST_MARKS", "REQUESTS", "request_channel", "request_counts"]

B2B_REQUEST_MARKS: Final = (b'"version":"2.0.2"', b'"version": "2.0.2"')
"""What marks a request of ONDC B2B 2.0.2 in its bytes (see the module's docstring)."""

REQUESTS: Final = ("in", "rejected")
"""The directions of buyer apps' requests: accepted, NACKed."""


def request_channel(dialect: str, body: Any) -> Any:
    """The SQL expression of an audit row's channel (``b2b``/``b2c``) from its ``body`` on
    ``dialect``, as the triggers compute it (migration 0031 reads a body on SQLite once
    for ``"2.0.2"`` first: the same channel)."""
    if dialect == "postgresql":
        marked = [
            func.position(literal(mark, LargeBinary).op("IN")(body)) > 0
            for mark in B2B_REQUEST_MARKS
        ]
    else:
        marked = [func.instr(body, literal(mark, LargeBinary)) > 0 for mark in B2B_REQUEST_MARKS]
    return case((or_(*marked), "b2b"), else_="b2c")


async def request_counts(database: Database, scope: Scope) -> list[dict[str, Any]]:
    """Buyer apps' requests that arrived in the scope's period (and channel): rows of
    action, direction, channel, tenths (time to answer in tenths of a ms, None when not
    recorded) and requests."""
    days = period_days(scope.since, scope.until)
    m, d = messages.c, audit_days.c
    channel = request_channel(database.dialect, m.body)
    tenths = func.coalesce(func.round(m.duration_ms * 10), -1)
    edges = [
        select(
            m.action,
            m.direction,
            channel.label("channel"),
            tenths.label("tenths"),
            func.count().label("requests"),
        )
        .where(m.received_at >= since, m.received_at < until, m.direction.in_(REQUESTS))
        .group_by(m.action, m.direction, channel, tenths)
        for since, until in days.edges
    ]
    if scope.channel is not None:
        edges = [edge.where(channel == scope.channel) for edge in edges]
    whole = (
        select(d.action, d.direction, d.channel, d.tenths, func.sum(d.requests).label("requests"))
        .where(days.whole(d.day))
        .group_by(d.action, d.direction, d.channel, d.tenths)
    )
    if scope.channel is not None:
        whole = whole.where(d.channel == scope.channel)
    parts = [whole, *edges] if days.has_whole else edges
    if not parts:
        return []
    both = union_all(*parts).subquery()
    keys = (both.c.action, both.c.direction, both.c.channel, both.c.tenths)
    query = select(*keys, func.sum(both.c.requests).label("requests")).group_by(*keys)
    async with database.engine.connect() as connection:
        rows = await connection.execute(query)
        return [
            {
                "action": row.action,
                "direction": row.direction,
                "channel": row.channel,
                "tenths": None if int(row.tenths) < 0 else int(row.tenths),
                "requests": int(row.requests),
            }
            for row in rows
        ]
