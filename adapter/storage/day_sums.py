"""What the day-sum tables (``order_days``, ``callback_days``, ``attempt_days``,
``audit_days``, ``funnel_days``) share: a period cut into the IST days wholly inside it
(read from their sums) and its edges (read from the rows), the start of an IST day, and
adding figures to a day's rows in one upsert, in key order (so concurrent settlements
adding to the same rows never wait on each other in a cycle)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Dialect, Table, and_

from adapter.storage.order_facts import IST, ist_day

__all__ = [
    "DaySumsUpsert",
    "PeriodDays",
    "add_to_day_sums",
    "day_start",
    "day_sums_upsert",
    "period_days",
]


def day_start(day: date) -> datetime:
    """Midnight IST of ``day``."""
    return datetime.combine(day, time(0), IST)


@dataclass(frozen=True, slots=True)
class PeriodDays:
    """A period ``[since, until)`` cut at IST midnights.

    The days after ``first`` and before ``last`` lie wholly inside it: their figures come
    from a day-sum table (:meth:`whole`). ``first`` and ``last`` (one day when the period
    lies within a day) it may cover only in part: their figures come from the rows, over
    the instants :attr:`edges` (or, for rows that carry their IST day, the days
    :attr:`edge_days` together with the period).
    """

    first: date
    last: date
    edges: tuple[tuple[datetime, datetime], ...]

    @property
    def has_whole(self) -> bool:
        """Whether any day lies wholly inside the period."""
        return self.first + timedelta(days=1) < self.last

    @property
    def edge_days(self) -> list[date]:
        """The first and last days (one when they are the same)."""
        return sorted({self.first, self.last})

    @property
    def whole_span(self) -> tuple[datetime, datetime]:
        """The instants the whole days span (empty when there are none)."""
        if not self.has_whole:
            return day_start(self.last), day_start(self.last)
        return day_start(self.first + timedelta(days=1)), day_start(self.last)

    def whole(self, day: Any) -> ColumnElement[bool]:
        """The condition on a day-sum table's ``day`` column: a day wholly inside."""
        return and_(day > self.first, day < self.last)


def period_days(since: datetime, until: datetime) -> PeriodDays:
    """``[since, until)`` cut at IST midnights (see :class:`PeriodDays`)."""
    days = PeriodDays(ist_day(since), ist_day(until), ())
    spans: tuple[tuple[datetime, datetime], ...]
    if days.has_whole:
        whole_from, whole_until = days.whole_span
        spans = ((since, whole_from), (whole_until, until))
    else:
        spans = ((since, until),)
    return PeriodDays(days.first, days.last, tuple((a, b) for a, b in spans if a < b))


def add_to_day_sums(
    connection: Connection,
    table: Table,
    keys: tuple[str, ...],
    figures: tuple[str, ...],
    rows: list[dict[str, Any]],
) -> None:
    """Add ``rows``' ``figures`` to the rows of ``table`` with the same ``keys`` (inserted
    when new), in key order."""
    upsert = day_sums_upsert(table, connection.dialect, keys, figures)
    connection.exec_driver_sql(upsert.sql, upsert.rows(rows))


@dataclass(frozen=True, slots=True)
class DaySumsUpsert:
    """The driver's SQL of an upsert and how a row's values are bound to it."""

    sql: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    # Each column's bind processor for the dialect (a date as SQLite stores it), or None.
    processors: tuple[Callable[[Any], Any] | None, ...]

    def values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        """One row's values, in the statement's order."""
        return tuple(
            row[name] if process is None else process(row[name])
            for name, process in zip(self.columns, self.processors, strict=True)
        )

    def rows(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """The rows' values, in key order (see :func:`add_to_day_sums`)."""
        ordered = sorted(rows, key=lambda row: tuple(row[key] for key in self.keys))
        return [self.values(row) for row in ordered]


@lru_cache(maxsize=16)
def day_sums_upsert(
    table: Table, dialect: Dialect, keys: tuple[str, ...], figures: tuple[str, ...]
) -> DaySumsUpsert:
    """The upsert of :func:`add_to_day_sums` as driver SQL, built once per table and
    dialect. SQLAlchemy cannot cache an ``ON CONFLICT DO UPDATE`` statement (it has no
    cache key), so as a Core statement it was compiled anew on every settlement: two
    compilations per settling transaction, about a fifth of its CPU."""
    columns = (*keys, *figures)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    added = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in figures)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(mark for _ in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}"
    )
    processors = tuple(table.c[name].type.bind_processor(dialect) for name in columns)
    return DaySumsUpsert(sql, keys, columns, processors)
