"""Dashboard credentials: department viewers' and sellers' tokens, kept as SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from adapter.storage.database import Database
from adapter.storage.tables import dashboard_credentials

__all__ = ["Credential", "DashboardCredentials"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Credential:
    """Who a dashboard token belongs to: a ``viewer``, or a ``seller`` and its code."""

    id: int
    role: str
    seller_code: str | None
    label: str


class DashboardCredentials:
    """Issue, look up, list and revoke dashboard tokens."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create(
        self, *, role: str, seller_code: str | None, label: str, now: datetime
    ) -> tuple[Credential, str]:
        """A new credential and its token (shown to the operator once, never stored)."""
        token = f"dash_{secrets.token_urlsafe(24)}"
        async with self._db.transaction() as connection:
            result = await connection.execute(
                insert(dashboard_credentials).values(
                    role=role,
                    seller_code=seller_code,
                    label=label,
                    token_hash=_hash(token),
                    created_at=now,
                )
            )
            (pk,) = result.inserted_primary_key or (0,)
        return Credential(int(pk), role, seller_code, label), token

    async def find(self, token: str) -> Credential | None:
        """The live credential of ``token``, or None."""
        async with self._db.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(dashboard_credentials).where(
                        dashboard_credentials.c.token_hash == _hash(token),
                        dashboard_credentials.c.revoked_at.is_(None),
                    )
                )
            ).first()
        if row is None:
            return None
        return Credential(row.id, row.role, row.seller_code, row.label)

    async def list(self) -> list[dict[str, Any]]:
        """Every credential (never a token), newest first."""
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(
                select(
                    dashboard_credentials.c.id,
                    dashboard_credentials.c.role,
                    dashboard_credentials.c.seller_code,
                    dashboard_credentials.c.label,
                    dashboard_credentials.c.created_at,
                    dashboard_credentials.c.revoked_at,
                ).order_by(dashboard_credentials.c.id.desc())
            )
            return [dict(row._mapping) for row in rows]

    async def revoke(self, credential_id: int, *, now: datetime) -> bool:
        """Stop a credential working; False if there is no live one with this id."""
        async with self._db.transaction() as connection:
            result = await connection.execute(
                update(dashboard_credentials)
                .where(
                    dashboard_credentials.c.id == credential_id,
                    dashboard_credentials.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
            return bool(result.rowcount)
