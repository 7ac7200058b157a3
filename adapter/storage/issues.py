"""Grievances (IGM 1.0.0 and 2.0.0 issues) in the SQL store.

One row per (buyer app, issue id): the issue's whole document as last sent, the facts the
department's reports group by, and its clock. An issue changes with a compare-and-set on
its ``updated_at``, so a seller's answer and a buyer app's new ``/issue`` handled by two
processes at once cannot overwrite each other. The change, the seller's webhook, the
unsolicited callback and an agreed resolution's move of the order are written in one
transaction: a crash leaves all of them or none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.igm.book import IssueMoved, IssueRecord, IssueRow, Remedy
from adapter.igm.issue2 import Respondent
from adapter.igm.views import seller_view
from adapter.storage.complaint_rows import issue_product
from adapter.storage.database import Database
from adapter.storage.issue_rows import IssueRows, message_row, queue_message
from adapter.storage.issue_table import issues
from adapter.storage.notifications import SellerNotifications
from adapter.storage.orders import OrderStore

__all__ = ["IssueStore", "issues"]

_RECORD_FIELDS: Final = tuple(f.name for f in dataclasses.fields(IssueRecord))


class IssueStore:
    """Issues, and the one transaction that moves an issue with everything it causes."""

    def __init__(
        self,
        database: Database,
        respondent: Respondent,
        *,
        orders: OrderStore,
        notifications: SellerNotifications | None = None,
    ) -> None:
        self._db = database
        self._rows = IssueRows(database, issues, IssueRow)
        self.respondent = respondent
        self._orders = orders
        self._notifications = notifications

    async def find(self, bap_id: str, issue_id: str) -> IssueRow | None:
        """The stored issue a buyer app raised, or ``None``."""
        return await self._rows.first(issues.c.bap_id == bap_id, issues.c.issue_id == issue_id)

    async def get(self, pk: int, *, seller_code: str | None = None) -> IssueRow | None:
        """An issue by its row id (as one seller may see it)."""
        where = [issues.c.id == pk]
        if seller_code is not None:
            where.append(issues.c.seller_code == seller_code)
        return await self._rows.first(*where)

    async def listing(
        self,
        *,
        seller_code: str | None = None,
        statuses: Sequence[str] | None = None,
        limit: int = 100,
    ) -> list[IssueRow]:
        """Issues, newest first, optionally of one seller and in some statuses."""
        query = select(issues).order_by(issues.c.id.desc()).limit(limit)
        if seller_code is not None:
            query = query.where(issues.c.seller_code == seller_code)
        if statuses:
            query = query.where(issues.c.status.in_(list(statuses)))
        return await self._rows.all(query)

    async def due(self, now: datetime, *, warn_before: timedelta) -> list[IssueRow]:
        """Open issues not yet flagged whose resolution is due within ``warn_before``."""
        query = select(issues).where(
            issues.c.status.in_(["OPEN", "PROCESSING"]),
            issues.c.flagged_at.is_(None),
            issues.c.resolve_by.is_not(None),
            issues.c.resolve_by <= now + warn_before,
        )
        return await self._rows.all(query)

    async def overdue(self, now: datetime, *, grace: timedelta) -> list[IssueRow]:
        """Open issues at level ``ISSUE``, never escalated, more than ``grace`` past their
        expected resolution time, soonest due first."""
        query = (
            select(issues)
            .where(
                issues.c.status.in_(["OPEN", "PROCESSING"]),
                issues.c.level == "ISSUE",
                issues.c.escalated_at.is_(None),
                issues.c.resolve_by.is_not(None),
                issues.c.resolve_by <= now - grace,
            )
            .order_by(issues.c.resolve_by)
        )
        return await self._rows.all(query)

    async def unanswered(self, now: datetime) -> list[IssueRow]:
        """Issues past their response time with no answer from us."""
        query = select(issues).where(
            issues.c.status == "OPEN",
            issues.c.responded_at.is_(None),
            issues.c.respond_by.is_not(None),
            issues.c.respond_by <= now,
        )
        return await self._rows.all(query)

    async def save(
        self,
        record: IssueRecord,
        *,
        previous: IssueRow | None,
        now: datetime,
        notify: str | None = None,
        callback: dict[str, Any] | None = None,
        remedy: Remedy | None = None,
    ) -> IssueRow:
        """Store ``record`` with the seller's ``notify`` webhook, the unsolicited
        ``callback`` (a whole body; queued for ``record.bap_uri``) and the ``remedy``'s
        order move, in one transaction. Raises :class:`IssueMoved` when ``previous`` is no
        longer what is stored, and ``IllegalTransition`` when the order moved meanwhile."""
        values = {name: getattr(record, name) for name in _RECORD_FIELDS}
        async with self._db.transaction() as connection:
            if previous is None:
                try:
                    pk = await self._rows.insert(connection, values, now=now)
                except IntegrityError:
                    # Another process stored the same new issue first: read it and retry.
                    raise IssueMoved(f"issue {record.issue_id} was stored meanwhile") from None
            else:
                pk = previous.pk
                if not await self._rows.compare_and_set(
                    connection, pk, previous.updated_at, values, now=now
                ):
                    raise IssueMoved(f"issue {record.issue_id} changed meanwhile")
            if remedy is not None:
                announce = message_row(
                    remedy.order.bap_uri, remedy.order.transaction_id, remedy.body, now
                )
                await self._orders.transition_within(
                    connection,
                    remedy.order,
                    actor="grievance",
                    event=remedy.event,
                    change=dataclasses.replace(remedy.change, callback=announce),
                    now=now,
                )
            if callback is not None:
                await queue_message(connection, record, callback, now)
            if notify is not None:
                await self._tell(connection, record, notify, now)
            return await self._rows.stored(connection, pk)

    async def notify(self, row: IssueRow, event: str, now: datetime) -> None:
        """Queue the seller's webhook ``event`` about an issue, on its own."""
        await self._tell(None, row, event, now)

    async def _tell(
        self, connection: AsyncConnection | None, record: IssueRecord, event: str, now: datetime
    ) -> None:
        """Queue the seller's webhook ``event`` about ``record`` (in ``connection``'s
        transaction, or in one of its own)."""
        if self._notifications is None or not record.seller_code:
            return
        await self._notifications.enqueue(
            connection,
            seller_code=record.seller_code,
            event=event,
            order_id=record.order_id,
            payload=seller_view(record, self.respondent),
            now=now,
        )

    async def flag(self, row: IssueRow, *, now: datetime) -> bool:
        """Mark an issue as flagged for nearing its resolution time (once)."""
        async with self._db.transaction() as connection:
            moved = await connection.execute(
                update(issues)
                .where(issues.c.id == row.pk, issues.c.flagged_at.is_(None))
                .values(flagged_at=now)
            )
            return moved.rowcount == 1

    async def report_rows(self) -> list[dict[str, Any]]:
        """Every issue's reportable facts, with the ODOP product of its item (from the
        order facts); no document, so no complainant's name, phone, e-mail or address."""
        columns = [c for c in issues.c if c.name not in ("document", "bap_uri", "product")]
        query = select(*columns, issue_product().label("product"))
        async with self._db.engine.connect() as connection:
            return [dict(r._mapping) for r in await connection.execute(query)]
