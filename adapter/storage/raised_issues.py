"""Complaints a seller raised against a buyer app (IGM 2.0.0 Flow2) in the SQL store.

Raising one and each of the seller's steps store the issue with its ``/issue`` to the buyer
app (an outbox row: signed and sent by the dispatcher, retried until it is heard) in one
transaction; the buyer app's ``/on_issue`` is merged into the stored issue with the seller's
``raised_issue.updated`` webhook in one transaction. Changes are compare-and-set on
``updated_at``, so two answers handled at once cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import insert, select, update

from adapter.storage.database import Database
from adapter.storage.notifications import SellerNotifications
from adapter.storage.outbox import Outbox
from adapter.storage.raised_table import raised_issues
from adapter.storage.tables import outbox

__all__ = ["RaisedIssue", "RaisedIssueStore", "RaisedMoved"]

# The buyer app must hear the seller's complaint: retried for longer than a reply's ttl.
_DELIVERY_WINDOW: Final = timedelta(hours=6)


class RaisedMoved(RuntimeError):
    """The complaint changed since it was read (another process answered first)."""


@dataclass(frozen=True, slots=True)
class RaisedIssue:
    """One stored complaint of a seller: where it goes and the issue as it stands."""

    pk: int
    issue_id: str
    seller_code: str
    order_id: str
    bap_id: str
    bap_uri: str
    transaction_id: str
    domain: str
    city: str
    core_version: str
    status: str
    level: str
    document: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def view(self) -> dict[str, Any]:
        """What the seller reads of it (the issue is the seller's own and the buyer app's
        answer: no buyer's personal data is in it)."""
        issue = self.document
        return {
            "id": self.pk,
            "issue_id": self.issue_id,
            "order_id": self.order_id,
            "buyer_app": self.bap_id,
            "status": self.status,
            "level": self.level,
            "complaint": issue.get("descriptor", {}),
            "resolutions": issue.get("resolutions", []),
            "actions": [
                {
                    "code": (a.get("descriptor") or {}).get("code"),
                    "text": (a.get("descriptor") or {}).get("short_desc"),
                    "by": a.get("action_by"),
                    "at": a.get("updated_at"),
                }
                for a in issue.get("actions") or []
            ],
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def _row(values: Any) -> RaisedIssue:
    data = dict(values._mapping)
    data["pk"] = data.pop("id")
    return RaisedIssue(**data)


class RaisedIssueStore:
    """Seller-raised complaints, and the transactions that move them with what they cause."""

    def __init__(
        self, database: Database, *, notifications: SellerNotifications | None = None
    ) -> None:
        self._db = database
        self._notifications = notifications

    async def find(self, issue_id: str) -> RaisedIssue | None:
        """The complaint with this issue id."""
        query = select(raised_issues).where(raised_issues.c.issue_id == issue_id)
        async with self._db.engine.connect() as connection:
            found = (await connection.execute(query)).first()
        return _row(found) if found is not None else None

    async def get(self, pk: int, *, seller_code: str) -> RaisedIssue | None:
        """One of this seller's complaints."""
        query = select(raised_issues).where(
            raised_issues.c.id == pk, raised_issues.c.seller_code == seller_code
        )
        async with self._db.engine.connect() as connection:
            found = (await connection.execute(query)).first()
        return _row(found) if found is not None else None

    async def listing(self, seller_code: str, *, limit: int = 100) -> list[RaisedIssue]:
        """The seller's complaints, newest first."""
        query = (
            select(raised_issues)
            .where(raised_issues.c.seller_code == seller_code)
            .order_by(raised_issues.c.created_at.desc(), raised_issues.c.id.desc())
            .limit(limit)
        )
        async with self._db.engine.connect() as connection:
            return [_row(r) for r in await connection.execute(query)]

    async def create(
        self, values: Mapping[str, Any], request: dict[str, Any], *, now: datetime
    ) -> RaisedIssue:
        """Store a new complaint (``values``: the table's columns but id and times) with
        its first ``/issue`` ``request``, in one transaction."""
        async with self._db.transaction() as connection:
            result = await connection.execute(
                insert(raised_issues).values(**values, created_at=now, updated_at=now)
            )
            (pk,) = result.inserted_primary_key or (0,)
            await connection.execute(insert(outbox).values(**_request_row(values, request, now)))
            stored = await connection.execute(select(raised_issues).where(raised_issues.c.id == pk))
            return _row(stored.one())

    async def save(
        self,
        previous: RaisedIssue,
        document: dict[str, Any],
        *,
        now: datetime,
        request: dict[str, Any] | None = None,
        notify: str | None = None,
    ) -> RaisedIssue:
        """Store the complaint's new ``document`` with the seller's ``/issue``
        ``request`` (queued for the buyer app) or the seller's ``notify`` webhook, in one
        transaction; :class:`RaisedMoved` when ``previous`` is no longer what is stored."""
        values = {
            "document": document,
            "status": str(document.get("status", previous.status)),
            "level": str(document.get("level", previous.level)),
        }
        async with self._db.transaction() as connection:
            moved = await connection.execute(
                update(raised_issues)
                .where(
                    raised_issues.c.id == previous.pk,
                    raised_issues.c.updated_at == previous.updated_at,
                )
                .values(**values, updated_at=now)
            )
            if moved.rowcount != 1:
                raise RaisedMoved(f"complaint {previous.issue_id} changed meanwhile")
            if request is not None:
                where = {"bap_uri": previous.bap_uri, "transaction_id": previous.transaction_id}
                await connection.execute(insert(outbox).values(**_request_row(where, request, now)))
            stored = _row(
                (
                    await connection.execute(
                        select(raised_issues).where(raised_issues.c.id == previous.pk)
                    )
                ).one()
            )
            if notify is not None and self._notifications is not None:
                await self._notifications.enqueue(
                    connection,
                    seller_code=stored.seller_code,
                    event=notify,
                    order_id=stored.order_id,
                    payload=stored.view(),
                    now=now,
                )
            return stored


def _request_row(where: Mapping[str, Any], body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The outbox row of our ``/issue`` ``body`` to the buyer app at ``where['bap_uri']``."""
    return Outbox.unsolicited_row(
        action="issue",
        target_url=f"{str(where['bap_uri']).rstrip('/')}/issue",
        transaction_id=str(where["transaction_id"]),
        payload=body,
        now=now,
        deadline_at=now + _DELIVERY_WINDOW,
    )
