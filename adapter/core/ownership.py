"""Whose transaction it is: a transaction belongs to the buyer app that opened it. Pure.

The first ``/select`` (or ``/init``) of a transaction records the buyer app's
``context.bap_id`` and ``context.bap_uri`` with the draft. Every later request in that
transaction (select, init, confirm, status, track, cancel, update, rating, support) must
come from the same subscriber at the same URI; anything else is refused before it reads or
changes the transaction, and the refusal reads exactly as it would for a transaction that
does not exist, so another buyer app learns nothing of the order, its buyer or its state.

The edge has already checked that the request is signed by ``context.bap_id`` (ONDC retail
1.2.0: the ``keyId`` subscriber and ``bap_id`` agree), so a matching ``bap_id`` proves who
is asking; the ``bap_uri`` must match too because callbacks go to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import schemas
from adapter.core.orders import OrderRow

__all__ = ["FOREIGN_REFUSALS", "belongs_to", "foreign_refusal"]

_UNKNOWN_TRANSACTION: Final = (
    "30000",
    "context.transaction_id is not a transaction of this buyer app: start a new transaction",
)

FOREIGN_REFUSALS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "select": _UNKNOWN_TRANSACTION,
        "init": _UNKNOWN_TRANSACTION,
        # What a confirm of a transaction with no /init gets: 30019 order confirm error.
        "confirm": ("30019", "confirm needs an /init in the same transaction first"),
        "status": ("30018", "no order of this buyer app in this transaction"),
        "track": ("30018", "no order of this buyer app in this transaction"),
        "cancel": ("30018", "no order of this buyer app in this transaction"),
        "update": ("30018", "no order of this buyer app in this transaction"),
        "rating": _UNKNOWN_TRANSACTION,
        "support": ("50004", "no order or transaction of this buyer app to give support for"),
    }
)
"""Action -> the ONDC error (code, message) a request in another buyer app's transaction
gets: the same answer as for a transaction that does not exist (ONDC retail 1.2.0 error
codes: 30000 invalid request, 30018 order not found, 30019 order confirm error, 50004
support unavailable)."""


def belongs_to(row: OrderRow, context: schemas.Context) -> bool:
    """Whether the buyer app of ``context`` is the one that opened ``row``'s transaction."""
    return row.bap_id == (context.bap_id or "") and row.bap_uri == str(context.bap_uri)


def foreign_refusal(action: str) -> tuple[str, str]:
    """The error (code, message) for ``action`` in a transaction of another buyer app."""
    return FOREIGN_REFUSALS.get(action, _UNKNOWN_TRANSACTION)
