"""SQLite's writes on the event loop, each on a connection kept open for the process.

A write transaction of this process runs right on the event loop when SQLite's lock is
free (``Database.write``): handing it to a thread cost more than SQLite's own work. What
is left of its cost is mostly the database layer's: through a pooled SQLAlchemy connection
an empty transaction took 37 us of CPU (the pool's check-out, reset and check-in with
their events, around the BEGIN and COMMIT), on a connection kept checked out 13 us, in
plain ``sqlite3`` calls 4 us. So both kinds of write keep their connection:

- :class:`KeptConnection`: a SQLAlchemy connection, for writes of Core statements (the
  dispatcher's claim, saved bytes and settlement, and every other write);
- :class:`DriverConnection`: a ``sqlite3`` connection, for the hottest write in plain
  driver SQL, the edge's group commit (a request's rows: 132 -> 54 us of CPU).

Both begin ``IMMEDIATE`` and wait for no lock: :class:`Busy` says another process holds it
(``Database`` tries again after a short pause). The driver's errors are raised as
SQLAlchemy's, as from every other write. Only the event loop's thread uses them, one
write at a time (``Database``'s write lock).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError

__all__ = ["Busy", "DriverConnection", "KeptConnection", "immediate", "immediate_driver"]

T = TypeVar("T")


class Busy(Exception):
    """Another process holds SQLite's write lock."""

    def __init__(self, locked: OperationalError) -> None:
        super().__init__(str(locked))
        self.locked = locked


class KeptConnection:
    """One SQLAlchemy connection of ``engine``, opened at first use and kept until
    :meth:`close`, whose transactions begin ``IMMEDIATE``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def get(self) -> Connection:
        """The connection, opened if it is not yet (or again, if it was invalidated)."""
        if self._connection is None or self._connection.closed:
            self._connection = self._engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        return self._connection

    def close(self) -> None:
        """Close the connection and every connection of the engine."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self._engine.dispose()


class DriverConnection:
    """One ``sqlite3`` connection of ``engine`` (configured by its connect events), opened
    at first use and kept checked out until :meth:`close`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._held: Any = None

    def get(self) -> sqlite3.Connection:
        """The connection, opened if it is not yet."""
        if self._held is None:
            self._held = self._engine.raw_connection()
        driver: sqlite3.Connection = self._held.driver_connection
        return driver

    def close(self) -> None:
        """Hand the connection back and close every connection of the engine."""
        held, self._held = self._held, None
        if held is not None:
            held.close()
        self._engine.dispose()


def immediate(kept: KeptConnection, work: Callable[[Connection], T]) -> tuple[T, int]:
    """``work`` in one ``BEGIN IMMEDIATE`` transaction on the kept connection, and how many
    rows it wrote; :class:`Busy` at once if another process holds the lock. Committed if
    ``work`` returns, rolled back if it raises."""
    connection = kept.get()
    driver = connection.connection.driver_connection
    assert driver is not None  # a checked-out connection
    before = driver.total_changes
    try:
        transaction = connection.begin()
    except OperationalError as exc:
        if "locked" in str(exc.orig):
            raise Busy(exc) from exc
        raise
    with transaction:
        result = work(connection)
    return result, driver.total_changes - before


def _raised(statement: str, exc: sqlite3.Error) -> StatementError:
    return DBAPIError.instance(statement, None, exc, sqlite3.Error, hide_parameters=True)


def immediate_driver(
    connection: DriverConnection, work: Callable[[sqlite3.Connection], T]
) -> tuple[T, int]:
    """``work`` in one ``BEGIN IMMEDIATE`` transaction on the kept ``sqlite3`` connection,
    and how many rows it wrote; :class:`Busy` at once if another process holds the lock.
    Committed if ``work`` returns, rolled back if it raises."""
    driver = connection.get()
    before = driver.total_changes
    try:
        driver.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raised = _raised("BEGIN IMMEDIATE", exc)
        if "locked" in str(exc) and isinstance(raised, OperationalError):
            raise Busy(raised) from exc
        raise raised from exc
    try:
        result = work(driver)
        driver.execute("COMMIT")
    except BaseException as exc:
        if driver.in_transaction:
            driver.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise _raised("(driver-level write)", exc) from exc
        raise
    return result, driver.total_changes - before
