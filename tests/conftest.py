"""Shared fixtures: real SQLite files, a real PostgreSQL database, a real Redis server.

PostgreSQL and Redis are never skipped: a test that needs one and cannot reach it fails,
naming the server. ``scripts/test`` makes sure both are running before pytest starts.
Set ``ONDC_TEST_POSTGRES_URL`` / ``ONDC_TEST_REDIS_URL`` to use other servers.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from redis.asyncio import Redis

from adapter.core.clock import FixedClock
from adapter.storage import Database, Store, upgrade
from tests.demo_run import DemoRuns, play_demo_twice
from tests.fixtures import POSTGRES_ADMIN_URL, connect_redis, migrated_sqlite


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


def _fresh_schema_url(server_url: str, template: str | None = None) -> str:
    """A new database on the session's server, so every test starts empty: an empty one,
    or a copy of ``template`` (PostgreSQL copies a database in one statement)."""
    name = f"ondc_t_{secrets.token_hex(4)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


# Migrating a database runs every migration's DDL (a second or more per backend on a loaded
# machine); a test's database is instead a copy of one migrated once per session (SQLite:
# per process, ``tests.fixtures.migrated_sqlite``), holding what a fresh upgrade leaves.
# The migrations themselves are tested on databases of their own (``fresh_postgres_url``,
# SQLite files under ``tmp_path``).
@pytest.fixture(scope="session")
def migrated_postgres(postgres_server_url: str) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to head once per session (a template:
    nothing stays connected to it, so it can be copied)."""
    url = _fresh_schema_url(postgres_server_url)
    upgrade(url)
    yield url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _drop_database(url: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture(scope="session")
def drop_database(postgres_server_url: str) -> Iterator[Callable[[str], None]]:
    """Drop a test's PostgreSQL database once the test is done, in a background thread:
    a DROP DATABASE waits for a checkpoint (seconds on a busy disk), which the next test
    need not wait for. Every drop is waited for, its error raised, when the session ends."""
    drops: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database") as pool:
        yield lambda url: drops.append(pool.submit(_drop_database, url))
    for drop in drops:
        drop.result()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        yield migrated_sqlite(tmp_path / "store.db")
        return
    yield request.getfixturevalue("migrated_postgres_url")


@pytest.fixture
def migrated_postgres_url(
    postgres_server_url: str, migrated_postgres: str, drop_database: Callable[[str], None]
) -> Iterator[str]:
    """A migrated, empty PostgreSQL database of its own (a copy of ``migrated_postgres``),
    dropped afterwards."""
    url = _fresh_schema_url(postgres_server_url, migrated_postgres)
    yield url
    drop_database(url)


@pytest.fixture
def fresh_postgres_url(
    postgres_server_url: str, drop_database: Callable[[str], None]
) -> Iterator[str]:
    """An empty (unmigrated) PostgreSQL database of its own, dropped afterwards."""
    url = _fresh_schema_url(postgres_server_url)
    yield url
    drop_database(url)


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


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> DemoRuns:
    """The demo played once per session, then again on what it left (``tests/demo_run.py``);
    tests reading it carry ``pytest.mark.xdist_group("demo")`` so that, spread over
    workers, they share one worker and so one pair of runs."""
    return play_demo_twice(tmp_path_factory.mktemp("demo"))
