"""Migration 0018 folds the dashboard's older letters register into the LOI desk: every
letter a deployment had is kept (as a desk letter with reference ``register-<id>``,
signed on the day it was in India) and the old table is gone; downgrading gives them back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command

from adapter.storage import Database, upgrade
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.migrate import alembic_config
from tests.conftest import _fresh_schema_url
from tests.fixtures import POSTGRES_ADMIN_URL

SIGNED = datetime(2026, 11, 14, 20, 0, tzinfo=UTC)  # already 15 November in India
CREATED = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = _fresh_schema_url(request.getfixturevalue("postgres_server_url"))
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _register() -> sa.TableClause:
    return sa.table(
        "letters_of_intent",
        sa.column("id"),
        sa.column("buyer"),
        sa.column("buyer_app_id"),
        sa.column("product"),
        sa.column("district"),
        sa.column("value_paise"),
        sa.column("signed_on", sa.DateTime(timezone=True)),
        sa.column("meet"),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )


async def _insert_register_rows(url: str) -> None:
    database = Database.connect(url)
    try:
        async with database.transaction() as connection:
            await connection.execute(
                sa.insert(_register()),
                [
                    {
                        "buyer": "हिमालयन स्टोर्स",
                        "buyer_app_id": "buyer.example",
                        "product": "Chulli oil (wild apricot kernel)",
                        "district": "Kinnaur",
                        "value_paise": 22_000_000,
                        "signed_on": SIGNED,
                        "meet": "HIM MSME Fest 2026, Shimla",
                        "created_at": CREATED,
                    },
                    {
                        "buyer": "Kangra Tea House",
                        "buyer_app_id": None,
                        "product": "Kangra Tea",
                        "district": "Kangra",
                        "value_paise": 5_000_000,
                        "signed_on": datetime(2026, 11, 15, 6, 0, tzinfo=UTC),
                        "meet": None,
                        "created_at": CREATED,
                    },
                ],
            )
    finally:
        await database.dispose()


async def test_the_registers_letters_land_in_the_desk_and_its_table_is_dropped(
    unmigrated_url: str,
) -> None:
    upgrade(unmigrated_url, "0015")
    await _insert_register_rows(unmigrated_url)

    upgrade(unmigrated_url)

    database = Database.connect(unmigrated_url)
    try:
        desk = LoiDesk(database)
        letters = {letter["reference"]: letter for letter in await desk.letters()}
        assert set(letters) == {"register-1", "register-2"}
        oil = letters["register-1"]
        assert (oil["buyer_name"], oil["buyer_app_id"], oil["buyer_gstin"]) == (
            "हिमालयन स्टोर्स",
            "buyer.example",
            None,
        )
        assert (oil["district"], oil["product"], oil["value_paise"]) == (
            "Kinnaur",
            "Chulli oil (wild apricot kernel)",
            22_000_000,
        )
        assert oil["signed_on"] == date(2026, 11, 15)
        assert oil["meet"] == "HIM MSME Fest 2026, Shimla"
        assert (oil["items"], oil["stage"], oil["ordered_paise"]) == ([], "signed", 0)
        assert letters["register-2"]["signed_on"] == date(2026, 11, 15)
        assert await desk.count(district="Kangra") == 1
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert "letters_of_intent" not in tables
    finally:
        await database.dispose()


async def test_downgrading_gives_the_register_its_letters_back(unmigrated_url: str) -> None:
    upgrade(unmigrated_url, "0015")
    await _insert_register_rows(unmigrated_url)
    upgrade(unmigrated_url, "0018")
    _downgrade(unmigrated_url, "0015")

    database = Database.connect(unmigrated_url)
    try:
        async with database.engine.connect() as connection:
            rows = (
                await connection.execute(sa.select(_register()).order_by(sa.column("id")))
            ).all()
        assert [(r.buyer, r.district, r.value_paise) for r in rows] == [
            ("हिमालयन स्टोर्स", "Kinnaur", 22_000_000),
            ("Kangra Tea House", "Kangra", 5_000_000),
        ]
        assert await LoiDesk(database).count() == 0
    finally:
        await database.dispose()
    # And up again: the same two letters, not four.
    upgrade(unmigrated_url)
    database = Database.connect(unmigrated_url)
    try:
        assert await LoiDesk(database).count() == 2
    finally:
        await database.dispose()


def _downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
