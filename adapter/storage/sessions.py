"""Dashboard sessions, kept server-side: what a signed-in browser's cookie stands for.

The cookie carries a random session id (256 bits), never the operator's key or a viewer's
token; the store keeps only its SHA-256, so a copy of the database signs no one in.
Signing out deletes the session, so the cookie is dead at once even if it was copied; a
session ends at its expiry, and a viewer's or seller's session ends as soon as the operator
revokes the credential it was opened with. Every process sharing the database sees the same
sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, insert, or_, select

from adapter.storage.database import Database
from adapter.storage.tables import dashboard_credentials, dashboard_sessions

__all__ = ["DashboardSessions", "Session"]


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """Who a live session signed in as, and the token its forms must carry."""

    role: str
    seller_code: str | None
    label: str
    csrf: str
    expires_at: datetime


class DashboardSessions:
    """Open, find and close dashboard sessions."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def open(
        self,
        *,
        role: str,
        credential_id: int | None,
        seller_code: str | None,
        label: str,
        now: datetime,
        lifetime: timedelta,
    ) -> tuple[str, Session]:
        """A new session and its id (for the cookie; stored only as a hash). Sessions
        already expired are cleared on the way."""
        session_id = secrets.token_urlsafe(32)
        session = Session(role, seller_code, label[:80], secrets.token_urlsafe(32), now + lifetime)
        async with self._db.transaction() as connection:
            await connection.execute(
                delete(dashboard_sessions).where(dashboard_sessions.c.expires_at <= now)
            )
            await connection.execute(
                insert(dashboard_sessions).values(
                    id_hash=_hash(session_id),
                    role=role,
                    credential_id=credential_id,
                    seller_code=seller_code,
                    label=session.label,
                    csrf=session.csrf,
                    created_at=now,
                    expires_at=session.expires_at,
                )
            )
        return session_id, session

    async def find(self, session_id: str, *, now: datetime) -> Session | None:
        """The live session of this id: not expired, not signed out, and (for a viewer or
        seller) its credential not revoked."""
        query = (
            select(dashboard_sessions)
            .outerjoin(
                dashboard_credentials,
                dashboard_credentials.c.id == dashboard_sessions.c.credential_id,
            )
            .where(
                dashboard_sessions.c.id_hash == _hash(session_id),
                dashboard_sessions.c.expires_at > now,
                or_(
                    dashboard_sessions.c.credential_id.is_(None),
                    and_(
                        dashboard_credentials.c.id.is_not(None),
                        dashboard_credentials.c.revoked_at.is_(None),
                    ),
                ),
            )
        )
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return Session(row.role, row.seller_code, row.label, row.csrf, row.expires_at)

    async def close(self, session_id: str) -> bool:
        """Sign a session out (delete it); False if there was no such session."""
        async with self._db.transaction() as connection:
            result = await connection.execute(
                delete(dashboard_sessions).where(dashboard_sessions.c.id_hash == _hash(session_id))
            )
        return bool(result.rowcount)
