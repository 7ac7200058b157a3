"""SQLite's hottest write, the edge's group commit, in plain driver calls on the event loop.

Through SQLAlchemy a transaction of four driver-level statements cost about 130 us of CPU
for one request's rows (checking a connection out of the pool and back, its events, the
transaction object, a result object per statement); the same statements and commit on a
``sqlite3`` connection kept open cost about 45 us (measured on this machine's SQLite 3.40,
2,000 single-request batches). :meth:`Database.write_driver
<adapter.storage.database.Database.write_driver>` runs such work on this connection, with
the same write lock, busy handling and WAL checkpoints as every other write of the process;
the driver's errors are raised as SQLAlchemy's, as from every other write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError

__all__ = ["Busy", "DriverConnection", "immediate_driver"]

T = TypeVar("T")


class Busy(Exception):
    """Another process holds SQLite's write lock."""

    def __init__(self, locked: OperationalError) -> None:
        super().__init__(str(locked))
        self.locked = locked


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


def _raised(statement: str, exc: sqlite3.Error) -> StatementError:
    return DBAPIError.instance(statement, None, exc, sqlite3.Error, hide_parameters=True)


def immediate_driver(
    connection: DriverConnection, work: Callable[[sqlite3.Connection], T]
) -> tuple[T, int]:
    """``work`` in one ``BEGIN IMMEDIATE`` transaction on the kept connection, and how many
    rows it wrote; :class:`Busy` at once if another process holds the lock (the connection
    waits for no lock). Committed if ``work`` returns, rolled back if it raises."""
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
            raise _raised("(group commit)", exc) from exc
        raise
    return result, driver.total_changes - before
