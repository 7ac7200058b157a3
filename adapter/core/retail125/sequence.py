"""Pramaan's sequence rules for a retail 1.2.5 request, checked at the edge (pure).

Pramaan NACKs a request that comes out of the transaction's order (ONDC-Official/
automation-specifications, ``draft-RET1x-1.2.5``, ``config/actions/index.yaml``
``apiProperties.transaction_partner``), and so does this seller app, before ACKing work
that could only end in an error callback:

- a ``confirm`` needs an ``init`` answered with ``on_init`` before it (30019, order confirm
  error);
- ``status``, ``track``, ``cancel`` and ``update`` need a confirmed order (30018, order not
  found);
- ``select`` and ``init`` come before the confirm, never after it (30000);
- a message id names one request of the transaction: a request reusing the id of another
  action's request is refused (30000; the same request sent again is a duplicate, which the
  edge ACKs without work).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Final, Protocol

import schemas
from adapter.core.errors import NetworkError

__all__ = [
    "ConfirmWithoutInit",
    "OrderNotFound",
    "OutOfSequence",
    "TransactionHistory",
    "check_sequence",
]


class OutOfSequence(NetworkError):
    """A request out of its transaction's order (ONDC 30000, HTTP 400)."""

    code: ClassVar[str] = "30000"
    http_status: ClassVar[int] = 400
    error_type: ClassVar[str] = "CONTEXT-ERROR"


class ConfirmWithoutInit(OutOfSequence):
    """A confirm with no init and on_init before it (ONDC 30019, order confirm error)."""

    code: ClassVar[str] = "30019"


class OrderNotFound(OutOfSequence):
    """A request about an order the transaction has not confirmed (ONDC 30018)."""

    code: ClassVar[str] = "30018"


class TransactionHistory(Protocol):
    """What the edge knows of a transaction before it takes a new request."""

    async def requests(self, transaction_id: str) -> Sequence[tuple[str, str]]:
        """The (action, message id) of every request accepted in the transaction."""
        ...

    async def stage(self, transaction_id: str) -> str | None:
        """How far its order got: ``selected``, ``initialized``, ``confirmed``, or None."""
        ...


_AFTER_CONFIRM: Final = frozenset({"status", "track", "cancel", "update"})
_BEFORE_CONFIRM: Final = frozenset({"select", "init"})


async def check_sequence(request: schemas.Envelope, history: TransactionHistory) -> None:
    """Raise :class:`OutOfSequence` (or a subclass) when ``request`` breaks the order of its
    transaction; searches and catalogue messages are not part of an order's sequence."""
    context = request.context
    action = context.action or ""
    transaction_id = context.transaction_id or ""
    if action not in _AFTER_CONFIRM | _BEFORE_CONFIRM | {"confirm"}:
        return
    for seen_action, seen_id in await history.requests(transaction_id):
        if seen_id == context.message_id and seen_action != action:
            raise OutOfSequence(
                f"context.message_id {context.message_id} is the message id of this "
                f"transaction's /{seen_action}; each request needs its own",
                path="context.message_id",
            )
    stage = await history.stage(transaction_id)
    if action == "confirm" and stage not in ("initialized", "confirmed"):
        raise ConfirmWithoutInit(
            "/confirm needs /init and its /on_init in the same transaction first "
            f"(transaction {transaction_id} has {'no order' if stage is None else stage})",
            path="context.transaction_id",
        )
    if action in _AFTER_CONFIRM and stage != "confirmed":
        raise OrderNotFound(
            f"/{action} needs a confirmed order in transaction {transaction_id} "
            f"({'none yet' if stage is None else 'it is ' + stage})",
            path="context.transaction_id",
        )
    if action in _BEFORE_CONFIRM and stage == "confirmed":
        raise OutOfSequence(
            f"/{action} after /confirm: transaction {transaction_id} is already an order; "
            "a new cart needs a new transaction",
            path="context.transaction_id",
        )
