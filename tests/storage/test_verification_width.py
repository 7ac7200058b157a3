"""``messages.verification`` holds "valid via <gateway id>" for any subscriber id: a
gateway id over 30 characters overflowed its 40 characters on PostgreSQL (a 503 NACK for
every search that gateway relayed), fixed by migration 0013."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import psycopg
import pytest

from adapter.core.clock import FixedClock
from adapter.storage import Database, Store, upgrade
from tests.conftest import _fresh_schema_url
from tests.fixtures import POSTGRES_ADMIN_URL
from tests.storage.test_store_contract import _inbound, _job

LONG_GATEWAY = "gateway." + "g" * 240 + ".in"  # 251 characters, as a subscriber id may be


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = _fresh_schema_url(request.getfixturevalue("postgres_server_url"))
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


async def test_a_search_via_a_long_gateway_id_is_recorded_after_upgrading_a_used_store(
    unmigrated_url: str, clock: FixedClock
) -> None:
    upgrade(unmigrated_url, "0012")
    database = Database.connect(unmigrated_url)
    store = Store(database)
    try:
        # A store in use: a message with its callback job (the job refers to the message).
        before = await store.accept_inbound(_inbound(clock, "m-before"), _job(clock))
        assert before is not None
    finally:
        await database.dispose()

    upgrade(unmigrated_url)

    database = Database.connect(unmigrated_url)
    store = Store(database)
    try:
        relayed = dataclasses.replace(
            _inbound(clock, "m-relayed"), verification=f"valid via {LONG_GATEWAY}"
        )
        assert await store.accept_inbound(relayed, _job(clock)) is not None
        rows = await store.messages_for_transaction("t-1")
        assert [r["message_id"] for r in rows] == ["m-before", "m-relayed"]
        assert rows[1]["verification"] == f"valid via {LONG_GATEWAY}"
    finally:
        await database.dispose()
