"""Engines for the two supported stores: embedded SQLite and PostgreSQL.

Users write plain URLs (``sqlite:///file.db``, ``postgresql://user@host/db``); the adapter
picks the drivers: aiosqlite and psycopg 3 at run time (and sqlite3 for SQLite's hot paths,
see :meth:`Database.write`), sqlite3 and psycopg 3 for migrations.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, TypeVar, get_args

import psycopg
from sqlalchemy import Connection, Table, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapter.storage.inline_writes import (
    Busy,
    DriverConnection,
    KeptConnection,
    immediate,
    immediate_driver,
)

__all__ = ["Database", "Lane", "async_url", "sync_url"]

T = TypeVar("T")

Lane = Literal["edge", "round", "settle"]
"""Whose one-statement writes (:meth:`Database.statement`) share a connection."""

log = logging.getLogger(__name__)


# libpq waits for an unreachable PostgreSQL host as long as the operating system does (two
# minutes and more); a URL without its own connect_timeout gets this many seconds.
CONNECT_TIMEOUT_SECONDS = 10


def _normalise(url: str) -> tuple[str, str]:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
    if backend == "postgresql" and "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)})
    return backend, parsed.render_as_string(hide_password=False).split("://", 1)[1]


def async_url(url: str) -> str:
    """The SQLAlchemy URL with the run-time async driver."""
    backend, rest = _normalise(url)
    driver = "sqlite+aiosqlite" if backend == "sqlite" else "postgresql+psycopg"
    return f"{driver}://{rest}"


def sync_url(url: str) -> str:
    """The SQLAlchemy URL with the synchronous driver used by migrations."""
    backend, rest = _normalise(url)
    driver = "sqlite" if backend == "sqlite" else "postgresql+psycopg"
    return f"{driver}://{rest}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes writers wait their
    # turn instead of failing; foreign keys are off in SQLite unless asked for. The driver
    # is told not to begin transactions itself (it would begin them late, after the first
    # reads): _sqlite_begin does, at the start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _inline_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # For writes on the event loop: a database locked by another process fails at once
    # (and the write tries again after a short pause) instead of blocking the loop; and
    # the commit never checkpoints the WAL (SQLite's automatic checkpoint, every 1,000
    # pages, copies them into the database file and syncs it: about 10 ms during which
    # the loop would serve nothing). The writer thread checkpoints instead: see
    # :meth:`Database.write`.
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


# How a write on the event loop waits for another process's write lock (see
# Database.write): pauses from a quarter of a millisecond, doubling up to 2 ms, for up to
# 10 s (SQLite's busy_timeout on the other connections).
_BUSY_FIRST_PAUSE = 0.00025
_BUSY_LONGEST_PAUSE = 0.002
_BUSY_TIMEOUT = 10.0


def _checkpoint(engine: Engine, *, flush: bool) -> int:
    """Copy the WAL into the database file, without waiting for readers or writers; how
    many pages the WAL holds (-1 outside WAL mode). With ``flush``, the database file's
    pages are then written to the disk.

    SQLite syncs the database file only at the end of a checkpoint that has copied the
    whole WAL (the second pass, under the write lock). Without a flush after the passes
    racing the writes, that sync would write everything they copied since, while the
    writes wait: 15 to 18 ms at half load on the edge's bench, against 3 to 4.5 ms with it.
    """
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None  # a checked-out connection
        _busy, pages, copied = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if flush and copied > 0:
            for _seq, name, path in driver.execute("PRAGMA database_list"):
                if name == "main" and path:
                    try:
                        _flush(path)
                    except OSError:  # only a shorter second pass is lost, never a write
                        log.warning("could not flush %s after a checkpoint", path, exc_info=True)
        return int(pages)
    finally:
        raw.close()


def _flush(path: str) -> None:
    """Write the file's pages held in the operating system's cache to the disk."""
    getattr(os, "fdatasync", os.fsync)(_descriptor(path))


# Descriptors of database files opened for :func:`_flush`, one per file, never closed: a
# process loses all its POSIX locks on a file as soon as it closes any descriptor of it,
# SQLite's locks included, and another process closing the database would then take this
# one for gone and delete the WAL it is writing.
_descriptors: dict[tuple[int, int], int] = {}
_descriptors_lock = threading.Lock()


def _descriptor(path: str) -> int:
    """A descriptor of the file at ``path``, kept open for the life of the process."""
    found = os.stat(path)
    key = (found.st_dev, found.st_ino)
    with _descriptors_lock:
        if key not in _descriptors:
            _descriptors[key] = os.open(path, os.O_RDONLY)
        return _descriptors[key]


def _sqlite_begin(connection: Any) -> None:
    # DEFERRED for readers (a consistent snapshot, no lock); IMMEDIATE for writers.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


# Threads reading SQLite beside the one writer (WAL lets them).
_SQLITE_READERS = 2

# Rows written on the event loop between two checkpoints of the WAL by the writer thread:
# an inbound request (its message and its job) adds about 4 pages to the WAL in the batches
# of full load and up to 10 when each commit holds one request, so this is one to two of
# SQLite's own 1,000 pages between automatic checkpoints.
_CHECKPOINT_AFTER_ROWS = 500

# How long the WAL may grow (in pages of 4 kB) before a checkpoint holds the writes for
# its second pass and the WAL starts again from its beginning: a few checkpoints' worth.
_WAL_RESTART_PAGES = 8000


class _WalCheckpoints:
    """Checkpoints of the WAL that writes on the event loop fill, run on the writer thread.

    After every few hundred rows a checkpoint copies the WAL into the database file and
    flushes it, while writes go on. Once the WAL is long, a second pass follows under the
    write lock: the writes of this process queue for it (the loop keeps serving requests
    meanwhile) while it copies only what they added during the first. The whole WAL is
    then in the database file, and the next write starts the WAL again from its
    beginning. (A checkpoint racing the writes never catches up under steady load, so
    without that pass the WAL would grow for as long as the load lasts; holding the
    writes for every checkpoint, copy and sync included, held the requests behind them for
    13 ms in every 250 under load.)
    """

    def __init__(self) -> None:
        self._rows = 0
        self._running: asyncio.Task[None] | None = None

    async def finished(self) -> None:
        """Wait for the checkpoint running, if one is."""
        if self._running is not None and not self._running.done():
            await asyncio.shield(self._running)

    async def let_run(self) -> None:
        """Give the loop one turn while a checkpoint runs, so it can take the write lock
        for its second pass even between writes that never wait for anything."""
        if self._running is not None and not self._running.done():
            await asyncio.sleep(0)

    def count(
        self, rows: int, engine: Engine, writer: ThreadPoolExecutor, write_lock: asyncio.Lock
    ) -> None:
        """Count rows written on the event loop; start a checkpoint when they are due one
        and none is running."""
        self._rows += rows
        if self._rows >= _CHECKPOINT_AFTER_ROWS and (self._running is None or self._running.done()):
            self._rows = 0
            self._running = asyncio.create_task(_checkpoint_passes(engine, writer, write_lock))


async def _checkpoint_passes(
    engine: Engine, writer: ThreadPoolExecutor, write_lock: asyncio.Lock
) -> None:
    loop = asyncio.get_running_loop()
    try:
        pages = await loop.run_in_executor(writer, partial(_checkpoint, engine, flush=True))
        if pages >= _WAL_RESTART_PAGES:
            async with write_lock:
                await loop.run_in_executor(writer, partial(_checkpoint, engine, flush=False))
    except Exception:
        # Nothing waits on this task but dispose: whatever went wrong must not fail a
        # write. Left to the next one (and to the automatic checkpoints of other
        # connections).
        log.warning("WAL checkpoint failed", exc_info=True)


# Connections are replaced after this long whatever happens, before firewalls and server
# timeouts drop them.
_RECYCLE_SECONDS = 1800


def _ping_stale_connections(engine: Engine, after_idle_seconds: float) -> None:
    """Ping a connection on checkout when it has been idle; a dead one is replaced.

    A ping on every checkout (``pool_pre_ping``) cost a round trip per transaction, a tenth
    of the edge's CPU, while the connections that go stale (a server restart, a dropped
    idle socket) are the ones that sat idle; a busy connection is handed out unpinged.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < after_idle_seconds:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and checks out another (a fresh one).
            raise DisconnectionError("pooled connection is gone") from exc
        if not alive:
            raise DisconnectionError("pooled connection is gone")


class _DirectConnection:
    """One psycopg connection in autocommit, outside the pool, opened on first use; one
    statement at a time."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._connection: psycopg.AsyncConnection[tuple[Any, ...]] | None = None
        self._lock = asyncio.Lock()

    async def rows(self, sql: str, parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
        async with self._lock:
            for attempt in (1, 2):
                try:
                    if self._connection is None or self._connection.closed:
                        self._connection = await psycopg.AsyncConnection.connect(
                            self._conninfo, autocommit=True
                        )
                    cursor = await self._connection.execute(sql, parameters)
                    return await cursor.fetchall() if cursor.description else []
                except psycopg.Error as exc:
                    dead = self._connection is None or self._connection.broken
                    if dead and attempt == 1:
                        await self._drop()
                        continue  # a connection gone while idle (a restarted server)
                    raise DBAPIError.instance(
                        sql, None, exc, psycopg.Error, hide_parameters=True
                    ) from exc
        raise AssertionError("unreachable")

    async def close(self) -> None:
        async with self._lock:
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()


@dataclass(frozen=True, slots=True)
class Database:
    """An async engine and what kind of store it talks to."""

    engine: AsyncEngine
    dialect: str
    # SQLite has one writer at a time; its busy handler makes competing writers sleep and
    # retry, which collapses throughput. Writers in this process queue here instead.
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock, compare=False, repr=False)
    # SQLite only: a synchronous engine, the one thread that writes with it (write) and
    # the threads that read with it (read).
    _sync_engine: Engine | None = field(default=None, compare=False, repr=False)
    _inline: KeptConnection | None = field(default=None, compare=False, repr=False)
    # SQLite only: the connection of :meth:`write_driver`.
    _driver: DriverConnection | None = field(default=None, compare=False, repr=False)
    _writer: ThreadPoolExecutor | None = field(default=None, compare=False, repr=False)
    _checkpoints: _WalCheckpoints = field(
        default_factory=_WalCheckpoints, compare=False, repr=False
    )
    _readers: ThreadPoolExecutor | None = field(default=None, compare=False, repr=False)
    # PostgreSQL only: the connections of :meth:`statement`, one per lane.
    _direct: dict[Lane, _DirectConnection] | None = field(default=None, compare=False, repr=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed on success, rolled back on error.

        On SQLite it begins ``IMMEDIATE``: it holds the database's write lock from its
        first statement, so what it reads cannot be changed by another process before it
        writes (read-then-write steps such as taking stock stay atomic across processes).
        """
        if self.dialect == "sqlite":
            await self._checkpoints.let_run()
            async with self._write_lock, self.engine.connect() as connection:
                immediate = await connection.execution_options(sqlite_begin="IMMEDIATE")
                async with immediate.begin():
                    yield immediate
        else:
            async with self.engine.begin() as connection:
                yield connection

    async def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work``, written against a synchronous connection, as one write
        transaction (as :meth:`transaction` would): committed if it returns, rolled back
        if it raises.

        For hot writes of several statements. On SQLite the whole transaction runs with
        the synchronous driver: through the async driver every statement is several
        hand-offs to the driver's thread and back (about 0.3 ms of CPU each, more than
        SQLite's own work for a batch of rows). It runs right here when the database is
        free (a batch takes about a millisecond; handing it to a thread costs a sixth of
        an inbound request's CPU in thread switches). When another process holds the
        write lock (an import, a dispatcher), it tries again after a short pause on the
        event loop (never blocking it), a quarter of a millisecond at first and at most
        :data:`_BUSY_LONGEST_PAUSE`, for up to :data:`_BUSY_TIMEOUT` seconds, then
        raises SQLite's "database is locked". (SQLite's own busy handler sleeps longer
        and longer between tries, up to 100 ms, so a write behind a few of another
        process's came through long after the lock was free: a p99 of 77.5 ms at half
        load on the edge's bench with a dispatcher process on the same file.) The WAL
        those writes fill is copied into the database file on the writer thread, beside
        the writes, after every few hundred rows (:class:`_WalCheckpoints`). On
        PostgreSQL it runs on the async connection as usual (``run_sync``).
        """
        if self._inline is None:
            async with self.engine.begin() as connection:
                return await connection.run_sync(work)
        return await self._write_inline(partial(immediate, self._inline, work))

    async def write_driver(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work``, plain driver calls on a ``sqlite3`` connection, as one write
        transaction on the event loop, as :meth:`write` would (SQLite only: the edge's
        group commit, ``adapter/storage/inline_writes.py``)."""
        if self._driver is None:
            raise NotImplementedError("driver-level writes are for SQLite")
        return await self._write_inline(partial(immediate_driver, self._driver, work))

    async def _write_inline(self, attempt: Callable[[], tuple[T, int]]) -> T:
        """``attempt`` (one transaction on the event loop: its result and rows written)
        under the process's write lock, tried again while another process holds SQLite's
        (see :meth:`write`); the rows counted towards the next checkpoint."""
        assert self._sync_engine is not None
        assert self._writer is not None
        await self._checkpoints.let_run()
        async with self._write_lock:
            pause, give_up = _BUSY_FIRST_PAUSE, time.monotonic() + _BUSY_TIMEOUT
            while True:
                try:
                    result, rows = attempt()
                except Busy as busy:
                    if time.monotonic() >= give_up:
                        raise busy.locked from None
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, _BUSY_LONGEST_PAUSE)
                    continue
                self._checkpoints.count(rows, self._sync_engine, self._writer, self._write_lock)
                return result

    async def statement(
        self, sql: str, parameters: dict[str, Any], *, lane: Lane = "edge"
    ) -> list[tuple[Any, ...]]:
        """Run one driver-level statement in autocommit and return its rows (PostgreSQL).

        For the hottest write, one statement per batch (a data-modifying ``WITH`` writes
        several tables at once). It runs on a psycopg connection of its own, outside the
        pool: one round trip, no ``BEGIN`` or ``COMMIT`` to wait for, and none of the
        pool's and the async adapter's work per call (measured: 0.29 ms of CPU for a batch
        of 13 rows, against 0.77 ms through an autocommit connection of the pool). A
        connection found dead is opened again and the statement run once more, so the
        statement must be safe to run twice (an insert that skips what it already wrote).
        Errors are raised as SQLAlchemy's, as from every other method. Each ``lane`` has a
        connection of its own, so statements of different lanes never wait for each
        other's round trips: the edge's batches (``edge``), a dispatcher round's claim and
        saved bytes (``round``), and its settlement (``settle``), which runs while the
        next round claims.
        """
        if self._direct is None:
            raise NotImplementedError("one-statement writes are for PostgreSQL")
        return await self._direct[lane].rows(sql, parameters)

    async def read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work``, written against a synchronous connection, as one read (a
        consistent snapshot, nothing written). On SQLite it is one call to a reader thread
        (see :meth:`write`); on PostgreSQL it runs on the async connection (``run_sync``).
        """
        if self._sync_engine is None or self._readers is None:
            async with self.engine.connect() as connection:
                return await connection.run_sync(work)
        engine = self._sync_engine

        def run() -> T:
            with engine.connect() as connection:
                return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._readers, run)

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10, ping_after_idle: float = 5.0) -> Database:
        """An engine for ``url``; nothing is opened until first use.

        A PostgreSQL connection idle for ``ping_after_idle`` seconds is pinged before use.
        """
        target = async_url(url)
        if target.startswith("sqlite"):
            engine = create_async_engine(target)
            threaded = create_engine(sync_url(url), pool_size=1 + _SQLITE_READERS)
            inline = create_engine(sync_url(url), pool_size=1)
            driver = create_engine(sync_url(url), pool_size=1)
            for each in (engine.sync_engine, threaded, inline, driver):
                event.listen(each, "connect", _sqlite_pragmas)
                event.listen(each, "begin", _sqlite_begin)
            for each in (inline, driver):
                event.listen(each, "connect", _inline_pragmas)
            return cls(
                engine=engine,
                dialect="sqlite",
                _sync_engine=threaded,
                _inline=KeptConnection(inline),
                _driver=DriverConnection(driver),
                _writer=ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer"),
                _readers=ThreadPoolExecutor(
                    max_workers=_SQLITE_READERS, thread_name_prefix="sqlite-reader"
                ),
            )
        engine = create_async_engine(
            target, pool_size=pool_size, max_overflow=pool_size, pool_recycle=_RECYCLE_SECONDS
        )
        _ping_stale_connections(engine.sync_engine, ping_after_idle)
        return cls(
            engine=engine,
            dialect="postgresql",
            _direct={
                lane: _DirectConnection(f"postgresql://{_normalise(url)[1]}")
                for lane in get_args(Lane)
            },
        )

    def insert(self, table: Table) -> Any:
        """An INSERT for this dialect, with its ``ON CONFLICT`` clauses available."""
        return (sqlite_insert if self.dialect == "sqlite" else postgresql_insert)(table)

    async def dispose(self) -> None:
        """Close every connection: the pools' and that of :meth:`statement`."""
        await self._checkpoints.finished()
        await self.engine.dispose()
        for direct in (self._direct or {}).values():
            await direct.close()
        if self._inline is not None:
            self._inline.close()
        if self._driver is not None:
            self._driver.close()
        if self._sync_engine is not None and self._writer is not None:
            await asyncio.get_running_loop().run_in_executor(
                self._writer, self._sync_engine.dispose
            )
            self._writer.shutdown(wait=False)
        if self._readers is not None:
            self._readers.shutdown(wait=False)
