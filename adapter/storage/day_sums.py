"""What the day-sum tables (``callback_days``, ``attempt_days``) share: the start of an
IST day, and adding figures to a day's rows in one upsert, in key order (so concurrent
settlements adding to the same rows never wait on each other in a cycle)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table

from adapter.storage.order_facts import IST

__all__ = ["add_to_day_sums", "day_start"]


def day_start(day: date) -> datetime:
    """Midnight IST of ``day``."""
    return datetime.combine(day, time(0), IST)


def add_to_day_sums(
    connection: Connection,
    table: Table,
    keys: tuple[str, ...],
    figures: tuple[str, ...],
    rows: list[dict[str, Any]],
) -> None:
    """Add ``rows``' ``figures`` to the rows of ``table`` with the same ``keys`` (inserted
    when new), in key order."""
    rows = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
    upsert = _upsert(table, connection.dialect, keys, figures)
    connection.exec_driver_sql(upsert.sql, [upsert.values(row) for row in rows])


@dataclass(frozen=True, slots=True)
class _Upsert:
    """The driver's SQL of an upsert and how a row's values are bound to it."""

    sql: str
    columns: tuple[str, ...]
    # Each column's bind processor for the dialect (a date as SQLite stores it), or None.
    processors: tuple[Callable[[Any], Any] | None, ...]

    def values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            row[name] if process is None else process(row[name])
            for name, process in zip(self.columns, self.processors, strict=True)
        )


@lru_cache(maxsize=16)
def _upsert(
    table: Table, dialect: Dialect, keys: tuple[str, ...], figures: tuple[str, ...]
) -> _Upsert:
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
    return _Upsert(sql, columns, processors)
