"""The outbox's backlog as the edge's admission control counts it (a read, no lock)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from adapter.storage.database import Database
from adapter.storage.tables import outbox

__all__ = ["pending_callbacks"]

# Covered by the partial index of pending jobs: the count reads no table row.
_PENDING = select(func.count()).select_from(outbox).where(outbox.c.status == "pending")


async def pending_callbacks(database: Database) -> int:
    """Callbacks queued and not yet settled (delivered or given up), retries included."""

    def count(connection: Connection) -> int:
        return int(connection.execute(_PENDING).scalar_one())

    return await database.read(count)
