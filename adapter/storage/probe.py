"""What the database at ``DATABASE_URL`` is and how far its schema is migrated, for
``ondc-seller config check`` and ``serve``'s start-up: one connection, nothing written.

A SQLite file that does not exist yet is reported as such, not created (``db upgrade`` and
``serve`` create it); connection failures are the drivers' own errors, which the command
line turns into a message naming ``DATABASE_URL``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

from adapter.storage.database import sync_url
from adapter.storage.migrate import alembic_config

__all__ = ["DatabaseStatus", "database_status"]


@dataclass(frozen=True)
class DatabaseStatus:
    """Which store a URL names and the schema revision found there."""

    store: str
    exists: bool
    revision: str | None
    head: str | None

    @property
    def current(self) -> bool:
        """The schema is at the newest migration."""
        return self.revision is not None and self.revision == self.head

    def describe(self) -> str:
        """One line for a person: the store and its schema's state."""
        if not self.exists:
            return f"{self.store} does not exist yet (`ondc-seller db upgrade` creates it)"
        if self.revision is None:
            return f"{self.store}, not migrated (run `ondc-seller db upgrade`)"
        if self.current:
            return f"{self.store}, schema at revision {self.revision} (current)"
        return (
            f"{self.store}, schema at revision {self.revision}; {self.head} is newest "
            "(run `ondc-seller db upgrade`)"
        )


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    return Path(database).resolve() if database and database != ":memory:" else None


def database_status(database_url: str) -> DatabaseStatus:
    """Connect once to ``database_url`` and read its Alembic revision."""
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    url = sync_url(database_url)
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        store = f"SQLite file {path}" if path is not None else "SQLite in memory"
        if path is not None and not path.exists() and path.parent.is_dir():
            return DatabaseStatus(store=store, exists=False, revision=None, head=head)
        # Read-only: checking must not create the file (nor its missing directory).
        target = f"file:{path}?mode=ro" if path is not None else ":memory:"
        engine = create_engine(
            "sqlite://",
            poolclass=pool.NullPool,
            creator=lambda: sqlite3.connect(target, uri=path is not None),
        )
    else:
        parsed = make_url(url)
        store = (
            f"PostgreSQL database {parsed.database} on {parsed.host or 'localhost'}:"
            f"{parsed.port or 5432}"
        )
        engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    return DatabaseStatus(store=store, exists=True, revision=revision, head=head)
