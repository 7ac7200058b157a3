"""The families this adapter speaks, put together (see ``adapter.core.contracts``).

Retail 1.2.0 and 1.2.5 answer the retail actions (1.2.5 with its own builders where its
contract differs, ``adapter.core.retail125``). Grievances come in two versions: IGM 1.0.0
names itself in ``core_version`` ("1.0.0"); IGM 2.0.0 rides in the retail transaction it is
about, so its context carries that transaction's ``core_version`` ("1.2.0" or "1.2.5"), or
``version`` "2.0.0" where a buyer app names IGM's own version: the same IGM 2.0.0 family is
listed under each of those versions for ``issue`` and ``issue_status``.
B2B 2.0.2 (``adapter.core.b2b.family``, ``version`` "2.0.2") takes every B2B action and
answers those whose replies it builds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Final

import schemas
from adapter.core.b2b.family import B2B_2_0_2
from adapter.core.context_rules import check_context
from adapter.core.contracts import Contract, ContractTable
from adapter.core.replies import REPLIES
from adapter.core.retail125.replies import REPLIES_125
from adapter.core.retail125.sequence import check_sequence
from adapter.igm.replies import IGM1_REPLIES, IGM2_REPLIES

__all__ = [
    "B2B_2_0_2",
    "FAMILIES",
    "IGM_1_0_0",
    "IGM_2_0_0",
    "RETAIL_1_2_0",
    "RETAIL_1_2_5",
    "RETAIL_FAMILIES",
    "default_table",
    "table_for",
]

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

RETAIL_1_2_5: Final = Contract(
    name="retail 1.2.5",
    version="1.2.5",
    requests=RETAIL_1_2_0.requests,
    callbacks=RETAIL_1_2_0.callbacks,
    replies=REPLIES_125,
    check_context=check_context,
    silent=frozenset({"catalog_rejection"}),
    check_sequence=check_sequence,
)
"""Retail 1.2.5: 1.2.0's wire models (every 1.2.5 example payload round-trips through
them), with 1.2.5's replies."""

RETAIL_FAMILIES: Final[Mapping[str, Contract]] = MappingProxyType(
    {family.version: family for family in (RETAIL_1_2_0, RETAIL_1_2_5)}
)
"""Retail version -> family: the versions ``ONDC_CORE_VERSIONS`` chooses from."""

IGM_1_0_0: Final = Contract(
    name="IGM 1.0.0",
    version="1.0.0",
    requests=_requests(_IGM_ACTIONS),
    callbacks=_callbacks(_IGM_ACTIONS),
    replies=IGM1_REPLIES,
    check_context=check_context,
)

# ``on_issue`` comes in too: the buyer app's answer to a complaint the seller raised
# (IGM 2.0.0 Flow2), recorded and ACKed, answered by no callback.
_IGM2_REQUESTS: Final[MappingProxyType[str, type[schemas.Envelope]]] = MappingProxyType(
    {
        "issue": schemas.IssueRequestV2,
        "issue_status": schemas.IssueStatusRequestV2,
        "on_issue": schemas.OnIssueCallbackV2,
    }
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
        silent=frozenset({"on_issue"}),
    )


IGM_2_0_0: Final = _igm2("1.2.0")
"""IGM 2.0.0 in a retail 1.2.0 transaction (``core_version`` "1.2.0")."""

FAMILIES: Final[tuple[Contract, ...]] = (
    RETAIL_1_2_0,
    RETAIL_1_2_5,
    IGM_1_0_0,
    IGM_2_0_0,
    _igm2("1.2.5"),
    _igm2("2.0.0", version_field="version"),
    B2B_2_0_2,
)
"""Every family the adapter has."""


@cache
def default_table() -> ContractTable:
    """Every family, as one table (built once)."""
    return ContractTable(FAMILIES)


def table_for(retail_versions: Iterable[str]) -> ContractTable:
    """The families of a deployment serving the retail versions given (``ONDC_CORE_VERSIONS``)
    and every other family; a retail request naming another version is refused naming its
    ``context.core_version``. Raises ``ValueError`` for a version no family serves."""
    wanted = set(retail_versions)
    unknown = wanted - set(RETAIL_FAMILIES)
    if unknown:
        raise ValueError(f"no retail family for version(s) {', '.join(sorted(unknown))}")
    if wanted == set(RETAIL_FAMILIES):
        return default_table()
    retail = {family.name for family in RETAIL_FAMILIES.values()}
    # A family riding in a retail version (IGM 2.0.0 under "1.2.5") goes with that version.
    return ContractTable(
        family
        for family in FAMILIES
        if family.version in wanted
        or (family.name not in retail and family.version not in RETAIL_FAMILIES)
    )
