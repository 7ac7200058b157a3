"""Engines: PostgreSQL's pool, and the connection of one-statement writes, replace a
connection the server dropped while idle; SQLite's hot writes never make the event loop
wait for another process's lock, nor for a checkpoint of the WAL."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from adapter.storage import Database, upgrade
from adapter.storage import database as database_module
from adapter.storage.driver_rows import sqlite_instant, sqlite_stored


@pytest.mark.postgres
async def test_an_idle_connection_the_server_dropped_is_replaced(
    fresh_postgres_url: str,
) -> None:
    database = Database.connect(fresh_postgres_url, pool_size=1, ping_after_idle=0.0)
    try:
        async with database.transaction() as connection:
            first = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        other = Database.connect(fresh_postgres_url, pool_size=1)
        try:
            async with other.transaction() as connection:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        finally:
            await other.dispose()
        async with database.transaction() as connection:
            second = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert second != first
    finally:
        await database.dispose()


@pytest.mark.postgres
async def test_a_one_statement_write_survives_its_connection_being_dropped(
    fresh_postgres_url: str,
) -> None:
    database = Database.connect(fresh_postgres_url)
    try:
        [(first,)] = await database.statement("SELECT pg_backend_pid()", {})
        async with database.transaction() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        [(second,)] = await database.statement("SELECT pg_backend_pid()", {})
        assert second != first
        # Its own connection, in autocommit: what it wrote is there for everyone at once.
        await database.statement("CREATE TABLE t (n integer PRIMARY KEY)", {})
        await database.statement("INSERT INTO t VALUES (%(n)s)", {"n": 1})
        async with database.engine.connect() as connection:
            assert (await connection.execute(text("SELECT n FROM t"))).scalar_one() == 1
    finally:
        await database.dispose()


@pytest.mark.postgres
async def test_a_one_statement_write_that_fails_raises_sqlalchemys_error(
    fresh_postgres_url: str,
) -> None:
    database = Database.connect(fresh_postgres_url)
    try:
        await database.statement("CREATE TABLE t (n integer PRIMARY KEY)", {})
        await database.statement("INSERT INTO t VALUES (1)", {})
        with pytest.raises(IntegrityError, match="duplicate key"):
            await database.statement("INSERT INTO t VALUES (1)", {})
        assert await database.statement("SELECT count(*) FROM t", {}) == [(1,)]  # still usable
    finally:
        await database.dispose()


def _database_and_another_connection(tmp_path: Path) -> tuple[Database, sqlite3.Connection]:
    """A migrated SQLite database, and a connection of its own to the same file, which
    SQLite's locks treat as another process's."""
    url = f"sqlite:///{tmp_path}/locked.db"
    upgrade(url)
    return Database.connect(url), sqlite3.connect(tmp_path / "locked.db", isolation_level=None)


@pytest.mark.serial
async def test_a_sqlite_write_goes_through_within_milliseconds_of_another_processs_commit(
    tmp_path: Path,
) -> None:
    # SQLite's own busy handler sleeps 25 to 100 ms between tries once a wait has lasted a
    # few tens of milliseconds; a write of the edge behind a dispatcher's would come through
    # that long after the lock was free.
    database, other = _database_and_another_connection(tmp_path)
    late: list[float] = []
    try:
        await database.write(_add_rows(1))
        for hold in (0.06, 0.09, 0.15, 0.24):
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            writing = asyncio.create_task(database.write(lambda _c: time.monotonic()))
            await asyncio.sleep(hold)
            assert not writing.done()
            other.execute("COMMIT")
            released = time.monotonic()
            late.append(await asyncio.wait_for(writing, timeout=10) - released)
        assert max(late) < 0.015, late
    finally:
        other.close()
        await database.dispose()


async def test_a_sqlite_write_gives_up_on_a_lock_held_too_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, other = _database_and_another_connection(tmp_path)
    monkeypatch.setattr(database_module, "_BUSY_TIMEOUT", 0.2)
    try:
        await database.write(_add_rows(1))  # the file in WAL mode, the connections open
        other.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            await database.write(_add_rows(1))
        assert 0.2 <= time.monotonic() - began < 2.0
        other.execute("COMMIT")
        await database.write(_add_rows(1))  # free again: nothing left behind
        assert other.execute("SELECT count(*) FROM t").fetchone() == (2,)
    finally:
        other.close()
        await database.dispose()


def _add_driver_rows(count: int) -> Callable[[sqlite3.Connection], int]:
    def add(connection: sqlite3.Connection) -> int:
        connection.execute("CREATE TABLE IF NOT EXISTS t (body BLOB)")
        return connection.executemany("INSERT INTO t VALUES (?)", [(b"x",)] * count).rowcount

    return add


async def test_a_driver_level_sqlite_write_waits_for_another_processs_lock(
    tmp_path: Path,
) -> None:
    database, other = _database_and_another_connection(tmp_path)
    try:
        assert await database.write_driver(_add_driver_rows(1)) == 1
        other.execute("BEGIN IMMEDIATE")
        writing = asyncio.create_task(database.write_driver(_add_driver_rows(2)))
        await asyncio.sleep(0.05)
        assert not writing.done()  # the event loop went on meanwhile
        other.execute("COMMIT")
        assert await asyncio.wait_for(writing, timeout=10) == 2
        assert other.execute("SELECT count(*) FROM t").fetchone() == (3,)
    finally:
        other.close()
        await database.dispose()


async def test_a_driver_level_sqlite_write_that_fails_is_rolled_back_as_sqlalchemys_error(
    tmp_path: Path,
) -> None:
    database, other = _database_and_another_connection(tmp_path)

    def half_then_fail(connection: sqlite3.Connection) -> None:
        _add_driver_rows(5)(connection)
        connection.execute("INSERT INTO no_such_table VALUES (1)")

    try:
        await database.write_driver(_add_driver_rows(1))
        with pytest.raises(OperationalError, match="no_such_table"):
            await database.write_driver(half_then_fail)
        assert other.execute("SELECT count(*) FROM t").fetchone() == (1,)
        await database.write_driver(_add_driver_rows(1))  # nothing left open
        assert other.execute("SELECT count(*) FROM t").fetchone() == (2,)
    finally:
        other.close()
        await database.dispose()


async def test_one_statement_writes_are_for_postgresql(tmp_path: Path) -> None:
    database = Database.connect(f"sqlite:///{tmp_path}/one.db")
    try:
        with pytest.raises(NotImplementedError, match="PostgreSQL"):
            await database.statement("SELECT 1", {})
    finally:
        await database.dispose()


async def test_a_sqlite_write_waits_for_another_processs_lock_off_the_event_loop(
    tmp_path: Path,
) -> None:
    database, other = _database_and_another_connection(tmp_path)
    try:

        def count_and_add(connection: Connection) -> int:
            connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
            return int(connection.exec_driver_sql("SELECT count(*) FROM t").scalar_one())

        assert await database.write(count_and_add) == 1  # free: done on the spot
        other.execute("BEGIN IMMEDIATE")  # another process takes the write lock
        writing = asyncio.create_task(database.write(count_and_add))
        began = time.monotonic()
        for _ in range(20):  # the loop keeps running while the write waits its turn
            await asyncio.sleep(0.01)
        assert time.monotonic() - began < 2.0  # not stuck in SQLite's 10 s busy wait
        assert not writing.done()
        other.execute("COMMIT")
        assert await asyncio.wait_for(writing, timeout=10) == 2
    finally:
        other.close()
        await database.dispose()


def _migrated_sqlite(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path}/wal.db"
    upgrade(url)
    return Database.connect(url)


def _wal_pages(tmp_path: Path) -> int:
    """How many pages (frames of 4 kB and their 24-byte headers) the ``-wal`` file holds."""
    return (tmp_path / "wal.db-wal").stat().st_size // (4096 + 24)


class _LongWal:
    """Holds each checkpoint's first pass, on the writer thread, until the test's writes
    have made the WAL long (``writes`` writes of 100 rows since it last started again,
    some 28 pages each) or are over. Left to itself, how long the WAL grew between passes
    depended on how fast the machine copied against the writes: on a loaded one the
    passes kept up, the WAL never got long, no second pass ran, and the tests failed."""

    def __init__(self, writes: int = 25) -> None:
        self._writes = writes
        self._since_restart = 0
        self.over = threading.Event()

    def wrote(self) -> None:
        self._since_restart += 1

    def before(self, *, flush: bool) -> None:
        deadline = time.monotonic() + 10.0
        while flush and self._since_restart < self._writes and not self.over.is_set():
            assert time.monotonic() < deadline, "the writes stopped coming"
            time.sleep(0.001)

    def after(self, *, flush: bool) -> None:
        if not flush:  # the second pass: the next write starts the WAL again
            self._since_restart = 0


def _add_rows(count: int) -> Callable[[Connection], None]:
    def add(connection: Connection) -> None:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (body BLOB)")
        connection.exec_driver_sql("INSERT INTO t VALUES (?)", [(b"x" * 1000,)] * count)

    return add


@pytest.mark.serial
async def test_sqlite_writes_leave_the_wal_checkpoints_to_the_writer_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = _migrated_sqlite(tmp_path)
    checkpointed_on: list[str] = []
    checkpoint = database_module._checkpoint
    wal = _LongWal()

    def spy(engine: Engine, *, flush: bool) -> int:
        checkpointed_on.append(threading.current_thread().name)
        wal.before(flush=flush)
        pages = checkpoint(engine, flush=flush)
        wal.after(flush=flush)
        return pages

    monkeypatch.setattr(database_module, "_checkpoint", spy)
    monkeypatch.setattr(database_module, "_WAL_RESTART_PAGES", 600)
    try:
        # The writes on the event loop never checkpoint themselves (it would stop the loop
        # for the copy and the sync).
        automatic = await database.write(
            lambda connection: connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        )
        assert automatic == 0
        for _ in range(400):  # 40,000 rows of 1 kB: some 11,000 pages of WAL
            await database.write(_add_rows(100))
            wal.wrote()
        wal.over.set()
        assert len(checkpointed_on) >= 4
        assert {name.split("_")[0] for name in checkpointed_on} == {"sqlite-writer"}
        # Once the WAL was long, a checkpoint copied all of it and the next write started
        # it again from its beginning: the file (reused, never shrunk) is as long as the
        # longest stretch between two restarts, not the whole run.
        wal_pages = _wal_pages(tmp_path)
        # (At least 25 writes between restarts, more when the machine copies slowly.)
        assert 600 <= wal_pages < 5500  # the whole run: some 11,000
    finally:
        await database.dispose()
    other = sqlite3.connect(tmp_path / "wal.db", isolation_level=None)
    try:
        assert other.execute("SELECT count(*) FROM t").fetchone() == (40_000,)
    finally:
        other.close()


@pytest.mark.serial
async def test_checkpoints_beside_the_writes_flush_the_database_file_the_one_holding_them_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite syncs the database file only after a checkpoint that copied the whole WAL:
    # the second pass, while the writes wait. The passes beside the writes flush what they
    # copied, so that sync has only the second pass's own pages to write.
    database = _migrated_sqlite(tmp_path)
    passes: list[tuple[bool, int]] = []  # (flush asked, pages in the WAL)
    flushed: list[tuple[str, str]] = []  # (path, thread)
    checkpoint, flush_file = database_module._checkpoint, database_module._flush
    wal = _LongWal()

    def checkpoint_spy(engine: Engine, *, flush: bool) -> int:
        wal.before(flush=flush)
        pages = checkpoint(engine, flush=flush)
        passes.append((flush, pages))
        wal.after(flush=flush)
        return pages

    def flush_spy(path: str) -> None:
        flushed.append((path, threading.current_thread().name.split("_")[0]))
        flush_file(path)

    monkeypatch.setattr(database_module, "_checkpoint", checkpoint_spy)
    monkeypatch.setattr(database_module, "_flush", flush_spy)
    monkeypatch.setattr(database_module, "_WAL_RESTART_PAGES", 600)
    try:
        for _ in range(200):  # 20,000 rows of 1 kB
            await database.write(_add_rows(100))
            wal.wrote()
    finally:
        wal.over.set()
        await database.dispose()
    # Every pass beside the writes flushed; the passes holding them (those after a first
    # pass that found the WAL long) did not.
    holding = [i for i, (flush, _pages) in enumerate(passes) if not flush]
    assert len(passes) - len(holding) >= 4
    assert len(holding) >= 2
    assert all(passes[i - 1][0] and passes[i - 1][1] >= 600 for i in holding)
    assert len(flushed) == len(passes) - len(holding)
    assert set(flushed) == {(str(tmp_path / "wal.db"), "sqlite-writer")}


async def test_a_flush_that_fails_is_logged_and_the_wal_still_starts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    database = _migrated_sqlite(tmp_path)

    def failing(path: str) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(database_module, "_flush", failing)
    monkeypatch.setattr(database_module, "_WAL_RESTART_PAGES", 600)
    try:
        for _ in range(200):  # 20,000 rows of 1 kB
            await database.write(_add_rows(100))
        wal_pages = _wal_pages(tmp_path)
        assert wal_pages < 3000  # the whole run: some 5,500
    finally:
        await database.dispose()
    assert "could not flush" in caplog.text
    assert "WAL checkpoint failed" not in caplog.text


def _count_elsewhere(path: Path) -> int:
    """Another process opens the database, counts the rows of ``t`` and closes it again
    (the last connection to close copies the WAL into the database file and deletes it)."""
    counted = subprocess.run(
        [sys.executable, "-c", _COUNT_ROWS, str(path)], capture_output=True, check=True, text=True
    )
    return int(counted.stdout)


_COUNT_ROWS = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
print(connection.execute("SELECT count(*) FROM t").fetchone()[0])
connection.close()
"""


async def test_another_process_opening_and_closing_the_database_never_loses_the_wal_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's locks are POSIX locks, which a process loses on all of a file as soon as it
    # closes any descriptor of it. A checkpoint that did would let another process's last
    # close think no one else had the database open and delete the WAL still being written.
    database = _migrated_sqlite(tmp_path)
    monkeypatch.setattr(database_module, "_WAL_RESTART_PAGES", 600)
    written = 0
    try:
        for _ in range(12):
            for _ in range(8):  # 800 rows: a checkpoint or two, a second pass now and then
                await database.write(_add_rows(100))
                written += 100
            await database._checkpoints.finished()
            assert await asyncio.to_thread(_count_elsewhere, tmp_path / "wal.db") == written
    finally:
        await database.dispose()
    assert await asyncio.to_thread(_count_elsewhere, tmp_path / "wal.db") == written


@pytest.mark.parametrize(
    "failure", [sqlite3.OperationalError("disk I/O error"), RuntimeError("executor shut down")]
)
async def test_a_failed_wal_checkpoint_is_logged_and_writes_go_on(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    failure: Exception,
) -> None:
    database = _migrated_sqlite(tmp_path)

    def failing(_engine: Engine, *, flush: bool) -> None:
        raise failure

    monkeypatch.setattr(database_module, "_checkpoint", failing)
    try:
        for _ in range(12):
            await database.write(_add_rows(100))
        count = await database.write(
            lambda connection: connection.exec_driver_sql("SELECT count(*) FROM t").scalar()
        )
        assert count == 1200
    finally:
        await database.dispose()
    assert "WAL checkpoint failed" in caplog.text


@pytest.mark.serial
@pytest.mark.parametrize("wal_pages", [100, 9000])
async def test_writes_go_on_beside_a_checkpoint_and_wait_only_to_restart_a_long_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wal_pages: int
) -> None:
    database = _migrated_sqlite(tmp_path)
    started = threading.Semaphore(0)
    release = threading.Semaphore(0)

    def slow(_engine: Engine, *, flush: bool) -> int:  # a pass that lasts until the test says
        started.release()
        release.acquire(timeout=10)
        return wal_pages

    async def through_transaction() -> None:
        async with database.transaction() as connection:
            await connection.execute(text("INSERT INTO t VALUES (x'00')"))

    monkeypatch.setattr(database_module, "_checkpoint", slow)
    long_wal = wal_pages >= database_module._WAL_RESTART_PAGES
    try:
        for writing in (through_transaction, lambda: database.write(_add_rows(1))):
            await database.write(_add_rows(600))  # due a checkpoint: it starts on the thread
            assert await asyncio.to_thread(started.acquire, timeout=5)
            # The checkpoint copies the WAL beside the writes.
            await asyncio.wait_for(writing(), timeout=5)
            release.release()
            # A long WAL: a second pass copies what the writes added, under the write lock,
            # so that the next write starts the WAL again. A write waits for it, and the
            # loop runs meanwhile.
            second_pass = await asyncio.to_thread(started.acquire, timeout=5 if long_wal else 0.5)
            assert second_pass == long_wal
            waiting = asyncio.create_task(writing())
            for _ in range(10):
                await asyncio.sleep(0.01)
            assert waiting.done() != long_wal
            if long_wal:
                release.release()
            await asyncio.wait_for(waiting, timeout=10)
        count = await database.write(
            lambda connection: connection.exec_driver_sql("SELECT count(*) FROM t").scalar()
        )
        assert count == 1204
    finally:
        release.release()
        release.release()
        await database.dispose()


def test_an_instant_written_for_sqlite_reads_back_as_the_same_aware_utc_instant() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    for moment in (
        datetime(2026, 12, 7, 16, 15, 0, 123456, tzinfo=ist),
        datetime(2026, 12, 7, 10, 45, tzinfo=UTC),
    ):
        text = sqlite_instant(moment)
        # Naive UTC text, as UtcDateTime stores it, microseconds always written.
        assert text == moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        back = sqlite_stored(text)
        assert back == moment
        assert back.tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        sqlite_instant(datetime(2026, 12, 7, 10, 45))
