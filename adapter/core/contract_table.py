"""The families this adapter speaks, put together (see ``adapter.core.contracts``).

Retail 1.2.0 answers the retail actions. Grievances come in two versions: IGM 1.0.0 names
itself in ``core_version`` ("1.0.0"); IGM 2.0.0 rides in the retail transaction it is
about, so its context carries that transaction's ``core_version`` ("1.2.0" or "1.2.5"),
or ``version`` "2.0.0" where a buyer app names IGM's own version: the same IGM 2.0.0
family is listed under each of those versions for ``issue`` and ``issue_status``.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Final

import schemas
from adapter.core.context_rules import check_context
from adapter.core.contracts import Contract, ContractTable
from adapter.core.replies import REPLIES
from adapter.igm.replies import IGM1_REPLIES, IGM2_REPLIES

__all__ = ["FAMILIES", "IGM_1_0_0", "IGM_2_0_0", "RETAIL_1_2_0", "default_table"]

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
    replies=IGM1_REPLIES,
    check_context=check_context,
)

_IGM2_REQUESTS: Final[MappingProxyType[str, type[schemas.Envelope]]] = MappingProxyType(
    {"issue": schemas.IssueRequestV2, "issue_status": schemas.IssueStatusRequestV2}
)
_IGM2_CALLBACKS: Final[MappingProxyType[str, type[schemas.Envelope]]] = MappingProxyType(
    {"on_issue": schemas.OnIssueCallbackV2, "on_issue_status": schemas.OnIssueStatusCallbackV2}
)


def _igm2(carried_by: str, version_field: str = "core_version") -> Contract:
    return Contract(
        name="IGM 2.0.0",
        version=carried_by,
        requests=_IGM2_REQUESTS,
        callbacks=_IGM2_CALLBACKS,
        replies=IGM2_REPLIES,
        check_context=check_context,
        version_field=version_field,
    )


IGM_2_0_0: Final = _igm2("1.2.0")
"""IGM 2.0.0 in a retail 1.2.0 transaction (``core_version`` "1.2.0")."""

FAMILIES: Final[tuple[Contract, ...]] = (
    RETAIL_1_2_0,
    IGM_1_0_0,
    IGM_2_0_0,
    _igm2("1.2.5"),
    _igm2("2.0.0", version_field="version"),
)
"""Every family the adapter has."""


@cache
def default_table() -> ContractTable:
    """Every family, as one table (built once)."""
    return ContractTable(FAMILIES)
