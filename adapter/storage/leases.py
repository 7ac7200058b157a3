"""What the two lease-claimed queues (the outbox, seller notifications) share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, Update, bindparam, func, update

from adapter.storage.tables import UtcDateTime

__all__ = ["settle_statement"]


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
