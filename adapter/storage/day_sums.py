"""What the day-sum tables (``callback_days``, ``attempt_days``) share: the start of an
IST day, and adding figures to a day's rows in one upsert, in key order (so concurrent
settlements adding to the same rows never wait on each other in a cycle)."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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
    connection.execute(_upsert(table, connection.dialect.name, keys, figures), rows)


@lru_cache(maxsize=16)
def _upsert(table: Table, dialect: str, keys: tuple[str, ...], figures: tuple[str, ...]) -> Any:
    """The upsert of :func:`add_to_day_sums`, built once per table and dialect: every
    settlement runs it, and building it again each time (SQLAlchemy's construction and
    cache key) cost more than the rows it writes."""
    make = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = make(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in figures},
    )
