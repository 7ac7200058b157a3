"""The families this adapter speaks, put together (see ``adapter.core.contracts``).

Retail 1.2.0 answers the retail actions; IGM 1.0.0's ``issue`` and ``issue_status`` are
taken (parsed, their context checked) but not answered yet, so the edge refuses them with
NACK 40001 instead of ACKing work nobody will do. B2B 2.0.2 (``adapter.core.b2b.family``)
takes every B2B action and answers those whose replies it builds.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Final

import schemas
from adapter.core.b2b.family import B2B_2_0_2
from adapter.core.context_rules import check_context
from adapter.core.contracts import Contract, ContractTable
from adapter.core.replies import REPLIES

__all__ = ["B2B_2_0_2", "FAMILIES", "IGM_1_0_0", "RETAIL_1_2_0", "default_table"]

_RETAIL_ACTIONS: Final = (
    "search", "select", "init", "confirm", "status", "track", "cancel", "update",
    "rating", "support", "catalog_rejection",
)  # fmt: skip
_IGM_ACTIONS: Final = ("issue", "issue_status")


def _requests(actions: tuple[str, ...]) -> MappingProxyType[str, type[schemas.Envelope]]:
    return MappingProxyType(
        {action: schemas.ACTIONS[schemas.Action(action)].request for action in actions}
    )


def _callbacks(actions: tuple[str, ...]) -> MappingProxyType[str, type[schemas.Envelope]]:
    return MappingProxyType(
        {
            str(spec.callback_action): spec.callback
            for action in actions
            if (spec := schemas.ACTIONS[schemas.Action(action)]).callback is not None
            and spec.callback_action is not None
        }
    )


RETAIL_1_2_0: Final = Contract(
    name="retail 1.2.0",
    version="1.2.0",
    requests=_requests(_RETAIL_ACTIONS),
    callbacks=_callbacks(_RETAIL_ACTIONS),
    replies=REPLIES,
    check_context=check_context,
    silent=frozenset({"catalog_rejection"}),
)

IGM_1_0_0: Final = Contract(
    name="IGM 1.0.0",
    version="1.0.0",
    requests=_requests(_IGM_ACTIONS),
    callbacks=_callbacks(_IGM_ACTIONS),
    replies=MappingProxyType({}),
    check_context=check_context,
)

FAMILIES: Final[tuple[Contract, ...]] = (RETAIL_1_2_0, IGM_1_0_0, B2B_2_0_2)
"""Every family the adapter has."""


@cache
def default_table() -> ContractTable:
    """Every family, as one table (built once)."""
    return ContractTable(FAMILIES)
