"""The PostgreSQL engine's pool: a connection the server dropped while idle is replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from adapter.storage import Database


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
