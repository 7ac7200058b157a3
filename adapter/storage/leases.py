"""The leased queue: one claim, renew and settle mechanism for every queue of jobs.

The outbox (callbacks to buyer apps) and seller notifications are both tables of jobs
that several processes work through. A job is *claimed* by one worker for a short lease:
on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so processes sharing the database never
take the same job; on SQLite the single writer lock does the same on one machine. While
the worker is sending, it *renews* the lease of every job it holds (every third of the
lease), so a slow but live peer never lets a job be taken twice, and a worker that dies
(``kill -9``) stops renewing: its jobs are claimable again one lease later, well inside a
callback's ttl. Settling a job ends its lease; a settlement from a worker that lost the
lease is refused, so a job is settled by one process at a time.

A queue table has the columns ``id``, ``status`` (``pending`` is due), ``attempts``,
``next_attempt_at``, ``claimed_by``, ``claimed_until``, ``last_error`` and
``delivered_at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Table,
    Update,
    bindparam,
    func,
    or_,
    select,
    update,
)

from adapter.storage.database import Database
from adapter.storage.tables import UtcDateTime

__all__ = ["LeasedQueue", "settle_statement"]


class LeasedQueue:
    """Claims, renews and checks the leases of one queue table's jobs."""

    def __init__(
        self,
        database: Database,
        table: Table,
        *,
        first: Sequence[ColumnElement[Any]] | None = None,
    ) -> None:
        self._db = database
        self.table = table
        # Which due jobs a claim takes first: ``first`` (then the id), or by default the
        # longest due.
        self._order = (*(first or (table.c.next_attempt_at,)), table.c.id)
        # The hot statements are built once, their values bound at each call: SQLAlchemy
        # then reuses each one's cache key and compiled form instead of building a new
        # statement object and its key per call (claim, renew, release and the settling
        # check run every dispatcher round).
        due = (
            select(table.c.id)
            .where(*self.due(bindparam("now", type_=UtcDateTime())))
            .order_by(*self._order)
            .limit(bindparam("claim_limit", type_=Integer()))
        )
        if database.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        self._claim = (
            update(table)
            .where(table.c.id.in_(due.scalar_subquery()))
            .values(
                claimed_by=bindparam("worker"),
                claimed_until=bindparam("lease_until", type_=UtcDateTime()),
            )
            .returning(table.c.id)
        )
        ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
        self._held = select(table.c.id).where(
            table.c.id.in_(ids), table.c.claimed_by == bindparam("worker")
        )
        self._renew = (
            update(table)
            .where(table.c.id.in_(ids), table.c.claimed_by == bindparam("worker"),
                   table.c.status == "pending")
            .values(claimed_until=bindparam("lease_until", type_=UtcDateTime()))
            .returning(table.c.id)
        )  # fmt: skip
        self._release = (
            update(table)
            .where(table.c.id == bindparam("job"), table.c.claimed_by == bindparam("worker"))
            .values(
                claimed_by=None,
                claimed_until=None,
                next_attempt_at=bindparam("at", type_=UtcDateTime()),
            )
        )

    def due(self, now: datetime | ColumnElement[Any]) -> tuple[ColumnElement[bool], ...]:
        """What makes a job claimable at ``now`` (an instant, or a parameter bound to one):
        pending, its time come, no live lease."""
        table = self.table
        return (
            table.c.status == "pending",
            table.c.next_attempt_at <= now,
            or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
        )

    def claim(
        self,
        connection: Connection,
        worker: str,
        *,
        now: datetime,
        lease_until: datetime,
        limit: int,
    ) -> list[int]:
        """Take up to ``limit`` due jobs for ``worker`` until ``lease_until`` (inside the
        caller's transaction); their ids."""
        claimed = connection.execute(
            self._claim, self.claim_values(worker, now=now, lease_until=lease_until, limit=limit)
        )
        return [int(row[0]) for row in claimed]

    @staticmethod
    def claim_values(
        worker: str, *, now: datetime, lease_until: datetime, limit: int
    ) -> dict[str, Any]:
        """The values the claim statement is bound with."""
        return {"now": now, "claim_limit": limit, "worker": worker, "lease_until": lease_until}

    def held(self, connection: Connection, worker: str, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` ``worker`` still holds (inside a settling transaction)."""
        return set(connection.execute(self._held, {"ids": list(ids), "worker": worker}).scalars())

    async def renew(self, worker: str, ids: Sequence[int], *, lease_until: datetime) -> set[int]:
        """Extend ``worker``'s lease on ``ids`` to ``lease_until``; the ids it still held."""
        if not ids:
            return set()
        values = {"ids": list(ids), "worker": worker, "lease_until": lease_until}

        def extend(connection: Connection) -> set[int]:
            return {int(row[0]) for row in connection.execute(self._renew, values)}

        return await self._db.write(extend)

    async def release(self, worker: str, later: Sequence[tuple[int, datetime]]) -> None:
        """Hand jobs back unsent, each due again at its time, without counting an attempt
        (its peer was busy or failing: the job itself did nothing wrong)."""
        if not later:
            return
        rows = [{"job": job, "at": at, "worker": worker} for job, at in later]
        await self._db.write(lambda connection: connection.execute(self._release, rows))


def settle_statement(table: Table, *, id_param: str, status_param: str, tried: Any) -> Update:
    """The UPDATE that ends a row's lease with its attempt's outcome, for a batch of rows.

    Bound per row: ``id_param`` (the row), ``status_param`` (its new status), ``error``
    (the last error, or none), ``delivered`` (when it was delivered, or none: the old value
    stays) and ``next_at`` (the next attempt, or none: the old value stays). ``tried`` is
    what the attempts count grows by (a number, or a bound parameter of its own).
    """
    return (
        update(table)
        .where(table.c.id == bindparam(id_param))
        .values(
            status=bindparam(status_param),
            attempts=table.c.attempts + tried,
            claimed_by=None,
            claimed_until=None,
            last_error=bindparam("error"),
            delivered_at=func.coalesce(
                bindparam("delivered", type_=UtcDateTime()), table.c.delivered_at
            ),
            next_attempt_at=func.coalesce(
                bindparam("next_at", type_=UtcDateTime()), table.c.next_attempt_at
            ),
        )
    )
