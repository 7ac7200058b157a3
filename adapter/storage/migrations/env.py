"""Alembic environment: runs migrations on a synchronous connection.

On PostgreSQL an advisory lock serialises concurrent runs, so several adapter processes
starting together migrate once and the rest find the schema current.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from adapter.storage.tables import include_name, metadata

_MIGRATION_LOCK = 0x0DC5E11E


def run_migrations_online() -> None:
    """Connect and run every pending migration in one transaction."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()


run_migrations_online()
