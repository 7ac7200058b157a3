"""Shared fixtures: real SQLite files, a real PostgreSQL database, a real Redis server.

PostgreSQL and Redis are never skipped: a test that needs one and cannot reach it fails,
naming the server. ``scripts/test`` makes sure both are running before pytest starts.
Set ``ONDC_TEST_POSTGRES_URL`` / ``ONDC_TEST_REDIS_URL`` to use other servers.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from redis.asyncio import Redis

from adapter.core.clock import FixedClock
from adapter.storage import Database, Store, upgrade
from tests.fixtures import POSTGRES_ADMIN_URL, connect_redis


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at a fixed instant."""
    return FixedClock(datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session, dropped afterwards."""
    name = f"ondc_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is required and not reachable at {POSTGRES_ADMIN_URL}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_schema_url(server_url: str) -> str:
    """A new database on the session's server, so every test starts empty."""
    name = f"ondc_t_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        upgrade(url)
        yield url
        return
    server_url = request.getfixturevalue("postgres_server_url")
    url = _fresh_schema_url(server_url)
    upgrade(url)
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture
def fresh_postgres_url(postgres_server_url: str) -> Iterator[str]:
    """An empty (unmigrated) PostgreSQL database of its own, dropped afterwards."""
    url = _fresh_schema_url(postgres_server_url)
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A :class:`Store` on each backend."""
    database = Database.connect(database_url)
    yield Store(database)
    await database.dispose()


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    """A client of the real Redis server."""
    client = await connect_redis()
    yield client
    await client.aclose()
