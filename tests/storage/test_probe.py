"""adapter.storage.probe reads the migrations' head without Alembic: it must agree with it."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from adapter.storage.migrate import alembic_config
from adapter.storage.probe import database_status, head_revision


def test_head_revision_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite:///unused.db"))
    assert head_revision() == script.get_current_head()


def test_a_migrated_database_is_current(database_url: str) -> None:
    status = database_status(database_url)
    assert status.exists
    assert status.current
    assert status.revision == head_revision()
