"""The outbox: callbacks waiting to be delivered, claimed safely by many processes.

Jobs are claimed, renewed and settled through the leased queue
(``adapter/storage/leases.py``), which seller notifications share: a short lease renewed
while the callback is being sent, so a job is delivered at least once and, while its owner
lives, by exactly one process; after a crash it is claimable again one lease later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update

from adapter.storage.callback_days import uncount_parked
from adapter.storage.claims import (
    PG_CLAIM,
    PG_SAVE,
    claim_sqlite,
    claimed_rows,
    pg_claim_values,
    pg_save_values,
    save_sqlite,
)
from adapter.storage.database import Database
from adapter.storage.leases import LeasedQueue
from adapter.storage.settlements import PG_SETTLE, pg_settle_values, settle_sqlite
from adapter.storage.tables import delivery_attempts, outbox

__all__ = ["Attempt", "ClaimedJob", "Outbox", "Settlement"]


class ClaimedJob(NamedTuple):
    """A job this process holds the lease on.

    A named tuple, made at once from its claimed row (``claimed_rows``): a frozen
    dataclass's ``__init__`` sets each of its twelve fields through ``object.__setattr__``,
    17.8 thousand instructions a job against 3.4 thousand (callgrind), for every job claimed.
    """

    id: int
    kind: str
    action: str
    target_url: str
    transaction_id: str | None
    payload: dict[str, Any]
    callback_body: bytes | None
    callback_message_id: str | None
    attempts: int
    created_at: datetime
    deadline_at: datetime
    inbound_body: bytes | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery try: when, what the peer said, how long it took."""

    attempted_at: datetime
    http_status: int | None
    latency_ms: float | None
    outcome: str  # ACK | NACK | error | deferred (built later, not sent)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """How one attempt ended for its job, the audit row of what was sent, if any, and the
    callback's bytes and message id to keep with the job, if they were not saved before
    the attempt (an on_search's: see ``adapter/outbound/builder.py``)."""

    job_id: int
    attempt: Attempt
    status: str  # delivered | failed | pending
    next_attempt_at: datetime | None = None
    sent: dict[str, Any] | None = None
    callback: tuple[bytes, str | None] | None = None


# The built callbacks' bytes, saved before their first attempt: built once (see
# LeasedQueue). The claim and the settlement are driver SQL (adapter/storage/claims.py,
# settlements.py).
_SAVE_CALLBACK = (
    update(outbox)
    .where(outbox.c.id == bindparam("job_id"))
    .values(callback_body=bindparam("body"), callback_message_id=bindparam("mid"))
)


class Outbox:
    """Claims, records and settles outbox jobs."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # Earliest deadline first: a job handed back for a moment (its buyer app's slots
        # were taken) keeps its place ahead of the jobs queued after it, and the
        # callbacks with the least of their ttl left go before those that can wait.
        self.queue = LeasedQueue(database, outbox, first=(outbox.c.deadline_at,))

    async def enqueue_unsolicited(
        self,
        *,
        action: str,
        target_url: str,
        transaction_id: str | None,
        payload: dict[str, Any],
        now: datetime,
        deadline_at: datetime,
    ) -> int:
        """Queue a callback of our own (status change, catalogue push); returns its id."""
        row = self.unsolicited_row(
            action=action,
            target_url=target_url,
            transaction_id=transaction_id,
            payload=payload,
            now=now,
            deadline_at=deadline_at,
        )
        async with self._db.transaction() as connection:
            result = await connection.execute(insert(outbox).values(**row).returning(outbox.c.id))
            return int(result.scalar_one())

    async def any_due(self, now: datetime) -> bool:
        """Whether some job could be claimed now: a read, which takes no write lock."""
        query = select(outbox.c.id).where(*self.queue.due(now)).limit(1)
        return await self._db.read(lambda connection: connection.execute(query).first() is not None)

    async def due_count(self, now: datetime) -> int:
        """How many jobs could be claimed now (pending, due, under no live lease): what a
        running dispatcher would be sending; admission control watches it for a stall."""
        query = select(func.count()).select_from(outbox).where(*self.queue.due(now))
        return await self._db.read(lambda connection: int(connection.execute(query).scalar_one()))

    async def claim(
        self, worker: str, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[ClaimedJob]:
        """Take up to ``limit`` due jobs for ``worker`` until ``lease_until``."""

        if self._db.dialect == "postgresql":
            values = pg_claim_values(worker, now=now, lease_until=lease_until, limit=limit)
            rows = await self._db.statement(PG_CLAIM, values, lane="round")
        else:
            rows = await self._db.write_driver(
                partial(claim_sqlite, worker, now, lease_until, limit)
            )
        return claimed_rows(rows, dialect=self._db.dialect, job=ClaimedJob)

    async def renew(self, worker: str, ids: Sequence[int], *, lease_until: datetime) -> set[int]:
        """Extend ``worker``'s lease on the jobs it is still sending; the ids it held."""
        return await self.queue.renew(worker, ids, lease_until=lease_until)

    async def save_callbacks(
        self,
        built: Sequence[tuple[int, bytes, str | None]],
        more: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Keep each callback's bytes (job id, body, message id), so every retry sends
        exactly the same message, and queue ``more`` callbacks (outbox rows, e.g. the further
        parts of a split answer) in the same transaction. (A settlement keeps the bytes of
        the callbacks not saved before their attempt: :attr:`Settlement.callback`.)"""
        if not built and not more:
            return
        if not more:
            # A round's callbacks' bytes: driver SQL prepared once.
            if self._db.dialect == "postgresql":
                await self._db.statement(PG_SAVE, pg_save_values(built), lane="round")
            else:
                await self._db.write_driver(partial(save_sqlite, built))
            return

        def keep(connection: Connection) -> None:
            if more:
                connection.execute(insert(outbox), list(more))
            if built:
                connection.execute(
                    _SAVE_CALLBACK, [{"job_id": j, "body": b, "mid": m} for j, b, m in built]
                )

        await self._db.write(keep)

    @staticmethod
    def unsolicited_row(
        *,
        action: str,
        target_url: str,
        transaction_id: str | None,
        payload: dict[str, Any],
        now: datetime,
        deadline_at: datetime,
    ) -> dict[str, Any]:
        """An outbox row for a callback of our own, for :meth:`save_callbacks`."""
        return {
            "kind": "unsolicited",
            "action": action,
            "target_url": target_url,
            "transaction_id": transaction_id,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "deadline_at": deadline_at,
        }

    async def hurry(self, transaction_id: str, action: str, *, now: datetime) -> int:
        """Make the transaction's pending answers of ``action`` due now (a build deferred
        until something happened, which now has); how many."""
        async with self._db.transaction() as connection:
            result = await connection.execute(
                update(outbox)
                .where(
                    outbox.c.transaction_id == transaction_id,
                    outbox.c.action == action,
                    outbox.c.kind != "unsolicited",
                    outbox.c.status == "pending",
                    outbox.c.next_attempt_at > now,
                )
                .values(next_attempt_at=now)
            )
            return int(result.rowcount)

    async def awaits_answer(self, transaction_id: str, action: str) -> bool:
        """Whether the transaction's solicited answer of ``action`` is still to be sent (a
        pending job: a deferred build, or retries left)."""
        async with self._db.engine.connect() as connection:
            found = (
                await connection.execute(
                    select(outbox.c.id).where(
                        outbox.c.transaction_id == transaction_id,
                        outbox.c.action == action,
                        outbox.c.kind != "unsolicited",
                        outbox.c.status == "pending",
                    )
                )
            ).first()
        return found is not None

    async def parked_answers(self, action: str) -> list[str]:
        """The transactions whose solicited answer of ``action`` was parked (``failed``)."""
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(
                select(outbox.c.transaction_id)
                .where(
                    outbox.c.action == action,
                    outbox.c.kind != "unsolicited",
                    outbox.c.status == "failed",
                    outbox.c.transaction_id.is_not(None),
                )
                .distinct()
            )
            return [str(row.transaction_id) for row in rows]

    async def settle_many(self, worker: str, settlements: Sequence[Settlement]) -> list[bool]:
        """Record each attempt, move each job to its status and audit the messages sent,
        in one transaction. A job whose lease ``worker`` lost is left alone (False)."""
        if not settlements:
            return []
        if self._db.dialect == "postgresql":
            settled = await self._db.statement(
                PG_SETTLE, pg_settle_values(worker, settlements), lane="settle"
            )
            held = {int(job_id) for (job_id,) in settled}
            return [settlement.job_id in held for settlement in settlements]
        return await self._db.write_driver(partial(settle_sqlite, worker, settlements))

    async def settle(
        self,
        job_id: int,
        worker: str,
        attempt: Attempt,
        *,
        status: str,
        next_attempt_at: datetime | None = None,
    ) -> bool:
        """Record ``attempt`` and move the job to ``status`` if ``worker`` still holds it.

        ``status`` is ``delivered``, ``failed`` (parked) or ``pending`` (retry at
        ``next_attempt_at``). Returns False when the lease was lost to another process.
        """
        [kept] = await self.settle_many(
            worker, [Settlement(job_id, attempt, status, next_attempt_at)]
        )
        return kept

    async def jobs(self, *, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Jobs (newest first), optionally of one status: ``failed`` lists parked callbacks."""
        query = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(outbox.c.status == status)
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def attempts(self, job_id: int) -> list[dict[str, Any]]:
        """Every delivery attempt of one job, oldest first."""
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(
                select(delivery_attempts)
                .where(delivery_attempts.c.outbox_id == job_id)
                .order_by(delivery_attempts.c.id)
            )
            return [dict(row._mapping) for row in rows]

    async def replay(self, job_id: int, *, now: datetime, deadline_at: datetime) -> bool:
        """Put a parked job back in the queue (an operator's decision); False if not parked."""
        return await self._db.write(partial(_replay, job_id, now, deadline_at))


def _replay(job_id: int, now: datetime, deadline_at: datetime, connection: Connection) -> bool:
    """:meth:`Outbox.replay`'s transaction: the job leaves its day's parked sum as it
    leaves the parked state."""
    uncount_parked(connection, job_id)
    result = connection.execute(
        update(outbox)
        .where(and_(outbox.c.id == job_id, outbox.c.status == "failed"))
        .values(
            status="pending",
            next_attempt_at=now,
            deadline_at=deadline_at,
            claimed_by=None,
            claimed_until=None,
        )
    )
    return bool(result.rowcount)
