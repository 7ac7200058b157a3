"""Engines: PostgreSQL's pool replaces a connection the server dropped while idle;
SQLite's hot writes never make the event loop wait for another process's lock."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from adapter.storage import Database, upgrade


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


async def test_a_sqlite_write_waits_for_another_processs_lock_off_the_event_loop(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/locked.db"
    upgrade(url)
    database = Database.connect(url)
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
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
