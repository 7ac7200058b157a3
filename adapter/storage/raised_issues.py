"""Complaints a seller raised against a buyer app (IGM 2.0.0 Flow2) in the SQL store.

Raising one and each of the seller's steps store the issue with its ``/issue`` to the buyer
app (an outbox row: signed and sent by the dispatcher, retried until it is heard) in one
transaction; the buyer app's ``/on_issue`` is merged into the stored issue with the seller's
``complaint.answered`` webhook in one transaction. Changes are compare-and-set on
``updated_at``, so two answers handled at once cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from adapter.igm.book import IssueThread
from adapter.igm.views import action_log
from adapter.storage.database import Database
from adapter.storage.issue_rows import IssueRows, queue_message
from adapter.storage.notifications import SellerNotifications
from adapter.storage.raised_table import raised_issues

__all__ = ["RaisedIssue", "RaisedIssueStore", "RaisedMoved"]


class RaisedMoved(RuntimeError):
    """The complaint changed since it was read (another process answered first)."""


@dataclass(frozen=True, slots=True)
class RaisedIssue(IssueThread):
    """One stored complaint of a seller: the issue's thread, the seller and its order."""

    pk: int
    seller_code: str
    order_id: str
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
            "actions": action_log(issue),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class RaisedIssueStore:
    """Seller-raised complaints, and the transactions that move them with what they cause."""

    def __init__(
        self, database: Database, *, notifications: SellerNotifications | None = None
    ) -> None:
        self._db = database
        self._rows = IssueRows(database, raised_issues, RaisedIssue)
        self._notifications = notifications

    async def find(self, issue_id: str) -> RaisedIssue | None:
        """The complaint with this issue id."""
        return await self._rows.first(raised_issues.c.issue_id == issue_id)

    async def get(self, pk: int, *, seller_code: str) -> RaisedIssue | None:
        """One of this seller's complaints."""
        return await self._rows.first(
            raised_issues.c.id == pk, raised_issues.c.seller_code == seller_code
        )

    async def listing(self, seller_code: str, *, limit: int = 100) -> list[RaisedIssue]:
        """The seller's complaints, newest first."""
        query = (
            select(raised_issues)
            .where(raised_issues.c.seller_code == seller_code)
            .order_by(raised_issues.c.created_at.desc(), raised_issues.c.id.desc())
            .limit(limit)
        )
        return await self._rows.all(query)

    async def create(
        self, values: Mapping[str, Any], request: dict[str, Any], *, now: datetime
    ) -> RaisedIssue:
        """Store a new complaint (``values``: the table's columns but id and times) with
        its first ``/issue`` ``request``, in one transaction."""
        async with self._db.transaction() as connection:
            pk = await self._rows.insert(connection, values, now=now)
            stored = await self._rows.stored(connection, pk)
            await queue_message(connection, stored, request, now)
            return stored

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
            if not await self._rows.compare_and_set(
                connection, previous.pk, previous.updated_at, values, now=now
            ):
                raise RaisedMoved(f"complaint {previous.issue_id} changed meanwhile")
            if request is not None:
                await queue_message(connection, previous, request, now)
            stored = await self._rows.stored(connection, previous.pk)
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
