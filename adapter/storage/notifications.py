"""Seller notifications: signed webhooks to sellers' own systems, queued and logged.

:meth:`SellerNotifications.enqueue` queues one event for a seller. Given the connection of
a transaction already open (the one that changes the order), it writes there, so the order
and the news of it commit or roll back together. A seller with no enabled endpoint gets a
``skipped`` row: nothing is sent, but the event shows in its delivery log and can be
redelivered once an endpoint is set.

Delivery goes through the leased queue the outbox uses too (``adapter/storage/leases.py``):
a notifier *claims* due rows for a short lease, renews it while it sends, and *settles*
each with what its attempt gave. A settlement from a worker whose lease has lapsed is
refused, so a notification is delivered by one process at a time, and one whose notifier
died is taken up again one lease later.

Statuses: ``pending`` (queued or waiting for a retry), ``delivered``, ``failed`` (refused
by the seller's system, or out of attempts or time), ``skipped`` (no endpoint).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, and_, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.storage.database import Database
from adapter.storage.leases import LeasedQueue, settle_statement
from adapter.storage.tables import (
    seller_endpoints,
    seller_notification_attempts,
    seller_notifications,
)

__all__ = [
    "ClaimedNotification",
    "DeliveryAttempt",
    "Endpoint",
    "NotificationSettlement",
    "Redelivery",
    "SellerNotifications",
]

Redelivery = Literal["queued", "unknown", "already_pending", "no_endpoint"]
"""What became of a redelivery request."""

_NO_ENDPOINT = "the seller has no enabled notification endpoint"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a seller's system takes its notifications (the secret is never read back)."""

    seller_code: str
    url: str
    enabled: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimedNotification:
    """A notification this process holds the lease on, with where to send it.

    ``url`` and ``secret`` are ``None`` when the seller's endpoint was removed or disabled
    after the event was queued.
    """

    id: int
    seller_code: str
    event: str
    order_id: str | None
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    deadline_at: datetime
    url: str | None
    secret: str | None


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One POST to a seller's system: when, its answer, how long it took."""

    attempted_at: datetime
    http_status: int | None
    latency_ms: float | None
    outcome: str  # delivered | refused | error
    error: str | None = None


@dataclass(frozen=True, slots=True)
class NotificationSettlement:
    """How a claimed notification ends this round. ``attempt`` is None when nothing was
    sent (no endpoint); ``error``, when given, is kept as the notification's last error in
    place of the attempt's."""

    notification_id: int
    status: str  # delivered | failed | pending | skipped
    attempt: DeliveryAttempt | None
    next_attempt_at: datetime | None = None
    error: str | None = None


class SellerNotifications:
    """Sellers' endpoints, their queued notifications and the delivery log."""

    def __init__(self, database: Database, *, retry_window: timedelta) -> None:
        self._db = database
        self._window = retry_window
        self.queue = LeasedQueue(database, seller_notifications)

    async def enqueue(
        self,
        connection: AsyncConnection | None,
        *,
        seller_code: str,
        event: str,
        order_id: str | None,
        payload: dict[str, Any],
        now: datetime,
    ) -> int:
        """Queue ``event`` for the seller; returns the notification's id.

        With ``connection`` (an open transaction, e.g. from ``Database.transaction()``) the
        row is written in that transaction; with ``None``, in a transaction of its own.
        ``now`` is when the event happened (the body's ``occurred_at``).
        """
        if connection is not None:
            return await self._enqueue(connection, seller_code, event, order_id, payload, now)
        async with self._db.transaction() as own:
            return await self._enqueue(own, seller_code, event, order_id, payload, now)

    async def _enqueue(
        self,
        connection: AsyncConnection,
        seller_code: str,
        event: str,
        order_id: str | None,
        payload: dict[str, Any],
        now: datetime,
    ) -> int:
        enabled = (
            await connection.execute(
                select(seller_endpoints.c.id).where(
                    seller_endpoints.c.seller_code == seller_code, seller_endpoints.c.enabled
                )
            )
        ).first() is not None
        result = await connection.execute(
            insert(seller_notifications)
            .values(
                seller_code=seller_code,
                event=event,
                order_id=order_id,
                payload=payload,
                status="pending" if enabled else "skipped",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                deadline_at=now + self._window,
                last_error=None if enabled else _NO_ENDPOINT,
            )
            .returning(seller_notifications.c.id)
        )
        return int(result.scalar_one())

    async def claim(
        self, worker: str, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[ClaimedNotification]:
        """Take up to ``limit`` due notifications for ``worker`` until ``lease_until``."""
        table = seller_notifications

        def take(connection: Connection) -> list[ClaimedNotification]:
            ids = self.queue.claim(
                connection, worker, now=now, lease_until=lease_until, limit=limit
            )
            if not ids:
                return []
            endpoint = and_(
                seller_endpoints.c.seller_code == table.c.seller_code, seller_endpoints.c.enabled
            )
            rows = connection.execute(
                select(table, seller_endpoints.c.url, seller_endpoints.c.secret)
                .select_from(table.outerjoin(seller_endpoints, endpoint))
                .where(table.c.id.in_(ids))
                .order_by(table.c.id)
            )
            return [
                ClaimedNotification(
                    id=row.id,
                    seller_code=row.seller_code,
                    event=row.event,
                    order_id=row.order_id,
                    payload=row.payload,
                    attempts=row.attempts,
                    created_at=row.created_at,
                    deadline_at=row.deadline_at,
                    url=row.url,
                    secret=row.secret,
                )
                for row in rows
            ]

        return await self._db.write(take)

    async def renew(self, worker: str, ids: Sequence[int], *, lease_until: datetime) -> set[int]:
        """Extend ``worker``'s lease on the notifications it is still sending."""
        return await self.queue.renew(worker, ids, lease_until=lease_until)

    async def settle(
        self, worker: str, settlements: Sequence[NotificationSettlement]
    ) -> list[bool]:
        """Log each attempt and move each notification to its status, in one transaction.

        A notification whose lease ``worker`` no longer holds is left alone (False).
        """
        table = seller_notifications

        def record(connection: Connection) -> set[int]:
            held = self.queue.held(connection, worker, [s.notification_id for s in settlements])
            kept = [s for s in settlements if s.notification_id in held]
            if kept:
                connection.execute(
                    settle_statement(
                        table,
                        id_param="notification_id",
                        status_param="new_status",
                        tried=bindparam("tried"),
                    ),
                    [_settled_values(s) for s in kept],
                )
            attempts = [
                {
                    "notification_id": s.notification_id,
                    "attempted_at": s.attempt.attempted_at,
                    "http_status": s.attempt.http_status,
                    "latency_ms": s.attempt.latency_ms,
                    "outcome": s.attempt.outcome,
                    "error": s.attempt.error,
                }
                for s in kept
                if s.attempt is not None
            ]
            if attempts:
                connection.execute(insert(seller_notification_attempts), attempts)
            return held

        held = await self._db.write(record)
        return [s.notification_id in held for s in settlements]

    async def log(
        self, seller_code: str, *, status: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        """The seller's notifications, newest first, each with every attempt (oldest
        first) under ``"attempts_log"``."""
        table = seller_notifications
        query = select(table).where(table.c.seller_code == seller_code).order_by(table.c.id.desc())
        if status is not None:
            query = query.where(table.c.status == status)
        async with self._db.engine.connect() as connection:
            rows = [dict(row._mapping) for row in await connection.execute(query.limit(limit))]
            if not rows:
                return []
            tried = seller_notification_attempts
            attempts = await connection.execute(
                select(tried)
                .where(tried.c.notification_id.in_([row["id"] for row in rows]))
                .order_by(tried.c.id)
            )
        by_notification: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
        for attempt in attempts:
            by_notification[attempt.notification_id].append(dict(attempt._mapping))
        return [{**row, "attempts_log": by_notification[row["id"]]} for row in rows]

    async def redeliver(
        self, seller_code: str, notification_id: int, *, now: datetime
    ) -> Redelivery:
        """Queue one of the seller's notifications again, with fresh attempts and time."""
        table = seller_notifications
        async with self._db.transaction() as connection:
            current = (
                await connection.execute(
                    select(table.c.status).where(
                        table.c.id == notification_id, table.c.seller_code == seller_code
                    )
                )
            ).scalar_one_or_none()
            if current is None:
                return "unknown"
            if current == "pending":
                return "already_pending"
            enabled = (
                await connection.execute(
                    select(seller_endpoints.c.id).where(
                        seller_endpoints.c.seller_code == seller_code, seller_endpoints.c.enabled
                    )
                )
            ).first()
            if enabled is None:
                return "no_endpoint"
            await connection.execute(
                update(table)
                .where(table.c.id == notification_id)
                .values(
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    deadline_at=now + self._window,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        return "queued"

    async def set_endpoint(
        self, seller_code: str, url: str, *, enabled: bool, rotate_secret: bool, now: datetime
    ) -> str | None:
        """Point the seller's notifications at ``url``. Returns the signing secret when one
        is made (a new endpoint, or ``rotate_secret``), otherwise ``None``."""
        fresh = secrets.token_hex(32)
        async with self._db.transaction() as connection:
            created = await connection.execute(
                self._db.insert(seller_endpoints)
                .values(
                    seller_code=seller_code,
                    url=url,
                    secret=fresh,
                    enabled=enabled,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=[seller_endpoints.c.seller_code])
                .returning(seller_endpoints.c.id)
            )
            if created.first() is not None:
                return fresh
            changes: dict[str, Any] = {"url": url, "enabled": enabled, "updated_at": now}
            if rotate_secret:
                changes["secret"] = fresh
            await connection.execute(
                update(seller_endpoints)
                .where(seller_endpoints.c.seller_code == seller_code)
                .values(**changes)
            )
        return fresh if rotate_secret else None

    async def endpoint(self, seller_code: str) -> Endpoint | None:
        """The seller's endpoint, if it set one."""
        query = select(
            seller_endpoints.c.url,
            seller_endpoints.c.enabled,
            seller_endpoints.c.created_at,
            seller_endpoints.c.updated_at,
        ).where(seller_endpoints.c.seller_code == seller_code)
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return Endpoint(seller_code, row.url, row.enabled, row.created_at, row.updated_at)


def _settled_values(settlement: NotificationSettlement) -> dict[str, Any]:
    attempt = settlement.attempt
    return {
        "notification_id": settlement.notification_id,
        "new_status": settlement.status,
        "tried": 0 if attempt is None else 1,
        "error": settlement.error or (attempt.error if attempt is not None else None),
        "delivered": (
            attempt.attempted_at
            if attempt is not None and settlement.status == "delivered"
            else None
        ),
        "next_at": settlement.next_attempt_at,
    }
