"""What a dashboard query is about: a period and the filters a viewer chose.

Kept apart from the queries so that every module of figures (:mod:`.reports`,
:mod:`.timeline`, :mod:`.overview`) filters ``order_facts`` the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table

from adapter.storage.tables import order_days, order_facts

__all__ = ["Scope", "days_in", "facts_in"]


@dataclass(frozen=True, slots=True)
class Scope:
    """The period ``[since, until)``; for a seller's login, whose figures; and the
    viewer's filters by district, ODOP product and channel (``b2c`` retail, ``b2b``;
    None: all)."""

    since: datetime
    until: datetime
    seller_code: str | None = None
    district: str | None = None
    product: str | None = None
    channel: str | None = None


def facts_in(query: Select[Any], scope: Scope) -> Select[Any]:
    """``query`` over ``order_facts`` narrowed to the scope's period and filters."""
    f = order_facts.c
    query = query.where(f.confirmed_at >= scope.since, f.confirmed_at < scope.until)
    if scope.seller_code is not None:
        query = query.where(f.seller_code == scope.seller_code)
    if scope.district is not None:
        query = query.where(f.district == scope.district)
    if scope.product is not None:
        query = query.where(f.product == scope.product)
    if scope.channel is not None:
        query = query.where(f.channel == scope.channel)
    return query


def days_in(query: Select[Any], scope: Scope, table: Table = order_days) -> Select[Any]:
    """``query`` over ``order_days`` (or another day-sum table with the same filter
    columns, ``gi_days``) narrowed to the scope's filters (not its period: the caller picks
    the whole days)."""
    d = table.c
    if scope.seller_code is not None:
        query = query.where(d.seller_code == scope.seller_code)
    if scope.district is not None:
        query = query.where(d.district == scope.district)
    if scope.product is not None:
        query = query.where(d.product == scope.product)
    if scope.channel is not None:
        query = query.where(d.channel == scope.channel)
    return query
