"""Apply the schema migrations (Alembic) to a database, programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from adapter.storage import (  # noqa: F401 - their tables join the shared metadata
    issue_table,
    raised_table,
    rating_table,
    slot_table,
)
from adapter.storage.database import sync_url

__all__ = ["alembic_config", "upgrade"]

_HERE = Path(__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for ``database_url`` without an ``alembic.ini`` file."""
    config = Config()
    config.set_main_option("script_location", str(_HERE / "migrations"))
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run from several processes at once."""
    command.upgrade(alembic_config(database_url), revision)
